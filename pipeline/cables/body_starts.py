"""Where paragraphs start: numbered (sequence-checked), lettered, or blocks
between blank lines; the marking at a paragraph's start.

Shapes
------
``find_starts(lines) -> [(line index, number match)]``;
``letter_starts(lines)`` the same for ``A.``/``B.`` bodies (>= 2 or none);
``text_blocks(lines, lo, hi) -> [(lo, hi)]``.  Raises nothing.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from pipeline.cables.markings import parse_marking

if TYPE_CHECKING:
    from pipeline.cables.body_lines import Line


PARA_START = re.compile(
    r"^(?P<lead>[ \t]*)(?P<num>¶[ ]*(?P<n1>\d{1,3}(?:\.[A-Za-z0-9]{1,2})*)\.?|"
    r"(?P<n2>\d{1,3}(?:\.[A-Za-z0-9]{1,2})*)[ ]*[.)])(?=[ \t(]|$)[ \t]*")
LETTER_START = re.compile(r"^(?P<lead>[ \t]*)(?P<num>¶?[ ]*(?P<n1>[A-Z])[.)])(?=[ \t(])[ \t]*")
MARKING = re.compile(r"^\((?P<m>[A-Za-z][A-Za-z/ ,\-]{0,40})\)[ \t]*")


def find_starts(lines: list[Line]) -> list[tuple[int, re.Match]]:
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


def letter_starts(lines: list[Line]) -> list[tuple[int, re.Match]]:
    starts: list[tuple[int, re.Match]] = []
    want = "A"
    for i, ln in enumerate(lines):
        m = LETTER_START.match(ln.raw) if ln.kind == "text" else None
        prev_kind = lines[i - 1].kind if i else "blank"
        if m and m.group("n1") == want and prev_kind in ("blank", "drop", "heading", "dashes"):
            starts.append((i, m))
            want = chr(ord(want) + 1)
    return starts if len(starts) >= 2 else []


def text_blocks(lines: list[Line], lo: int, hi: int) -> list[tuple[int, int]]:
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
