"""Review flags comparing a paragraph's predicted sensitivity with its marking,
and the holders of predicted commitments and doubts, set on the record.

Levels are ranked U < SBU < C < S (:data:`pipeline.records.LEVELS`; TS
ranks above S).  A prediction above the marking suggests the paragraph may
be under-classified; two or more levels below it (S marked, SBU or U
predicted; C marked, U predicted) suggests over-classification.  One level
below is common and not flagged: the model is trained on markings, which
often follow the cable's level rather than the paragraph's words (see the
sensitivity model card).  Unmarked paragraphs get no flag.
"""

from __future__ import annotations

from typing import Sequence

from pipeline.records import LEVELS, AnnotatedParagraph

UNDER = "possible under-classification"
OVER = "possible over-classification"
#: How many levels below the marking a prediction must be to flag over-classification.
OVER_GAP = 2


def sensitivity_flag(marking_level: str | None, predicted: str | None) -> str | None:
    """:data:`UNDER`, :data:`OVER` or ``None`` for a marking level and a predicted level.

    Unknown or missing levels give ``None``.
    """
    if marking_level not in LEVELS or predicted not in LEVELS:
        return None
    gap = LEVELS.index(predicted) - LEVELS.index(marking_level)
    if gap > 0:
        return UNDER
    if gap <= -OVER_GAP:
        return OVER
    return None


def enrich(paragraph: AnnotatedParagraph) -> AnnotatedParagraph:
    """Set ``commitment_holder``, ``doubt_holder`` and ``sensitivity_flag`` on
    ``paragraph`` from its predictions and entities (in place; returned).

    A paragraph without predictions is returned unchanged.
    """
    from .holders import attribute

    pred = paragraph.predictions
    if pred is None:
        return paragraph
    if pred.commitment.label:
        paragraph.commitment_holder = attribute(paragraph.text, paragraph.entities, "commitment")
    if pred.doubt.label:
        paragraph.doubt_holder = attribute(paragraph.text, paragraph.entities, "doubt")
    paragraph.sensitivity_flag = sensitivity_flag(paragraph.sensitivity, pred.sensitivity.label)
    return paragraph


def count_flags(paragraphs: Sequence[AnnotatedParagraph]) -> dict[str, int]:
    """``{flag: number of paragraphs}`` for the flags present."""
    out: dict[str, int] = {}
    for p in paragraphs:
        if p.sensitivity_flag:
            out[p.sensitivity_flag] = out.get(p.sensitivity_flag, 0) + 1
    return out
