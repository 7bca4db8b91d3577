"""Date-time group (DTG) of a cable's routing header and its precedence.

Shapes
------
``find_dtg(text, limit) -> (match | None, precedence | None)``;
``iso_from_dtg("17", "09", "47", "OCT", "07") -> "2007-10-17T09:47:00Z"``.
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
    r"(?P<dtg>(?P<day>\d{2})(?P<hh>\d{2})(?P<mm>\d{2})Z[ \t]+(?P<mon>[A-Z]{3})[ \t]+(?P<yy>\d{2}))"
    r"(?:[ ]+[A-Z]{2,4}|[ ]+Z[A-Z0-9]{2,4}\b[^\n]*)?[ \t]*$",  # "ZDK ALL", "ZFF4" signals (06MINSK641)
    re.M)


def iso_from_dtg(day: str, hh: str, mm: str, mon: str, yy: str) -> str | None:
    """``("17","09","47","OCT","07") -> "2007-10-17T09:47:00Z"``; 66-99 -> 19xx."""
    y = int(yy)
    year = 1900 + y if y >= 66 else 2000 + y
    try:
        dt = datetime(year, MONTHS[mon], int(day), int(hh), int(mm))
    except (KeyError, ValueError):
        return None
    return dt.strftime("%Y-%m-%dT%H:%M:00Z")


def find_dtg(text: str, limit: int) -> tuple[re.Match | None, str | None]:
    """The DTG line (first in the header zone) and its precedence word."""
    m = DTG_LINE.search(text, 0, limit) or DTG_LINE.search(text)
    if not m:
        return None, None
    prec = m.group("prec")
    word = prec[0] if prec and re.match(r"^[ZOPR]{1,2}(?: [ZOPR])?$", prec) else (prec or "")
    return m, PRECEDENCE.get(word)
