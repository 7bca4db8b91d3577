"""Reflowed body lines that glue several things together: cut them apart.

43% of the corpus has its body reflowed to one paragraph per line (the
WikiLeaks HTML pages), so what stood on lines of its own in the cable ends up
inside a sentence.  This module finds those pieces inside one line.

Shapes
------
``glued_pieces(raw, station=None) -> [(a, b, kind), ...]``: spans of ``raw``
(offsets into it) in reading order, each one of

* ``"text"``    words of the paragraph;
* ``"drop"``    a page-break (``BEIJING 00002305 002 OF 003``, 07BEIJING2305)
  or a ``SIPDIS`` glued into a sentence (05BRASILIA2146);
* ``"heading"`` a dashed heading's title (``Comment -------``, 08RIODEJANEIRO91;
  ``... End Summary. GOVERNING COALITION ----------``, 04BRASILIA776;
  ``---- -- Arab-South America Summit ---- --``, 09BRASILIA391);
* ``"dashes"``  the dash rule of that heading;
* ``"break"``   an empty span where a new paragraph starts inside the line
  (``... End Comment. 12. (U) This message``, 08RIODEJANEIRO91;
  ``Haiti ----- 4 (C) The Ambassador``, 10MADRID49) or a marked portion
  (``... party). (C) To declare``, 03ANKARA3694).

A line with nothing glued gives ``[(0, len(raw), "text")]``.  ``station`` is
the cable's station in letters only (``"SAOPAULO"``): it says how many capital
words before a glued page-break's serial are the station
(``... the NAC NEW DELHI 00009527 005 OF 005 has ...``, 05NEWDELHI9527).

``heading_line(raw) -> str | None``: the title when the whole line is a dashed
heading in one of the shapes above (``Comment -------``,
``----- -- Title ----- --``), else ``None``.

``scrub(text, station=None) -> str``: the same page-break / SIPDIS / repeated
header removal on joined paragraph text (one space left where a piece was
cut out).
"""

from __future__ import annotations

import re

#: A glued page break: capital words (the station, maybe a word or two of the
#: sentence before it), a zero-padded serial, the page and ``OF`` the pages.
PAGE_BREAK_IN = re.compile(
    r"(?:(?<=\s)|^)(?P<st>(?:[A-Z][A-Z.'&]*[ ]+){0,4}?(?:[A-Z][A-Z.'&]*))[ ]+0*\d{1,8}[ ]+\d{3}(?:\.[ ]?\d)?[ ]+OF[ ]+\d{3}"
    r"(?=\s|$|[A-Z(])")
#: The same in a lower-cased copy (``Baku 00000478 002.2 of 003``, 09BAKU478):
#: only cut where the words are the cable's own station.
PAGE_BREAK_CI = re.compile(
    r"(?:(?<=\s)|^)(?P<st>(?:[A-Za-z][A-Za-z.'&]*[ ]+){0,3}?(?:[A-Za-z][A-Za-z.'&]*))[ ]+0{2,}\d{1,6}[ ]+\d{3}(?:\.\d)?"
    r"[ ]+(?i:of)[ ]+\d{3}(?=\s|$)")
#: SIPDIS inserted into a sentence (after "Secretary" in the original line),
#: but not where a cable asks for the caption (``Please include SIPDIS in all
#: replies``, 08STATE18255; ``use the caption SIPDIS``, 10STATE16219).  In
#: any case: lower-cased copies print it ``Sipdis`` (07KUWAIT808).
SIPDIS_IN = re.compile(r"(?<![\w\"'])(?<!caption )(?<!include )SIPDIS(?![\w\"'])", re.I)
#: A header repeated inside a reflowed body (the top of each section of old
#: cables, 02ROME1196; the whole header again, 08BERLIN1108): a class line
#: with station and serial, or an E.O. line, up to the end of the TAGS list.
_LEVEL_IN = (r"(?:C[ ]?O[ ]?N[ ]?F[ ]?I[ ]?D[ ]?E[ ]?N[ ]?T[ ]?I[ ]?A[ ]?L|S[ ]?E[ ]?C[ ]?R[ ]?E[ ]?T|UNCLAS(?:SIFIED)?|"
             r"(?:(?<=[ ])|^)(?:[A-Z][ ]){2,}[A-Z](?=[ ]+SECTION))")
HEADER_IN = re.compile(
    r"(?:" + _LEVEL_IN + r"(?:[ ]+SECTION[ ]+\d+[ ]+OF[ ]+\d+)?[ ]+(?:[A-Z][A-Z.]*[ ]+){1,3}\d{6}\b.{0,200}?)?"
    r"E\.O\.[ ]?\d{5}(?:[ ]*:|[ ]+(?=N/A|DECL)).{0,60}?TAGS?[ ]*:?(?P<tags>(?:[ ,]+(?:[A-Z]{2,6}|\([A-Z][A-Za-z ,.\-]{1,40}\))(?![A-Za-z'0-9]))*)"
    r"(?:[ ]+SUBJECT[ ]*:.*)?")
#: A ``Classified By`` line glued into a paragraph (``... WOOD Classified By:
#: DCM Milton K. Drucker, Reasons: 1.4 B...``, 06BOGOTA1082), up to its reasons.
CLASSIFIED_IN = re.compile(
    r"(?:(?<=\s)|^)(?i:classified[ ]+by)[ ]*:.{0,200}?(?:\b1\.[45][ ]*(?:(?:[ ,&/]|and|or)*\(?[a-hA-H]\)?(?![A-Za-z]))*"
    r"(?:\.{1,3})?|$)")
#: A run of dashes as cables print rules: ``-----``, also wrapped at 45
#: columns (``--------------------------------------------- --``, or ``-----``
#: after the space: 08STOCKHOLM792; a number may be glued to its end:
#: ``---------------------------------------- ----------11. (SBU)``, 08BUENOSAIRES1706).
RULE = r"-{5,}(?:[ ]-+(?![A-Za-z_-]))*"
RULE_RE = re.compile(RULE)
#: A whole line that is a dashed heading.
HEADING_LINE = re.compile(
    r"^[ \t]*(?:-{3,}(?:[ ]-{1,4})*[ \t]*)?(?P<h>[^-\s](?:(?!--).){0,100}?)[ \t]*-{3,}(?:[ ]-{1,4})*[ \t]*$")
#: Where a sentence ends (not after ``U.S.`` initials or ``No.``).
SENT_END = re.compile(r"(?:(?<![ .][A-Z])(?<!\bNo)(?<!\bMr)(?<!\bDr)(?<!\bMs)[.!?]|[:;]|\.[\"')\]]|[!?][\"')\]])"
                      r"[ ]+(?=\S)")
#: A paragraph start inside a line: number, optional dot, marking, capital;
#: ``Q`` stands for the pilcrow in some damaged copies (``... are of Q4. (S)
#: LTG Austin``, 09BAGHDAD2569 family).
PARA_IN = re.compile(
    r"(?:(?<=[.!?:;\"')\]”’>}])[ ]*|(?<=[A-Za-z0-9,\-])[ ]+)(?=(?:¶[ ]*|Q(?=\d{1,2}\.[ ]?\())?\d{1,2}[A-Z]?(?:\.[A-Z0-9]{1,2})*[ ]?[.,]?[ ]{0,4}"
    r"\((?:U|SBU|C|S|TS|U//?FOUO|SBU//?NF|[CS]//?NF|[CS]//?REL[A-Z ,]*|[CS]/REL TO[A-Z ,]*)\)\.?(?:[ ]*[\"A-Z(]|[ ]*$))"
    r"|(?<=\S)[ ]+(?=¶[ ]*\d{1,2}\.[ ]+\S)")
#: A marked portion glued after a sentence (or a colon) in a reflowed
#: paragraph: a bare marking (``... AK party). (C) To declare``, 03ANKARA3694),
#: a lettered sub-paragraph (``... reasons: A. (C) Today``), a bullet
#: (``... following: -- (C) The GOI``, 03KATHMANDU280; also after a title in
#: capitals: ``1.KEY POINTS -- (C) Following``, 09CAIRO1997), a numbered item
#: (``... monthly basis. 2) (S) DOES THE``, 09ABUDHABI874).  The break goes
#: before the lead; :func:`pipeline.cables.body_starts.sub_starts` makes it a
#: paragraph.
SUB_IN = re.compile(
    r"(?:(?<=[.!?:;\"')\]”’])|(?<=[A-Za-z]{3})(?=[ ]+(?:--|—)[ ]?\()|(?<=[A-Z]{3})(?=[ ]+(?:[a-z][.)]|[IVX]{1,4}\.)[ ]?\())[ ]+"
    r"(?=(?P<lead>--?[ ]?|—[ ]?|¶?[A-Za-z][.),][ ]?|[A-Z][ ]?[-&][ ]?[A-Z][.)][ ]?|[IVX]{1,4}\.[ ]?|(?:i{1,3}|iv|vi{0,3}|ix)\.[ ]?|"
    r"\d{1,2}\)[ ]?)?\((?P<m>U|SBU|C|S|TS|U//?FOUO|SBU//?NF|[CS]//?NF|"
    r"[CS]//?RE[Ll][A-Za-z ,]*|[CS]/REL TO[A-Z ,]*)\)[ ]+[\"A-Z(])")
#: A marking of more than one letter (``(SBU)``, ``(S/REL USA, SAU)``,
#: ``(U//FOUO)``), or ``(U)`` (``Embassy Point of Contact (U) Kathleen
#: Doherty``, 08LONDON2757), cannot be a word in parentheses, so it opens a portion
#: after any word, not only after a sentence's end (``... talking points
#: (S/REL USA, SAU) We recognize``, 09STATE131801; ``REF: STATE 86108 (SBU)
#: Poloff delivered``, 08HELSINKI374).
LONG_MARK_IN = re.compile(
    r"(?<=[A-Za-z0-9])[ ]+(?=\((?:U|SBU|TS|U//?FOUO|SBU//?NF|[CS]//?NF|[CS]//?RE[Ll][A-Za-z ,]*|[CS]/REL TO[A-Z ,]*)\)"
    r"[ ]+[\"A-Z])")
#: A paragraph number right at the start of a piece (after a heading).
PARA_AT = re.compile(r"^(?:¶[ ]*)?\d{1,2}(?:\.[A-Z0-9]{1,2})*[ ]?[.)]?[ ]?(?:\([A-Za-z/ ,\-]{1,40}\)|[A-Z\"])")


def _station_words(st: str, station: str | None) -> int:
    """How many of the trailing capital words in ``st`` are the station."""
    words = st.split()
    if station:
        keys = [re.sub(r"[^A-Z]", "", "".join(words[-k:])) for k in range(1, len(words) + 1)]
        for test in (lambda w: w == station, lambda w: station.startswith(w), lambda w: station.endswith(w)):
            for k, letters in enumerate(keys, start=1):
                if len(letters) >= 3 and test(letters):
                    return k
    # unknown station: at most the two last words, never a short sentence word
    k = 1
    if len(words) >= 2 and len(words[-2]) >= 3 and words[-2] not in ("THE", "AND", "FOR", "OF"):
        k = 2
    return k


def page_breaks(raw: str, station: str | None) -> list[tuple[int, int]]:
    """``(start, end)`` spans of the page breaks glued into ``raw``; ``station``:
    the cable's station in capital letters only (``NEWDELHI``), to tell its words
    from the sentence before the break."""
    out = []
    for m in PAGE_BREAK_IN.finditer(raw):
        st = m.group("st")
        k = _station_words(st, station)
        words = list(re.finditer(r"\S+", st))
        a = m.start("st") + words[-k].start()
        out.append((a, m.end()))
    # the second half of a page break split over two lines ("RIO DE JAN
    # 00000365 002.\n\n2 OF 002 5. (C) In selecting", 09RIODEJANEIRO365)
    half = re.match(r"[ \t]*\d[ ]+OF[ ]+\d{3}(?=[ ]|$)", raw)
    if half:
        out.append((0, half.end()))
    if station and not out:
        for m in PAGE_BREAK_CI.finditer(raw):
            words = list(re.finditer(r"\S+", m.group("st")))
            for k in range(1, len(words) + 1):
                if re.sub(r"[^A-Z]", "", "".join(w.group(0) for w in words[-k:]).upper()) == station:
                    out.append((m.start("st") + words[-k].start(), m.end()))
                    break
    return out


def _header_runs(raw: str, subject: str | None, extend: bool = True) -> list[tuple[int, int]]:
    """Header matter repeated inside a line: class line .. TAGS, Classified
    By .. reasons, ``SUBJECT: <the cable's subject>``.  All-capitals routing
    text right before a repeated header (``... MIAMI FL C O N F I D E N T I A L
    LIMA 003659``, 07LIMA3659) goes with it."""
    out = []
    words = subject.split() if subject and len(subject) >= 8 else []
    for m in HEADER_IN.finditer(raw):
        a, b = m.start(), m.end()
        if extend and not re.search(r"[a-z]", raw[:a]):
            a = 0
        for w in words:  # the subject right after the TAGS, without its label
            mm = re.match(r"[ ]+" + re.escape(w), raw[b:])
            if not mm:
                break
            b += mm.end()
        out.append((a, b))
    out += [(m.start(), m.end()) for m in CLASSIFIED_IN.finditer(raw)]
    if words:
        pat = r"SUBJECT[ ]*:[ ]*(?:\([A-Z/ ,]{1,20}\)[ ]*)?" + r"[ ]+".join(map(re.escape, words[:6]))
        for m in re.finditer(pat, raw):
            end = m.end()
            for w in words[6:]:  # the rest of the subject, as far as it is there
                mm = re.match(r"[ ]+" + re.escape(w), raw[end:])
                if not mm:
                    break
                end += mm.end()
            if subject.rstrip().endswith("..."):
                # the header's subject is the box's preview, cut short: the
                # copy's goes on to its REF or first paragraph (08TBILISI1372)
                tail = re.match(r"[A-Z0-9 ,;:'./()&-]{0,120}?(?=[ ]+REF|[ ]+¶?\d{1,2}\.?[ ]*\((?:U|SBU|C|S)\b)", raw[end:])
                end += tail.end() if tail else 0
            ref = _REF_AFTER.match(raw, end)
            out.append((m.start(), ref.end() if ref else end))
    return out


#: The REF list of a repeated header, right after its SUBJECT, up to the
#: first paragraph ("SUBJECT: FINNISH COMMENTS ... GAERC REF: STATE 86108
#: (SBU)", 08HELSINKI374; "... REF: VILNIUS 663 1. (SBU)", 08VILNIUS668).
_REF_AFTER = re.compile(
    r"[ ]*REF(?:S|TEL)?[ ]*:[ ]*.{1,300}?(?=[ ]+(?:¶?\d{1,2}\.?[ ]*)?\((?:U|SBU|C|S|TS)(?:/[A-Za-z/ ,]{0,60})?\)|[ ]*$)")


def heading_line(raw: str) -> str | None:
    """Title of a line that is a dashed heading, else ``None``."""
    m = HEADING_LINE.match(raw)
    if not m:
        return None
    h = m.group("h").strip()
    if len(h) > 100 or re.search(r"[.!?]\s+\S", h) and len(h) > 60:
        return None
    return h


#: A paragraph number and marking before a dashed title on the same line.
_TITLE_LEAD = re.compile(r"[ \t]*(?:¶[ ]*)?\d{1,3}(?:\.[A-Z0-9]{1,2})*[ ]?\.?[ ]*\([A-Z][A-Za-z/ ,\-]{0,40}\)[ \t]*")
#: A dash run inside a sentence stands for a withheld name ("The July 8
#: arrest of --------------- by the Lithuanian", 05VILNIUS732): no rule.
_INLINE_DASHES = re.compile(r"(?<=[a-z,] )-{5,}(?= [a-z])")


def _title_before(raw: str, lo: int, hi: int) -> int:
    """Start of a heading title that ends at ``hi`` (a rule starts there):
    the text after the last sentence end in ``raw[lo:hi]``; ``hi`` if none."""
    seg = raw[lo:hi]
    start = 0
    for m in SENT_END.finditer(seg):
        start = m.end()
    if lo == 0 and len(seg.strip()) <= 100 and not re.search(r"[.!?][\"')\]]*[ ]+\S", seg):
        # a whole line over its rule is the title, colons and all
        # ("Increased Bank Scrutiny: FSA; Bank Mellat, XXXX-----", 07LONDON4328)
        start = 0
    lead = _TITLE_LEAD.match(seg)
    if lead and start <= lead.end():
        # a numbered, marked line whose words are the title: "¶5. (C) "WORST
        # EVER" CONDITIONS ON THE GROUND -----" (08ASMARA249): the number and
        # marking stay text, the title is what follows them ("2.(U) -----
        # Visit officer -----", 08LONDON2197: none)
        if not seg[lead.end():].strip():
            return hi
        start = lead.end()
    title = seg[start:].strip()
    # a sentence's end, also before doubled quotes ('calls ""tensions.""', 08BUENOSAIRES1706);
    # a redaction is no title ("¶9. (C) XXXXXXXXXXX-------", 08MOSCOW2632)
    if not title or len(title) > 100 or title.endswith((";", ",")) or re.search(r"[.!?][\"')\]]*$", title) \
            or re.fullmatch(r"X{4,}", title):
        return hi
    return lo + start + (len(seg[start:]) - len(seg[start:].lstrip()))


def _dash_pieces(raw: str, lo: int, hi: int) -> list[tuple[int, int, str]]:
    """Split ``raw[lo:hi]`` at dash rules into text / heading / dashes / break."""
    out: list[tuple[int, int, str]] = []
    pos = lo
    rules = [m for m in RULE_RE.finditer(raw, lo, hi) if not _INLINE_DASHES.match(raw, m.start())]
    k = 0
    while k < len(rules):
        r = rules[k]
        nxt = rules[k + 1] if k + 1 < len(rules) else None
        between = raw[r.end():nxt.start()] if nxt else ""
        if nxt and 0 < len(between.strip()) <= 100 and not re.search(r"[.!?][ ]+[A-Z]", between) \
                and _title_before(raw, pos, r.start()) == r.start():
            # ---- Title ----  (rule, title, rule)
            if raw[pos:r.start()].strip():
                out.append((pos, r.start(), "text"))
            a = r.end() + len(between) - len(between.lstrip())
            b = nxt.start() - (len(between) - len(between.rstrip()))
            out += [(r.start(), r.end(), "dashes"), (a, b, "heading"), (nxt.start(), nxt.end(), "dashes")]
            pos = nxt.end()
            k += 2
        else:
            t = _title_before(raw, pos, r.start())
            if raw[pos:t].strip():
                out.append((pos, t, "text"))
            if raw[t:r.start()].strip():
                out.append((t, r.start() - (len(raw[t:r.start()]) - len(raw[t:r.start()].rstrip())), "heading"))
            out.append((r.start(), r.end(), "dashes"))
            pos = r.end()
            k += 1
        if raw[pos:hi].strip():
            out.append((pos, pos, "break"))
    if raw[pos:hi].strip():
        out.append((pos, hi, "text"))
    return out


def glued_pieces(raw: str, station: str | None = None, subject: str | None = None) -> list[tuple[int, int, str]]:
    """See the module docstring."""
    cuts: list[tuple[int, int, str]] = [(a, b, "drop") for a, b in page_breaks(raw, station)]
    cuts += [(a, b, "drop") for a, b in _header_runs(raw, subject)]
    cuts += [(m.start(), m.end(), "drop") for m in SIPDIS_IN.finditer(raw)]
    cuts += [(m.end(), m.end(), "break") for m in PARA_IN.finditer(raw)]
    cuts += [(m.end(), m.end(), "break") for m in LONG_MARK_IN.finditer(raw)
             # not after a number of its own, also one glued to a rule ("-----11.", 08BUENOSAIRES1706)
             if not re.search(r"(?:^|[ ]|(?<=-----)(?=\d))(?:¶?(?:[A-Za-z]|(?:\d{1,3}-)?\d{1,3}[A-Z]?(?:\.[A-Z0-9]{1,2})*)[.),]|--?|¶?\d{1,3}[A-Z]?)$",
                              raw[:m.start()])
             # "¶1. SUMMARY (U) Costa Rica's" (07SANJOSE1173): the paragraph's own marking
             and not re.search(r"(?:^|[ ])(?:¶?\d{1,3}\.?[ ]*)?(?:SUMMARY|Summary)[:.]?$", raw[:m.start()])]
    # "(A) wait. (B) act. (C) both." enumerates: its "(C)" is no marking
    # (and "1.A. (S) Sub." is a paragraph's own label and marking)
    cuts += [(m.end(), m.end(), "break") for m in SUB_IN.finditer(raw)
             if not re.fullmatch(r"[ \t]*(?:¶[ ]*)?[0-9A-Za-z]{1,3}(?:\.[0-9A-Za-z]{1,2})*[.)]?", raw[:m.start()])
             # not right after a lead ("A.", "2.", "18A.", "1)", "--") of its own
             # (a lead of the match's own: "... November 21. -- (SBU) The strike", 09CAIRO2207)
             and (m.group("lead") or not re.search(
                 r"(?:^|[ ]|(?<=-----)(?=\d))(?:¶?(?:[A-Z]|(?:\d{1,3}-)?\d{1,3}[A-Z]?(?:\.[A-Z0-9]{1,2})*)[.),]|--?)$", raw[:m.start()]))
             and (m.group("lead") or m.group("m") not in ("C", "S") or not re.search(r"\([AB]\)", raw[:m.start()]))]
    cuts.sort(key=lambda c: (c[0], -c[1]))
    if not cuts and "-----" not in raw:
        return [(0, len(raw), "text")]
    out: list[tuple[int, int, str]] = []
    pos = 0
    for a, b, kind in cuts + [(len(raw), len(raw), "end")]:
        if a < pos:
            if b > pos and kind == "drop":  # overlapping drops: extend
                out[-1] = (out[-1][0], b, "drop")
                pos = b
            continue
        if raw[pos:a].strip():
            out += _dash_pieces(raw, pos, a) if "-----" in raw[pos:a] else [(pos, a, "text")]
        if kind != "end":
            out.append((a, b, kind))
        pos = b
    return out or [(0, len(raw), "text")]


def scrub(text: str, station: str | None = None) -> str:
    """Page breaks, SIPDIS and repeated header runs cut out of joined
    paragraph text.  Header runs matter here for hard-wrapped bodies, where a
    second copy of the header spans several lines (``C O N F I D E N T I A L
    SECTION 02 OF 03 ROME 003639 E.O. 12958: DECL: ... TAGS: ...``,
    02ROME3639); nothing before the run goes with it (an all-capitals
    paragraph is no routing text)."""
    spans = page_breaks(text, station) + [(m.start(), m.end()) for m in SIPDIS_IN.finditer(text)]
    spans += _header_runs(text, None, extend=False)
    if not spans:
        return text
    out, pos = [], 0
    for a, b in sorted(spans):
        if a < pos:
            continue
        out.append(text[pos:a])
        pos = b
    out.append(text[pos:])
    return re.sub(r"[ ]{2,}", " ", " ".join(s.strip() for s in out if s.strip())).strip()
