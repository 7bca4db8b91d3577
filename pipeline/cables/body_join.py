"""Joining wrapped lines into paragraph text.

Shapes
------
``join_lines([str]) -> str``.  Raises nothing.
"""

from __future__ import annotations

import re


#: Word prefixes that keep their hyphen when split at a line end (``anti-TIP``).
KEEP_HYPHEN_PREFIXES = {"anti", "non", "pro", "co", "self", "well", "ex", "post", "pre", "multi",
                        "inter", "counter", "semi", "high", "low", "long", "short", "mid", "cross",
                        "under", "over", "half", "full", "one", "two", "three", "four", "five",
                        "so", "vice", "all", "cease", "first", "second", "third", "wide", "year",
                        "decision", "follow", "long-term", "part", "quasi", "sub", "trans"}


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
