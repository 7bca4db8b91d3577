"""Body of a cable: paragraphs, markings, headings, page breaks, zones, signer.

Shapes
------
``parse_body(text, start) -> BodyParse(paragraphs, signer, warnings)``;
offsets are into ``text``.  Raises nothing.

Rules (LABELING.md; cable ids where each case was seen)
-------------------------------------------------------
* A paragraph starts at a numbered line (``¶3.``, ``3.``, ``3.A.``, ``2.(U)``)
  after a blank line or with a pilcrow; plain numbers must run in sequence
  (so a wrapped line ``50. He said`` is no paragraph).  Bodies with no numbers
  fall back to lettered ``A.`` paragraphs, then to blocks between blank lines.
* Dropped lines: page breaks ``PHNOM PENH 00001308  002.2 OF 003``
  (07PHNOMPENH1308) with the blank lines around them, ``SIPDIS``, old page
  headers ``PAGE 02 HANOI 00686 01 OF 07 050821Z`` and lone classification
  lines (00HANOI686), ``CABLE ENDS`` rulers (02BOGOTA3281), ``>``.
* Headings: a line over a dashed line (optionally also under one,
  06MEXICO2220), or a reflowed ``---- Heading ----`` at a paragraph's end
  (08CAIRO2175); they become the next paragraph's ``heading``.
* Signer: a short all-capitals name line after the last paragraph
  (``MUSSOMELI``), or glued after its last sentence in reflowed text
  (``... eco-tourism. SCOBEY``, 08CAIRO2175).
* Zones: SUMMARY ... END SUMMARY, COMMENT ... END COMMENT, and paragraphs
  under a ``COMMENT`` heading.
* Reflowed lines (one paragraph per line) are first cut into pieces by
  :mod:`pipeline.cables.glued`: glued page breaks, SIPDIS, dashed headings,
  repeated headers and paragraph starts become lines of their own kind.
* Header matter repeated in the body is no paragraph: everything above a
  ``header ends`` ruler (09LIMA1053), pre-number blocks opening with a class
  line, and one-line database-dump fields (09THEHAGUE582).
* A paragraph with neither text nor marking goes; its number returns to the
  paragraph before when that one ends mid-sentence (09CAIRO2084).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from pipeline.cables.glued import glued_pieces, scrub
from pipeline.cables.markings import parse_marking
from pipeline.records import Paragraph

PAGE_BREAK = re.compile(r"^[ \t]*[A-Z][A-Z .]*[ ]+0*\d{1,8}[ ]+\d{3}(?:\.\d)?[ ]+OF[ ]+\d{3}[ \t]*$")
DROP_LINE = re.compile(
    r"^[ \t]*(?:SIPDIS|NNNN|BT|>|"
    r"PAGE[ ]+\d+[ ]+.*\d{6}Z.*|"
    r"(?:UNCLASSIFIED|CONFIDENTIAL|SECRET|LIMITED OFFICIAL USE|C O N F I D E N T I A L|S E C R E T)(?:[ ]+PTQ\d+)?|"
    r"=+[ ]*CABLE ENDS[ ]*=+|-+[ ]*header ends[ ]*-+|\d{4}[A-Z]+\d+ - [A-Z /]+|"
    r"This record is a partial extract of the original cable\..*)[ \t]*$")
DASHES = re.compile(r"^[ \t]*-{3,}[ \t-]*$")
DASHED_TITLE = re.compile(r"^[ \t]*-{3,}[ \t]*(?P<h>[^-\s](?:(?!--).){0,80}?)[ \t]*-{3,}[ \t]*$")
#: Pre-number blocks that are header matter, not paragraphs (LABELING.md).
HEADER_BLOCK = re.compile(r"^[ \t]*(?:\(U\)[ ]*)?(?:CLASSIFIED[ ]+BY|SENSITIVE BUT UNCLASSIFIED|SENSITIVE\b|NOFORN\b|"
                          r"E\.O\.|TAGS|SUBJECT|REF)", re.I)
#: Pre-number blocks that repeat the header: a class line with station and
#: serial (``C O N F I D E N T I A L SECTION 01 OF 02 THE HAGUE 000582``),
#: and the one-line fields of a database dump printed before it (``226932``,
#: ``2009-09-25``, ``09THEHAGUE582``, ``Embassy The Hague``, ``CONFIDENTIAL``,
#: ``09SECSTATE98567``; 09THEHAGUE582), or ``id: 217720`` style fields (09LIMA1053).
REPEATED_HEADER = re.compile(
    r"^[ \t]*(?:(?:C[ ]?O[ ]?N[ ]?F[ ]?I[ ]?D[ ]?E[ ]?N[ ]?T[ ]?I[ ]?A[ ]?L|S[ ]?E[ ]?C[ ]?R[ ]?E[ ]?T|UNCLAS(?:SIFIED)?|"
    r"LIMITED OFFICIAL USE|TOP SECRET)(?://?[A-Z ]+)?(?:[ ]+SECTION[ ]+\d+[ ]+OF[ ]+\d+)?[ ]+(?:[A-Z][A-Z.]*[ ]+){1,3}\d{3,7}\b|"
    r"(?:id|date|refid|origin|classification|destination|header)[ ]*:)", re.I)
DUMP_LINE = re.compile(
    r"^[ \t]*(?:<<\d+>>|\d{4,7}|\d{4}-\d{2}-\d{2}(?:[ ]\d\d:\d\d)?|\d{1,2}/\d{1,2}/\d{4}(?:[ ]\d\d?:\d\d)?|"
    r"\d{2}[A-Z]+\d+(?:[ ,;]+\d{2}[A-Z]+\d+)*|"
    r"(?:Embassy|Consulate|Mission|US Mission|USUN|Secretary of State|American Institute|US Office|US Interests)\b[A-Za-z ,.'()-]*|"
    r"(?:UNCLASSIFIED|CONFIDENTIAL|SECRET|LIMITED OFFICIAL USE|TOP SECRET)(?://[A-Z ]+)?)[ \t]*$")
HEADER_ENDS = re.compile(r"^[ \t]*-+[ ]*header ends[ ]*-+[ \t]*$")
PARA_START = re.compile(
    r"^(?P<lead>[ \t]*)(?P<num>¶[ ]*(?P<n1>\d{1,3}(?:\.[A-Za-z0-9]{1,2})*)\.?|"
    r"(?P<n2>\d{1,3}(?:\.[A-Za-z0-9]{1,2})*)[ ]*[.)])(?=[ \t(]|$)[ \t]*")
LETTER_START = re.compile(r"^(?P<lead>[ \t]*)(?P<num>¶?[ ]*(?P<n1>[A-Z])[.)])(?=[ \t(])[ \t]*")
MARKING = re.compile(r"^\((?P<m>[A-Za-z][A-Za-z/ ,\-]{0,40})\)[ \t]*")
INLINE_HEADING = re.compile(r"\s*-{5,}\s*(?P<h>[^-\s](?:(?!--).){1,80}?)\s*-{5,}\s*$")
SIGNER = re.compile(r"^[ \t]*(?P<s>[A-Z][A-Z.'\-]+(?:[ ][A-Z][A-Z.'\-]*){0,3})[ \t]*$")
END_SIGNER = re.compile(r"^[ \t]*END[ ][A-Z ]+\.[ ]+(?P<s>[A-Z][A-Z'\-]{2,})[ \t]*$")
GLUED_SIGNER = re.compile(r"(?<=[.!?\"')])[ ]+(?P<s>[A-Z][A-Z'\-]{2,})[ \t]*$")
NOT_SIGNER = {"END", "COMMENT", "SUMMARY", "NOTE", "UNQUOTE", "QUOTE", "BT", "NNNN",
              "SIPDIS", "SENSITIVE", "NOFORN", "END COMMENT", "END SUMMARY", "END NOTE",
              "END TEXT", "END QUOTE", "TEXT", "UNCLASSIFIED", "CONFIDENTIAL", "SECRET"}
#: Word prefixes that keep their hyphen when split at a line end (``anti-TIP``).
KEEP_HYPHEN_PREFIXES = {"anti", "non", "pro", "co", "self", "well", "ex", "post", "pre", "multi",
                        "inter", "counter", "semi", "high", "low", "long", "short", "mid", "cross",
                        "under", "over", "half", "full", "one", "two", "three", "four", "five",
                        "so", "vice", "all", "cease", "first", "second", "third", "wide", "year",
                        "decision", "follow", "long-term", "part", "quasi", "sub", "trans"}


@dataclass
class Line:
    start: int
    end: int      # end of content, trailing blanks excluded
    raw: str
    kind: str = "text"  # text | blank | drop | dashes | heading


@dataclass
class BodyParse:
    paragraphs: list[Paragraph]
    signer: str | None = None
    warnings: list[str] = field(default_factory=list)


PIECE_KIND = {"text": "text", "drop": "drop", "heading": "heading", "dashes": "dashes", "break": "blank"}


def split_lines(text: str, start: int, station: str | None = None, subject: str | None = None) -> list[Line]:
    """Lines of ``text[start:]`` with offsets and a first kind; a reflowed
    line holding glued page breaks, SIPDIS, dashed headings or several
    paragraphs is cut into several :class:`Line` pieces (``glued.py``)."""
    out: list[Line] = []
    pos = start
    while pos <= len(text):
        nl = text.find("\n", pos)
        nl = len(text) if nl < 0 else nl
        raw = text[pos:nl]
        stripped = raw.rstrip()
        ln = Line(pos, pos + len(stripped), raw)
        if not raw.strip():
            ln.kind = "blank"
        elif PAGE_BREAK.match(raw) or DROP_LINE.match(raw):
            ln.kind = "drop"
        elif DASHES.match(raw):
            ln.kind = "dashes"
        else:
            pieces = glued_pieces(raw, station, subject)
            if len(pieces) > 1 or pieces[0][2] != "text":
                for a, b, kind in pieces:
                    piece = raw[a:b]
                    out.append(Line(pos + a, pos + a + len(piece.rstrip()), piece, PIECE_KIND[kind]))
                pos = nl + 1
                continue
        out.append(ln)
        pos = nl + 1
    return out


def mark_structure(lines: list[Line]) -> None:
    """Drop blanks around page breaks; mark headings over dashed lines."""
    for i, ln in enumerate(lines):
        if ln.kind == "drop":
            j = i - 1
            while j >= 0 and lines[j].kind == "blank":
                lines[j].kind = "drop"
                j -= 1
            j = i + 1
            while j < len(lines) and lines[j].kind == "blank":
                lines[j].kind = "drop"
                j += 1
    for i, ln in enumerate(lines):
        if ln.kind == "text" and DASHED_TITLE.match(ln.raw):
            ln.kind = "heading"  # "------- SUMMARY -------" (06SAOPAULO543)
            continue
        # a lone title line between blank lines before a numbered paragraph
        # ("Summary", 04MADRID1187)
        if ln.kind == "text" and 0 < i < len(lines) - 2 and lines[i - 1].kind in ("blank", "drop") \
                and lines[i + 1].kind == "blank" and len(ln.raw.strip()) <= 60 \
                and not ln.raw.rstrip().endswith((".", ",", ";", ":")) and not PARA_START.match(ln.raw) \
                and not ln.raw.lstrip().startswith("(") \
                and not _is_signer(ln.raw):
            k = i + 1
            while k < len(lines) and lines[k].kind in ("blank", "drop"):
                k += 1
            if k < len(lines) and lines[k].kind == "text" and PARA_START.match(lines[k].raw):
                ln.kind = "heading"
    for i, ln in enumerate(lines):
        if ln.kind != "dashes" or i == 0:
            continue
        prev = lines[i - 1]
        if prev.kind == "text" and len(prev.raw.strip()) <= 90 and not PARA_START.match(prev.raw) \
                and not prev.raw.rstrip().endswith((".", ",", ";")):
            prev.kind = "heading"
            if i >= 2 and lines[i - 2].kind == "text" and len(lines[i - 2].raw.strip()) <= 60 \
                    and lines[i - 2].raw.strip().isupper() and (i < 3 or lines[i - 3].kind != "text"):
                lines[i - 2].kind = "heading"


def _heading_text(raw: str) -> str:
    m = DASHED_TITLE.match(raw)
    return (m.group("h") if m else raw).strip()


def _is_signer(s: str) -> bool:
    s = s.strip()
    return bool(SIGNER.match(s)) and s.upper() == s and s.rstrip(".") not in NOT_SIGNER \
        and not s.endswith(".") \
        and not re.search(r"\d", s) and len(s) <= 40


def join_lines(parts: list[str]) -> str:
    """Join wrapped lines with one space; undo safe end-of-line hyphen splits.

    Linear in the text's length: only the last piece is inspected, so a
    multi-megabyte table paragraph joins in well under a second.
    """
    out: list[str] = []
    for p in parts:
        p = p.strip()
        if not p:
            continue
        if not out:
            out.append(p)
            continue
        last = out[-1]
        m = re.search(r"(\w+)-$", last)
        if m and not last.endswith("--"):
            word = m.group(1)
            if p[:1].islower() and word.islower() and word.lower() not in KEEP_HYPHEN_PREFIXES \
                    and not re.match(r"(?:and|or|to|nor)\b", p):
                out[-1] = last[:-1]
                out.append(p)
            elif re.match(r"(?:and|or|to|nor)\b", p):
                out.append(" " + p)
            else:
                out.append(p)
        else:
            out.append(" " + p)
    return re.sub(r"[ \t]+", " ", "".join(out)).strip()


def _starts(lines: list[Line]) -> list[tuple[int, re.Match]]:
    """Numbered paragraph starts, sequence-checked."""
    starts: list[tuple[int, re.Match]] = []
    last = 0
    for i, ln in enumerate(lines):
        if ln.kind != "text":
            continue
        m = PARA_START.match(ln.raw)
        if not m:
            continue
        num = m.group("n1") or m.group("n2")
        top = int(re.match(r"\d+", num).group(0))
        prev_kind = lines[i - 1].kind if i else "blank"
        pilcrow = m.group("n1") is not None
        after_break = prev_kind in ("blank", "drop", "heading", "dashes")
        mk = MARKING.match(ln.raw[m.end():])
        if not after_break and mk and parse_marking(mk.group("m"))[0] and top == last + 1:
            # "1.(C) We demarched" right under the Classified By line, "6.(U)
            # Ambassador Blake has cleared" under the last sentence (HTML
            # pages that lost the blank line: 09CAIRO321, 08NEWDELHI2322)
            after_break = True
        if "." in num:  # sub-number 3.A: must belong to the current paragraph
            ok = after_break and top in (last, last + 1)
        elif pilcrow:
            ok = top <= last + 5 or not starts
        else:
            ok = after_break and (last < top <= last + 3 or (not starts and top <= 3))
        if ok:
            starts.append((i, m))
            last = top
    return starts


def _letter_starts(lines: list[Line]) -> list[tuple[int, re.Match]]:
    starts: list[tuple[int, re.Match]] = []
    want = "A"
    for i, ln in enumerate(lines):
        m = LETTER_START.match(ln.raw) if ln.kind == "text" else None
        prev_kind = lines[i - 1].kind if i else "blank"
        if m and m.group("n1") == want and prev_kind in ("blank", "drop", "heading", "dashes"):
            starts.append((i, m))
            want = chr(ord(want) + 1)
    return starts if len(starts) >= 2 else []


def _blocks(lines: list[Line], lo: int, hi: int) -> list[tuple[int, int]]:
    """Runs of text lines between blank lines in ``lines[lo:hi]``."""
    out = []
    i = lo
    while i < hi:
        if lines[i].kind == "text":
            j = i
            while j < hi and lines[j].kind in ("text", "drop"):
                j += 1
            out.append((i, j))
            i = j
        else:
            i += 1
    return out


def _make(lines: list[Line], lo: int, hi: int, m: re.Match | None, heading: str | None) -> Paragraph | None:
    """Paragraph from lines ``lo..hi-1`` (``m``: the number match on line lo)."""
    content = [ln for ln in lines[lo:hi] if ln.kind == "text"]
    if not content:
        return None
    first = content[0]
    number = None
    if m is not None:
        number = m.group("n1") or m.group("n2")
        first_text = first.raw[m.end():]
        start = first.start + len(m.group("lead"))
    else:
        first_text = first.raw.lstrip()
        start = first.start + len(first.raw) - len(first.raw.lstrip())
    marking = None
    mm = MARKING.match(first_text)
    if mm and parse_marking(mm.group("m"))[0]:
        marking = mm.group("m").strip()
        first_text = first_text[mm.end():]
    text = scrub(join_lines([first_text] + [ln.raw for ln in content[1:]]))
    level, caveats = parse_marking(marking)
    return Paragraph(index=0, number=number, text=text, start=start, end=content[-1].end,
                     marking=marking, sensitivity=level, caveats=caveats, heading=heading)


def _zones(paras: list[Paragraph]) -> None:
    """Set ``zone``: an opening paragraph (``Summary:``, ``Comment.``) runs to
    the first paragraph saying ``End summary``/``End comment`` (itself when
    none does); a ``COMMENT`` heading runs to the next heading."""
    k = 0
    while k < len(paras):
        p = paras[k]
        low = p.text[:40].lower()
        zone = None
        if re.match(r"(?:begin\s+)?(?:summary|overview)\b", low):
            zone = "summary"
        elif re.match(r"(?:begin\s+)?comments?\s*[:.\-]", low):
            zone = "comment"
        if zone:
            end_re = re.compile(rf"\bend\s+(?:of\s+)?{zone}", re.I)
            j = next((j for j in range(k, len(paras)) if end_re.search(paras[j].text)), k)
            for q in paras[k:j + 1]:
                q.zone = zone
            k = j + 1
            continue
        if p.heading and re.match(r"(?:embassy\s+|post\s+)?comments?\b", p.heading.lower()):
            j = k
            while j < len(paras) and (j == k or not paras[j].heading):
                paras[j].zone = "comment"
                j += 1
            k = j
            continue
        k += 1


def parse_body(text: str, start: int, station: str | None = None, subject: str | None = None) -> BodyParse:
    """Segment the body that begins at offset ``start``; see module rules.
    ``station``: the cable's station in letters (``"NEWDELHI"``), to cut
    glued page breaks exactly; ``subject``: the header's, to cut a subject
    repeated at the top of a page (08STATE86156)."""
    lines = split_lines(text, start, station, subject)
    mark_structure(lines)
    # WikiLeaks "header ends" layout (02BOGOTA3281, 09LIMA1053): what comes
    # before the ruler is the header again (id:, routing, TO/INFO lists)
    ends = [k for k, ln in enumerate(lines) if HEADER_ENDS.match(ln.raw)]
    for k in range(ends[-1] if ends else 0):
        lines[k].kind = "drop"
    starts = _starts(lines) or _letter_starts(lines)
    paras: list[Paragraph] = []
    heading: str | None = None
    pending: list[str] = []

    def flush_headings(lo: int, hi: int) -> None:
        nonlocal heading
        hs = [_heading_text(lines[k].raw) for k in range(lo, hi) if lines[k].kind == "heading"]
        if hs:
            heading = " ".join(hs)

    def add(lo: int, hi: int, m: re.Match | None) -> None:
        nonlocal heading
        # a heading inside the range ends the paragraph there; text after it
        # (a reflowed "... End Summary. Title ----- more text") is a paragraph
        # of its own under that heading, never lost
        while lo < hi:
            cut = next((k for k in range(lo + 1, hi) if lines[k].kind == "heading"), hi)
            p = _make(lines, lo, cut, m, heading)
            if p is not None:
                heading = None
                paras.append(p)
            j = cut
            while j < hi and lines[j].kind != "text":
                j += 1
            flush_headings(cut, j)
            lo, m = j, None

    if starts:
        first = starts[0][0]
        for a, b in _blocks(lines, 0, first):
            flush_headings(a, b)
            one_line = sum(1 for k in range(a, b) if lines[k].kind == "text") == 1
            if not HEADER_BLOCK.match(lines[a].raw) and not REPEATED_HEADER.match(lines[a].raw) \
                    and not (one_line and DUMP_LINE.match(lines[a].raw)):
                add(a, b, None)
        flush_headings(0, first)
        for k, (i, m) in enumerate(starts):
            hi = starts[k + 1][0] if k + 1 < len(starts) else len(lines)
            add(i, hi, m)
    else:
        for a, b in _blocks(lines, 0, len(lines)):
            if all(lines[k].kind == "heading" for k in range(a, b) if lines[k].kind != "drop"):
                flush_headings(a, b)
                continue
            add(a, b, None)
    del pending
    signer = _take_signer(text, lines, paras)
    # reflowed inline headings: "... End Summary. ---- Tunnel Openings ---- "
    for k, p in enumerate(paras):
        mh = INLINE_HEADING.search(p.text)
        if mh and k + 1 < len(paras) and not paras[k + 1].heading:
            paras[k + 1].heading = mh.group("h").strip()
            p.text = p.text[:mh.start()].rstrip()
    paras = _drop_stray_numbers(paras)
    for k, p in enumerate(paras, start=1):
        p.index = k
    _zones(paras)
    return BodyParse(paragraphs=paras, signer=signer)


def _drop_stray_numbers(paras: list[Paragraph]) -> list[Paragraph]:
    """Paragraphs with neither text nor marking go.  The HTML pages turned a
    number that ended a wrapped line into a pilcrow paragraph: "Please see
    paragraph\n\n¶3." (09CAIRO2084), "confirmed by MFA diplomatic note on
    February\n¶4." (08TASHKENT153); when the paragraph before ends mid-sentence
    the number goes back to its end ("... paragraph 3.")."""
    out: list[Paragraph] = []
    for p in paras:
        if p.text or p.marking:
            out.append(p)
            continue
        if p.number and out and out[-1].text and not re.search(r"[.!?:;\"')\]]$", out[-1].text):
            out[-1].text = f"{out[-1].text} {p.number}."
    return out


def _take_signer(text: str, lines: list[Line], paras: list[Paragraph]) -> str | None:
    """Detach the signature line from the last paragraph (or take it whole)."""
    if not paras:
        return None
    last = paras[-1]
    content = [ln for ln in lines if ln.kind == "text" and last.start <= ln.start < last.end + 1]
    if len(content) >= 2 and _is_signer(content[-1].raw):
        sig = content[-1].raw.strip()
        prev = content[-2]
        last.end = prev.end
        t = last.text
        last.text = t[: len(t) - len(sig)].rstrip() if t.endswith(sig) else t
        return sig
    if len(content) == 1 and last.number is None and _is_signer(content[0].raw) and len(paras) > 1:
        paras.pop()
        return content[0].raw.strip()
    m = END_SIGNER.match(content[-1].raw) if content else None
    if m and len(content) >= 2:  # "END TALKING POINTS. RICE" (08STATE50524)
        last.text = last.text[: last.text.rfind(m.group("s"))].rstrip()
        last.end = content[-1].start + m.start("s") - 1
        return m.group("s")
    m = GLUED_SIGNER.search(last.text)
    if m and sum(1 for c in last.text if c.islower()) > 0.3 * len(last.text) and \
            m.group("s") not in NOT_SIGNER and len(m.group("s")) >= 3:
        last.text = last.text[: m.start()].rstrip()
        sig_pos = text.rfind(m.group("s"), last.start, last.end + 1)
        if sig_pos > 0:
            last.end = len(text[:sig_pos].rstrip())
        return m.group("s")
    return None
