"""Marking normalisation: the table of corpora/LABELING.md and cable lines."""

from __future__ import annotations

import pytest

from pipeline.cables.markings import parse_classification, parse_marking


@pytest.mark.parametrize("marking,level,caveats", [
    ("U", "U", []),
    ("SBU", "SBU", []),
    ("U//FOUO", "SBU", []),
    ("U/FOUO", "SBU", []),
    ("SBU/NF", "SBU", ["NF"]),
    ("C", "C", []),
    ("C/NF", "C", ["NF"]),
    ("C//NF", "C", ["NF"]),
    ("C/REL TO USA, AUS", "C", ["REL"]),
    ("S", "S", []),
    ("S/NF", "S", ["NF"]),
    ("S//NF", "S", ["NF"]),
    ("S/REL TO USA, GBR", "S", ["REL"]),
    ("TS", "TS", []),
    ("TS//SI//NF", "TS", ["NF"]),
    ("NOTE", None, []),
    ("Mexico 1070", None, []),
    (None, None, []),
])
def test_paragraph_marking(marking, level, caveats):
    assert parse_marking(marking) == (level, caveats)


@pytest.mark.parametrize("line,extra,level,caveats", [
    ("C O N F I D E N T I A L", "", "C", []),
    ("S E C R E T", "\nNOFORN\n", "S", ["NOFORN"]),
    ("UNCLAS", "\nSIPDIS\n\nSENSITIVE\n", "SBU", []),
    ("UNCLAS", "\nSIPDIS\n", "U", []),
    ("SECRET", "\nNOFORN\nSIPDIS\n", "S", ["NOFORN"]),
    ("UNCLASSIFIED//FOR OFFICIAL USE ONLY", "", "SBU", []),
    ("SECRET//NOFORN", "", "S", ["NOFORN"]),
    ("CONFIDENTIAL", "", "C", []),
    ("TOP SECRET", "", "TS", []),
])
def test_cable_classification(line, extra, level, caveats):
    c = parse_classification(line, extra)
    assert (c.level, c.caveats, c.raw) == (level, caveats, line)
