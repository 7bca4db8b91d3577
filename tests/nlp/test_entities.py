"""NER on real cable paragraphs with the real spaCy model and cable rules."""

import pytest

from pipeline.nlp.entities import extract_entities


@pytest.fixture(scope="module")
def phnompenh_entities(nlp, phnompenh_path):
    from pipeline.cables.parse import parse_file

    cable = parse_file(phnompenh_path)
    texts = [p.text for p in cable.paragraphs]
    return texts, extract_entities(nlp, texts)


@pytest.mark.parametrize(
    "text,label",
    [("Chan Sotheavy", "PERSON"), ("Ang Vong Vathana", "PERSON"), ("Cambodia", "GPE"), ("Ministry of Justice", "ORG")],
)
def test_phnompenh_entities_found(phnompenh_entities, text, label):
    _, ents = phnompenh_entities
    found = {(e.text, e.label) for para in ents for e in para}
    assert (text, label) in found


def test_offsets_point_into_paragraph_text(phnompenh_entities):
    texts, ents = phnompenh_entities
    assert sum(map(len, ents)) > 20
    for text, para in zip(texts, ents):
        for e in para:
            assert text[e.start : e.end] == e.text
            assert "\n" not in e.text


@pytest.mark.parametrize(
    "text,span,label",
    [
        ("Cleared with AMEMBASSY PHNOM PENH and SECSTATE WASHDC today.", "AMEMBASSY PHNOM PENH", "POST"),
        ("Cleared with AMEMBASSY PHNOM PENH and SECSTATE WASHDC today.", "SECSTATE WASHDC", "POST"),
        ("As reported in 07PHNOMPENH1307, the court met.", "07PHNOMPENH1307", "CABLE_REF"),
        ("As reported in PHNOM PENH 1307, the court met.", "PHNOM PENH 1307", "CABLE_REF"),
        ("Per STATE 123456, posts should reply.", "STATE 123456", "CABLE_REF"),
        ("This cable is tagged PGOV and PHUM.", "PGOV", "TAG"),
    ],
)
def test_cable_rules(nlp, text, span, label):
    ents = extract_entities(nlp, [text])[0]
    assert (span, label) in {(e.text, e.label) for e in ents}


def test_redactions_are_never_entities(nlp):
    text = "XXXXXXXXXXXX told Poloff that Minister XXXXXXXXXXXX would visit Paris."
    ents = extract_entities(nlp, [text])[0]
    assert all("XXXX" not in e.text for e in ents)
    assert ("Paris", "GPE") in {(e.text, e.label) for e in ents}


def test_huge_paragraph_is_windowed_not_refused(nlp, monkeypatch):
    from pipeline import config

    cfg = {k: dict(v) for k, v in config.load_config().items()}
    cfg["spacy"]["max_chars"] = 200
    monkeypatch.setattr("pipeline.nlp.entities.load_config", lambda: cfg)
    text = ("The delegation met officials in Cambodia. " * 20) + "Finally Chan Sotheavy spoke in Phnom Penh."
    ents = extract_entities(nlp, [text])[0]
    assert ents[-1].end > 200, "entities beyond the first window must be found"
    for e in ents:
        assert text[e.start : e.end] == e.text


@pytest.mark.parametrize(
    "text,year,kb_id",
    [
        ("As reported in PHNOM PENH 1307, the court met.", "07", "07PHNOMPENH1307"),
        ("As reported in 07PHNOMPENH1307, the court met.", None, "07PHNOMPENH1307"),
        ("Per 08 STATE 123456, posts should reply.", "07", "08STATE123456"),
        ("As reported in PHNOM PENH 1307, the court met.", None, None),
    ],
)
def test_cable_refs_resolve_to_reference_ids(nlp, text, year, kb_id):
    ents = [e for e in extract_entities(nlp, [text], years=[year])[0] if e.label == "CABLE_REF"]
    assert len(ents) == 1
    assert ents[0].kb_id == kb_id


# --- never entities (issue 6): redactions, SIPDIS, routing words, markings ---

_ENVELOPE = (  # the routing block of 07PHNOMPENH1308 as printed
    "VZCZCXRO1609 PP RUEHCHI RUEHDT RUEHHM RUEHNH DE RUEHPF #1308/01 2900947 ZNR UUUUU ZZH "
    "P 170947Z OCT 07 FM AMEMBASSY PHNOM PENH TO RUEHPB/AMEMBASSY PORT MORESBY PRIORITY 0019 "
    "RUEHC/SECSTATE WASHINGTON DC INFO RUCNASE/ASEAN MEMBER COLLECTIVE"
)


def test_routing_words_are_never_entities(nlp):
    from pipeline.nlp.entities import _ROUTING

    for restore in (True, False):
        ents = extract_entities(nlp, [_ENVELOPE], restore_case=restore)[0]
        for e in ents:
            assert not any(_ROUTING.match(w) for w in e.text.replace("/", " ").split()), e
        assert ("AMEMBASSY PHNOM PENH", "POST") in {(e.text, e.label) for e in ents}


@pytest.mark.parametrize("cable_id", ["06RIYADH9095", "07KAMPALA1752", "07KUWAIT808", "08BANGKOK3317", "07PHNOMPENH1308"])
def test_redactions_sipdis_markings_line_breaks_never_in_entities(nlp, sample_drop, cable_id):
    import re

    from pipeline.cables.parse import parse_file

    texts = [p.text for p in parse_file(sample_drop / f"{cable_id}.txt").paragraphs]
    assert any(re.search(r"(?i)x{4,}|sipdis", t) for t in texts) or cable_id == "07PHNOMPENH1308"
    for text, para in zip(texts, extract_entities(nlp, texts + [], cables=[0] * len(texts))):
        for e in para:
            assert not re.search(r"(?i)x{4,}|sipdis|\n", e.text), e
            assert e.text not in ("SBU", "S/NF", "NOFORN")
            assert text[e.start : e.end] == e.text


def test_redaction_at_an_entity_edge_is_cut_off_not_the_entity(nlp, sample_drop):
    from pipeline.cables.parse import parse_file

    texts = [p.text for p in parse_file(sample_drop / "06RIYADH9095.txt").paragraphs]
    found = {e.text for p in extract_entities(nlp, texts) for e in p}
    assert "the Saudi Financial Intelligence Unit" in found


def test_clean_span():
    from pipeline.nlp.entities import clean_span

    t = "Minister XXXXXXXXXXXX, Sipdis Hun Sen and xxxxx"
    hun = t.index("Hun")
    assert clean_span(t, 0, t.index(",") + 1) == (0, 8)  # "Minister XXXXXXXXXXXX," -> "Minister"
    assert clean_span(t, 9, hun + 7) == (hun, hun + 7)  # "XXXXXXXXXXXX, Sipdis Hun Sen" -> "Hun Sen"
    assert clean_span(t, t.index("xxxxx"), len(t)) is None
    assert clean_span(t, 0, hun + 7) is None  # a redaction inside: dropped
    assert clean_span("a\nb", 0, 3) is None
    assert clean_span("(SBU) text", 1, 4) is None


@pytest.mark.parametrize(
    "text,span,kb_id",
    [
        ("As noted in ref A, the court met.", "ref A", "07PHNOMPENH1307"),
        ("AS NOTED IN REF B. THE COURT MET.", "REF B", "07STATE123456"),
        ("As reported in reftel, the court met.", "reftel", None),  # two items: which one is unknown
    ],
)
def test_ref_letters_are_cable_refs_resolved_through_the_ref_list(nlp, text, span, kb_id):
    refs = {"A": "07PHNOMPENH1307", "B": "07STATE123456"}
    ents = [e for e in extract_entities(nlp, [text], references=[refs])[0] if e.label == "CABLE_REF"]
    assert [(e.text, e.kb_id) for e in ents] == [(span, kb_id)]


def test_titles_in_an_all_caps_cable(nlp, phnompenh_path):
    from pipeline.cables.parse import parse_file

    texts = [p.text.upper() for p in parse_file(phnompenh_path).paragraphs]
    ents = extract_entities(nlp, texts, cables=[0] * len(texts))
    titled = {(e.text, e.title) for p in ents for e in p if e.label == "PERSON"}
    assert ("ANG VONG VATHANA", "MINISTER OF JUSTICE") in titled
    assert ("SAR KHENG", "MINISTER OF INTERIOR") in titled


def test_tag_entities_carry_their_meaning_where_known(nlp):
    # 07PHNOMPENH1308's TAGS line: PGOV PHUM PREL KWMN CB; CB (a country code) has no subject meaning.
    text = "TAGS: PGOV PHUM PREL KWMN CB"
    tags = {e.text: e.expansion for e in extract_entities(nlp, [text])[0] if e.label == "TAG"}
    assert tags["PGOV"] == "Internal governmental affairs"
    assert tags["PHUM"] == "Human rights"
    assert tags["KWMN"] == "Women's issues"
    assert tags.get("CB") is None


def test_new_words_leave_no_strings_behind(nlp, phnompenh_path):
    """A long run sees new words without end; spaCy would keep each one's
    string for the life of the pipeline.  extract_entities runs the pipeline
    in a memory zone, so the store is back to its size afterwards, and the
    entities it returns are plain strings that outlive the zone."""
    from pipeline.cables.parse import parse_file

    texts = [p.text for p in parse_file(phnompenh_path).paragraphs[:6]]
    texts = [t + " Zqwxvplorth Ambassador Yrtkvenshaw met Qzzplim." for t in texts]
    extract_entities(nlp, texts[:1])  # warm-up: anything the pipeline adds once for good
    before = len(nlp.vocab.strings)
    ents = extract_entities(nlp, texts)
    assert len(nlp.vocab.strings) == before
    assert "Zqwxvplorth" not in nlp.vocab.strings
    assert any(e.label == "GPE" for es in ents for e in es)
    assert all(isinstance(e.label, str) and e.text for es in ents for e in es)
