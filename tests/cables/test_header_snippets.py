"""Header rules on small inputs: (snippet, field, expected); each snippet is
cut from the corpus cable named in the comment."""

from __future__ import annotations

import pytest

from cable_helpers import field
from pipeline.cables.parse import parse_cable

ROUTING = "VZCZCXRO1149\nDE RUEHSK #0641/01 1670608\nZNY CCCCC ZZH\n{dtg}\nFM AMEMBASSY MINSK\nTO RUEHC/SECSTATE WASHDC 4560\n\n"
BODY = "\nE.O. 12958: DECL: 06/16/2016\nTAGS: PGOV, PINR\nSUBJECT: X\n\n1. (C) Text.\n"

ROWS = [
    # DTG lines with operator signals after the year (06MINSK641, 06REYKJAVIK187)
    (ROUTING.format(dtg="R 160608Z JUN 06 ZDK ALL") + "C O N F I D E N T I A L MINSK 000641\n" + BODY,
     "header.date", "2006-06-16T06:08:00Z"),
    (ROUTING.format(dtg="P 261806Z MAY 06 ZFF4") + "C O N F I D E N T I A L MINSK 000641\n" + BODY,
     "header.precedence", "PRIORITY"),
    # class-line serial mistyped, DE line gives the transmitted one (07NAIROBI4427)
    (ROUTING.format(dtg="R 160608Z JUN 06").replace("#0641", "#0642") + "C O N F I D E N T I A L MINSK 000641\n" + BODY,
     "header.cable_id", "06MINSK642"),
    # E F T O right before the station stays in the id (08EFTOLONDON2883) ...
    (ROUTING.format(dtg="R 160608Z JUN 06").replace("#0641", "#2883") + "UNCLAS E F T O LONDON 002883\n" + BODY,
     "header.cable_id", "06EFTOLONDON2883"),
    # ... but not after a SECTION word (09LONDON2622)
    (ROUTING.format(dtg="R 160608Z JUN 06").replace("#0641", "#2622")
     + "UNCLAS E F T O SECTION 01 OF 08 LONDON 002622\n" + BODY, "header.cable_id", "06LONDON2622"),
    # trailing backslash on the class line (85BEIRUT1725)
    (ROUTING.format(dtg="R 201307Z MAR 85").replace("#0641", "#1725") + "UNCLAS BEIRUT 01725 \\\n" + BODY,
     "header.classification.level", "U"),
    # lower-cased copy (10NAIROBI165)
    (ROUTING.format(dtg="R 120756Z FEB 10").replace("#0641", "#0165") + "Unclas nairobi 000165\n\nSensitive, sipdis\n"
     + BODY.replace("TAGS", "Tags"), "header.classification.level", "SBU"),
    (ROUTING.format(dtg="R 120756Z FEB 10").replace("#0641", "#0165") + "Unclas nairobi 000165\n"
     + BODY.replace("TAGS: PGOV, PINR", "Tags: pgov, pinr"), "header.tags", ["PGOV", "PINR"]),
]


@pytest.mark.parametrize("text,name,expected", ROWS, ids=[f"{k}:{r[1]}" for k, r in enumerate(ROWS)])
def test_header_snippet(text, name, expected):
    assert field(parse_cable(text), name) == expected
