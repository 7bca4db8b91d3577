"""Load an annotated JSON Lines file (cable_record.schema.json) into an
in-memory index of cables and paragraphs, keyed by ids the browser may send.

Paragraph ids are ``<cable_id>/<index>``; the browser never sends paths."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

TASKS = ("commitment", "doubt", "sensitivity")


def paragraph_id(cable_id: str, index: int) -> str:
    """The stable id of a paragraph within a review: ``<cable_id>/<index>``."""
    return f"{cable_id}/{index}"


def text_hash(text: str) -> str:
    """sha256 of the paragraph text, so a decision can be matched to its text."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass
class Corpus:
    """Cables of one annotated file, in file order, and their paragraphs by id."""

    path: Path
    cables: dict[str, dict[str, Any]] = field(default_factory=dict)
    paragraphs: dict[str, tuple[dict[str, Any], dict[str, Any]]] = field(default_factory=dict)

    def model_version(self, cable: dict[str, Any], task: str) -> str | None:
        """``name@version`` of the model that predicted ``task`` in ``cable``."""
        m = ((cable.get("provenance") or {}).get("models") or {}).get(task)
        return f"{m.get('name')}@{m.get('version')}" if m else None


def load_corpus(path: Path) -> Corpus:
    """Read every record of ``path``; adds ``id`` and ``text_sha256`` to each
    paragraph. A later record of the same cable replaces an earlier one."""
    corpus = Corpus(path=Path(path))
    with open(path, encoding="utf-8") as fh:
        for n, line in enumerate(fh, 1):
            line = line.strip()
            if not line:
                continue
            try:
                rec = json.loads(line)
            except json.JSONDecodeError as exc:
                raise ValueError(f"{path}:{n}: not JSON: {exc}") from exc
            cid = rec["cable_id"]
            for p in rec.get("paragraphs") or []:
                p["id"] = paragraph_id(cid, p["index"])
                p["text_sha256"] = text_hash(p.get("text") or "")
                corpus.paragraphs[p["id"]] = (rec, p)
            corpus.cables[cid] = rec
    return corpus
