"""Per-paragraph model uncertainty (for the review queue), low confidence and
sensitivity mismatch between the predicted level and the printed marking."""

from __future__ import annotations

import math
from typing import Any

LEVELS = ("U", "SBU", "C", "S", "TS")
LOW_CONFIDENCE = 0.9  # binary score within 0.45-0.55, or top-two level margin under 0.1


def binary_uncertainty(score: float) -> float:
    """1 at score 0.5, 0 at 0 or 1."""
    return 1.0 - 2.0 * abs(float(score) - 0.5)


def level_entropy(scores: dict[str, float]) -> float:
    """Normalised entropy of the level distribution (0 certain, 1 uniform)."""
    ps = [float(v) for v in scores.values() if v and v > 0]
    if len(scores) < 2:
        return 0.0
    h = -sum(p * math.log(p) for p in ps)
    return h / math.log(len(scores))


def level_uncertainty(scores: dict[str, float]) -> float:
    """Margin uncertainty: 1 - (best - second best) level probability. Entropy
    of a four-way softmax sits near 1 for almost every paragraph, so the margin
    ranks better; the entropy breaks ties in the queue."""
    top = sorted((float(v) for v in scores.values()), reverse=True) + [0.0, 0.0]
    return 1.0 - (top[0] - top[1])


def uncertainties(paragraph: dict[str, Any]) -> dict[str, float]:
    """Uncertainty of each task's prediction for one paragraph."""
    pred = paragraph.get("predictions") or {}
    out: dict[str, float] = {}
    for task in ("commitment", "doubt"):
        if task in pred and pred[task].get("score") is not None:
            out[task] = binary_uncertainty(pred[task]["score"])
    if "sensitivity" in pred and pred["sensitivity"].get("scores"):
        out["sensitivity"] = level_uncertainty(pred["sensitivity"]["scores"])
    return out


def uncertainty(paragraph: dict[str, Any]) -> float:
    """The paragraph's queue priority: its most uncertain task."""
    return max(uncertainties(paragraph).values(), default=0.0)


def is_low_confidence(paragraph: dict[str, Any], threshold: float = LOW_CONFIDENCE) -> bool:
    return uncertainty(paragraph) >= threshold


def mismatch(paragraph: dict[str, Any]) -> str | None:
    """"above" / "below" when the predicted level differs from the paragraph's
    printed marking (normalised level), None when equal or either is missing."""
    marked = paragraph.get("sensitivity")
    pred = ((paragraph.get("predictions") or {}).get("sensitivity") or {}).get("label")
    if marked not in LEVELS or pred not in LEVELS or marked == pred:
        return None
    return "above" if LEVELS.index(pred) > LEVELS.index(marked) else "below"
