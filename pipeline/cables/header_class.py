"""Classification line of a cable header: strict, glued, mixed-case and
level-only fallbacks.

Shapes
------
Compiled patterns (``CLASS_LINE`` and its fallbacks, groups ``cls``,
``section``, ``sec``, ``of``, ``station``, ``serial``) and
``level_only(text, start) -> match | None``;
``damaged_tail(text, pos, fm_station) -> match | None``;
``page_break_tail(text, fm_station) -> match | None``.  Raises nothing.
"""

from __future__ import annotations

import re


_SP = r"[ ]?"
_LEVEL = (r"(?:T" + _SP + "O" + _SP + "P" + r"[ ]+)?S" + _SP + "E" + _SP + "C" + _SP + "R" + _SP + "E" + _SP + "T"
          r"|C" + _SP + _SP.join("ONFIDENTIAL") +
          r"|UNCLASSIFIED|UNCLAS|LIMITED OFFICIAL USE"
          r"|O[ ]N[ ]F[ ]I[ ]D[ ]E[ ]N[ ]T[ ]I[ ]A[ ]L|(?<![A-Z][ ])E[ ]C[ ]R[ ]E[ ]T")  # first letter lost (09LAGOS14)
CLASS_LINE = re.compile(
    r"(?P<cls>(?:" + _LEVEL + r")(?:[ ]?//?(?:FOR OFFICIAL USE ONLY|[A-Z][A-Z ,]*?))*"
    r"(?:[ ]+(?:E[ ]?F[ ]?T[ ]?O|SENSITIVE|NOFORN|EXDIS|NODIS|LIMDIS|SIPDIS|NOFORN/SIPDIS))*)"
    r"[ ]+(?:(?P<section>S?E?CTION[ ]+(?P<sec>\d+)[ ]+OF[ ]+(?P<of>\d+))[ ]+)?"  # "ECTION 01 OF 02" (08MANAMA492)
    r"(?P<station>[A-Z][A-Z.]*(?:[ ][A-Z][A-Z.]*){0,3})[ ]+(?P<serial>\d{3,7})[ \t\\]*$",
    re.M)
#: Fallback: a class line glued to what follows (``ANKARA 008305S/CT FOR``, 02ANKARA8305).
CLASS_LINE_LOOSE = re.compile(CLASS_LINE.pattern.replace(r"(?P<serial>\d{3,7})[ \t\\]*$", r"(?P<serial>\d{6})(?!\d)"), re.M)
#: Fallback: a class line in lower or mixed case at a line start (``Unclas nairobi 000165``,
#: 10NAIROBI165; ``S e c r e t state 068250``, 88BAGHDAD28).  Groups are upper-cased by the caller.
CLASS_LINE_CI = re.compile(r"^[ \t]*" + CLASS_LINE.pattern, re.M | re.I)
#: Fallback: classification printed as metadata inside the text (db dumps, 05MANAMA1672).
META_CLASS = re.compile(r"(?:^(?i:classification):[ ]*|\t)(?P<c>(?:UNCLASSIFIED|CONFIDENTIAL|SECRET)(?://[A-Z ]+)?)(?:\t|[ ]*$)", re.M)


#: A class line too damaged for station and serial, read for its level only,
#: at a line start in the header zone: wrapped ("C O N F I D E N T I A L \n
#: SECTION 01 OF 02 BAKU 000687", 09BAKU687), glued ("C O N F I D E N T I A
#: LCAIRO 000079", 09CAIRO79; "BUENOS AIRES 00167SIPDIS", 07BUENOSAIRES1673),
#: garbled ("UNCLAS SECTION01 OF 03", 09SANJOSE525; "SECTION 02 OF
#: 03QRIPOLI", 09TRIPOLI583), first letter lost ("NCLAS SECTION 01 OF 02
#: BRASILIA 001017", 09BRASILIA1017).
LEVEL_ONLY = re.compile(r"^[ \t]*(?P<c>(?:" + _LEVEL + r"|NCLAS(?:SIFIED)?)(?:[ ]?//?[A-Z][A-Z ,]*?)*)(?=[ \t]|$|[A-Z])", re.M)


def level_only(text: str, start: int) -> re.Match | None:
    hz = re.search(r"^[ \t]*(?:E\.O\.|TAGS|SUBJ)", text[start:], re.M | re.I)
    end = start + (hz.start() if hz else 3000)
    return LEVEL_ONLY.search(text, start, end)


def damaged_tail(text: str, pos: int, fm_st: str | None) -> re.Match | None:
    """Station and serial of a damaged class line after its level (``pos``:
    the end of a :data:`LEVEL_ONLY` match), trusted only where the station is
    the FM line's (``fm_st``, from :func:`fm_station`): wrapped onto the next
    line (09BAKU687) or over a blank line (10TRIPOLI133), glued to the level
    (``C O N F I D E N T I A LCAIRO 000079``, 09CAIRO79), the serial glued to
    what follows (``BUENOS AIRES 00167SIPDIS``, 07BUENOSAIRES1673; ``REYKJAVIK
    00040QSITIVE``, 06REYKJAVIK40), a garbled section word (``SECTION01 OF
    03``, 09SANJOSE525), the year before the station (``C O N F I D E N T I A
    L 75 LIBREVILLE 1895``, 75LIBREVILLE1895).  Groups ``yy`` (or ``None``),
    ``station``, ``serial``; ``None`` when the tail is not there."""
    if not fm_st or fm_st == "STATE":
        return None
    st = r"[ ]?".join(re.escape(w) for w in fm_st.split())
    return re.compile(r"\s*(?:S?E?CTION[ ]*\d+[ ]*OF[ ]*\d+\s*)?(?:(?P<yy>\d\d)[ ]+)?(?P<station>" + st +
                      r")[ ]+0*(?P<serial>\d{1,7})(?!\d)").match(text, pos)


def page_break_tail(text: str, fm_st: str | None) -> re.Match | None:
    """Station and serial of the first page-break line (``TEL AVIV 00002502
    002 OF 003``) whose station is the FM line's, for a cable whose class line
    has none (09TELAVIV2502: no class line at all).  Groups ``station``,
    ``serial``; ``None`` when there is no such line."""
    if not fm_st:
        return None
    st = r"[ ]?".join(re.escape(w) for w in fm_st.split())
    return re.compile(r"^[ \t]*(?P<station>" + st + r")[ ]+0*(?P<serial>\d{1,7})[ ]+\d{3}(?:\.\d)?[ ]+OF[ ]+\d{3}[ \t]*$",
                      re.M).search(text)
