"""Canonical reference ids of cables.

Canonical form (the Cablegate ``id``): two-digit year + station name without
spaces + serial without leading zeros, e.g. ``07PHNOMPENH1308``.

Shapes
------
``canonical_id("07", "PHNOM PENH", "001308") -> "07PHNOMPENH1308"``
``ref_cable_id("A. PHNOM PENH 1307", "07") -> "07PHNOMPENH1307"`` (07PHNOMPENH1308)
``ref_cable_id("07 STATE 123456", None) -> "07STATE123456"``
``ref_cable_id("NEUMANN-DORSEY-DEUTSCH EMAIL 8/13/07", "07") -> None``
E-mails, telcons, memcons, faxes, letters and DTG-style refs
(``STATE 031234Z``) are not cables and give ``None``; so does a redacted
station (``09 XXXXXXXXXXXX 167``, 10SHENYANG4).
"""

from __future__ import annotations

import re

#: Words that mark a REF item as something other than a cable.
NOT_CABLE_WORDS = (
    "EMAIL", "E-MAIL", "TELCON", "TELECON", "MEMCON", "FAX", "LETTER", "PHONE",
    "CONVERSATION", "MEETING", "WEBSITE", "HTTP", "REPORT", "DIPNOTE", "NOTE",
    "MEMO", "CALL", "DISCUSSION", "TALKING", "BRIEF",
)

_CANON = re.compile(r"^(\d{2})([A-Z][A-Z]+)(\d{1,6})$")
# Optional year, station words (letters, spaces, dots), serial.
_REF = re.compile(
    r"^(?:(?P<y1>\d{2})\s+)?(?P<station>[A-Z][A-Z]*(?:[ .][A-Z]+){0,3})\s+0*(?P<serial>\d{1,6})"
    r"(?:\s*\(?(?:/)?(?P<y2>\d{2})\)?)?(?![\d/:Z])"
)
_DTG = re.compile(r"\b\d{6}Z\b|\b\d{1,2}/\d{1,2}/\d{2,4}\b")


def canonical_id(year: str | int, station: str, serial: str | int) -> str:
    """Build a canonical id; ``station`` spaces and dots are dropped."""
    station = re.sub(r"[^A-Z]", "", station.upper())
    return f"{int(year) % 100:02d}{station}{int(serial)}"


def ref_cable_id(text: str, default_year: str | None) -> str | None:
    """Canonical id of one REF item's text, or ``None`` if it is not a cable.

    The item's own year wins; else ``default_year`` (the citing cable's);
    with no year at all the id is ``None`` (never invented).
    """
    t = re.sub(r"\s+", " ", text.strip().upper())
    t = re.sub(r"^(?:REF(?:TEL|S)?|¶)\s*[:.]?\s*", "", t)
    t = re.sub(r"^\(?[A-Z]\)\s*|^[A-Z]\.\s+", "", t)
    t = re.sub(r"^(?:¶)\s*", "", t)
    first = t.split(" ")[0].rstrip(".,;") if t else ""
    if _CANON.match(first):
        return first
    if any(re.search(rf"\b{re.escape(w)}\b", t) for w in NOT_CABLE_WORDS):
        return None
    m = _REF.match(t)
    if not m:
        return None
    if _DTG.search(t[: m.end() + 8]):
        return None
    station = m.group("station")
    if re.fullmatch(r"X{4,}", station):  # redacted station (10SHENYANG4): not invented
        return None
    if station in {"REF", "REFTEL", "PARA", "PARAGRAPH", "SECTION", "AND"}:
        return None
    year = m.group("y1") or m.group("y2") or default_year
    if year is None:
        return None
    return canonical_id(year, station, m.group("serial"))
