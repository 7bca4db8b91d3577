"""Sentence boundaries (pipeline.nlp.sentences) on real cable text: the
bundled sample drop, raw (with the telegram's hard line wraps) and as the
parser's paragraph text; short quotes from corpus cables where the sample
drop has no instance (named beside each)."""

import re

import pytest

from pipeline.cables.parse import parse_file
from pipeline.cables.read import read_cable_text
from pipeline.nlp.sentences import sentence_spans, split_sentences


def _raw_and_text(sample_drop, cable_id, index):
    path = sample_drop / f"{cable_id}.txt"
    para = parse_file(path).paragraphs[index]
    return read_cable_text(path)[para.start : para.end], para.text


def _flat(s):
    return " ".join(s.split())


def test_sept_and_amb_with_hard_wraps(sample_drop):
    raw, text = _raw_and_text(sample_drop, "06REYKJAVIK331", 1)
    assert "\n" in raw
    for t in (raw, text):
        sents = [_flat(s) for s in split_sentences(t)]
        assert len(sents) == 3
        assert sents[0].endswith("to deliver ref A and B points.")
        assert sents[1].startswith("Per Gudjonson, Iceland is attending the Sept. 11-16 Non-Aligned Movement")
        assert sents[2] == (
            "Gudjonson said Iceland will be represented at the NAM summit by Amb. Sigridur Asdis "
            "Snaevarr, who is directing Iceland's UNSC campaign."
        )


def test_us_and_eo_mid_sentence_and_sipdis_line_inside_a_sentence(sample_drop):
    raw, text = _raw_and_text(sample_drop, "07KUWAIT808", 0)
    raw_sents = [_flat(s) for s in split_sentences(raw)]
    text_sents = [_flat(s) for s in split_sentences(text)]
    assert len(raw_sents) == len(text_sents) == 5
    assert raw_sents[0].startswith("¶1. (S/NF) Summary: On April 23-24, Treasury Assistant Secretary")
    assert raw_sents[0].endswith("(AML/CTF) issues.")
    assert raw_sents[2].endswith("designated by the U.S. in December 2006, pursuant to E.O. 13224.")
    assert raw_sents[1:] == text_sents[1:]


def test_all_caps_us_mid_sentence(sample_drop):
    raw, _ = _raw_and_text(sample_drop, "00ATHENS1917", 0)
    sents = [_flat(s) for s in split_sentences(raw)]
    assert any(s.startswith("GREEK DIFFERENCES WITH THE U.S. ARE CENTERED ON THE APPROPRIATE TACTICS") for s in sents)
    assert "NO ONE IN THE GREEK GOVERNMENT QUESTIONS THE PREMISE THAT THE MILOSEVIC REGIME MUST GO." in sents


@pytest.mark.parametrize(
    "text,expected",
    [
        # corpus cable quotes (cablegate): the classification line of a charge's cable
        (
            "(U) Classified by Charge d'Affaires a.i. Robert S. Deutsch. \nReason:1.5(b)(d).",
            ["(U) Classified by Charge d'Affaires a.i. Robert S. Deutsch.", "Reason:1.5(b)(d)."],
        ),
        (
            "Phillip T. Chicola, Charge d'Affaires, a.i.; Christopher J. McMullen, Consul General; and John Harris.",
            ["Phillip T. Chicola, Charge d'Affaires, a.i.; Christopher J. McMullen, Consul General; and John Harris."],
        ),
        # "U.S." does end a sentence when a sentence opener follows
        (
            "and less\naversion to working closely with the U.S. The byword for\nFrance's re-positioning",
            ["and less\naversion to working closely with the U.S.", "The byword for\nFrance's re-positioning"],
        ),
        (
            "is one to be settled by the GoB with the IAEA, not with the U.S. The USG is, however, pressing",
            ["is one to be settled by the GoB with the IAEA, not with the U.S.", "The USG is, however, pressing"],
        ),
        # ALL CAPS after an abbreviation: only pronouns/determiners open a sentence
        # (sample drop 10DOHA60 and 00HANOI686, shortened)
        (
            "THE THREE INDIVIDUALS BELOW ENTERED THE U.S. ON 15 AUGUST 2001 ABOARD BRITISH AIRWAYS.",
            ["THE THREE INDIVIDUALS BELOW ENTERED THE U.S. ON 15 AUGUST 2001 ABOARD BRITISH AIRWAYS."],
        ),
        (
            "SENIOR LEADERS ARE DEEPLY DISTRUSTFUL OF THE U.S. THEIR FUNDAMENTAL CAUTION REMAINS.",
            ["SENIOR LEADERS ARE DEEPLY DISTRUSTFUL OF THE U.S.", "THEIR FUNDAMENTAL CAUTION REMAINS."],
        ),
        # a compound ending in an abbreviation (07AMMAN4693)
        ("a participant in the Jordanian-U.S. Business Partnership.", ["a participant in the Jordanian-U.S. Business Partnership."]),
        # sub-paragraph markers and enumerators stay with what follows
        ("Health care is poor. \u00b6B. Demonstrations Peaceful demonstrations are common.", ["Health care is poor.", "\u00b6B. Demonstrations Peaceful demonstrations are common."]),
        ("II. WHERE WE ARE NOW", ["II. WHERE WE ARE NOW"]),  # 10RPODUBAI13
        # a blank line ends a sentence; a paragraph number does not
        ("SUBJECT: NET ASSESSMENT\n\n1. (C) Summary. The talks failed.", ["SUBJECT: NET ASSESSMENT", "1. (C) Summary.", "The talks failed."]),
    ],
)
def test_corpus_quotes(text, expected):
    assert split_sentences(text) == expected


def test_spans_index_the_text_and_cover_every_word(sample_drop):
    path = sample_drop / "07PHNOMPENH1308.txt"
    raw = read_cable_text(path)
    spans = sentence_spans(raw)
    assert len(spans) > 20
    for (a, b), (c, _) in zip(spans, spans[1:]):
        assert a < b <= c
        assert not raw[a].isspace() and not raw[b - 1].isspace()
    covered = "".join(raw[a:b] for a, b in spans)
    assert re.sub(r"\s", "", covered) == re.sub(r"\s", "", raw)
