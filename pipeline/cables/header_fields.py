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
from pipeline.cables.glued import page_breaks
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
#: End of a Classified By block: also a ``Summary`` heading under it (05ANKARA82).
STOP_CBY = re.compile(r"^[ \t]*(?:$|¶|\d{1,2}[.)][ ]|\d{1,2}\.\(|REF|TAGS|SUBJ|E\.?[ ]?O\.|SUMMARY\b)", re.I)
#: End of a REF list: also an unnumbered first paragraph that opens with its
#: marking (`` (SBU) Poloff delivered``, 08KUALALUMPUR317); a one-letter
#: ``(C)`` only before a mixed-case word, since ``(C) STATE 1234`` is a REF item.
STOP_REF = re.compile(r"^[ \t]*(?:$|(?:\(U\)[ ]*)?(?i:CLASSIFIED)|¶?\d{1,2}\.[ (]|-{3,}|"
                       r"\((?:SBU|LOU|TS|U//?FOUO|[CS]//?[A-Z][^)]{0,30})\)[ ]|\([UCS]\)[ ]+(?=[A-Z][a-z]))")
STOP_CONT = re.compile(r"^[ \t]*(?:$|REF|TAGS|SUBJ|E\.?[ ]?O\.|CLASSIFIED|¶|\d{1,2}[.)][ ]|\d{1,2}\.\(|\(\w+\)[ ]|SUMMARY)",
                       re.I)


#: A header field's keyword printed in the middle of a line, glued to the text
#: before it: ``E.O. 12958: DECL: 12/17/2014 TAGS: EAIR ...`` and ``SUBJECT:
#: ... SUBSIDIES REF: BRASILIA 2939 Classified By: DCM ...`` (04BRASILIA3106),
#: ``... S/CT FOR REAPE.O. 12958: DECL: 11/14/2012 TAGS: PTER TU`` on the class
#: line (02ANKARA8305).  Upper case (``Classified By`` as printed) so that prose
#: in the header zone does not match; searched only between the class line and
#: the first paragraph.
GLUED = {
    "eo": re.compile(r"E\.O\.[ ]?(?=1\d{4}\b)"),
    "tags": re.compile(r"(?<![A-Za-z])TAGS?:[ \t]*"),
    "subject": re.compile(r"(?<![A-Za-z])SUBJ(?:ECT)?:[ \t]*"),
    "ref": re.compile(r"(?<![A-Za-z/])REF(?:S|TEL|TELS)?:[ \t]*"),
    "cby": re.compile(r"(?<![A-Za-z])(?:CLASSIFIED BY|Classified [Bb]y):[ \t]*"),
}
#: Where a field's text ends on its own line: the next glued keyword, or a
#: first paragraph glued after it: unnumbered, by its marking (``REF: STATE 5535
#: (U) We delivered reftel points``, 09CAIRO200), or numbered (``reasons 1.4 (b)
#: and (d). 1. (C)``, 08OTTAWA1064; ``(b/d).  1. (C) Echoing``, 10LONDON88).
_NEXT_FIELD = re.compile("|".join(f"(?:{p.pattern})" for p in GLUED.values())
                         + r"|(?<=\s)¶?[ ]?\d{1,2}\.[ ]?(?=\((?:U|SBU|C|S|TS)(?://?[A-Z]+)*\))"
                         + r"|(?<=\s)\((?:SBU|TS|[CS]//?[A-Z]+|U//?FOUO)\)[ ]+(?=[A-Z])"
                         + r"|(?<=\s)\([UCS]\)[ ]+(?=[A-Z][a-z])"  # "(C) STATE 1234" is a REF item
                         + r"|(?<=[.)][ ])[ ]?¶?1\.[ ]+(?=[A-Z])")
#: A numbered paragraph start with nothing after its marking on its line.
_DANGLING = re.compile(r"\s*¶?[ ]?(?P<n>\d{1,2})\.[ ]?\([A-Z/]+\)[ \t]*(?=\n|$)")
#: A line that continues a TAGS list: tags and person tags only (``SNAR KCRM
#: RS``); anything else (the body glued under the TAGS line, 08BUENOSAIRES1305)
#: ends the list.
STOP_TAGS = re.compile(r"^(?![ \t]*(?:[A-Z]{2,6}|\([^()]*\))(?:[ ,;]+(?:[A-Z]{2,6}|\([^()]*\)))*[ ,;]*$)")


def cut_glued(text: str, start: int, joined: str, end: int) -> tuple[str, int]:
    """A field's ``(joined, end)`` from :func:`block` (its text starts at
    ``start``) cut at the next glued field keyword or glued first paragraph
    (:data:`_NEXT_FIELD`), lines joined as :func:`block` joins them; returned
    unchanged when nothing is glued."""
    m = _NEXT_FIELD.search(text, start + 1, end)
    while m and re.fullmatch(r"\s*(?:\([A-Z/ ]{1,12}\))?\s*", text[start:m.start()]):
        # the field's own keyword printed twice ("SUBJECT: (C) SUBJECT: BRIEFING", 07PARAMARIBO510)
        m = _NEXT_FIELD.search(text, m.end(), end)
    if m is None:
        return joined, end
    cut = m.start()
    while cut > start and text[cut - 1].isspace():
        cut -= 1
    joined = " ".join(x.strip() for x in text[start:cut].split("\n") if x.strip())
    dup = _DANGLING.match(text, m.start())
    if dup and re.match(rf"\s*¶?[ ]?{dup.group('n')}\.", text[dup.end():]):
        # "REASON: 1.4(D) 1. (C)" over "¶1. (C) During ..." (10BRASILIA51): the
        # dangling copy stays in the header, the paragraph below is the body
        return joined, max(end, dup.end())
    return joined, cut


#: A line of prose (a capital word, then three or more lower-case words):
#: the body has begun, so a field keyword glued in a later line is no header
#: (``Please cancel this message. ... ZFR E.O. 12958: N/A TAGS: ...``, 09CAIRO1639).
PROSE_LINE = re.compile(r"^[ \t]*[A-Z][a-z]+(?:[ ,]+[a-z]+){3,}", re.M)


#: ``SUBJECT:`` alone on its line, its text after one or two blank lines
#: (09CAIRO200, 09CAIRO1787): matched at the end of the keyword.
SUBJECT_BELOW = re.compile(r"[ \t]*\n(?:[ \t]*\n){1,2}[ \t]*(?=\S)")


def glued_limit(text: str, start: int, end: int) -> int:
    """Where glued header keywords stop being read: the first
    :data:`PROSE_LINE` between ``start`` and ``end``, else ``end``."""
    m = PROSE_LINE.search(text, start, end)
    return m.start() if m else end


def field_start(text: str, line_re: re.Pattern, group: str, name: str, start: int, end: int,
                glued_end: int | None = None) -> tuple[re.Match | None, int]:
    """``(match, content start)`` of a header field between ``start`` and
    ``end``: at the start of a line (``line_re``, content at ``group``), else
    glued in a line (:data:`GLUED` ``[name]``, content after the keyword)
    starting before ``glued_end`` (default ``end``); ``(None, -1)`` when
    neither is there."""
    m = line_re.search(text, start, end)
    if m:
        return m, m.start(group)
    g = GLUED[name].search(text, start, end if glued_end is None else glued_end)
    return (g, g.end()) if g else (None, -1)


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


def drop_page_breaks(joined: str, station: str | None = None) -> str:
    """``joined`` without the page breaks printed in it (``REF: A. PARIS 1301
    B. CAIRO 1804 CAIRO 00001912 001.3 OF 002``, 09CAIRO1912), found by
    :func:`pipeline.cables.glued.page_breaks` with the cable's ``station``
    (``NEW DELHI``) so that the words before a break stay."""
    spans = page_breaks(joined, re.sub(r"[^A-Z]", "", station.upper()) if station else None)
    for a, b in sorted(spans, reverse=True):
        joined = joined[:a].rstrip() + " " + joined[b:].lstrip()
    return joined.strip()


def parse_subject(joined: str, station: str | None = None) -> str | None:
    """Subject lines joined, a leading marking such as ``(C)``, a repeated
    ``SUBJECT:`` and page breaks of ``station`` (:func:`drop_page_breaks`)
    removed."""
    joined = drop_page_breaks(joined, station)
    s = re.split(r"\s{2,}REF(?:TEL)?S?:", joined)[0]
    s = re.sub(r"^\((?:[A-Z]{1,4}(?:/+[A-Z ,]+)*)\)\s*", "", s.strip())
    s = re.sub(r"^SUBJ(?:ECT)?:\s*", "", s)  # printed twice (07PARAMARIBO510)
    s = re.sub(r"\s+", " ", s).strip()
    return s or None


def parse_refs(joined: str, year: str | None, station: str | None = None) -> list[Reference]:
    """REF list -> :class:`Reference` items, letters in sequence A, B, C...;
    page breaks of ``station`` removed (:func:`drop_page_breaks`)."""
    joined = re.sub(r"\s+", " ", drop_page_breaks(joined, station)).strip()
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
    # "DCM PHILLIP CHICOLA BASED UPON REASON 1.4(B)" (04BRASILIA3106)
    by = re.sub(r"\s+(?:based\s+upon|based\s+on|per)$", "", parts[0].strip().rstrip(",;."), flags=re.I) or None
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
