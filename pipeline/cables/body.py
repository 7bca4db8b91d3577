"""Body of a cable: paragraphs, markings, headings, page breaks, zones, signer.

Shapes
------
``parse_body(text, start) -> BodyParse(paragraphs, signer, warnings)``;
offsets are into ``text``.  Raises nothing.

Rules (LABELING.md; cable ids where each case was seen)
-------------------------------------------------------
* A paragraph starts at a numbered line (``¶3.``, ``3.``, ``3.A.``, ``2.(U)``)
  after a blank line or with a pilcrow; plain numbers must run in sequence
  (so a wrapped line ``50. He said`` is no paragraph).  Bodies with no numbers
  fall back to lettered ``A.`` paragraphs, then to blocks between blank lines.
* A portion with its own marking inside a numbered paragraph is a paragraph
  of its own, its marking captured (the marking is the unit of
  classification, as LABELING.md's sub-numbered ``3.A.``): a lettered
  sub-paragraph ``A. (S/NF) ...`` becomes paragraph ``3.A`` under ``3.``
  (09STATE105048, 05NEWDELHI2550); a bullet ``-- (C) ...`` (03KATHMANDU280)
  or a bare marked block ``(C) To declare ...`` after a sentence's end
  (03ANKARA3694) gets no number.  Unmarked lettered lists and bullets stay
  in their paragraph; ``(A) ... (B) ... (C) ...`` enumerators are no marking.
* Dropped lines: page breaks ``PHNOM PENH 00001308  002.2 OF 003``
  (07PHNOMPENH1308) with the blank lines around them, ``SIPDIS``, old page
  headers ``PAGE 02 HANOI 00686 01 OF 07 050821Z`` and lone classification
  lines (00HANOI686), ``CABLE ENDS`` rulers (02BOGOTA3281), ``>``.
* Headings: a line over a dashed line (optionally also under one,
  06MEXICO2220), or a reflowed ``---- Heading ----`` at a paragraph's end
  (08CAIRO2175); they become the next paragraph's ``heading``.
* Signer: a short all-capitals name line after the last paragraph
  (``MUSSOMELI``), or glued after its last sentence in reflowed text
  (``... eco-tourism. SCOBEY``, 08CAIRO2175).
* Zones: SUMMARY ... END SUMMARY, COMMENT ... END COMMENT, and paragraphs
  under a ``COMMENT`` heading.
* Reflowed lines (one paragraph per line) are first cut into pieces by
  :mod:`pipeline.cables.glued`: glued page breaks, SIPDIS, dashed headings,
  repeated headers and paragraph starts become lines of their own kind.
* Header matter repeated in the body is no paragraph: everything above a
  ``header ends`` ruler (09LIMA1053), pre-number blocks opening with a class
  line, and one-line database-dump fields (09THEHAGUE582).
* A paragraph with neither text nor marking goes; its number returns to the
  paragraph before when that one ends mid-sentence (09CAIRO2084).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from pipeline.cables.body_join import join_lines
from pipeline.cables.body_lines import Line, heading_text, mark_structure, split_lines
from pipeline.cables.body_signer import take_signer
from pipeline.cables.body_starts import (MARKING, SUB_START, find_starts, letter_starts, sub_starts, text_blocks,
                                         valid_marking)
from pipeline.cables.body_zones import set_zones
from pipeline.cables.glued import HEADER_IN, scrub
from pipeline.cables.markings import parse_marking
from pipeline.records import Paragraph

#: Pre-number blocks that are header matter, not paragraphs (LABELING.md).
HEADER_BLOCK = re.compile(r"^[ \t]*(?:\(U\)[ ]*)?(?:CLASSIFIED[ ]+BY|SENSITIVE BUT UNCLASSIFIED|SENSITIVE\b|NOFORN\b|"
                          r"E\.O\.|TAGS|SUBJECT|REF)", re.I)
#: Pre-number blocks that repeat the header: a class line with station and
#: serial (``C O N F I D E N T I A L SECTION 01 OF 02 THE HAGUE 000582``),
#: and the one-line fields of a database dump printed before it (``226932``,
#: ``2009-09-25``, ``09THEHAGUE582``, ``Embassy The Hague``, ``CONFIDENTIAL``,
#: ``09SECSTATE98567``; 09THEHAGUE582), or ``id: 217720`` style fields (09LIMA1053).
REPEATED_HEADER = re.compile(
    r"^[ \t]*(?:(?:C[ ]?O[ ]?N[ ]?F[ ]?I[ ]?D[ ]?E[ ]?N[ ]?T[ ]?I[ ]?A[ ]?L|S[ ]?E[ ]?C[ ]?R[ ]?E[ ]?T|UNCLAS(?:SIFIED)?|"
    r"LIMITED OFFICIAL USE|TOP SECRET)(?://?[A-Z ]+)?(?:[ ]+SECTION[ ]+\d+[ ]+OF[ ]+\d+)?[ ]+(?:[A-Z][A-Z.]*[ ]+){1,3}\d{3,7}\b|"
    r"(?:id|date|refid|origin|classification|destination|header)[ ]*:)", re.I)
DUMP_LINE = re.compile(
    r"^[ \t]*(?:<<\d+>>|\d{4,7}|\d{4}-\d{2}-\d{2}(?:[ ]\d\d:\d\d)?|\d{1,2}/\d{1,2}/\d{4}(?:[ ]\d\d?:\d\d)?|"
    r"\d{2}[A-Z]+\d+(?:[ ,;]+\d{2}[A-Z]+\d+)*|"
    r"(?:Embassy|Consulate|Mission|US Mission|USUN|Secretary of State|American Institute|US Office|US Interests)\b[A-Za-z ,.'()-]*|"
    r"(?:UNCLASSIFIED|CONFIDENTIAL|SECRET|LIMITED OFFICIAL USE|TOP SECRET)(?://[A-Z ]+)?)[ \t]*$")
HEADER_ENDS = re.compile(r"^[ \t]*-+[ ]*header ends[ ]*-+[ \t]*$")
#: ``SUMMARY`` printed before the paragraph's marking (San José cables).
SUMMARY_MARK = re.compile(r"^(?P<w>SUMMARY|Summary)[:.]?[ ]+(?=\()")
#: A marking that closes a paragraph's text: "... immediately. (C)" over the
#: next heading (07LONDON4328), "... coordination. (SBU)" (08STATE1265).
TRAILING_MARK = re.compile(r"[ ]+\((?P<m>[A-Z][A-Za-z/ ,\-]{0,120})\)$")
INLINE_HEADING = re.compile(r"\s*-{5,}\s*(?P<h>[^-\s](?:(?!--).){1,80}?)\s*-{5,}\s*$")


@dataclass
class BodyParse:
    paragraphs: list[Paragraph]
    signer: str | None = None
    warnings: list[str] = field(default_factory=list)


def _make(lines: list[Line], lo: int, hi: int, m: re.Match | None, heading: str | None,
          number: str | None = None) -> Paragraph | None:
    """Paragraph from lines ``lo..hi-1`` (``m``: the number or lead match on
    line lo; ``number`` given for a sub-portion, else read from ``m``)."""
    at = [k for k in range(lo, hi) if lines[k].kind == "text"]
    content = [lines[k] for k in at]
    if not content:
        return None
    first = content[0]
    if m is not None:
        gd = m.groupdict()
        number = number or gd.get("n1") or gd.get("n2")
        first_text = first.raw[m.end():]
        start = first.start + len(m.group("lead"))
    else:
        sm = SUB_START.match(first.raw)
        if sm and (sm.group("letter") or sm.group("bullet")) and valid_marking(first.raw[sm.end():]):
            # a block that opens with a lettered or bulleted marking: "¶A. (U)
            # POST: The Hague." in a body of such blocks (04THEHAGUE1903)
            number = number or sm.group("letter")
            first_text = first.raw[sm.end():]
            start = first.start + len(sm.group("lead"))
        else:
            first_text = first.raw.lstrip()
            start = first.start + len(first.raw) - len(first.raw.lstrip())
    marking = None
    lead_word = ""
    sw = SUMMARY_MARK.match(first_text)
    if sw and valid_marking(first_text[sw.end():]):
        # "¶1. SUMMARY (U) Costa Rica's June 1" (07SANJOSE1173): the marking
        # after the word is the paragraph's; the word stays in the text
        lead_word, first_text = sw.group("w") + " ", first_text[sw.end():]
    mm = MARKING.match(first_text)
    if mm and parse_marking(mm.group("m"))[0]:
        marking = mm.group("m").strip()
        # "6. (U). MEDICAL EMERGENCIES" (08BUENOSAIRES62): the dot is the marking's
        first_text = lead_word + re.sub(r"^\.(?=[ \t])[ \t]*", "", first_text[mm.end():])
    else:
        first_text = lead_word + first_text
    raws = [first_text] + [ln.raw for ln in content[1:]]
    for j, k in enumerate(at):
        # a portion marking printed after its portion, over a blank line
        # ("... coordination. (SBU)\n\nEND CAPITAL-SPECIFIC", 08STATE1265)
        tm = TRAILING_MARK.search(raws[j].rstrip())
        if tm and j < len(content) - 1 and lines[k + 1].kind in ("blank", "drop") \
                and valid_marking(f"({tm.group('m')})") and tm.start() > 0:
            raws[j] = raws[j].rstrip()[:tm.start()]
            marking = marking or tm.group("m")
    text = scrub(join_lines(raws))
    level, caveats = parse_marking(marking)
    return Paragraph(index=0, number=number, text=text, start=start, end=content[-1].end,
                     marking=marking, sensitivity=level, caveats=caveats, heading=heading)


def parse_body(text: str, start: int, station: str | None = None, subject: str | None = None) -> BodyParse:
    """Segment the body that begins at offset ``start``; see module rules.
    ``station``: the cable's station in letters (``"NEWDELHI"``), to cut
    glued page breaks exactly; ``subject``: the header's, to cut a subject
    repeated at the top of a page (08STATE86156)."""
    lines = split_lines(text, start, station, subject)
    mark_structure(lines)
    # WikiLeaks "header ends" layout (02BOGOTA3281, 09LIMA1053): what comes
    # before the ruler is the header again (id:, routing, TO/INFO lists)
    ends = [k for k, ln in enumerate(lines) if HEADER_ENDS.match(ln.raw)]
    for k in range(ends[-1] if ends else 0):
        lines[k].kind = "drop"
    box = _preview_box(lines)
    for k in range(box):
        lines[k].kind = "drop"
    warnings: list[str] = []
    if box:
        warnings.append(f"left out the header box and its preview (characters {start}-{lines[box - 1].end})")
    dump = _dump_copy(lines)
    if dump is not None:
        for ln in lines[dump:]:
            ln.kind = "drop"
        warnings.append(f"left out a database-dump copy of the cable (characters {lines[dump].start}-{len(text)})")
    starts = find_starts(lines) or letter_starts(lines)
    paras: list[Paragraph] = []
    heading: str | None = None
    pending: list[str] = []

    def flush_headings(lo: int, hi: int) -> None:
        nonlocal heading
        hs = [h for k in range(lo, hi) if lines[k].kind == "heading" and (h := heading_text(lines[k].raw))]
        if hs:
            heading = " ".join(hs)

    def add(lo: int, hi: int, m: re.Match | None) -> None:
        # a marked portion inside a numbered paragraph (a bare "(C) ..." block,
        # a lettered "A. (S/NF) ..." sub-paragraph, a "-- (C) ..." bullet) is a
        # paragraph of its own with its marking: the marking is the unit of
        # classification, as the sub-numbered "3.A." of LABELING.md.  Lettered
        # ones are numbered under the parent ("3.A"); the others have no number.
        # Unnumbered blocks are cut the same way ("Dear Madam Secretary,\n(SBU)
        # I have just returned ...\n(C) First and foremost", 10BERLIN138).
        gd = m.groupdict() if m is not None else {}
        parent = gd.get("n1") or gd.get("n2")
        cuts = [(lo, m, None)]
        for k, sm in sub_starts(lines, lo + 1, hi):
            letter = sm.group("letter")
            cuts.append((k, sm, (f"{parent}.{letter}" if parent and "." not in parent else letter) if letter else None))
        for j, (a, mm, num) in enumerate(cuts):
            add_range(a, cuts[j + 1][0] if j + 1 < len(cuts) else hi, mm, num)

    def add_range(lo: int, hi: int, m: re.Match | None, number: str | None) -> None:
        nonlocal heading
        # a heading inside the range ends the paragraph there; text after it
        # (a reflowed "... End Summary. Title ----- more text") is a paragraph
        # of its own under that heading, never lost
        carry: Paragraph | None = None
        while lo < hi:
            cut = next((k for k in range(lo + 1, hi) if lines[k].kind == "heading"), hi)
            p = _make(lines, lo, cut, m, heading, number)
            if p is not None and carry is not None:
                # "¶5. (C) "WORST EVER" CONDITIONS ON THE GROUND -----\n\nThe
                # ARS leaders said" (08ASMARA249): the number and marking open
                # the text under their own title
                p.number, p.start = carry.number, carry.start
                p.marking, p.sensitivity, p.caveats = carry.marking, carry.sensitivity, carry.caveats
                carry = None
            elif p is not None and not p.text and p.marking and cut < hi:
                carry = p
                p = None
            if p is not None:
                heading = None
                paras.append(p)
            j = cut
            while j < hi and lines[j].kind != "text":
                j += 1
            flush_headings(cut, j)
            lo, m, number = j, None, None
        if carry is not None:  # nothing after the title: the marked number stays, empty
            paras.append(carry)

    if starts:
        first = starts[0][0]
        for a, b in text_blocks(lines, 0, first):
            flush_headings(a, b)
            one_line = sum(1 for k in range(a, b) if lines[k].kind == "text") == 1
            if not HEADER_BLOCK.match(lines[a].raw) and not REPEATED_HEADER.match(lines[a].raw) \
                    and not (one_line and DUMP_LINE.match(lines[a].raw)):
                add(a, b, None)
        flush_headings(0, first)
        for k, (i, m) in enumerate(starts):
            hi = starts[k + 1][0] if k + 1 < len(starts) else len(lines)
            add(i, hi, m)
    else:
        for a, b in text_blocks(lines, 0, len(lines)):
            if all(lines[k].kind == "heading" for k in range(a, b) if lines[k].kind != "drop"):
                flush_headings(a, b)
                continue
            add(a, b, None)
    del pending
    signer = take_signer(text, lines, paras)
    # reflowed inline headings: "... End Summary. ---- Tunnel Openings ---- "
    for k, p in enumerate(paras):
        mh = INLINE_HEADING.search(p.text)
        if mh and k + 1 < len(paras) and not paras[k + 1].heading:
            paras[k + 1].heading = mh.group("h").strip()
            p.text = p.text[:mh.start()].rstrip()
    _trailing_markings(paras)
    paras = _drop_stray_numbers(paras)
    for k, p in enumerate(paras, start=1):
        p.index = k
    set_zones(paras)
    return BodyParse(paragraphs=paras, signer=signer, warnings=warnings)


def _drop_stray_numbers(paras: list[Paragraph]) -> list[Paragraph]:
    """A number and marking printed twice make one paragraph.  Paragraphs
    with neither text nor marking go.  The HTML pages turned a
    number that ended a wrapped line into a pilcrow paragraph: "Please see
    paragraph\n\n¶3." (09CAIRO2084), "confirmed by MFA diplomatic note on
    February\n¶4." (08TASHKENT153); when the paragraph before ends mid-sentence
    the number goes back to its end ("... paragraph 3."), also after "para."
    whose dot was the number's (08ANKARA1417)."""
    out: list[Paragraph] = []
    for k, p in enumerate(paras):
        q = paras[k + 1] if k + 1 < len(paras) else None
        preview = p.text.endswith("...") and len(p.text) > 12  # "Summary: ... its covera..." (08KYIV1627)
        if q is not None and p.marking and q.marking == p.marking and (q.start - p.start <= 80 or preview) \
                and not (not p.text and q.heading and p.number != q.number) \
                and (not p.text or (p.number == q.number and q.text.startswith(p.text.rstrip(". ")))):
            # a number and marking printed twice, the second copy glued after
            # the first: "¶1. (C)  1. (C) The next" (07SANJOSE361), "¶10. (C) 8.
            # (C) As noted" (09BRASILIA1142), "¶1. (C) Summary. 1. (C) Summary.
            # The political" (08ROME1406), a preview cut short over the whole
            # header again and the paragraph (08KYIV1627): one paragraph, the
            # first number
            q.start, q.number, q.heading = p.start, p.number, p.heading or q.heading
            continue
        if p.text or p.marking:
            out.append(p)
            continue
        if p.number and out and out[-1].text and not re.search(r"[.!?:;\"')\]]$", out[-1].text):
            out[-1].text = f"{out[-1].text} {p.number}."
        elif p.number and out and re.search(r"\bpara(?:graph)?s?\.$", out[-1].text):
            # "Please see para.\n\n¶3." (08ANKARA1417): the dot was the number's
            out[-1].text = f"{out[-1].text[:-1]} {p.number}."
    return out



def _preview_box(lines: list[Line]) -> int:
    """Lines above the header copy of the WikiLeaks preview layout, else 0:
    the header box ends in a one-line preview cut short with ``...``, then
    the whole header follows again on one line and the body after it
    (``¶1. (C) Summary: Other Russia's second annual conference was\nn...``,
    07MOSCOW3399; 08HELSINKI374).  The box repeats what the header parser
    read, so it is no paragraph."""
    last_text: Line | None = None
    for k, ln in enumerate(lines[:80]):
        if HEADER_IN.match(ln.raw) and last_text is not None and last_text.raw.rstrip().endswith("...") \
                and any(x.kind == "text" for x in lines[k + 1:]):
            # (a record that holds only the box and the header copy keeps its
            # preview: it is all the text there is, 08RIGA492)
            return k + 1
        if ln.kind == "text":
            last_text = ln
    return 0


#: A database-dump record line: row, date, size, TAGS joined by commas, then
#: the subject and a copy of the cable (``0 05/15/2008 3797
#: ENRG,EPET,PREL,IR,BA OIL MINISTER ON ...``, 08MANAMA306; 14 such records).
DUMP_RECORD = re.compile(r"^\d{1,3} \d{1,2}/\d{1,2}/\d{4} \d{1,6} [A-Z]{2,6}(?:,[A-Z0-9-]{2,8})+\b")


def _dump_copy(lines: list[Line]) -> int | None:
    """Index of a database-dump record line that starts a second copy of the
    cable after its body (at least 300 characters of text before it), else
    ``None``; a record whose only text is the dump keeps it (09CAIRO189)."""
    seen = 0
    for k, ln in enumerate(lines):
        if ln.kind == "text" and DUMP_RECORD.match(ln.raw):
            return k if seen >= 300 else None
        if ln.kind == "text":
            seen += len(ln.raw.strip())
    return None


def _trailing_markings(paras: list[Paragraph]) -> None:
    """A marking that ends a paragraph's text is cut off it: over a heading
    it is the heading's ("... immediately. (C)\n\nUK Banks: Clear No More
    Sterling ------", 07LONDON4328, marks the heading "(C) UK Banks: ...");
    elsewhere it closes the portion ("... coordination. (SBU)", 08STATE1265)
    and is the paragraph's marking when it has none."""
    for k, p in enumerate(paras):
        tm = TRAILING_MARK.search(p.text)
        if not tm or not valid_marking(f"({tm.group('m')})"):
            continue
        nxt = paras[k + 1] if k + 1 < len(paras) else None
        p.text = p.text[:tm.start()].rstrip()
        if nxt is not None and nxt.heading:
            nxt.heading = f"({tm.group('m')}) {nxt.heading}"
        elif not p.marking:
            p.marking = tm.group("m")
            p.sensitivity, p.caveats = parse_marking(p.marking)
