"""The label export/import behind ``cables export-labels`` and
``cables import-labels`` (the same code as the app's export/import)."""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

from pipeline.review.corpus import load_corpus
from pipeline.review.decisions import DecisionStore, latest

log = logging.getLogger(__name__)


def export_labels(annotated: Path, labels: Path, fmt: str, dest: Path, reviewer: str | None = None) -> dict[str, Any]:
    """Write the reviewed labels of ``labels`` (decisions on paragraphs of
    ``annotated``) to ``dest`` as ``fmt`` (see :mod:`.exports`). Raises
    ``FileExistsError`` when ``dest`` exists (never overwrites),
    ``ValueError`` for an unknown format. Returns ``{"rows", "dest"}``."""
    from pipeline.review.exports import export
    from pipeline.review.reviewed import reviewed_rows

    dest = Path(dest)
    if dest.exists():
        raise FileExistsError(f"{dest} exists; choose a new path")
    corpus = load_corpus(Path(annotated))
    rows = reviewed_rows(corpus, DecisionStore(Path(labels)).read_all(), reviewer)
    dest.parent.mkdir(parents=True, exist_ok=True)
    export(fmt, rows, dest, corpus)
    log.info("exported %d reviewed paragraphs as %s to %s", len(rows), fmt, dest)
    return {"rows": len(rows), "dest": str(dest)}


def import_labelstudio(annotated: Path, labels: Path, export_path: Path, reviewer: str | None = None) -> dict[str, Any]:
    """Append the decisions of a Label Studio JSON export to ``labels``.
    Returns ``{"added", "skipped": {reason: count}}``."""
    from pipeline.review.labelstudio import import_export

    corpus = load_corpus(Path(annotated))
    store = DecisionStore(Path(labels))
    got = import_export(corpus, json.loads(Path(export_path).read_text(encoding="utf-8")), reviewer,
                        latest(store.read_all()))
    for d in got["decisions"]:
        store.append(d)
    return {"added": len(got["decisions"]), "skipped": got["skipped"]}
