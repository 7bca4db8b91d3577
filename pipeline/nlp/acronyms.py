"""Acronym definitions of a cable ("Ministry of Justice (MOJ)").

Definitions are found with the Schwartz and Hearst (2003) algorithm ("A
simple algorithm for identifying abbreviation definitions in biomedical
text", PSB 2003) as implemented by the ``abbreviations`` package
(``abbreviations.schwartz_hearst``): a short form in parentheses, matched
right to left against the words before it.  A cable's table maps each short
form to the first definition it gives; later uses of the short form anywhere
in the cable resolve to it.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence

from abbreviations import schwartz_hearst

# The package logs every omitted candidate at DEBUG; keep it quiet.
logging.getLogger(schwartz_hearst.__name__).setLevel(logging.WARNING)

_PAREN = re.compile(r"\(\s*[A-Za-z]")
_SHORT = re.compile(r"^[A-Z][A-Za-z&./-]*[A-Z]s?$")


def cable_acronyms(texts: Sequence[str]) -> dict[str, str]:
    """``{short form: long form}`` defined in a cable's paragraph ``texts``.

    Only short forms written with at least two capitals (``MOJ``, ``RGC``,
    ``NGOs``) are kept; all-caps paragraphs are read like any other (the
    algorithm matches letters case-insensitively).  The first definition in
    reading order wins.
    """
    table: dict[str, str] = {}
    for text in texts:
        if "(" not in text or not _PAREN.search(text):
            continue
        pairs = schwartz_hearst.extract_abbreviation_definition_pairs(doc_text=text, first_definition=True)
        for short, long in pairs.items():
            short, long = short.strip(), " ".join(long.split())
            if _SHORT.match(short) and short not in table and "\n" not in long:
                table[short] = long
    return table
