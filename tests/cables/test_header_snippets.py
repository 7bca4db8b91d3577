"""Header rules on small inputs: (snippet, field, expected); each snippet is
cut from the corpus cable named in the comment."""

from __future__ import annotations

import pytest

from cable_helpers import field
from pipeline.cables.parse import parse_cable

ROUTING = "VZCZCXRO1149\nDE RUEHSK #0641/01 1670608\nZNY CCCCC ZZH\n{dtg}\nFM AMEMBASSY MINSK\nTO RUEHC/SECSTATE WASHDC 4560\n\n"
BODY = "\nE.O. 12958: DECL: 06/16/2016\nTAGS: PGOV, PINR\nSUBJECT: X\n\n1. (C) Text.\n"
NOTICE = ("This record is a partial extract of the original cable. The full text of the original cable is not "
          "available.\n\n")
#: Continuation page of an old print-out, its routing block reflowed onto one line (00HARARE5461).
PTQ = ("PAGE 02 HARARE 05461 02 OF 02 271459Z\nINFO LOG-00 NP-00 /006W  ------------------8A8E22 271459Z /38 "
       "O 271459Z SEP 00 FM AMEMBASSY HARARE TO SECSTATE WASHDC IMMEDIATE 7213\n")

ROWS = [
    # DTG lines with operator signals after the year (06MINSK641, 06REYKJAVIK187)
    (ROUTING.format(dtg="R 160608Z JUN 06 ZDK ALL") + "C O N F I D E N T I A L MINSK 000641\n" + BODY,
     "header.date", "2006-06-16T06:08:00Z"),
    (ROUTING.format(dtg="P 261806Z MAY 06 ZFF4") + "C O N F I D E N T I A L MINSK 000641\n" + BODY,
     "header.precedence", "PRIORITY"),
    # signals after the DTG in parentheses or slashes (09BERLIN1273, 08CAIRO524, 09LONDON2581)
    (ROUTING.format(dtg="O 091547Z OCT 09 (CCY ADC1AECC MSI3311-632)") + "C O N F I D E N T I A L MINSK 000641\n"
     + BODY, "header.date", "2009-10-09T15:47:00Z"),
    (ROUTING.format(dtg="O 161643Z MAR 08 //ZEL//") + "C O N F I D E N T I A L MINSK 000641\n" + BODY,
     "header.cable_id", "08MINSK641"),
    (ROUTING.format(dtg="R 181516Z NOV 09 ///ZFR////") + "C O N F I D E N T I A L MINSK 000641\n" + BODY,
     "header.date", "2009-11-18T15:16:00Z"),
    # partial extracts: a DTG line in title case under the notice (03ANKARA3694) gives date and id year
    (NOTICE + "061428Z Jun 03\n\nS E C R E T SECTION 01 OF 03 ANKARA 003694\n" + BODY, "header.date",
     "2003-06-06T14:28:00Z"),
    (NOTICE + "061428Z Jun 03\n\nS E C R E T SECTION 01 OF 03 ANKARA 003694\n" + BODY, "header.cable_id",
     "03ANKARA3694"),
    # ... the DTG written out (05DUBLIN657)
    (NOTICE + "Wednesday, 01 June 2005, 08:39\nC O N F I D E N T I A L SECTION 01 OF 05 DUBLIN 000657\n" + BODY,
     "header.date", "2005-06-01T08:39:00Z"),
    (NOTICE + "Wednesday, 01 June 2005, 08:39\nC O N F I D E N T I A L SECTION 01 OF 05 DUBLIN 000657\n" + BODY,
     "header.cable_id", "05DUBLIN657"),
    # ... a routing block reflowed onto one line (00HARARE5461): date, origin and the id's year
    (NOTICE + "C O N F I D E N T I A L SECTION 01 OF 02 HARARE 005461\n" + BODY + PTQ, "header.date",
     "2000-09-27T14:59:00Z"),
    (NOTICE + "C O N F I D E N T I A L SECTION 01 OF 02 HARARE 005461\n" + BODY + PTQ, "header.origin",
     "AMEMBASSY HARARE"),
    (NOTICE + "C O N F I D E N T I A L SECTION 01 OF 02 HARARE 005461\n" + BODY + PTQ, "header.cable_id",
     "00HARARE5461"),
    # ... and where the text carries none of them they stay null (02ANKARA8852)
    (NOTICE + "C O N F I D E N T I A L SECTION 01 OF 03 ANKARA 008852\n" + BODY, "header.date", None),
    (NOTICE + "C O N F I D E N T I A L SECTION 01 OF 03 ANKARA 008852\n" + BODY, "header.cable_id", None),
    (NOTICE + "C O N F I D E N T I A L SECTION 01 OF 03 ANKARA 008852\n" + BODY, "header.origin", None),
    # "From:" in place of the FM line (09TIJUANA1116)
    ("301931Z OCT 09\nFrom: AMCONSUL TIJUANA\n\nUNCLAS TIJUANA 001116\n" + BODY, "header.origin", "AMCONSUL TIJUANA"),
    # damaged class lines: station and serial still read where the station is the FM line's
    (ROUTING.format(dtg="R 010538Z SEP 09") + "C O N F I D E N T I A L \nSECTION 01 OF 02 MINSK 000641 SIPDIS\n"
     + BODY, "header.cable_id", "09MINSK641"),                                   # wrapped (09BAKU687)
    (ROUTING.format(dtg="P 160933Z FEB 10") + "C O N F I D E N T I A L SECTION 01 OF 02\n\nMINSK 000641\n" + BODY,
     "header.cable_id", "10MINSK641"),                                           # over a blank line (10TRIPOLI133)
    (ROUTING.format(dtg="R 151524Z JAN 09") + "C O N F I D E N T I A LMINSK 000641 SIPDIS DEPARTMENT FOR NEA\n"
     + BODY, "header.cable_id", "09MINSK641"),                                   # glued to the level (09CAIRO79)
    (ROUTING.format(dtg="R 241854Z AUG 07") + "C O N F I D E N T I A L MINSK 00064SIPDIS SIPDIS\n" + BODY,
     "header.cable_id", "07MINSK641"),                       # serial cut and glued, DE #0641 (07BUENOSAIRES1673)
    (ROUTING.format(dtg="O R 181205Z NOV 75 ZFF4") + "C O N F I D E N T I A L 75 MINSK 641\n" + BODY,
     "header.cable_id", "75MINSK641"),                       # year before the station (75LIBREVILLE1895)
    # no class line: station and serial from a page-break line of the FM station (09TELAVIV2502)
    (ROUTING.format(dtg="O 181434Z NOV 09") + "SIPDIS\n" + BODY + "\nMINSK 00000641 002 OF 003\n\n2. (S) Two.\n",
     "header.cable_id", "09MINSK641"),
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
