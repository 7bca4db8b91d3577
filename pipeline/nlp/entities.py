"""Run NER over paragraph texts and return :class:`~pipeline.records.Entity` lists."""

from __future__ import annotations

import contextlib

import re
from collections.abc import Iterator, Sequence

from spacy.language import Language

from pipeline.cables.ids import ref_cable_id
from pipeline.config import load_config
from pipeline.nlp.acronyms import cable_acronyms
from pipeline.nlp.casing import restore_case as _restore_case
from pipeline.nlp.tags import tag_meaning
from pipeline.records import Entity

# Never entities: redaction strings of the Cablegate release (any case:
# "xxxxx" occurs), the SIPDIS distribution caveat (any case: "Sipdis" is
# left in some paragraphs), routing words of the telegram envelope (message
# start VZCZC..., routing indicators RUEHPF/RUCNASE/RHMFIUU..., Z-codes,
# classification fill CCCCC, date-time groups 170947Z, #1308/01) and a
# marking standing alone (SBU, S/NF, NOFORN).
_REDACTION = r"(?i:x{4,})"
_CAVEAT = r"(?i:\bsipdis\b)"
_ROUTING = re.compile(
    r"^(?:VZCZC\w*|(?:RUE[AHKOPC]|RUC[NJ]|RUF[OG]|RUMI|RUZE|RULS|RHMF|RHMC|RHEH|RHEF|RHHM|RHBV|RHRM|RUDK)[A-Z]{1,5}"
    r"|ZNY|ZNR|ZZH|ZFF\d?|ZEX|ZDK|ZUI|ZYB|ZOC|NNNN|C{5}|U{5}|S{5}|\d{6}Z|#\d+(?:/\d+)?)$"
)
_MARKING = re.compile(r"^(?:SBU|S/NF|C/NF|NF|NOFORN|UNCLAS|FOUO|LIMDIS|EXDIS|NODIS)(?:[/ ](?:NF|NOFORN|SBU))*$")
_EDGE_JUNK = re.compile(rf"^[\s,;:]*(?:{_REDACTION}|{_CAVEAT})[\s,;:]*|[\s,;:]*(?:{_REDACTION}|{_CAVEAT})[\s,;:.]*$")
_NOT_ENTITY = re.compile(rf"{_REDACTION}|{_CAVEAT}")


def clean_span(text: str, start: int, end: int) -> tuple[int, int] | None:
    """The part of entity ``text[start:end]`` that may be reported, or None.

    A redaction or SIPDIS at either edge is cut off ("the Saudi Financial
    Intelligence Unit xxxxxxxxxxxx" keeps the unit); an entity that still
    holds one inside, that is a marking, holds a routing word or a line
    break, or has no letter left is dropped.
    """
    while True:
        piece = text[start:end]
        m = _EDGE_JUNK.search(piece)
        if not m or m.end() == m.start():
            break
        if m.start() == 0:
            start += m.end()
        else:
            end = start + m.start()
        if end <= start:
            return None
    piece = text[start:end]
    if not any(c.isalpha() for c in piece) or "\n" in piece or _NOT_ENTITY.search(piece):
        return None
    if _MARKING.match(piece) or any(_ROUTING.match(w) for w in re.split(r"[\s/]+", piece) if w):
        return None
    return start, end


_TITLE_HEAD = (
    r"(?:(?:Deputy|Vice|Acting|Former|Senior|Assistant|Under|Prime|Foreign|Defense|Defence|Interior|"
    r"Justice|Finance|Chief|First|Second|Third|Executive|General|Provincial|Supreme|Court|Appeals?)\s+)*"
    r"(?:Prime Minister|Minister|Ministers|Ambassador|Amb\.|President|Secretary(?:[- ]General)?|Governor|"
    r"Judge|Prosecutor|General|Gen\.|Director(?:[- ]General)?|Chairman|Chairwoman|Chair|Senator|Sen\.|"
    r"Spokesman|Spokesperson|King|Queen|Prince|Princess|Mayor|Colonel|Col\.|Lieutenant|Lt\.|Major|"
    r"Commander|Consul(?: General)?|Charge(?: d'Affaires)?(?: a\.i\.)?|Speaker|Representative|Rep\.|"
    r"Undersecretary|Advis[eo]r|Attorney General|Premier|Chancellor|Counselor|Counsellor|Head|Leader|"
    r"Chief|Dean|Rector|Commissioner|Deputy|Vice[- ]Minister|Investigating Judge|MP|Parliamentarian)"
)
#: A title written just before a person's name: "Minister of Justice",
#: "Deputy Prime Minister", "Cambodian Ambassador to the U.S." is not
#: attempted (only "of/for <Capitalised words>" complements).
_TITLE = re.compile(
    rf"(?<![\w.])((?i:{_TITLE_HEAD})(?:\s+(?:of|for|to)\s+(?:the\s+)?[A-Z][\w'.-]*"
    r"(?:\s+(?:and\s+|of\s+|for\s+|the\s+)*[A-Z][\w'.-]*)*)?),?\s+$"
)


def _title_before(text: str, start: int) -> tuple[int, int] | None:
    """Span of the title written right before ``text[start:]`` (a PERSON)."""
    m = _TITLE.search(text, max(0, start - 100), start)
    return m.span(1) if m else None


_REF_LETTER = re.compile(r"^(?i:refs?|reftels?)(?:\s+([A-Za-z]))?$")


def _ref_letter_id(text: str, refs: dict[str, str] | None) -> str | None:
    """Canonical id of the REF-list item cited as ``ref A`` / ``reftel``."""
    m = _REF_LETTER.match(text)
    if not m or not refs:
        return None
    if m.group(1):
        return refs.get(m.group(1).upper())
    return next(iter(refs.values())) if len(refs) == 1 else None


def _windows(text: str, size: int) -> Iterator[tuple[int, str]]:
    """Split ``text`` into pieces of at most ``size`` characters at
    whitespace, yielding ``(offset, piece)``; spaCy refuses texts over
    ``nlp.max_length`` and a 5 MB table paragraph must not sink the cable."""
    pos = 0
    while pos < len(text):
        end = min(pos + size, len(text))
        if end < len(text):
            cut = text.rfind(" ", pos + size // 2, end)
            end = cut if cut > pos else end
        yield pos, text[pos:end]
        pos = end


def extract_entities(
    nlp: Language,
    texts: Sequence[str],
    batch_size: int | None = None,
    years: Sequence[str | None] | None = None,
    cables: Sequence[int] | None = None,
    restore_case: bool = True,
    references: Sequence[dict[str, str] | None] | None = None,
) -> list[list[Entity]]:
    """Return one entity list per text, offsets into that text.

    ``years``: per text, the citing cable's two-digit year (``"07"``), used
    to resolve a ``CABLE_REF`` written without a year (``PHNOM PENH 1307``)
    to its canonical reference id in ``kb_id``; unresolved refs keep
    ``kb_id=None`` (never invented).

    ``texts``: paragraph texts (line wraps already removed).  Redactions
    (``XXXXXXXXXXXX``), SIPDIS, routing words, lone markings and line breaks
    are never in an entity (:func:`clean_span`).  Texts longer than ``[spacy] max_chars`` are processed in
    windows split at whitespace; an entity is never split across windows
    except at such a cut.  Only the first ``[spacy] max_paragraph_chars``
    characters of a text are searched (a multi-megabyte table would take
    minutes and hold no entities worth it); the flow records a warning.

    ``references``: per text, its cable's REF list as ``{letter: canonical
    id}`` (from :class:`pipeline.records.Reference` items that are cables);
    a ``CABLE_REF`` citing a letter (``ref A``) or ``reftel`` (when the list
    has exactly one cable) gets that id in ``kb_id``.

    ``restore_case``: ALL-CAPS texts go through
    :func:`pipeline.nlp.casing.restore_case` before NER (same length, same
    offsets); entity ``text`` is always the slice of the original text.

    ``cables``: per text, the index of its cable (texts of one cable share
    an acronym table, :func:`pipeline.nlp.acronyms.cable_acronyms`); by
    default each text is its own cable.  An entity whose text is a defined
    short form (``MOJ``) gets the long form in ``expansion``; a use of a
    short form that the model missed becomes an entity with the label the
    model gave its long form, if it gave one.  A PERSON gets ``title`` when
    a title is written right before it ("Minister of Justice Ang Vong
    Vathana").
    """
    cfg = load_config()["spacy"]
    size = int(cfg["max_chars"])
    cap = int(cfg["max_paragraph_chars"])
    bs = batch_size or int(cfg["batch_size"])
    pieces: list[tuple[int, int, str]] = []  # (text index, offset, piece)
    seen = [_restore_case(t[:cap]) if restore_case else t[:cap] for t in texts]
    for i, text in enumerate(seen):
        pieces.extend((i, off, piece) for off, piece in _windows(text, size))
    out: list[list[Entity]] = [[] for _ in texts]
    # spaCy keeps every new word's string for the life of the Vocab: over a
    # long run (a scheduled `cables serve`) that grows without bound.  Docs
    # made inside a memory zone give their strings back when it closes;
    # nothing of a Doc leaves this function (Entity holds plain copies).
    zone = nlp.memory_zone() if hasattr(nlp, "memory_zone") else contextlib.nullcontext()
    with zone:
        _collect(nlp.pipe((p for _, _, p in pieces), batch_size=bs), pieces, texts, seen, years, references, out)
    _resolve_acronyms(texts, seen, out, cables)
    return out


def _collect(docs, pieces, texts, seen, years, references, out: list[list[Entity]]) -> None:
    """Entities of each piece's ``doc`` into ``out[i]`` (offsets into ``texts[i]``)."""
    for (i, off, _), doc in zip(pieces, docs):
        text = texts[i]
        for ent in doc.ents:
            span = clean_span(text, off + ent.start_char, off + ent.end_char)
            if span is None:
                continue
            start, end = span
            if ent.label_ == "CABLE_REF" and text[end - 1] == "." and _REF_LETTER.match(text[start : end - 1]):
                end -= 1  # "ref B." at a sentence end: the letter, not the stop
            orig = text[start:end]
            kb_id = title = expansion = None
            if ent.label_ == "TAG":
                expansion = tag_meaning(orig)
            elif ent.label_ == "CABLE_REF":
                kb_id = ref_cable_id(orig, years[i] if years else None)
                if kb_id is None and references is not None:
                    kb_id = _ref_letter_id(orig, references[i])
            elif ent.label_ == "PERSON":
                span = _title_before(seen[i], start)
                title = text[span[0] : span[1]] if span else None
            out[i].append(Entity(text=orig, label=str(ent.label_), start=start, end=end, kb_id=kb_id, title=title,
                                 expansion=expansion))


def _resolve_acronyms(
    texts: Sequence[str], seen: Sequence[str], out: list[list[Entity]], cables: Sequence[int] | None
) -> None:
    groups: dict[int, list[int]] = {}
    for i in range(len(texts)):
        groups.setdefault(cables[i] if cables is not None else -1 - i, []).append(i)
    for idx in groups.values():
        table = cable_acronyms([seen[i] for i in idx])
        if not table:
            continue
        long_label = {e.text.lower(): e.label for i in idx for e in out[i]}
        use = re.compile(r"(?<![\w-])(" + "|".join(re.escape(s) for s in sorted(table, key=len, reverse=True)) + r")s?(?![\w-])")
        for i in idx:
            for e in out[i]:
                short = e.text[:-1] if e.text.endswith("s") and e.text[:-1] in table else e.text
                if short in table:
                    e.expansion = table[short]
            taken = [(e.start, e.end) for e in out[i]]
            added = False
            for m in use.finditer(texts[i]):
                label = long_label.get(table[m.group(1)].lower())
                if label is None or any(a < m.end() and m.start() < b for a, b in taken):
                    continue
                out[i].append(Entity(m.group(), label, m.start(), m.end(), expansion=table[m.group(1)]))
                added = True
            if added:
                out[i].sort(key=lambda e: e.start)
