"""Header field lines after the classification line: E.O., TAGS, SUBJECT,
REF, Classified By.

Shapes
------
``block(text, start, stop, over_blank) -> (joined, end)``;
``parse_eo(line) -> ExecutiveOrder``; ``parse_tags(joined) -> [str]``;
``parse_subject(joined) -> str | None``; ``parse_refs(joined, year) ->
[Reference]``; ``parse_classified_by(joined) -> ClassifiedBy``.  Raises
nothing.
"""

from __future__ import annotations

import re
from datetime import datetime

from pipeline.cables import ids
from pipeline.records import ClassifiedBy, ExecutiveOrder, Reference


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
STOP_CBY = re.compile(r"^[ \t]*(?:$|¶|\d{1,2}[.)][ ]|REF|TAGS|SUBJ|E\.?[ ]?O\.)", re.I)
#: End of a REF list: also an unnumbered first paragraph that opens with its
#: marking (`` (SBU) Poloff delivered``, 08KUALALUMPUR317); a one-letter
#: ``(C)`` only before a mixed-case word, since ``(C) STATE 1234`` is a REF item.
STOP_REF = re.compile(r"^[ \t]*(?:$|(?:\(U\)[ ]*)?(?i:CLASSIFIED)|¶?\d{1,2}\.[ ]|-{3,}|"
                       r"\((?:SBU|LOU|TS|U//?FOUO|[CS]//?[A-Z][^)]{0,30})\)[ ]|\([UCS]\)[ ]+(?=[A-Z][a-z]))")
STOP_CONT = re.compile(r"^[ \t]*(?:$|REF|TAGS|SUBJ|E\.?[ ]?O\.|CLASSIFIED|¶|\d{1,2}[.)][ ]|\(\w+\)[ ]|SUMMARY)", re.I)


def block(text: str, start: int, stop: re.Pattern | None = STOP_CONT,
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
