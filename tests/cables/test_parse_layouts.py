"""Parser rows over the other layouts of the corpus, one row per
(cable id, field, expected); expectations read off the cable texts."""

from __future__ import annotations

import pytest

from cable_helpers import field, parsed

ROWS = [
    # short FM/TO header, spaced classification, all-caps, CLASSIFIED BY in para 1
    ("00ABUDHABI5893", "header.cable_id", "00ABUDHABI5893"),
    ("00ABUDHABI5893", "header.date", "2000-10-31T08:38:00Z"),
    ("00ABUDHABI5893", "header.precedence", "ROUTINE"),
    ("00ABUDHABI5893", "header.classification.level", "C"),
    ("00ABUDHABI5893", "header.section", "SECTION 01 OF 02"),
    ("00ABUDHABI5893", "header.eo.declassify", "2010-10-30"),
    ("00ABUDHABI5893", "header.tags", ["PREL", "XF", "TC"]),
    ("00ABUDHABI5893", "header.classified_by.reasons", ["1.5(b)", "1.5(d)"]),
    ("00ABUDHABI5893", "header.signer", "KATTOUF"),
    ("00ABUDHABI5893", "paragraphs[1].sensitivity", "C"),
    ("00ABUDHABI5893", "paragraphs[1].zone", "summary"),
    # WikiLeaks layout with "header ends", NOFORN line, S/NF markings
    ("02BOGOTA3281", "header.classification.level", "S"),
    ("02BOGOTA3281", "header.classification.caveats", ["NOFORN"]),
    ("02BOGOTA3281", "header.references[0].cable_id", "02BOGOTA3101"),
    ("02BOGOTA3281", "header.classified_by.by", "AMBASSADOR ANNE W. PATTERSON"),
    ("02BOGOTA3281", "header.classified_by.reasons", ["1.5(b)", "1.5(d)"]),
    ("02BOGOTA3281", "header.signer", "PATTERSON"),
    ("02BOGOTA3281", "paragraphs[0].marking", "S/NF"),
    ("02BOGOTA3281", "paragraphs[0].sensitivity", "S"),
    ("02BOGOTA3281", "paragraphs[0].caveats", ["NF"]),
    ("02BOGOTA3281", "paragraphs[0].heading", None),
    ("02BOGOTA3281", "paragraphs[1].sensitivity", "C"),
    # reflowed one-paragraph-per-line body, inline dashed headings, glued signer
    ("08CAIRO2175", "header.precedence", "IMMEDIATE"),
    ("08CAIRO2175", "header.classification.level", "SBU"),
    ("08CAIRO2175", "header.to", ["SECSTATE WASHDC"]),
    ("08CAIRO2175", "header.signer", "SCOBEY"),
    ("08CAIRO2175", "paragraphs[2].heading", "Tunnel Openings Detected and Closed"),
    ("08CAIRO2175", "paragraphs[4].heading", "Long-term: Reducing Incentives to Smuggle"),
    ("08CAIRO2175", "len(paragraphs)", 5),
    # VZCZC routing, unmarked numbered paragraphs
    ("07SANJOSE107", "header.date", "2007-01-22T20:12:00Z"),
    ("07SANJOSE107", "header.classification.level", "U"),
    ("07SANJOSE107", "header.references[0].cable_id", "07STATE202978"),
    ("07SANJOSE107", "header.signer", "LANGDALE"),
    ("07SANJOSE107", "len(paragraphs)", 3),
    ("07SANJOSE107", "paragraphs[0].marking", None),
    ("07SANJOSE107", "paragraphs[0].sensitivity", None),
    # U+2028 line separators, headings between dashed lines
    ("06MEXICO2220", "header.classification.level", "SBU"),
    ("06MEXICO2220", "paragraphs[0].heading", "SUMMARY AND INTRODUCTION"),
    ("06MEXICO2220", "paragraphs[2].heading", "MACROECONOMIC STABILITY UNDER FOX"),
    ("06MEXICO2220", "header.signer", "GARZA"),
    # database dump with backslash line continuations, no DTG
    ("05MANAMA1672", "header.date", None),
    ("05MANAMA1672", "header.classification.level", "C"),
    ("05MANAMA1672", "header.classified_by.reasons", ["1.4(b)", "1.4(d)"]),
    ("05MANAMA1672", "header.signer", "MONROE"),
    ("05MANAMA1672", "paragraphs[2].sensitivity", "C"),
    # tika dump, many page breaks, 37 paragraphs
    ("06NEWDELHI5135", "header.classification.level", "C"),
    ("06NEWDELHI5135", "len(paragraphs)", 37),
    ("06NEWDELHI5135", "header.signer", "PYATT"),
    # partial extract: no routing, no DTG -> nothing invented
    ("02ANKARA8852", "header.date", None),
    ("02ANKARA8852", "header.precedence", None),
    ("02ANKARA8852", "header.origin", None),
    ("02ANKARA8852", "header.references[0].text", "ANKARA 6856"),
    ("02ANKARA8852", "header.references[0].cable_id", None),
    ("02ANKARA8852", "len(header.references)", 5),
    ("02ANKARA8852", "header.cable_id", "02ANKARA8852"),  # year from the file name only
    # "O P" two-letter precedence, EO without dots, NOFORN line, 13 refs
    ("08STATE50524", "header.precedence", "IMMEDIATE"),
    ("08STATE50524", "header.eo.order", "12958"),
    ("08STATE50524", "header.classification.caveats", ["NOFORN"]),
    ("08STATE50524", "header.references[0].cable_id", "08STATE162318"),
    ("08STATE50524", "header.info", ["AMEMBASSY BAGHDAD"]),
    # E F T O in the class line: WikiLeaks id keeps it
    ("08EFTOLONDON2883", "header.cable_id", "08EFTOLONDON2883"),
    ("08EFTOLONDON2883", "header.classification.level", "SBU"),
    ("08EFTOLONDON2883", "paragraphs[0].marking", "SBU/NF"),
    ("08EFTOLONDON2883", "paragraphs[0].sensitivity", "SBU"),
    # old all-caps cables: 1966 year rule, unnumbered paragraphs
    ("66BUENOSAIRES2481", "header.date", "1966-12-28T18:48:00Z"),
    ("66BUENOSAIRES2481", "header.signer", "SACCIO"),
    ("72TEHRAN1164", "header.date", "1972-02-25T09:30:00Z"),
    ("72TEHRAN1164", "header.signer", "HECK"),
    ("72TEHRAN1164", "paragraphs[0].number", None),
    ("72TEHRAN1164", "paragraphs[1].zone", "summary"),
]


@pytest.mark.parametrize("cid,name,expected", ROWS, ids=[f"{r[0]}:{r[1]}" for r in ROWS])
def test_field(cid, name, expected):
    assert field(parsed(cid), name) == expected


@pytest.mark.parametrize("cid", ["06NEWDELHI5135", "07PHNOMPENH1308", "00HANOI686"])
def test_no_page_break_or_sipdis_in_text(cid):
    import re

    for p in parsed(cid).paragraphs:
        assert not re.search(r"\d{3}(?:\.\d)? OF \d{3}", p.text), p.text[:80]
        assert "SIPDIS" not in p.text
        assert "PAGE 0" not in p.text


def test_backslash_continuations_removed():
    for p in parsed("05MANAMA1672").paragraphs:
        assert "\\" not in p.text


def test_unnumbered_blocks_before_numbered_paragraphs():
    """72TEHRAN1164: blocks between blank lines before ``1.`` are unnumbered
    paragraphs (LABELING.md), then numbered paragraphs 1..8 follow."""
    paras = parsed("72TEHRAN1164").paragraphs
    assert [p.number for p in paras[:4]] == [None] * 4
    assert [p.number for p in paras[4:]] == [str(i) for i in range(1, 9)]
    assert [p.index for p in paras] == list(range(1, len(paras) + 1))


def test_parse_cable_without_path_does_not_invent_id():
    from cable_helpers import cable_path
    from pipeline.cables.parse import parse_cable
    from pipeline.cables.read import read_cable_text

    cable = parse_cable(read_cable_text(cable_path("02ANKARA8852")))
    assert cable.header.cable_id is None
    assert "no cable id" in cable.warnings
