"""Date-time group (DTG) of a cable's routing header and its precedence.

Shapes
------
``find_dtg(text, limit) -> (match | None, precedence | None)``;
``iso_from_dtg("17", "09", "47", "OCT", "07") -> "2007-10-17T09:47:00Z"``;
``words_date(text) -> (iso, yy) | None``.
Raises nothing.
"""

from __future__ import annotations

import re
from datetime import datetime

#: Precedence letters and words -> spelled-out precedence.
PRECEDENCE = {"Z": "FLASH", "O": "IMMEDIATE", "P": "PRIORITY", "R": "ROUTINE",
              "FLASH": "FLASH", "IMMEDIATE": "IMMEDIATE", "PRIORITY": "PRIORITY",
              "ROUTINE": "ROUTINE", "NIACT IMMEDIATE": "NIACT IMMEDIATE"}
MONTHS = {m: i for i, m in enumerate(
    "JAN FEB MAR APR MAY JUN JUL AUG SEP OCT NOV DEC".split(), start=1)}


DTG_LINE = re.compile(
    r"^[ \t]*(?P<prec>[ZOPR]{1,2}(?:[ ][ZOPR])?|NIACT IMMEDIATE|FLASH|IMMEDIATE|PRIORITY|ROUTINE)?[ \t]*"
    # the month also in title case on a line of its own: "061428Z Jun 03" under
    # the notice of partial extracts (03ANKARA3694)
    r"(?P<dtg>(?P<day>\d{2})(?P<hh>\d{2})(?P<mm>\d{2})Z[ \t]+(?P<mon>[A-Z](?:[A-Z]{2}|[a-z]{2}))[ \t]+(?P<yy>\d{2}))"
    # signals after the DTG: "ZDK ALL", "ZFF4" (06MINSK641), "//ZEL//" (08CAIRO524),
    # "///ZFR////" (09LONDON2581), "(CCY ADC1AECC MSI3311-632)" (09BERLIN1273)
    r"(?:[ ]+[A-Z]{2,4}|[ ]+Z[A-Z0-9]{2,4}\b[^\n]*|[ ]+\([^()\n]*\)|[ ]+/{2,}[A-Z]{2,4}/{2,})?[ \t]*$",
    re.M)
#: A routing block reflowed onto one line, as in the continuation pages of
#: old "PTQ" print-outs kept in partial extracts: ``... /38 O 271459Z SEP 00
#: FM AMEMBASSY HARARE TO SECSTATE WASHDC IMMEDIATE 7213`` (00HARARE5461,
#: 01VATICAN3507, 02ROME1196 with a ``ZDK`` signal).  Only a DTG followed by
#: an FM and a TO addressee counts: a DTG in a sentence or a REF is no
#: routing line.
DTG_GLUED = re.compile(
    r"(?<![A-Z0-9])(?P<prec>[ZOPR]{1,2})[ ]+"
    r"(?P<dtg>(?P<day>\d{2})(?P<hh>\d{2})(?P<mm>\d{2})Z[ ]+(?P<mon>[A-Z]{3})[ ]+(?P<yy>\d{2}))"
    r"(?:[ ]+Z[A-Z0-9]{2,4})?[ ]+FM[ ]+(?P<origin>[A-Z][A-Z0-9 ./&'-]{2,60}?)[ ]+TO[ ]")


#: The DTG written out, as the newspaper copies print it over the class line
#: (``Wednesday, 01 June 2005, 08:39``, 05DUBLIN657; the same time as the
#: DTG where both are there: ``010839Z JUN 05``).  Used only where no DTG is.
WORDS_DATE = re.compile(
    r"^[ \t]*(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday),[ ]+(?P<day>\d{1,2})[ ]+"
    r"(?P<month>January|February|March|April|May|June|July|August|September|October|November|December)[ ]+"
    r"(?P<year>\d{4}),[ ]+(?P<hh>\d{2}):(?P<mm>\d{2})[ \t]*$", re.M)


def words_date(text: str) -> tuple[str, str] | None:
    """``(iso, two-digit year)`` of the first :data:`WORDS_DATE` line, or ``None``."""
    m = WORDS_DATE.search(text)
    if not m:
        return None
    try:
        dt = datetime(int(m.group("year")), MONTHS[m.group("month")[:3].upper()], int(m.group("day")),
                      int(m.group("hh")), int(m.group("mm")))
    except ValueError:
        return None
    return dt.strftime("%Y-%m-%dT%H:%M:00Z"), m.group("year")[2:]


def iso_from_dtg(day: str, hh: str, mm: str, mon: str, yy: str) -> str | None:
    """``("17","09","47","OCT","07") -> "2007-10-17T09:47:00Z"``; 66-99 -> 19xx."""
    y = int(yy)
    year = 1900 + y if y >= 66 else 2000 + y
    try:
        dt = datetime(year, MONTHS[mon.upper()], int(day), int(hh), int(mm))
    except (KeyError, ValueError):
        return None
    return dt.strftime("%Y-%m-%dT%H:%M:00Z")


def find_dtg(text: str, limit: int) -> tuple[re.Match | None, str | None]:
    """The DTG line (first in the header zone) and its precedence word."""
    m = DTG_LINE.search(text, 0, limit) or DTG_LINE.search(text) or DTG_GLUED.search(text)
    if not m:
        return None, None
    prec = m.group("prec")
    word = prec[0] if prec and re.match(r"^[ZOPR]{1,2}(?: [ZOPR])?$", prec) else (prec or "")
    return m, PRECEDENCE.get(word)
