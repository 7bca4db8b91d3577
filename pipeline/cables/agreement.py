"""Comparing a parsed header with the corpus metadata, and explaining why
they disagree.

Shapes
------
``compare(header, rec) -> {field: (reason, ours, source)}`` for the fields
``cable_id``, ``date``, ``level``, ``origin`` that disagree.
``explain(rec, text, field, ours) -> (kind, detail) | None``: why a
disagreement is not a parser fault, ``kind`` one of :data:`ABSENT` and
:data:`SOURCE_ERROR`; ``None`` when nothing explains it (the report lists
those one by one).  Raises nothing.

What is compared (``../shared/corpora/cablegate`` metadata)
-----------------------------------------------------------
* ``cable_id`` == ``id``;
* ``date``: the DTG date equals the metadata's calendar day (the metadata
  time is the archive's time stamp, a few minutes off the DTG: 00ABUDHABI5893
  ``2000-10-31 08:38`` for DTG ``310838Z``);
* classification level: ``CONFIDENTIAL//NOFORN`` -> ``C`` etc.;
* origin: the station of the FM line (``AMEMBASSY ABU DHABI``) against the
  metadata's (``Embassy Abu Dhabi``), see :func:`origin_key`.

"Absent from the text" is decided on the whole raw text with checks of their
own, not with the parser's header zone, so a field the parser misses where
the text does carry it stays unexplained:

* date: no DTG (``ddhhmmZ MON yy``, or written out: ``Wednesday, 01 June
  2005, 08:39``) anywhere in the text.  Partial extracts
  of the WikiLeaks pages may print the archive's day as a database field
  (``2003-09-02``, 03THEHAGUE2210); that is no DTG, and the record's
  ``date`` is the DTG's by schema, so it stays null;
* origin: no ``FM`` addressee over a ``TO`` line or before one on the same
  line, no ``From: <post>`` line;
* cable_id: the id's year is nowhere: no DTG, and neither ``03THEHAGUE2210``
  nor ``2003THEHAGUE02210`` printed (the class line gives station and serial
  only).
"""

from __future__ import annotations

import re

from pipeline.cables.source_errors import documented

FIELDS = ("cable_id", "date", "level", "origin")
#: Explanation kinds.
ABSENT = "absent from text: null by design"
SOURCE_ERROR = "documented source error"

#: Metadata classification -> level (the corpus's eight values).
META_LEVEL = {"UNCLASSIFIED": "U", "UNCLASSIFIED//FOR OFFICIAL USE ONLY": "SBU",
              "CONFIDENTIAL": "C", "CONFIDENTIAL//NOFORN": "C", "SECRET": "S",
              "SECRET//NOFORN": "S", "TOP SECRET": "TS", "LIMITED OFFICIAL USE": "SBU"}

#: Words before a station name in FM lines and in metadata origins.
_ORIGIN_PREFIX = re.compile(
    r"^(?:AMEMBASSY|AMEMB|AMCONSUL|AMCONGEN|AMERICAN CONSULATE|AMERICAN EMBASSY|EMBASSY|CONSULATE(?: GENERAL)?|"
    r"USMISSION|US MISSION|MISSION|USDEL|US DELEGATION|USLO|USOFFICE|US OFFICE|AMINTERESTS|US INTERESTS SECTION)[ ]+")
#: Stations the metadata names by today's spelling, the FM line by the old
#: one (06KIEV1261 "AMEMBASSY KIEV" / "Embassy Kyiv"; 06CALCUTTA389).
STATION_RENAMED = {"KYIV": "KIEV", "KOLKATA": "CALCUTTA"}

#: Any DTG, wherever it stands (routing line, reflowed routing, REF), or
#: the DTG written out (``Wednesday, 01 June 2005, 08:39``, 05DUBLIN657).
ANY_DTG = re.compile(r"(?<!\d)\d{6}Z[ \t]+(?:JAN|FEB|MAR|APR|MAY|JUN|JUL|AUG|SEP|OCT|NOV|DEC)[ \t]+\d{2}(?!\d)"
                     r"|(?:MONDAY|TUESDAY|WEDNESDAY|THURSDAY|FRIDAY|SATURDAY|SUNDAY),[ ]+\d{1,2}[ ]+[A-Z]+[ ]+\d{4}", re.I)
#: An origin line in any of the shapes cables print it.
#: (``DUTCH FM BOT'S VISIT TO THE U.S.`` in a subject is no FM line, so the
#: one-line form needs the DTG before it, as reflowed routing prints it.)
ANY_FM = re.compile(r"^[ \t]*FM[ \t]+[A-Z][A-Z0-9 ./&'-]+\n[ \t]*TO\b"
                    r"|\d{6}Z[ ]+[A-Za-z]{3}[ ]+\d{2}[^\n]{0,20}?[ ]FM[ ]+[A-Z][A-Z0-9 ./&'-]+?[ ]+TO[ ]"
                    r"|^[ \t]*From:[ \t]+[A-Z]{2,}", re.M)


def origin_key(origin: str | None) -> str | None:
    """Station key of an origin: ``"AMEMBASSY ABU DHABI"`` and ``"Embassy Abu
    Dhabi"`` -> ``"ABUDHABI"``; ``"SECSTATE WASHDC"`` and ``"Secretary of
    State"`` -> ``"STATE"``."""
    if not origin:
        return None
    o = re.sub(r"\s+", " ", origin.upper().replace(",", " ")).strip()
    if o.startswith("SECSTATE") or o == "SECRETARY OF STATE":
        return "STATE"
    o = re.sub(r"//.*$", "", o).strip()  # "USDEL SECRETARY//MEXICO//" (09PARTO40301)
    o = re.sub(r"^AMERICAN INSTITUTE TAIWAN[ ]+", "AIT ", o)
    o = _ORIGIN_PREFIX.sub("", o)
    key = re.sub(r"[^A-Z]", "", o) or None
    return STATION_RENAMED.get(key, key)


def origins_agree(ours: str | None, meta: str | None) -> bool:
    """Keys equal, or one ends or starts with the other (``USMISSION USUN NEW
    YORK`` / ``USUN New York``; ``AIT TAIPEI`` / ``American Institute Taiwan,
    Taipei``; ``USMISSION UNVIE VIENNA`` / ``UNVIE``; ``AMEMBASSY TRIPOLI LY``
    / ``Embassy Tripoli``)."""
    a, b = origin_key(ours), origin_key(meta)
    if not a or not b:
        return a == b
    return a == b or a.endswith(b) or b.endswith(a) or (min(len(a), len(b)) >= 5 and (a.startswith(b) or b.startswith(a)))


def compare(h, rec: dict) -> dict[str, tuple[str, object, object]]:
    """Disagreements of header ``h`` (:class:`CableHeader`) with ``rec``'s metadata."""
    out: dict[str, tuple[str, object, object]] = {}
    if h.cable_id != rec.get("id"):
        out["cable_id"] = ("no cable id" if h.cable_id is None else "different id", h.cable_id, rec.get("id"))
    meta_date = rec.get("date")
    if not h.date:
        out["date"] = ("no date in text" if h.dtg is None else "bad DTG", h.dtg, meta_date)
    elif not meta_date or h.date[:10] != meta_date[:10]:
        out["date"] = ("different day", h.date, meta_date)
    meta_level = META_LEVEL.get((rec.get("classification") or "").upper())
    if h.classification.level != meta_level:
        reason = "no classification" if h.classification.level is None else "different level"
        out["level"] = (reason, h.classification.level, rec.get("classification"))
    if not origins_agree(h.origin, rec.get("origin")):
        out["origin"] = ("no FM line" if h.origin is None else "different origin", h.origin, rec.get("origin"))
    return out


def _id_printed(text: str, cable_id: str) -> bool:
    m = re.fullmatch(r"(\d\d)([A-Z]+)(\d+)", cable_id or "")
    if not m:
        return False
    yy, st, serial = m.groups()
    # as printed, no spaces: "SECTION 01 OF 03 ANKARA 002521" is no "03ANKARA2521"
    return re.search(rf"(?<![0-9A-Z])(?:19|20)?{yy}{st}0*{serial}(?!\d)", text.upper()) is not None


def absent_from_text(text: str, field: str, cable_id: str) -> str | None:
    """Why the text cannot give ``field`` (see the module docstring), or
    ``None`` when the text does carry it (or the field is not one of
    date / origin / cable_id)."""
    if field == "date":
        return None if ANY_DTG.search(text) else "no DTG in text"
    if field == "origin":
        return None if ANY_FM.search(text) else "no FM or From: line in text"
    if field == "cable_id":
        if ANY_DTG.search(text) or _id_printed(text, cable_id):
            return None
        return "no year for the id in text (no DTG, id not printed)"
    return None


def explain(rec: dict, text: str, field: str, ours: object) -> tuple[str, str] | None:
    """``(kind, detail)`` for one disagreement, or ``None`` if unexplained.

    A documented source error (:mod:`pipeline.cables.source_errors`) wins;
    else a null value whose field the text does not carry is :data:`ABSENT`.
    """
    cid = str(rec.get("id"))
    why = documented(cid, field, ours)
    if why:
        return SOURCE_ERROR, why
    if ours is None:
        why = absent_from_text(text, field, cid)
        if why:
            return ABSENT, why
    return None
