"""The cable's own canonical id, read from the text (file name only as a
tie-breaker, see :func:`find_cable_id`).

Shapes
------
``find_cable_id(text, station, serial, year, source_path, origin) -> str | None``.
Raises nothing.
"""

from __future__ import annotations

import re
from pathlib import PurePath

from pipeline.cables import ids
from pipeline.cables.header_routing import fm_station


PREAMBLE_ID = re.compile(r"\A\s*(?P<id>\d{2}[A-Z]+\d+)[ \t]*\n")
#: Database dump: ``<<248522>>``, a date line, then the id (10NAIROBI165).
DUMP_ID = re.compile(r"(?:.*\n){0,30}?[ \t]*<<\d+>>[ \t]*\n[^\n]*\n[ \t]*(?P<id>\d{2}[A-Z]+\d+)[ \t]*\n")


def _stem_id(source_path: str | None) -> str | None:
    stem = PurePath(source_path).stem.upper() if source_path else ""
    return stem if re.match(r"^\d{2}[A-Z]+\d{1,6}$", stem) else None


def find_cable_id(text: str, station: str | None, serial: str | None, year: str | None,
                  source_path: str | None, origin: str | None = None) -> str | None:
    """Canonical id: preamble line (also after a ``<<248522>>`` dump line,
    10NAIROBI165), else class-line station+serial with the DTG year, else a
    canonical id printed elsewhere in the text (``refid:``, dumps,
    ``2000HANOI00686 - CONFIDENTIAL``), else the file name if it agrees.

    A redacted class-line station (``XXXXXXXXXXXX 000004``, 10SHENYANG4) is
    replaced by the FM line's (``AMCONSUL SHENYANG``).  When the class-line
    station is not the FM station (``S e c r e t state 068250`` under ``FM
    AMEMBASSY BAGHDAD``, 88BAGHDAD28) and the file name is a canonical id with
    the FM station and the DTG year, the file name wins."""
    m = PREAMBLE_ID.match(text) or DUMP_ID.match(text)
    if m:
        return m.group("id")
    fm_st = fm_station(origin)
    if station and re.fullmatch(r"X{4,}", station) and fm_st:
        station = fm_st
    stem = _stem_id(source_path)
    if station and fm_st and stem and year and re.sub(r"[^A-Z]", "", station) not in re.sub(r"[^A-Z]", "", fm_st):
        sm = re.match(r"^(\d\d)([A-Z]+)\d+$", stem)
        if sm.group(1) == year and sm.group(2) == re.sub(r"[^A-Z]", "", fm_st):
            return stem
    if station and serial:
        st = re.sub(r"[^A-Z]", "", station)
        if year:
            return ids.canonical_id(year, station, serial)
        pat = re.compile(rf"(?<![A-Z0-9])(\d\d)?(\d\d){st}0*{int(serial)}(?!\d)")
        hit = pat.search(text)
        if hit:
            return ids.canonical_id(hit.group(2), station, serial)
        if source_path:
            stem = PurePath(source_path).stem.upper()
            fm = re.match(rf"^(\d\d){st}0*{int(serial)}$", stem)
            if fm:
                return ids.canonical_id(fm.group(1), station, serial)
    m = re.search(r"(?:refid:\s*|\t)(\d{2}[A-Z]+\d+)\b", text)
    return m.group(1) if m else None
