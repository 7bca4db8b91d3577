"""Routing lines: ``DE`` (transmitted serial), ``FM`` (origin), ``TO``/``INFO`` lists.

Shapes
------
``find_addressees(text, fm_end, cls_start) -> (to, info, precedence_word)``;
``clean_addressee(line) -> str``; ``fm_station(origin) -> str | None``;
``fm_anywhere(text) -> match | None`` (group ``origin``).  Raises nothing.
"""

from __future__ import annotations

import re

from pipeline.cables.header_dtg import DTG_GLUED


#: Routing line ``DE RUEHNR #4427/01 2941234``: the serial as transmitted.
DE_LINE = re.compile(r"^[ \t]*DE[ ]+[A-Z]{4,7}[ ]+#(?P<serial>\d{4})\b", re.M)
FM_LINE = re.compile(r"^[ \t]*FM[ \t]+(?P<origin>\S.*?)[ \t]*$", re.M)


def clean_addressee(line: str) -> str:
    """``"RUEHPB/AMEMBASSY PORT MORESBY PRIORITY 0019"`` -> ``"AMEMBASSY PORT MORESBY"``."""
    a = line.strip()
    a = re.sub(r"^[A-Z0-9]{3,9}/(?=[A-Z])", "", a)
    a = re.sub(r"(?:[ ]+(?:NIACT[ ]+IMMEDIATE|IMMEDIATE|PRIORITY|ROUTINE|FLASH))?(?:[ ]+\d{1,5})?[ ]*$", "", a)
    a = re.sub(r"[ ]+(?:NIACT[ ]+IMMEDIATE|IMMEDIATE|PRIORITY|ROUTINE|FLASH)$", "", a)
    return re.sub(r"\s+", " ", a).strip()


def find_addressees(text: str, fm_end: int, cls_start: int | None) -> tuple[list[str], list[str], str | None]:
    """TO and INFO lists after the FM line; stops at a blank line or the class line.

    Returns ``(to, info, first_to_precedence_word)``.
    """
    to: list[str] = []
    info: list[str] = []
    cur = None
    first_prec = None
    pos = fm_end + 1
    while pos < len(text):
        nl = text.find("\n", pos)
        nl = len(text) if nl < 0 else nl
        line = text[pos:nl]
        if cls_start is not None and pos <= cls_start < nl:
            line = text[pos:cls_start]  # INFO line glued to the class line
        if not line.strip() or re.match(r"^\s*(?:BT|ZEN|E\.O\.|TAGS|SUBJ|id:)", line):
            break
        m = re.match(r"^\s*(TO|INFO)\s+(.*)$", line)
        if m:
            cur = to if m.group(1) == "TO" else info
            line = m.group(2)
            if cur is to and first_prec is None:
                pm = re.search(r"\b(NIACT IMMEDIATE|IMMEDIATE|PRIORITY|ROUTINE|FLASH)\b", line)
                first_prec = pm.group(1) if pm else None
        if cur is None:
            break
        a = clean_addressee(line)
        if re.match(r"PAGE \d+ ", a):  # old page header inside the list (08STATE50524)
            a = ""
        if a and a not in cur:
            cur.append(a)
        if cls_start is not None and pos <= cls_start < nl:
            break
        pos = nl + 1
    return to, info, first_prec


def fm_station(origin: str | None) -> str | None:
    """Station of an FM addressee: ``"AMCONSUL SHENYANG"`` -> ``"SHENYANG"``,
    ``"SECSTATE WASHDC"`` -> ``"STATE"``; ``None`` for ``None``."""
    if not origin:
        return None
    o = re.sub(r"^(?:AMEMBASSY|AMEMB|AMCONSUL|AMCONGEN|USMISSION|USDEL|USLO|USOFFICE|AMINTERESTS)[ ]+", "",
               origin.upper().strip())
    return "STATE" if o.startswith("SECSTATE") else o


#: An FM line found outside the routing zone counts only as an addressee in
#: capitals with a TO line under it: in partial extracts "FM" opens body
#: sentences ("FM de Hoop Scheffer on December 3, would ...", 03THEHAGUE2843;
#: "FM GUIMARAES", 05BRASILIA660).
FM_ADDRESSEE = re.compile(r"^[ \t]*FM[ \t]+(?P<origin>[A-Z][A-Z0-9 ./&'-]{2,60}?)[ \t]*\n[ \t]*TO\b", re.M)


#: ``From: AMCONSUL TIJUANA`` in place of the FM line (09TIJUANA1116); only
#: a post's addressee, so a forwarded e-mail's ``From:`` is no origin.
FROM_LINE = re.compile(r"^[ \t]*From:[ \t]+(?P<origin>(?:AMEMBASSY|AMCONSUL|AMCONGEN|USMISSION|USDEL|SECSTATE|AIT|"
                       r"USOFFICE|USLO|AMINTERESTS|USEU|USNATO)\b[A-Z0-9 ./&'-]{0,60}?)[ \t]*$", re.M)


def fm_anywhere(text: str) -> re.Match | None:
    """The origin's match (group ``origin``) outside the routing zone: an FM
    line over a TO line, a ``From:`` line, or the FM of a routing block
    reflowed onto one line (:data:`DTG_GLUED`); ``None`` when there is none."""
    m = FM_ADDRESSEE.search(text)
    if m:
        return FM_LINE.match(text, m.start())
    return FROM_LINE.search(text, 0, 3000) or DTG_GLUED.search(text)
