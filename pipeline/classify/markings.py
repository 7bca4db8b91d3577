"""Defensive removal of a paragraph's leading classification marking.

The sensitivity head must guess a paragraph's level from what it says, not
read it off the marking.  The parser already removes the marking
(``Paragraph.text``); :func:`strip_leading_marking` removes one more time any
marking left at the start, in the forms listed in ``corpora/LABELING.md``
(``(U)``, ``(SBU)``, ``(U//FOUO)``, ``(C/NF)``, ``(S//REL GBR)``, ``(TS)``, ...)
plus the spelled-out and older forms that ``pipeline/cables/markings.py``
also reads (``(CONFIDENTIAL)``, ``(LOU)``, ``(CONF)``).  Letters in lower case
(``(c)``) are list markers and are left alone.
"""

from __future__ import annotations

import re

#: A marking at the start of a paragraph: a level, then optional caveats.
LEADING_MARKING = re.compile(
    r"""^\s*\(\s*
        (?:UNCLASSIFIED|UNCLAS|SBU|LOU|FOUO|U|CONFIDENTIAL|CONF|C|TOP\ SECRET|SECRET|TS|S)
        (?:\s*/{1,2}\s*[A-Z][A-Z ,/-]{0,40})?   # /NF, //FOUO, /REL GBR AUS ...
        \s*\)[\s.:-]*""",
    re.VERBOSE,
)


def strip_leading_marking(text: str) -> str:
    """Return ``text`` without a leading ``(X)``-style marking (repeated ones too).

    >>> strip_leading_marking("(S//NF) The Minister said ...")
    'The Minister said ...'
    >>> strip_leading_marking("(c) a list item")
    '(c) a list item'
    """
    previous = None
    while previous != text:
        previous = text
        text = LEADING_MARKING.sub("", text, count=1)
    return text
