"""The sample drop (corpora/drops/sample): every cable gets its id, a
classification level and at least one paragraph; rows for the layouts that
once failed, expectations read off the cable texts."""

from __future__ import annotations

import pytest

from cable_helpers import SAMPLE, field, parsed

ROWS = [
    # "<<248522>>" dump preamble (date, id, origin, class), then a lower-cased
    # copy: "Unclas nairobi 000165", "Sensitive, sipdis", "E.o. 12958: n/a"
    ("10NAIROBI165", "header.cable_id", "10NAIROBI165"),
    ("10NAIROBI165", "header.classification.level", "SBU"),
    ("10NAIROBI165", "header.date", "2010-02-12T07:56:00Z"),
    ("10NAIROBI165", "header.tags", ["PGOV", "PREL", "EFIN", "ECON", "EAID", "XA", "SO"]),
    ("10NAIROBI165", "header.eo.declassify", "N/A"),
    ("10NAIROBI165", "header.references[0].cable_id", "10STATE10152"),
    ("10NAIROBI165", "paragraphs[0].marking", "U"),
    ("10NAIROBI165", "paragraphs[1].marking", "SBU"),
    # "UNCLAS BEIRUT 01725 \" with a trailing backslash; E.O. 12356
    ("85BEIRUT1725", "header.cable_id", "85BEIRUT1725"),
    ("85BEIRUT1725", "header.classification.level", "U"),
    ("85BEIRUT1725", "header.eo.order", "12356"),
    ("85BEIRUT1725", "header.eo.declassify", "OADR"),
    ("85BEIRUT1725", "header.signer", "BARTHOLOMEW"),
    ("85BEIRUT1725", "len(paragraphs)", 3),
    # "S e c r e t state 068250" under "FM AMEMBASSY BAGHDAD": the text's
    # class line contradicts its FM line; the file name gives the id
    ("88BAGHDAD28", "header.cable_id", "88BAGHDAD28"),
    ("88BAGHDAD28", "header.classification.level", "S"),
    ("88BAGHDAD28", "header.date", "1988-01-02T12:58:00Z"),
    ("88BAGHDAD28", "header.eo.declassify", "2034-07-01"),
    ("88BAGHDAD28", "header.classified_by.reasons", ["1.4(b)", "1.4(c)", "1.4(d)"]),
    ("88BAGHDAD28", "paragraphs[1].marking", "S"),
    # "SE C R E T SECTION 01 OF 02 XXXXXXXXXXXX 000004": station redacted,
    # taken from "FM AMCONSUL SHENYANG"; "REF: 09 XXXXXXXXXXXX 167" no cable id
    ("10SHENYANG4", "header.cable_id", "10SHENYANG4"),
    ("10SHENYANG4", "header.classification.level", "S"),
    ("10SHENYANG4", "header.classification.caveats", ["NOFORN"]),
    ("10SHENYANG4", "header.section", "SECTION 01 OF 02"),
    ("10SHENYANG4", "header.references[0].cable_id", None),
    ("10SHENYANG4", "paragraphs[0].marking", "S/NF"),
    # reflowed body: one unnumbered paragraph " (SBU) Poloff delivered..." right
    # under the REF line, then the signer
    ("08KUALALUMPUR317", "header.cable_id", "08KUALALUMPUR317"),
    ("08KUALALUMPUR317", "header.classification.level", "SBU"),
    ("08KUALALUMPUR317", "header.tags", ["PREL", "PHUM", "UNGA", "MY"]),
    ("08KUALALUMPUR317", "header.references[0].text", "STATE 40380"),
    ("08KUALALUMPUR317", "header.signer", "KEITH"),
    ("08KUALALUMPUR317", "len(paragraphs)", 1),
    ("08KUALALUMPUR317", "paragraphs[0].number", None),
    ("08KUALALUMPUR317", "paragraphs[0].marking", "SBU"),
]


@pytest.mark.parametrize("cid,name,expected", ROWS, ids=[f"{r[0]}:{r[1]}" for r in ROWS])
def test_field(cid, name, expected):
    assert field(parsed(cid), name) == expected


def test_kuala_lumpur_paragraph_text():
    p = parsed("08KUALALUMPUR317").paragraphs[0]
    assert p.text.startswith("Poloff delivered reftel demarche")
    assert p.text.endswith("further response from MFA.")


#: Source texts cut after the header ("REF: W..."): what follows is only the
#: header repeated on one reflowed line ("S E C R E T SECTION 01 OF 02 WARSAW
#: 000953 SIPDIS ... TAGS: PREL MARR ..."), which is no paragraph.
HEADER_ONLY = {"08RIGA478", "08ROME1018", "08TALLINN279", "08TBILISI1356", "08WARSAW953"}


@pytest.mark.parametrize("path", sorted(SAMPLE.glob("*.txt")), ids=lambda p: p.stem)
def test_every_sample_cable_has_id_level_and_paragraphs(path):
    from pipeline.cables.parse import parse_file

    cable = parse_file(path)
    assert cable.header.cable_id == path.stem
    assert cable.header.classification.level is not None
    if path.stem in HEADER_ONLY:
        assert cable.paragraphs == [] and "no body paragraphs" in cable.warnings
    else:
        assert cable.paragraphs
