"""Classification markings: paragraph markings and cable classification lines.

Shapes
------
``parse_marking("S//NF") -> ("S", ["NF"])``; ``parse_marking("xyz") -> (None, [])``.
``parse_classification("C O N F I D E N T I A L") -> Classification(level="C", ...)``.

Rules come from ``corpora/LABELING.md`` (the normalisation table):
``(U)`` -> U; ``(SBU)``, ``(U//FOUO)``, ``(U/FOUO)``, ``(SBU/NF)`` -> SBU;
``(C)``, ``(C/NF)``, ``(C/REL ...)`` -> C; ``(S...)`` -> S; ``(TS ...)`` -> TS.
Caveats are flags apart from the level: ``NF`` (NOFORN) and ``REL``.
Cable lines: ``UNCLAS`` (+ a ``SENSITIVE`` line, 07PHNOMPENH1308) and
``UNCLASSIFIED//FOR OFFICIAL USE ONLY`` and ``UNCLAS E F T O`` (encrypted
for transmission only, 09LONDON2622) -> SBU; spaced ``C O N F I D E N T I A L``
(00ABUDHABI5893) and oddly spaced ``SE C R E T`` (10SHENYANG4); ``SECRET//NOFORN``; ``NOFORN`` on its own line (02BOGOTA3281).
No error is raised: an unknown marking gives level ``None``.
"""

from __future__ import annotations

import re

from pipeline.records import Classification

#: Level tokens as printed inside paragraph markings -> normalised level.
PARA_LEVELS: dict[str, str] = {
    "U": "U", "UNCLAS": "U", "UNCLASSIFIED": "U",
    "SBU": "SBU", "FOUO": "SBU", "LOU": "SBU", "U/FOUO": "SBU", "U//FOUO": "SBU",
    "C": "C", "CONF": "C", "CONFIDENTIAL": "C",
    "S": "S", "SECRET": "S",
    "TS": "TS", "TOP SECRET": "TS",
}

#: Caveat tokens -> normalised paragraph caveat flag.
PARA_CAVEATS: dict[str, str] = {
    "NF": "NF", "NOFORN": "NF", "REL": "REL", "RELTO": "REL",
}

#: Words that may follow a level inside a paragraph marking (caveats and
#: control markings; countries follow ``REL``).  Seen in the corpus: NF,
#: NOFORN, REL, FOUO, FGI, "ENTIRE TEXT"; the others from the State portion
#: marking conventions (12 FAM 539).
_CONTROL_WORDS = frozenset({"NF", "NOFORN", "REL", "RELTO", "RELEASABLE", "FOUO", "FGI", "ENTIRE", "ORCON", "OC",
                            "PROPIN", "PR", "SI", "TK", "LES", "NOCONTRACT", "DS", "EXDIS", "NODIS", "LIMDIS", "SBU",
                            "SENSITIVE", "F"})

#: Cable-level classification words -> level (longest first when matching).
CABLE_LEVELS: dict[str, str] = {
    "TOP SECRET": "TS", "SECRET": "S", "CONFIDENTIAL": "C",
    "LIMITED OFFICIAL USE": "SBU", "SENSITIVE BUT UNCLASSIFIED": "SBU",
    "UNCLASSIFIED": "U", "UNCLAS": "U",
    # spaced class lines that lost their first letter in transport:
    # "O N F I D E N T I A L SECTION 01 OF 04 LAGOS 000014" (09LAGOS14),
    # "E C R E T SECTION 01 OF 03 BAGHDAD 000146" (07BAGHDAD146)
    "ONFIDENTIAL": "C", "ECRET": "S", "NCLAS": "U",
}

#: Cable caveats as they appear after ``//`` or on their own line.
CABLE_CAVEATS: dict[str, str] = {
    "NOFORN": "NOFORN", "NF": "NOFORN", "REL": "REL", "EXDIS": "EXDIS",
    "NODIS": "NODIS", "LIMDIS": "LIMDIS", "ORCON": "ORCON",
}

def _spaced(word: str) -> re.Pattern:
    """A level word with optional spaces between its letters: ``SE C R E T``
    (10SHENYANG4) matches ``SECRET``."""
    return re.compile("".join("[ ]+" if c == " " else c + "[ ]?" for c in word)[:-4] + r"(?![A-Z])")


_SPACED_LEVELS = {w: _spaced(w) for w in CABLE_LEVELS}
_FOUO = re.compile(r"FOR OFFICIAL USE ONLY|FOUO|\bSENSITIVE\b|\bE[ ]?F[ ]?T[ ]?O\b", re.I)
#: ``SENSITIVE`` in the lines under an UNCLAS class line: alone on its line
#: (07PHNOMPENH1308), or glued into a reflowed caveat/addressee line: "DOL FOR
#: ILAB MMITTELHAUSER SENSITIVE SIPDIS" (06SAOPAULO357), "SIPDIS SENSITIVE
#: SIPDIS USDOC FOR ..." (07NEWDELHI3429), "SIPDIS, SENSITIVE" (08SANJOSE855),
#: "SIPDIS SENSITIVEE.O. 12958" (08BUENOSAIRES858), "DEA SENSITIVE" at a line
#: end (10MOSCOW293); not "SUBJECT: PEACEKEEPING REMAINS SENSITIVE ISSUE".
_SENSITIVE_LINE = re.compile(
    r"^\s*SENSITIVE\b|(?:^|[\s,])SENSITIVE(?=[ \t]*(?:$|SIPDIS|,|E\.O\.))|SIPDIS,?[ ]+SENSITIVE\b", re.M | re.I)


def despace(text: str) -> str:
    """Collapse letter-spaced words: ``"C O N F I D E N T I A L"`` -> ``"CONFIDENTIAL"``."""
    return re.sub(r"\b(?:[A-Z] ){3,}[A-Z]\b", lambda m: m.group(0).replace(" ", ""), text)


def parse_marking(marking: str | None) -> tuple[str | None, list[str]]:
    """Normalise the text inside a paragraph marking's parentheses.

    ``"SBU"`` -> ``("SBU", [])``; ``"U//FOUO"`` -> ``("SBU", [])``;
    ``"C/REL TO USA, AUS"`` -> ``("C", ["REL"])``; ``"S//NF"`` -> ``("S", ["NF"])``.
    Returns ``(None, [])`` when the text is not a classification marking.
    """
    if not marking:
        return None, []
    m = marking.strip().upper()
    m = re.sub(r"\s+", " ", m)
    if m in PARA_LEVELS:
        return PARA_LEVELS[m], []
    parts = [p.strip() for p in re.split(r"/+|\s*-\s*", m) if p.strip()]
    if not parts:
        return None, []
    head = parts[0]
    if head == "TS" or head.startswith("TS ") or head.startswith("TOP SECRET"):
        level = "TS"
    elif head in PARA_LEVELS:
        level = PARA_LEVELS[head]
    elif head.split(" ")[0] in PARA_LEVELS and len(head.split(" ")) <= 2:
        level = PARA_LEVELS[head.split(" ")[0]]
    else:
        return None, []
    caveats: list[str] = []
    rel = False
    for p in parts[1:]:
        word = p.split(" ")[0]
        if not rel and word not in _CONTROL_WORDS:
            # an office symbol, not a caveat: "(S/CT) funds" is the State
            # counterterrorism office (09RABAT408)
            return None, []
        rel = rel or word.startswith("REL")
        if word == "FOUO" and level == "U":
            level = "SBU"
        elif word in PARA_CAVEATS and PARA_CAVEATS[word] not in caveats:
            caveats.append(PARA_CAVEATS[word])
    return level, caveats


def parse_classification(line: str, extra: str = "") -> Classification:
    """Read a cable classification line (and the header lines after it).

    ``line`` is the classification phrase (``"UNCLAS"``, ``"SECRET//NOFORN"``,
    ``"C O N F I D E N T I A L"``); ``extra`` the few header lines that follow
    it, where ``SENSITIVE`` (-> SBU) or ``NOFORN`` may stand alone.
    """
    raw = line.strip()
    text = despace(raw.upper())
    level = None
    for word, lev in CABLE_LEVELS.items():
        m = _SPACED_LEVELS[word].match(text)
        if m:
            level = lev
            rest = text[m.end():]
            break
    else:
        rest = text
    caveats: list[str] = []
    if level == "U" and (_FOUO.search(rest) or _SENSITIVE_LINE.search(re.split(r"^[ \t]*SUBJ", extra, maxsplit=1, flags=re.M | re.I)[0])):
        level = "SBU"
    for tok in re.findall(r"[A-Z]+", rest):
        if tok in CABLE_CAVEATS and CABLE_CAVEATS[tok] not in caveats:
            caveats.append(CABLE_CAVEATS[tok])
    # SIPDIS is a distribution marker (SIPRNet), not a classification caveat:
    # 07PHNOMPENH1308 carries it and its classification is plain SBU.
    for tok in re.findall(r"^\s*(NOFORN|EXDIS|NODIS|LIMDIS)\s*$", extra, re.M):
        if CABLE_CAVEATS[tok] not in caveats:
            caveats.append(CABLE_CAVEATS[tok])
    return Classification(level=level, caveats=caveats, raw=raw)
