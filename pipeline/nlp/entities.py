"""Run NER over paragraph texts and return :class:`~pipeline.records.Entity` lists."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

from spacy.language import Language

from pipeline.cables.ids import ref_cable_id
from pipeline.config import load_config
from pipeline.records import Entity

# Never entities: redaction strings of the Cablegate release, the SIPDIS
# distribution caveat, and routing words (see issue on cable-aware NER).
_NOT_ENTITY = re.compile(r"X{4,}|\bSIPDIS\b|^(?:ZNY|ZNR|ZZH|VZCZC\w*)$")


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
) -> list[list[Entity]]:
    """Return one entity list per text, offsets into that text.

    ``years``: per text, the citing cable's two-digit year (``"07"``), used
    to resolve a ``CABLE_REF`` written without a year (``PHNOM PENH 1307``)
    to its canonical reference id in ``kb_id``; unresolved refs keep
    ``kb_id=None`` (never invented).

    ``texts``: paragraph texts (line wraps already removed).  Entities whose
    text is a redaction (``XXXXXXXXXXXX``), SIPDIS or a routing word are
    dropped.  Texts longer than ``[spacy] max_chars`` are processed in
    windows split at whitespace; an entity is never split across windows
    except at such a cut.  Only the first ``[spacy] max_paragraph_chars``
    characters of a text are searched (a multi-megabyte table would take
    minutes and hold no entities worth it); the flow records a warning.
    """
    cfg = load_config()["spacy"]
    size = int(cfg["max_chars"])
    cap = int(cfg["max_paragraph_chars"])
    bs = batch_size or int(cfg["batch_size"])
    pieces: list[tuple[int, int, str]] = []  # (text index, offset, piece)
    for i, text in enumerate(texts):
        pieces.extend((i, off, piece) for off, piece in _windows(text[:cap], size))
    out: list[list[Entity]] = [[] for _ in texts]
    docs = nlp.pipe((p for _, _, p in pieces), batch_size=bs)
    for (i, off, _), doc in zip(pieces, docs):
        for ent in doc.ents:
            if _NOT_ENTITY.search(ent.text) or "\n" in ent.text:
                continue
            kb_id = None
            if ent.label_ == "CABLE_REF":
                kb_id = ref_cable_id(ent.text, years[i] if years else None)
            out[i].append(
                Entity(text=ent.text, label=ent.label_, start=off + ent.start_char, end=off + ent.end_char, kb_id=kb_id)
            )
    return out
