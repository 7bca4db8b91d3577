"""The issue's hard acceptance case: 07PHNOMPENH1308 (preamble layout, INFO
line glued to the classification line, pilcrow in the REF list, page breaks,
dashed headings, signer under the last paragraph)."""

from __future__ import annotations

import pytest

from cable_helpers import field, parsed

CID = "07PHNOMPENH1308"

ROWS = [
    ("header.cable_id", "07PHNOMPENH1308"),
    ("header.date", "2007-10-17T09:47:00Z"),
    ("header.dtg", "170947Z OCT 07"),
    ("header.precedence", "PRIORITY"),
    ("header.origin", "AMEMBASSY PHNOM PENH"),
    ("header.to", ["AMEMBASSY PORT MORESBY", "SECSTATE WASHINGTON DC"]),
    ("header.info", ["ASEAN MEMBER COLLECTIVE"]),
    ("header.classification.level", "SBU"),
    ("header.section", "SECTION 01 OF 03"),
    ("header.eo.order", "12958"),
    ("header.eo.declassify", "N/A"),
    ("header.tags", ["PGOV", "PHUM", "PREL", "KWMN", "CB"]),
    ("header.subject", "CAMBODIA TIP ACTION PLAN RECEIVED WITH INTEREST, INTENT, DOUBTS"),
    ("len(header.references)", 2),
    ("header.references[0].letter", "A"),
    ("header.references[0].cable_id", "07PHNOMPENH1307"),
    ("header.references[1].letter", "B"),
    ("header.references[1].cable_id", None),
    ("header.classified_by", None),
    ("header.signer", "MUSSOMELI"),
    ("len(paragraphs)", 13),
    ("paragraphs[0].number", "1"),
    ("paragraphs[0].zone", "summary"),
    ("paragraphs[1].heading", "ACTION PLAN WELL-RECEIVED"),
    ("paragraphs[2].heading", "COURT GOALS AMBITIOUS"),
    ("paragraphs[3].heading", None),
    ("paragraphs[9].heading", "LESS CONCERN OVER EFFORTS AGAINST NON-WESTERN SEX TOURISTS"),
    ("paragraphs[11].heading", "COMMENT"),
    ("paragraphs[11].zone", "comment"),
    ("paragraphs[12].number", "13"),
]


@pytest.mark.parametrize("name,expected", ROWS, ids=[r[0] for r in ROWS])
def test_field(name, expected):
    assert field(parsed(CID), name) == expected


def test_all_paragraphs_sbu_and_numbered_in_order():
    paras = parsed(CID).paragraphs
    assert [p.number for p in paras] == [str(i) for i in range(1, 14)]
    assert {p.sensitivity for p in paras} == {"SBU"}
    assert {p.marking for p in paras} == {"SBU"}


def test_paragraph_six_has_no_page_break_and_is_joined():
    p6 = parsed(CID).paragraphs[5]
    assert "002.2 OF 003" not in p6.text and "PHNOM PENH 00001308" not in p6.text
    assert "repeatedly expressing a desire for a national data collection system" in p6.text
    assert "\n" not in p6.text and "  " not in p6.text


def test_text_cleaning_keeps_safe_hyphens_and_drops_marking():
    p1 = parsed(CID).paragraphs[0]
    assert p1.text.startswith("Summary. Royal Government of Cambodia anti-TIP contacts")
    assert "(SBU)" not in p1.text and "¶" not in p1.text


def test_headings_not_glued_to_previous_paragraph():
    paras = parsed(CID).paragraphs
    assert "ACTION PLAN WELL-RECEIVED" not in paras[0].text
    assert "COMMENT" not in paras[10].text and "---" not in paras[10].text


def test_signer_not_in_last_paragraph():
    assert "MUSSOMELI" not in parsed(CID).paragraphs[-1].text
    assert parsed(CID).paragraphs[-1].text.endswith("by the November 17 deadline.")


def test_offsets_point_into_the_read_text():
    from cable_helpers import cable_path
    from pipeline.cables.read import read_cable_text

    text = read_cable_text(cable_path(CID))
    paras = parsed(CID).paragraphs
    assert text[paras[0].start:paras[0].end].startswith("¶1.  (SBU) Summary.")
    assert text[paras[-1].start:paras[-1].end].endswith("November 17 deadline.")
    assert all(a.end <= b.start for a, b in zip(paras, paras[1:]))


def test_hash_of_raw_bytes():
    import hashlib

    from cable_helpers import cable_path

    assert parsed(CID).source_sha256 == hashlib.sha256(cable_path(CID).read_bytes()).hexdigest()


def test_summary_and_comment_exposed_on_header():
    h, paras = parsed(CID).header, parsed(CID).paragraphs
    assert h.summary == paras[0].text  # "¶1. (SBU) Summary. ... End Summary."
    assert h.summary.startswith("Summary. Royal Government of Cambodia anti-TIP contacts")
    assert h.comment == " ".join(p.text for p in paras[11:13] if p.zone == "comment")
