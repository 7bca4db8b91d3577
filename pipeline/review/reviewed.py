"""Reviewed paragraphs as rows of the labelled-paragraph format
(``corpora/LABELING.md``): the common shape every export writes and every
import reads back.

A row holds the latest decision per label of one paragraph (the last line of
the labels file wins, whoever the reviewer, unless one reviewer is chosen);
labels nobody decided are null. Only paragraphs with at least one decision
are rows."""

from __future__ import annotations

from typing import Any, Iterable

from pipeline.review.corpus import Corpus
from pipeline.review.decisions import LABELS

#: Columns of a row, in the order of LABELING.md's example.
FIELDS = ("cable_id", "para", "text", "commitment", "commitment_holder", "commitment_cue",
          "doubt", "doubt_holder", "doubt_cue", "sensitivity", "caveats")


def para_of(paragraph: dict[str, Any]) -> str:
    """LABELING.md's ``para``: the printed number, else the position from 1."""
    return paragraph.get("number") or str(paragraph["index"])


def latest_values(decisions: Iterable[dict[str, Any]], reviewer: str | None = None) -> dict[str, dict[str, Any]]:
    """``{paragraph_id: {label: value}}``: the last decision per label (file order)."""
    out: dict[str, dict[str, Any]] = {}
    for d in decisions:
        if reviewer is not None and d.get("reviewer") != reviewer:
            continue
        if d.get("label") in LABELS:
            out.setdefault(d["paragraph_id"], {})[d["label"]] = d.get("value")
    return out


def reviewed_rows(corpus: Corpus, decisions: Iterable[dict[str, Any]], reviewer: str | None = None) -> list[dict[str, Any]]:
    """LABELING.md rows (keys :data:`FIELDS`) of the reviewed paragraphs, in
    the annotated file's order. Decisions on paragraphs not in ``corpus`` are
    left out (they carry no text); cues are null (the app does not ask)."""
    values = latest_values(decisions, reviewer)
    rows = []
    for pid, (rec, p) in corpus.paragraphs.items():
        v = values.get(pid)
        if not v:
            continue
        row = {k: None for k in FIELDS}
        row.update(cable_id=rec["cable_id"], para=para_of(p), text=p.get("text") or "",
                   caveats=list(p.get("caveats") or []))
        for label in LABELS:
            if label in v:
                row[label] = v[label]
        rows.append(row)
    return rows


def paragraph_index(corpus: Corpus) -> dict[tuple[str, str], str]:
    """``{(cable_id, para): paragraph_id}``, to map rows back to paragraphs."""
    return {(rec["cable_id"], para_of(p)): pid for pid, (rec, p) in corpus.paragraphs.items()}
