"""The labels file: one JSON line per reviewer decision, appended at once
(flush + fsync per line, under a process lock), never rewritten.

Reading back, the last decision per (paragraph, label, reviewer) wins."""

from __future__ import annotations

import json
import os
import threading
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Iterable

LABELS = ("commitment", "doubt", "sensitivity", "commitment_holder", "doubt_holder")
LEVELS = ("U", "SBU", "C", "S", "TS")


def check_value(label: str, value: Any) -> Any:
    """The normalised value of a decision, or ValueError."""
    if label not in LABELS:
        raise ValueError(f"unknown label {label!r}")
    if label in ("commitment", "doubt"):
        if value in (0, 1, True, False) and not isinstance(value, float):
            return int(value)
        raise ValueError(f"{label} takes 0 or 1")
    if label == "sensitivity":
        if value is None or value in LEVELS:
            return value
        raise ValueError(f"sensitivity takes one of {LEVELS} or null")
    if value is None or (isinstance(value, str) and len(value) <= 300):
        return value.strip() or None if isinstance(value, str) else None
    raise ValueError(f"{label} takes a string (<= 300 chars) or null")


class DecisionStore:
    """Append-only JSONL of decisions at ``path``."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self._lock = threading.Lock()

    def append(self, decision: dict[str, Any]) -> dict[str, Any]:
        """Write one decision line durably; adds ``timestamp`` if missing."""
        decision = dict(decision)
        decision.setdefault("timestamp", datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ"))
        line = json.dumps(decision, ensure_ascii=False, sort_keys=True) + "\n"
        with self._lock:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
            try:
                os.write(fd, line.encode("utf-8"))
                os.fsync(fd)
            finally:
                os.close(fd)
        return decision

    def read_all(self) -> list[dict[str, Any]]:
        """Every decision in file order; a torn last line (crash) is skipped."""
        if not self.path.exists():
            return []
        out = []
        with open(self.path, encoding="utf-8") as fh:
            for line in fh:
                try:
                    d = json.loads(line)
                except json.JSONDecodeError:
                    continue
                if isinstance(d, dict) and "paragraph_id" in d and "label" in d:
                    out.append(d)
        return out

    def latest(self, reviewer: str | None = None) -> dict[tuple[str, str, str], dict[str, Any]]:
        """Last decision per (paragraph_id, label, reviewer), optionally one reviewer's."""
        return latest(self.read_all(), reviewer)


def latest(decisions: Iterable[dict[str, Any]], reviewer: str | None = None) -> dict[tuple[str, str, str], dict[str, Any]]:
    """Last decision per (paragraph_id, label, reviewer) of ``decisions``."""
    out: dict[tuple[str, str, str], dict[str, Any]] = {}
    for d in decisions:
        if reviewer is not None and d.get("reviewer") != reviewer:
            continue
        out[(d["paragraph_id"], d["label"], d.get("reviewer") or "")] = d
    return out


def make_decision(corpus: Any, paragraph_id: str, label: str, value: Any, reviewer: str,
                  **extra: Any) -> dict[str, Any]:
    """The labels-file line of one decision on a paragraph of ``corpus``
    (a :class:`pipeline.review.corpus.Corpus`): ids, text hash, the model's
    prediction and version. Raises ``KeyError`` for an unknown paragraph and
    ``ValueError`` for a bad label, value or reviewer name."""
    if not isinstance(paragraph_id, str) or paragraph_id not in corpus.paragraphs:
        raise KeyError("unknown paragraph_id")
    value = check_value(label, value)
    if not isinstance(reviewer, str) or not reviewer.strip() or len(reviewer) > 100:
        raise ValueError("bad reviewer name")
    rec, p = corpus.paragraphs[paragraph_id]
    task = label.replace("_holder", "")
    pred = (p.get("predictions") or {}).get(task) or {}
    predicted = pred.get("label")
    if label in ("commitment", "doubt") and isinstance(predicted, bool):
        predicted_value: Any = int(predicted)
    else:
        predicted_value = predicted
    return {
        "paragraph_id": paragraph_id,
        "cable_id": rec["cable_id"],
        "para": p.get("number") or str(p["index"]),
        "text_sha256": p["text_sha256"],
        "label": label,
        "value": value,
        "predicted": predicted,
        "accepted": value == predicted_value if label in ("commitment", "doubt", "sensitivity") else None,
        "reviewer": reviewer.strip(),
        "model_version": corpus.model_version(rec, task),
        **extra,
    }
