"""Header fields of a cable: one compiled pattern and one small function each.

Shapes
------
``parse_header(text, source_path=None) -> HeaderParse`` where ``HeaderParse``
has ``header`` (:class:`CableHeader`, signer left ``None`` for the body
parser), ``body_start`` (offset where the body begins), ``found`` (names of
the fields seen) and ``warnings``.  No exception is raised here; the caller
decides that a text with nothing found is not a cable.

Layouts (cable ids where each was seen): VZCZC routing block (07SANJOSE107),
short ``R 310838Z OCT 00`` / ``FM`` header (00ABUDHABI5893), five-line
preamble ``07PHNOMPENH1308`` with the INFO line glued to the classification
line (``...COLLECTIVEUNCLAS SECTION 01 OF 03 PHNOM PENH 001308``), WikiLeaks
``header ends`` layout with a repeated header (02BOGOTA3281), partial extracts
without DTG (02ANKARA8852), database dumps (05MANAMA1672, 05THEHAGUE2064).
Fields glued into one line (``E.O. ... TAGS: ...``, ``SUBJECT: ... REF: ...
Classified By: ...``, 04BRASILIA3106) or onto the class line (02ANKARA8305)
are read up to the next field's keyword (:func:`.header_fields.cut_glued`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from pipeline.cables.header_class import (CLASS_LINE, CLASS_LINE_CI, CLASS_LINE_LOOSE, LEVEL_ONLY, META_CLASS, damaged_tail,
                                          level_only, page_break_tail)
from pipeline.cables.header_dtg import DTG_LINE, PRECEDENCE, find_dtg, iso_from_dtg, words_date
from pipeline.cables.header_fields import (CLASSIFIED_BY, EO_LINE, FIRST_PARA, GLUED, REF_LINE, STOP_CBY, STOP_CONT,
                                           STOP_REF, STOP_TAGS, SUBJECT_BELOW, SUBJECT_LINE, TAGS_LINE, block, cut_glued, field_start,
                                           glued_limit, parse_classified_by, parse_eo, parse_refs, parse_subject,
                                           parse_tags)
from pipeline.cables.header_id import find_cable_id
from pipeline.cables.header_routing import DE_LINE, FM_LINE, find_addressees, fm_anywhere, fm_station
from pipeline.cables.markings import parse_classification
from pipeline.records import CableHeader

__all__ = ["DTG_LINE", "HeaderParse", "iso_from_dtg", "parse_header"]


@dataclass
class HeaderParse:
    header: CableHeader
    body_start: int
    found: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


#: A REF item after blank lines (06SANJOSE1665): a letter, then a serial or
#: a date within 40 characters, or words in capitals only; ``¶I. Key Objectives and Priorities`` is a
#: heading of the body (08LONDON2757).
REF_ITEM_AFTER_BLANK = re.compile(r"^[ \t]*¶?[ ]*\(?[B-Z][.)][ ]+(?=[A-Z0-9])(?=.{0,40}?\d|[^a-z]*$)")


def _de_serial(text: str, cls_start: int, serial: str) -> str:
    """The DE routing line's serial where the class line's (up to four
    digits) differs from it: mistyped (07NAIROBI4427: NAIROBI 004428) or cut
    (``BUENOS AIRES 00167SIPDIS`` under ``DE RUEHBU #1673``)."""
    de = DE_LINE.search(text, 0, cls_start)
    if de and len(serial.lstrip("0")) <= 4 and int(de.group("serial")) != int(serial):
        return de.group("serial")
    return serial


def parse_header(text: str, source_path: str | None = None) -> HeaderParse:
    """Parse every header field of ``text``; see the module docstring."""
    h = CableHeader()
    found: list[str] = []
    warnings: list[str] = []
    cls = CLASS_LINE.search(text) or CLASS_LINE_LOOSE.search(text) or CLASS_LINE_CI.search(text, 0, 6000)
    zone_start = cls.start() if cls else 0
    fp = FIRST_PARA.search(text, cls.end() if cls else 0)
    zone_end = fp.start() if fp else len(text)
    ends = [cls.end()] if cls else []

    dtg, prec = find_dtg(text, zone_start if cls else len(text))
    year = None
    if dtg:
        found.append("dtg")
        h.dtg = dtg.group("dtg")
        year = dtg.group("yy")
        h.date = iso_from_dtg(*dtg.group("day", "hh", "mm", "mon", "yy"))
        if h.date is None:
            warnings.append(f"bad DTG {h.dtg!r}")
    elif words_date(text):
        h.date, year = words_date(text)
    fm = FM_LINE.search(text, dtg.end() if dtg else 0, zone_start if cls else len(text)) or fm_anywhere(text)
    if fm:
        found.append("fm")
        h.origin = fm.group("origin")
        h.to, h.info, to_prec = find_addressees(text, fm.end(), cls.start() if cls else None)
        prec = prec or (PRECEDENCE.get(to_prec) if to_prec else None)
    h.precedence = prec

    station = serial = None
    if cls:
        found.append("classification")
        extra = text[cls.end():max(cls.end(), zone_end)][:1500]  # NOFORN line after SUBJECT (02BOGOTA3281)
        h.classification = parse_classification(cls.group("cls"), extra)
        station, serial = cls.group("station").upper(), cls.group("serial")
        if re.search(r"E[ ]?F[ ]?T[ ]?O", cls.group("cls"), re.I) and not cls.group("section"):
            # WikiLeaks ids keep it (08EFTOLONDON2883) unless a SECTION word
            # stands between it and the station (09LONDON2622)
            station = "EFTO " + station
        serial = _de_serial(text, cls.start(), serial)
        if cls.group("section"):
            h.section = f"SECTION {cls.group('sec')} OF {cls.group('of')}"
    else:
        m = re.match(r"\A\s*\d{2}[A-Z]+\d+\n.*\n.*\n(?P<c>[A-Z/ ]+)\n", text) or META_CLASS.search(text) \
            or level_only(text, fm.end() if fm else (dtg.end() if dtg else 0))
        if m:
            lm = m.re is LEVEL_ONLY
            h.classification = parse_classification(m.group("c"), text[m.end():m.end() + 600] if lm else "")
            if h.classification.level:
                found.append("classification")
            tail = damaged_tail(text, m.end(), fm_station(h.origin)) if lm else None
            if tail:
                station, serial = tail.group("station"), _de_serial(text, m.start(), tail.group("serial"))
                year = year or tail.group("yy")
        tail = None if station else page_break_tail(text, fm_station(h.origin))
        if tail:
            station, serial = tail.group("station"), tail.group("serial")
    h.cable_id = find_cable_id(text, station, serial, year, source_path, h.origin)

    search_from = cls.start() if cls else 0
    print_station = station.removeprefix("EFTO ") if station else None  # as page breaks print it
    m = EO_LINE.search(text, search_from, zone_end)
    m = m if m and re.match(r"\s*(?:E\.O\.|E\.?[ ]?O\.?[ ]*\d{5})", m.group(0), re.I) else None
    eo_at = m.start() + len(m.group(0)) - len(m.group(0).lstrip()) if m else -1
    glued_end = glued_limit(text, cls.end() if cls else search_from, zone_end)
    if m is None and (g := GLUED["eo"].search(text, search_from, glued_end)):
        eo_at = g.start()
    if eo_at >= 0:
        found.append("eo")
        line_end = text.find("\n", eo_at) % (len(text) + 1)  # the E.O. line alone, as printed
        joined, end = cut_glued(text, eo_at, text[eo_at:line_end].strip(), line_end)
        h.eo = parse_eo(joined)
        ends.append(end)
    m, at = field_start(text, TAGS_LINE, "tags", "tags", search_from, zone_end, glued_end)
    if m:
        found.append("tags")
        joined, end = cut_glued(text, at, *block(text, at, STOP_TAGS))
        h.tags = parse_tags(joined)
        ends.append(end)
    m, at = field_start(text, SUBJECT_LINE, "subject", "subject", search_from, zone_end, glued_end)
    if m:
        found.append("subject")
        joined, end = block(text, at)
        if not joined:
            nxt = SUBJECT_BELOW.match(text, at)
            if nxt and not STOP_CONT.match(text, nxt.end()):
                at = nxt.end()
                joined, end = block(text, at)
        joined, end = cut_glued(text, at, joined, end)
        h.subject = parse_subject(joined, print_station)
        ends.append(end)
    m, at = field_start(text, REF_LINE, "ref", "ref", search_from, zone_end, glued_end)
    if m:
        joined, end = cut_glued(text, at, *block(text, at, STOP_REF,
                                                  over_blank=REF_ITEM_AFTER_BLANK))
        h.references = parse_refs(joined, year, print_station)
        ends.append(end)
    m, at = field_start(text, CLASSIFIED_BY, "by", "cby", search_from, zone_end, glued_end)
    if m:
        joined, end = cut_glued(text, at, *block(text, at, STOP_CBY))
        h.classified_by = parse_classified_by(joined)
        ends.append(end)
    else:
        m = CLASSIFIED_BY.search(text, search_from)
        if m:
            h.classified_by = parse_classified_by(block(text, m.start("by"), STOP_CBY)[0])
    body_start = max(ends) if ends else 0
    if not cls and not ends and "fm" in found and fm:
        body_start = fm.end()
    return HeaderParse(header=h, body_start=body_start, found=found, warnings=warnings)
