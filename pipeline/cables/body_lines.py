"""Body lines with offsets and a first kind: text, blank, drop (page breaks,
SIPDIS, old page headers), dashes, heading.

Shapes
------
``split_lines(text, start, station, subject) -> [Line]``;
``mark_structure(lines)`` sets kinds in place; ``heading_text(raw) -> str``.
Raises nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pipeline.cables.body_signer import is_signer
from pipeline.cables.body_starts import PARA_START
from pipeline.cables.glued import glued_pieces


PAGE_BREAK = re.compile(r"^[ \t]*[A-Z][A-Z .]*[ ]+0*\d{1,8}[ ]+\d{3}(?:\.\d)?[ ]+OF[ ]+\d{3}[ \t]*$"
                        # the first half of one split over two lines (09RIODEJANEIRO365)
                        r"|^[ \t]*[A-Z][A-Z .]*[ ]+0{2,}\d{1,6}[ ]+\d{3}\.?[ \t]*$")
DROP_LINE = re.compile(
    r"^[ \t]*(?:(?i:SIPDIS)|NNNN|BT|>|"
    r"PAGE[ ]+\d+[ ]+.*\d{6}Z.*|"
    r"(?:UNCLASSIFIED|CONFIDENTIAL|SECRET|LIMITED OFFICIAL USE|C O N F I D E N T I A L|S E C R E T)(?:[ ]+PTQ\d+)?|"
    r"=+[ ]*CABLE ENDS[ ]*=+|-+[ ]*header ends[ ]*-+|\d{4}[A-Z]+\d+ - [A-Z /]+|"
    r"This record is a partial extract of the original cable\..*)[ \t]*$")
#: A dash rule, also spaced ``- - - - - -`` (10ISLAMABAD399).
DASHES = re.compile(r"^[ \t]*(?:-{3,}|(?:-[ ]){3,}-?)[ \t-]*$")
DASHED_TITLE = re.compile(r"^[ \t]*-{3,}[ \t]*(?P<h>[^-\s](?:(?!--).){0,80}?)[ \t]*-{3,}[ \t]*$")


@dataclass
class Line:
    start: int
    end: int      # end of content, trailing blanks excluded
    raw: str
    kind: str = "text"  # text | blank | drop | dashes | heading


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
                and not is_signer(ln.raw):
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
            # a title wrapped over two lines ("Rampant FSLN Human Rights Abuses,
            # including Torture,\nDisappearances, and Murder\n- - - -", 06MANAGUA2514 family)
            two = lines[i - 2] if i >= 2 else None
            if two is not None and two.kind == "text" and (i < 3 or lines[i - 3].kind != "text") \
                    and not PARA_START.match(two.raw) and (
                        (len(two.raw.strip()) <= 60 and two.raw.strip().isupper())
                        or (len(two.raw.strip()) <= 90 and not two.raw.rstrip().endswith((".", ";", ":")))):
                lines[i - 2].kind = "heading"


def heading_text(raw: str) -> str:
    """The title of a heading line, its dash rules cut off (``ESDP ----`` ->
    ``ESDP``, 04BRUSSELS4944)."""
    m = DASHED_TITLE.match(raw)
    return re.sub(r"^[ \t]*(?:-{3,}|(?:-[ ]){3,}-?)[ \t]*|[ \t]*(?:-{3,}|(?:-[ ]?){3,})[ \t]*$", "",
                  m.group("h") if m else raw).strip()
