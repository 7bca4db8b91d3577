"""The cable list: one summary row per cable (header fields and counts) and
the list's filters (label, low confidence, mismatch, TAGS, origin, dates, text)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pipeline.review import scoring


@dataclass
class CableFilter:
    """Filters of ``GET /api/cables``; empty fields do not filter.

    ``label``: ``commitment`` / ``doubt`` (a paragraph predicted true), a level
    (``U``, ``SBU``, ``C``, ``S``, ``TS``: a paragraph predicted at it) or an
    entity label (``ORG``, ``GPE``...). ``mismatch``: ``any``, ``above`` or
    ``below``. Dates compare as ISO text (``2007-01-01``)."""

    label: str | None = None
    low_confidence: bool = False
    mismatch: str | None = None
    tag: str | None = None
    origin: str | None = None
    date_from: str | None = None
    date_to: str | None = None
    q: str | None = None


def summarize(rec: dict[str, Any], decided: set[str] | None = None) -> dict[str, Any]:
    """Header fields and counts of one cable, for the list."""
    h = rec.get("header") or {}
    paras = rec.get("paragraphs") or []
    pred = [p.get("predictions") or {} for p in paras]
    mism = [scoring.mismatch(p) for p in paras]
    return {
        "cable_id": rec["cable_id"],
        "date": h.get("date"),
        "origin": h.get("origin"),
        "subject": h.get("subject"),
        "classification": (h.get("classification") or {}).get("level"),
        "tags": h.get("tags") or [],
        "paragraphs": len(paras),
        "entities": sum(len(p.get("entities") or []) for p in paras),
        "commitment": sum(1 for x in pred if (x.get("commitment") or {}).get("label") is True),
        "doubt": sum(1 for x in pred if (x.get("doubt") or {}).get("label") is True),
        "low_confidence": sum(1 for p in paras if scoring.is_low_confidence(p)),
        "mismatch_above": mism.count("above"),
        "mismatch_below": mism.count("below"),
        "reviewed": sum(1 for p in paras if decided and p["id"] in decided),
        "max_uncertainty": round(max((scoring.uncertainty(p) for p in paras), default=0.0), 4),
    }


def _has_label(rec: dict[str, Any], label: str) -> bool:
    for p in rec.get("paragraphs") or []:
        pred = p.get("predictions") or {}
        if label in ("commitment", "doubt") and (pred.get(label) or {}).get("label") is True:
            return True
        if label in scoring.LEVELS and (pred.get("sensitivity") or {}).get("label") == label:
            return True
        if any(e.get("label") == label for e in p.get("entities") or []):
            return True
    return False


def matches(rec: dict[str, Any], f: CableFilter) -> bool:
    """True when the cable passes every filter set in ``f``."""
    h = rec.get("header") or {}
    paras = rec.get("paragraphs") or []
    if f.label and not _has_label(rec, f.label):
        return False
    if f.low_confidence and not any(scoring.is_low_confidence(p) for p in paras):
        return False
    if f.mismatch:
        kinds = {scoring.mismatch(p) for p in paras} - {None}
        if not kinds or (f.mismatch in ("above", "below") and f.mismatch not in kinds):
            return False
    if f.tag and f.tag.upper() not in [t.upper() for t in h.get("tags") or []]:
        return False
    if f.origin and f.origin.upper() not in (h.get("origin") or "").upper():
        return False
    date = (h.get("date") or "")[:10]
    if f.date_from and (not date or date < f.date_from):
        return False
    if f.date_to and (not date or date > f.date_to):
        return False
    if f.q:
        q = f.q.lower()
        hay = " ".join([rec["cable_id"], h.get("subject") or ""] + [p.get("text") or "" for p in paras]).lower()
        if q not in hay:
            return False
    return True
