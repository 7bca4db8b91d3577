"""Summary and comment zones of a body's paragraphs.

Shapes
------
``set_zones([Paragraph])`` sets ``zone`` in place.  Raises nothing.
"""

from __future__ import annotations

import re

from pipeline.records import Paragraph


def set_zones(paras: list[Paragraph]) -> None:
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
