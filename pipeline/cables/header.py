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
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import PurePath

from pipeline.cables import ids
from pipeline.cables.markings import parse_classification
from pipeline.records import CableHeader, ClassifiedBy, ExecutiveOrder, Reference

#: Precedence letters and words -> spelled-out precedence.
PRECEDENCE = {"Z": "FLASH", "O": "IMMEDIATE", "P": "PRIORITY", "R": "ROUTINE",
              "FLASH": "FLASH", "IMMEDIATE": "IMMEDIATE", "PRIORITY": "PRIORITY",
              "ROUTINE": "ROUTINE", "NIACT IMMEDIATE": "NIACT IMMEDIATE"}
MONTHS = {m: i for i, m in enumerate(
    "JAN FEB MAR APR MAY JUN JUL AUG SEP OCT NOV DEC".split(), start=1)}

# --- patterns -------------------------------------------------------------
DTG_LINE = re.compile(
    r"^[ \t]*(?P<prec>[ZOPR]{1,2}(?:[ ][ZOPR])?|NIACT IMMEDIATE|FLASH|IMMEDIATE|PRIORITY|ROUTINE)?[ \t]*"
    r"(?P<dtg>(?P<day>\d{2})(?P<hh>\d{2})(?P<mm>\d{2})Z[ \t]+(?P<mon>[A-Z]{3})[ \t]+(?P<yy>\d{2}))"
    r"(?:[ ]+[A-Z]{2,4}|[ ]+Z[A-Z0-9]{2,4}\b[^\n]*)?[ \t]*$",  # "ZDK ALL", "ZFF4" signals (06MINSK641)
    re.M)
#: Routing line ``DE RUEHNR #4427/01 2941234``: the serial as transmitted.
DE_LINE = re.compile(r"^[ \t]*DE[ ]+[A-Z]{4,7}[ ]+#(?P<serial>\d{4})\b", re.M)
FM_LINE = re.compile(r"^[ \t]*FM[ \t]+(?P<origin>\S.*?)[ \t]*$", re.M)
_SP = r"[ ]?"
_LEVEL = (r"(?:T" + _SP + "O" + _SP + "P" + r"[ ]+)?S" + _SP + "E" + _SP + "C" + _SP + "R" + _SP + "E" + _SP + "T"
          r"|C" + _SP + _SP.join("ONFIDENTIAL") +
          r"|UNCLASSIFIED|UNCLAS|LIMITED OFFICIAL USE"
          r"|O[ ]N[ ]F[ ]I[ ]D[ ]E[ ]N[ ]T[ ]I[ ]A[ ]L|(?<![A-Z][ ])E[ ]C[ ]R[ ]E[ ]T")  # first letter lost (09LAGOS14)
CLASS_LINE = re.compile(
    r"(?P<cls>(?:" + _LEVEL + r")(?:[ ]?//?(?:FOR OFFICIAL USE ONLY|[A-Z][A-Z ,]*?))*"
    r"(?:[ ]+(?:E[ ]?F[ ]?T[ ]?O|SENSITIVE|NOFORN|EXDIS|NODIS|LIMDIS|SIPDIS|NOFORN/SIPDIS))*)"
    r"[ ]+(?:(?P<section>S?E?CTION[ ]+(?P<sec>\d+)[ ]+OF[ ]+(?P<of>\d+))[ ]+)?"  # "ECTION 01 OF 02" (08MANAMA492)
    r"(?P<station>[A-Z][A-Z.]*(?:[ ][A-Z][A-Z.]*){0,3})[ ]+(?P<serial>\d{3,7})[ \t\\]*$",
    re.M)
#: Fallback: a class line glued to what follows (``ANKARA 008305S/CT FOR``, 02ANKARA8305).
CLASS_LINE_LOOSE = re.compile(CLASS_LINE.pattern.replace(r"(?P<serial>\d{3,7})[ \t\\]*$", r"(?P<serial>\d{6})(?!\d)"), re.M)
#: Fallback: a class line in lower or mixed case at a line start (``Unclas nairobi 000165``,
#: 10NAIROBI165; ``S e c r e t state 068250``, 88BAGHDAD28).  Groups are upper-cased by the caller.
CLASS_LINE_CI = re.compile(r"^[ \t]*" + CLASS_LINE.pattern, re.M | re.I)
#: Fallback: classification printed as metadata inside the text (db dumps, 05MANAMA1672).
META_CLASS = re.compile(r"(?:^(?i:classification):[ ]*|\t)(?P<c>(?:UNCLASSIFIED|CONFIDENTIAL|SECRET)(?://[A-Z ]+)?)(?:\t|[ ]*$)", re.M)
PREAMBLE_ID = re.compile(r"\A\s*(?P<id>\d{2}[A-Z]+\d+)[ \t]*\n")
#: Database dump: ``<<248522>>``, a date line, then the id (10NAIROBI165).
DUMP_ID = re.compile(r"(?:.*\n){0,30}?[ \t]*<<\d+>>[ \t]*\n[^\n]*\n[ \t]*(?P<id>\d{2}[A-Z]+\d+)[ \t]*\n")
EO_LINE = re.compile(
    r"^[ \t]*E\.?[ ]?O\.?[ ]?(?P<order>\d{5})?(?:[ ]+AS AMENDED)?[ ]*:?[ ]*(?P<rest>.*?)[ \t]*$",
    re.M | re.I)
TAGS_LINE = re.compile(r"^[ \t]*TAGS?[ ]*:?[ \t]+(?P<tags>\S.*)$", re.M | re.I)
SUBJECT_LINE = re.compile(r"^[ \t]*SUBJ(?:ECT)?[ ]*:[ \t]*(?P<subject>.*)$", re.M | re.I)
REF_LINE = re.compile(r"^[ \t]*REF(?:S|TEL|TELS|ERENCES?)?[ ]*:[ \t]*(?P<ref>.*)$", re.M | re.I)
CLASSIFIED_BY = re.compile(r"^[ \t]*(?:¶?\d+\.[ ]*)?(?:\(U\)[ ]*)?CLASSIFIED[ ]+BY[ ]*:?[ \t]*(?P<by>.*)$",
                           re.M | re.I)
FIRST_PARA = re.compile(r"^[ \t]*(?:¶[ ]*\d|1[ ]*\.[ ]|1\.?[ ]*\()", re.M)
_REF_LETTER = re.compile(r"(?:^|(?<=\s))¶?[ ]*\(?(?P<l>[A-Z])[.)][ ]+")
_REASON = re.compile(r"\b(?P<sec>\d\.\d)[ ]*(?P<letters>(?:[ ,&/]*(?:and|AND|or)?[ ]*\(?[a-hA-H]\)?(?![A-Za-z]))*)")
_STOP_CBY = re.compile(r"^[ \t]*(?:$|¶|\d{1,2}[.)][ ]|REF|TAGS|SUBJ|E\.?[ ]?O\.)", re.I)
#: End of a REF list: also an unnumbered first paragraph that opens with its
#: marking (`` (SBU) Poloff delivered``, 08KUALALUMPUR317); a one-letter
#: ``(C)`` only before a mixed-case word, since ``(C) STATE 1234`` is a REF item.
_STOP_REF = re.compile(r"^[ \t]*(?:$|(?:\(U\)[ ]*)?(?i:CLASSIFIED)|¶?\d{1,2}\.[ ]|-{3,}|"
                       r"\((?:SBU|LOU|TS|U//?FOUO|[CS]//?[A-Z][^)]{0,30})\)[ ]|\([UCS]\)[ ]+(?=[A-Z][a-z]))")
_STOP_CONT = re.compile(r"^[ \t]*(?:$|REF|TAGS|SUBJ|E\.?[ ]?O\.|CLASSIFIED|¶|\d{1,2}[.)][ ]|\(\w+\)[ ]|SUMMARY)", re.I)


@dataclass
class HeaderParse:
    header: CableHeader
    body_start: int
    found: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def iso_from_dtg(day: str, hh: str, mm: str, mon: str, yy: str) -> str | None:
    """``("17","09","47","OCT","07") -> "2007-10-17T09:47:00Z"``; 66-99 -> 19xx."""
    y = int(yy)
    year = 1900 + y if y >= 66 else 2000 + y
    try:
        dt = datetime(year, MONTHS[mon], int(day), int(hh), int(mm))
    except (KeyError, ValueError):
        return None
    return dt.strftime("%Y-%m-%dT%H:%M:00Z")


def _block(text: str, start: int, stop: re.Pattern | None = _STOP_CONT,
           over_blank: re.Pattern | None = None) -> tuple[str, int]:
    """Lines from ``start`` until a blank line or a stop line; returns (joined, end).

    ``over_blank``: a line matching it continues the block even after blank
    lines (REF items separated by blank lines, 06SANJOSE1665)."""
    end = text.find("\n", start)
    end = len(text) if end < 0 else end
    parts = [text[start:end].strip()]
    pos = end
    while pos < len(text):
        nxt = text.find("\n", pos + 1)
        nxt = len(text) if nxt < 0 else nxt
        line = text[pos + 1:nxt]
        if not line.strip():
            if over_blank is None:
                break
            pos = nxt
            continue
        if pos != end and not over_blank.match(line):  # after blank lines
            break
        if stop is not None and stop.match(line):
            break
        parts.append(line.strip())
        end = pos = nxt
    return " ".join(p for p in parts if p), end


def find_dtg(text: str, limit: int) -> tuple[re.Match | None, str | None]:
    """The DTG line (first in the header zone) and its precedence word."""
    m = DTG_LINE.search(text, 0, limit) or DTG_LINE.search(text)
    if not m:
        return None, None
    prec = m.group("prec")
    word = prec[0] if prec and re.match(r"^[ZOPR]{1,2}(?: [ZOPR])?$", prec) else (prec or "")
    return m, PRECEDENCE.get(word)


def clean_addressee(line: str) -> str:
    """``"RUEHPB/AMEMBASSY PORT MORESBY PRIORITY 0019"`` -> ``"AMEMBASSY PORT MORESBY"``."""
    a = line.strip()
    a = re.sub(r"^[A-Z0-9]{3,9}/(?=[A-Z])", "", a)
    a = re.sub(r"(?:[ ]+(?:NIACT[ ]+IMMEDIATE|IMMEDIATE|PRIORITY|ROUTINE|FLASH))?(?:[ ]+\d{1,5})?[ ]*$", "", a)
    a = re.sub(r"[ ]+(?:NIACT[ ]+IMMEDIATE|IMMEDIATE|PRIORITY|ROUTINE|FLASH)$", "", a)
    return re.sub(r"\s+", " ", a).strip()


def find_addressees(text: str, fm_end: int, cls_start: int | None) -> tuple[list[str], list[str], str | None]:
    """TO and INFO lists after the FM line; stops at a blank line or the class line.

    Returns ``(to, info, first_to_precedence_word)``.
    """
    to: list[str] = []
    info: list[str] = []
    cur = None
    first_prec = None
    pos = fm_end + 1
    while pos < len(text):
        nl = text.find("\n", pos)
        nl = len(text) if nl < 0 else nl
        line = text[pos:nl]
        if cls_start is not None and pos <= cls_start < nl:
            line = text[pos:cls_start]  # INFO line glued to the class line
        if not line.strip() or re.match(r"^\s*(?:BT|ZEN|E\.O\.|TAGS|SUBJ|id:)", line):
            break
        m = re.match(r"^\s*(TO|INFO)\s+(.*)$", line)
        if m:
            cur = to if m.group(1) == "TO" else info
            line = m.group(2)
            if cur is to and first_prec is None:
                pm = re.search(r"\b(NIACT IMMEDIATE|IMMEDIATE|PRIORITY|ROUTINE|FLASH)\b", line)
                first_prec = pm.group(1) if pm else None
        if cur is None:
            break
        a = clean_addressee(line)
        if re.match(r"PAGE \d+ ", a):  # old page header inside the list (08STATE50524)
            a = ""
        if a and a not in cur:
            cur.append(a)
        if cls_start is not None and pos <= cls_start < nl:
            break
        pos = nl + 1
    return to, info, first_prec


def parse_eo(text: str) -> ExecutiveOrder:
    """``"E.O. 12958: DECL: 10/30/2010"`` -> order 12958, declassify 2010-10-30."""
    m = EO_LINE.match(text)
    order, rest = m.group("order"), m.group("rest").strip()
    rest = re.sub(r"^(?:DECL(?:ASSIFY)?)[ ]*:?[ ]*", "", rest, flags=re.I).strip()
    decl = rest or None
    if decl and re.fullmatch(r"[A-Za-z0-9/]{1,6}", decl):
        decl = decl.upper()  # "n/a" in lower-cased copies (10NAIROBI165)
    d = re.match(r"^(\d{1,2})/(\d{1,2})/(\d{2,4})\b", rest)
    iso = re.match(r"^(\d{4})/(\d{1,2})/(\d{1,2})\b", rest)  # "2019/12/24" (09KAMPALA1413)
    if iso:
        d = iso
        yy, mo, dd = (int(x) for x in iso.groups())
    elif d:
        mo, dd, yy = (int(x) for x in d.groups())
    if d:
        yy = yy if yy > 100 else (1900 + yy if yy >= 66 else 2000 + yy)
        try:
            decl = datetime(yy, mo, dd).strftime("%Y-%m-%d")
        except ValueError:
            decl = rest
    return ExecutiveOrder(order=order, declassify=decl, raw=text.strip())


def parse_tags(joined: str) -> list[str]:
    """``"PGOV PHUM, PREL PGOV"`` -> ``["PGOV", "PHUM", "PREL"]`` (de-duplicated)."""
    out: list[str] = []
    # a person tag keeps its parentheses and comma: "KDEM (MEDVEDEV, DMITRIY)"
    for t in re.findall(r"\([^()]*\)|[^\s,;()]+", joined):
        t = re.sub(r"\s+", " ", t.strip(".").upper())  # lower-cased transport copies (10NAIROBI165)
        if t and t not in out:
            out.append(t)
    return out


def parse_subject(joined: str) -> str | None:
    """Subject lines joined, a leading marking such as ``(C)`` removed."""
    s = re.split(r"\s{2,}REF(?:TEL)?S?:", joined)[0]
    s = re.sub(r"^\((?:[A-Z]{1,4}(?:/+[A-Z ,]+)*)\)\s*", "", s.strip())
    s = re.sub(r"\s+", " ", s).strip()
    return s or None


def parse_refs(joined: str, year: str | None) -> list[Reference]:
    """REF list -> :class:`Reference` items, letters in sequence A, B, C..."""
    joined = re.sub(r"\s+", " ", joined).strip()
    if not joined:
        return []
    marks = []
    want = "A"
    for m in _REF_LETTER.finditer(joined):
        if m.group("l") == want:
            marks.append(m)
            want = chr(ord(want) + 1)
    if not marks or marks[0].start() > 2:
        return [Reference(letter=None, text=joined, cable_id=ids.ref_cable_id(joined, year))]
    refs = []
    for i, m in enumerate(marks):
        end = marks[i + 1].start() if i + 1 < len(marks) else len(joined)
        t = joined[m.end():end].strip().rstrip(";,").strip()
        refs.append(Reference(letter=m.group("l"), text=t, cable_id=ids.ref_cable_id(t, year)))
    return refs


def parse_classified_by(joined: str) -> ClassifiedBy:
    """``"Ambassador X for reasons 1.4 (b) and (d)."`` -> by + ``["1.4(b)","1.4(d)"]``."""
    parts = re.split(r"[,.;:]?\s*(?:\bfor\b\s+|\bunder\b\s+)?\breasons?\b\s*:?", joined, maxsplit=1, flags=re.I)
    by = parts[0].strip().rstrip(",;.") or None
    reasons: list[str] = []
    rest = parts[1] if len(parts) > 1 else joined
    for m in _REASON.finditer(rest):
        letters = re.findall(r"(?<![A-Za-z])([a-hA-H])(?![A-Za-z])", m.group("letters"))
        if not letters:
            r = m.group("sec")
            if r not in reasons:
                reasons.append(r)
        for lt in letters:
            r = f"{m.group('sec')}({lt.lower()})"
            if r not in reasons:
                reasons.append(r)
    return ClassifiedBy(by=by, reasons=reasons, raw=joined)


def fm_station(origin: str | None) -> str | None:
    """Station of an FM addressee: ``"AMCONSUL SHENYANG"`` -> ``"SHENYANG"``,
    ``"SECSTATE WASHDC"`` -> ``"STATE"``; ``None`` for ``None``."""
    if not origin:
        return None
    o = re.sub(r"^(?:AMEMBASSY|AMEMB|AMCONSUL|AMCONGEN|USMISSION|USDEL|USLO|USOFFICE|AMINTERESTS)[ ]+", "",
               origin.upper().strip())
    return "STATE" if o.startswith("SECSTATE") else o


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


#: A class line too damaged for station and serial, read for its level only,
#: at a line start in the header zone: wrapped ("C O N F I D E N T I A L \n
#: SECTION 01 OF 02 BAKU 000687", 09BAKU687), glued ("C O N F I D E N T I A
#: LCAIRO 000079", 09CAIRO79; "BUENOS AIRES 00167SIPDIS", 07BUENOSAIRES1673),
#: garbled ("UNCLAS SECTION01 OF 03", 09SANJOSE525; "SECTION 02 OF
#: 03QRIPOLI", 09TRIPOLI583), first letter lost ("NCLAS SECTION 01 OF 02
#: BRASILIA 001017", 09BRASILIA1017).
LEVEL_ONLY = re.compile(r"^[ \t]*(?P<c>(?:" + _LEVEL + r"|NCLAS(?:SIFIED)?)(?:[ ]?//?[A-Z][A-Z ,]*?)*)(?=[ \t]|$|[A-Z])", re.M)


def _level_only(text: str, start: int) -> re.Match | None:
    hz = re.search(r"^[ \t]*(?:E\.O\.|TAGS|SUBJ)", text[start:], re.M | re.I)
    end = start + (hz.start() if hz else 3000)
    return LEVEL_ONLY.search(text, start, end)


#: An FM line found outside the routing zone counts only as an addressee in
#: capitals with a TO line under it: in partial extracts "FM" opens body
#: sentences ("FM de Hoop Scheffer on December 3, would ...", 03THEHAGUE2843;
#: "FM GUIMARAES", 05BRASILIA660).
FM_ADDRESSEE = re.compile(r"^[ \t]*FM[ \t]+(?P<origin>[A-Z][A-Z0-9 ./&'-]{2,60}?)[ \t]*\n[ \t]*TO\b", re.M)


def _fm_anywhere(text: str) -> re.Match | None:
    m = FM_ADDRESSEE.search(text)
    return FM_LINE.match(text, m.start()) if m else None


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
    fm = FM_LINE.search(text, dtg.end() if dtg else 0, zone_start if cls else len(text)) or _fm_anywhere(text)
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
        de = DE_LINE.search(text, 0, cls.start())
        if de and len(serial.lstrip("0")) <= 4 and int(de.group("serial")) != int(serial):
            serial = de.group("serial")  # class line serial mistyped (07NAIROBI4427: NAIROBI 004428)
        if cls.group("section"):
            h.section = f"SECTION {cls.group('sec')} OF {cls.group('of')}"
    else:
        m = re.match(r"\A\s*\d{2}[A-Z]+\d+\n.*\n.*\n(?P<c>[A-Z/ ]+)\n", text) or META_CLASS.search(text) \
            or _level_only(text, fm.end() if fm else (dtg.end() if dtg else 0))
        if m:
            lm = m.re is LEVEL_ONLY
            h.classification = parse_classification(m.group("c"), text[m.end():m.end() + 600] if lm else "")
            if h.classification.level:
                found.append("classification")
    h.cable_id = find_cable_id(text, station, serial, year, source_path, h.origin)

    search_from = cls.start() if cls else 0
    m = EO_LINE.search(text, search_from, zone_end)
    m = m if m and re.match(r"\s*(?:E\.O\.|E\.?[ ]?O\.?[ ]*\d{5})", m.group(0), re.I) else None
    if m:
        found.append("eo")
        h.eo = parse_eo(m.group(0))
        ends.append(m.end())
    m = TAGS_LINE.search(text, search_from, zone_end)
    if m:
        found.append("tags")
        joined, end = _block(text, m.start("tags"))
        h.tags = parse_tags(joined)
        ends.append(end)
    m = SUBJECT_LINE.search(text, search_from, zone_end)
    if m:
        found.append("subject")
        joined, end = _block(text, m.start("subject"))
        h.subject = parse_subject(joined)
        ends.append(end)
    m = REF_LINE.search(text, search_from, zone_end)
    if m:
        joined, end = _block(text, m.start("ref"), _STOP_REF,
                             over_blank=re.compile(r"^[ \t]*¶?[ ]*\(?[B-Z][.)][ ]+[A-Z0-9]"))
        h.references = parse_refs(joined, year)
        ends.append(end)
    m = CLASSIFIED_BY.search(text, search_from, zone_end)
    if m:
        joined, end = _block(text, m.start("by"), _STOP_CBY)
        h.classified_by = parse_classified_by(joined)
        ends.append(end)
    else:
        m = CLASSIFIED_BY.search(text, search_from)
        if m:
            h.classified_by = parse_classified_by(_block(text, m.start("by"), _STOP_CBY)[0])
    body_start = max(ends) if ends else 0
    if not cls and not ends and "fm" in found and fm:
        body_start = fm.end()
    return HeaderParse(header=h, body_start=body_start, found=found, warnings=warnings)
