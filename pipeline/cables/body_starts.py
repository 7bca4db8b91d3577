"""Where paragraphs start: numbered (sequence-checked), lettered, or blocks
between blank lines; the marking at a paragraph's start.

Shapes
------
``find_starts(lines) -> [(line index, number match)]``;
``letter_starts(lines)`` the same for ``A.``/``B.`` bodies (>= 2 or none);
``text_blocks(lines, lo, hi) -> [(lo, hi)]``;
``sub_starts(lines, lo, hi) -> [(line index, lead match)]`` marked portions
inside a numbered paragraph; ``valid_marking(text) -> match | None``.
Raises nothing.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from pipeline.cables.markings import parse_marking

if TYPE_CHECKING:
    from pipeline.cables.body_lines import Line


#: A numbered line (also a range of questionnaire items, ``4-12. (U)
#: Official data``, 10CAIRO209); ``Q`` before a number and marking is a pilcrow some
#: damaged copies print so (``Q7. (C) Petroleum``, 09ABUJA2170).
PARA_START = re.compile(
    r"^(?P<lead>[ \t]*)(?P<num>(?:¶|Q(?=\d{1,2}\.[ ]?\([A-Z]))[ ]*(?P<n1>\d{1,3}(?:\.[A-Za-z0-9]{1,2})*)\.?|"
    r"(?P<n2>\d{1,3}(?:-\d{1,3}(?=\.[ ]*\()|[A-Z](?=\.)|(?:\.[A-Za-z0-9]{1,2})*))[ ]*[.)])(?=[ \t(]|$)[ \t]*")
LETTER_START = re.compile(r"^(?P<lead>[ \t]*)(?P<num>¶?[ ]*(?P<n1>[A-Z])[.),])(?=[ \t(])[ \t]*")
#: A marking; REL lists run long (``(S/REL BULGARIA, CZECH REPUBLIC, ...)``, 08STATE98975).
MARKING = re.compile(r"^\((?P<m>[A-Za-z][A-Za-z/ ,\-]{0,120})\)[ \t]*")
#: A number with no dot before a marking: ``7 (C) Balkenende`` (04THEHAGUE1833),
#: ``5, (S/NF) This`` (04THEHAGUE1915).  ``n1`` never takes part (the groups of
#: :data:`PARA_START`); the marking is checked by the caller.
NUM_MARKED = re.compile(r"^(?P<lead>[ \t]*)(?P<num>(?P<n1>(?!x)x)?(?P<n2>\d{1,3})(?:[ ]+|,[ ]*))(?=\()")
#: A portion that opens with its own marking inside a numbered paragraph: a
#: bare marked block (``(C) To declare that``, 03ANKARA3694), a lettered
#: sub-paragraph (``¶A. (C) Today India``, 05NEWDELHI2550; ``B, (U)
#: ACTIVITY``, 04THEHAGUE1903), a numbered item (``1) (C) BY WHAT CHANNELS?``,
#: 09ABUDHABI874; group ``letter`` holds its number), a bullet (``-- (C) The
#: GOI``, 03KATHMANDU280; ``— (C)``, 09CAIRO544), a lower-case letter (``a. (S)
#: EXBS FSN``, 09MOSCOW2943), a letter range (``G - J) (S//NF)``, 08RANGOON749;
#: ``E & F. (U)``, 09SANJOSE128) or a roman numeral of a questionnaire (``II. (U)
#: Political Violence``, 09CIUDADJUAREZ27; ``i. (U) Yes.``, 09PANAMA171).
SUB_START = re.compile(r"^(?P<lead>[ \t]*)(?:(?:¶[ ]?)?(?P<letter>[IVX]{2,4}(?=\.)|(?:i{1,3}|iv|vi{0,3}|ix)(?=\.)|[A-Za-z]|"
                       r"[A-Z][ ]?[-&][ ]?[A-Z](?=[.)])|\d{1,2}(?=\)))[.),][ ]*|(?P<bullet>-{1,3}|\*|•|—)[ ]*)?"
                       r"(?=\()")
#: What may stand at the end of the line before a sub-portion start.
_ENDS_SENTENCE = re.compile(r"[.:;!?\"')\]][ \t]*$")


def valid_marking(text: str) -> re.Match | None:
    """The :data:`MARKING` at the start of ``text`` when it is a classification
    marking written in capitals (``(C)``, ``(S//NF)``; not the enumerator
    ``(c)``; the caveats may be in mixed case: ``(S/Rel Pak)``, 09ISLAMABAD365),
    else ``None``."""
    mk = MARKING.match(text)
    level = mk.group("m").split("/")[0] if mk else ""
    if mk and level == level.upper() and parse_marking(mk.group("m"))[0]:
        return mk
    return None


def sub_starts(lines: list[Line], lo: int, hi: int) -> list[tuple[int, re.Match]]:
    """Lines in ``lines[lo:hi]`` where a marked portion starts (:data:`SUB_START`
    followed by a :func:`valid_marking`), after a blank line, a page break, a
    heading or a line that ends a sentence.  ``(C)`` or ``(S)`` alone counts
    only where the range has no ``(A)``/``(B)`` enumerators (a list
    ``(A) ... (B) ... (C) ...`` is no marking)."""
    out: list[tuple[int, re.Match]] = []
    # from the line before ``lo``: the opening line of the block ("(B) SAO
    # PAULO 498;\n(C) SAO PAULO 465;", 06SAOPAULO543)
    enumerated = any(re.match(r"[ \t]*\([AB]\)", lines[k].raw) for k in range(max(lo - 1, 0), hi)
                     if lines[k].kind == "text")
    for k in range(max(lo, 1), hi):
        ln = lines[k]
        m = SUB_START.match(ln.raw) if ln.kind == "text" else None
        mk = valid_marking(ln.raw[m.end():]) if m else None
        if not mk:
            continue
        if enumerated and mk.group("m").strip() in ("C", "S") and not m.group("letter"):
            continue
        rest = ln.raw[m.end() + mk.end():]
        if not m.group("letter") and not m.group("bullet") and rest.strip() and not re.match(r"[\"A-Z(\[]", rest):
            continue  # a bare marking opens a sentence (or stands alone over its block: 08STATE135048)
        prev = lines[k - 1]
        # a lettered or bulleted line with a marking starts a portion whatever
        # ends the line before ("¶1. Key Points\n-- (SBU) U.S.-Egypt", 09CAIRO549);
        # so does a marking of more than one letter over a capital, which no
        # wrapped sentence has ("¶7. (U) Saudi Arabia background\n(S/NF) While
        # the Kingdom", 09STATE131801; "SUMMARY\n(S//REL) The Community", 09STATE83026)
        long_mark = len(mk.group("m").strip()) > 1 and re.match(r"[\"A-Z]", rest)
        if m.group("letter") or m.group("bullet") or long_mark or prev.kind in ("blank", "drop", "heading", "dashes") \
                or (prev.kind == "text" and _ENDS_SENTENCE.search(prev.raw)):
            out.append((k, m))
    return out


def _bare_stray(lines: list[Line], i: int, m: re.Match) -> bool:
    """``¶3.`` alone on its line right over a marked numbered line: the HTML
    pages turned a number that ended a wrapped line ("Please see para\n¶3.")
    into a pilcrow (08ANKARA1417: "¶3. \n2.(S) SUMMARY:"), so it is no step of
    the numbering."""
    if lines[i].raw[m.end():].strip() or i + 1 >= len(lines) or lines[i + 1].kind != "text":
        return False
    nxt = PARA_START.match(lines[i + 1].raw)
    return bool(nxt and nxt.group("n1") is None and valid_marking(lines[i + 1].raw[nxt.end():]))


def find_starts(lines: list[Line]) -> list[tuple[int, re.Match]]:
    """Numbered paragraph starts, sequence-checked.

    A marked plain number after a break that does not fit the sequence opens
    a second one (``2.(C)`` after ``6.(C)``: a second cable copied into the
    record, 08MOSCOW1519; ``2.(SBU)`` after a ``1) 2) 3)`` list inside
    paragraph 1, 05SAOPAULO1321, whose unmarked ``N)`` items are then no
    paragraphs); the numbers after it may follow either sequence."""
    starts: list[tuple[int, re.Match]] = []
    last = 0
    alt: int | None = None  # the second sequence, after a marked restart
    stray_at = -2  # line of the last stray pilcrow number
    for i, ln in enumerate(lines):
        if ln.kind != "text":
            continue
        m = PARA_START.match(ln.raw)
        if not m:
            m = NUM_MARKED.match(ln.raw)
            if not m or not valid_marking(ln.raw[m.end():]):
                continue
        num = m.group("n1") or m.group("n2")
        top = int(re.match(r"\d+", num).group(0))
        prev_kind = lines[i - 1].kind if i else "blank"
        pilcrow = m.group("n1") is not None
        # under a stray "¶4." the line counts as after a break (08CAIRO2246)
        after_break = prev_kind in ("blank", "drop", "heading", "dashes") or i - 1 == stray_at
        mk = MARKING.match(ln.raw[m.end():])
        marked = valid_marking(ln.raw[m.end():]) is not None
        if not after_break and mk and parse_marking(mk.group("m"))[0] \
                and (top in (last + 1, (alt or -9) + 1) or (not starts and top == 2)):
            # "1.(C) We demarched" right under the Classified By line, "6.(U)
            # Ambassador Blake has cleared" under the last sentence (HTML
            # pages that lost the blank line: 09CAIRO321, 08NEWDELHI2322);
            # "2.(C) Comment" under an unnumbered first paragraph (its key
            # points glued to the Classified By line, 09CAIRO2308)
            after_break = True
        plain = not pilcrow and "." not in num and not num[-1].isalpha()
        if pilcrow and marked and after_break and top >= 100 \
                and last + 1 in {int(num[:k] + num[k + 1:]) for k in range(3) if num.isdigit()}:
            top = last + 1  # "¶121. (C/NF)" after ¶10: one digit too many (09LONDON2120)

        def fits(prev: int) -> bool:
            if "." in num or num[-1].isalpha():  # sub-number 3.A, 18A: must belong to the current paragraph
                # ... or, with its marking, open a numbering that starts there ("the
                # first paragraph beginning at 18A", 05SANJOSE488)
                return after_break and (top in (prev, prev + 1) or (top > prev and mk is not None
                                                                    and parse_marking(mk.group("m"))[0] is not None))
            if pilcrow:
                return top <= prev + (9 if marked else 5) or not starts
            # a number with its marking after a break may skip a few more
            # (paragraphs cut out of the copy: "4. (C)" then "8. (C)", 06BUENOSAIRES118)
            # the first of a partial copy may be any marked number ("22.(SBU)
            # Cyber security", 09STATE93327)
            return after_break and (prev < top <= prev + (9 if marked else 3)
                                    or (not starts and (top <= 3 or marked)))

        ok = fits(last)
        if not ok and alt is not None and plain and fits(alt):
            starts.append((i, m))
            alt = top
            continue
        if not ok and plain and marked and after_break and m.group("num").rstrip().endswith(".") and top <= last:
            # unmarked "1) 2) 3)" items taken as paragraphs go back into theirs
            while starts and starts[-1][1].group("num").rstrip().endswith(")") \
                    and not valid_marking(lines[starts[-1][0]].raw[starts[-1][1].end():]):
                starts.pop()
            last = max((int(re.match(r"\d+", s.group("n1") or s.group("n2")).group(0)) for _, s in starts), default=0)
            ok = fits(last)
            if not ok:
                starts.append((i, m))
                alt = top
                continue
        if ok:
            starts.append((i, m))
            # a number below the last does not set the sequence back: "¶0."
            # whose "1" went onto the heading line above ("PKO/HAITI ---------
            # 1", 04BRASILIA1291), "¶2." for "¶12." (06BRASILIA478)
            if pilcrow and _bare_stray(lines, i, m):
                stray_at = i
            else:
                last = max(last, int(re.findall(r"\d+", num)[-1]) if "-" in num else top)
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
