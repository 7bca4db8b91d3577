"""Fixtures of the classifier tests: the real shipped models loaded once, and
real labelled paragraphs of held-out (dev) cables."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
LABELLED = REPO / "corpora" / "labelled" / "paragraphs.jsonl"
SPLITS = REPO / "corpora" / "splits.json"


@pytest.fixture(scope="session")
def classifier():
    """The default models of ``<repo>/models`` with the real encoder."""
    from pipeline.classify.predict import ParagraphClassifier

    return ParagraphClassifier.load(REPO / "models")


@pytest.fixture(scope="session")
def dev_rows() -> list[dict]:
    """48 labelled paragraphs of dev cables (never trained on), fixed seed."""
    dev = set(json.loads(SPLITS.read_text("utf-8"))["dev"])
    rows = [json.loads(x) for x in LABELLED.read_text("utf-8").splitlines() if x.strip()]
    rows = [r for r in rows if r["cable_id"] in dev]
    return random.Random(7).sample(rows, 48)


@pytest.fixture(scope="session")
def dev_embeddings(classifier, dev_rows):
    """Embeddings of :func:`dev_rows`, batch 32, shape (48, 384)."""
    return classifier.embed([r["text"] for r in dev_rows], batch_size=32)
