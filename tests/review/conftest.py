"""Fixtures of the review app tests: a small annotated file made by the real
annotate-drop flow on three sample cables, once per session."""

from __future__ import annotations

import shutil

import pytest

REVIEW_SAMPLES = ["07PHNOMPENH1308.txt", "00ATHENS1917.txt", "07ANKARA2174.txt"]


@pytest.fixture(scope="session")
def annotated(tmp_path_factory, sample_drop, prefect_harness):
    """Path of a JSONL file of three annotated cables (real models)."""
    from pipeline.flows.annotate import annotate_drop

    drop = tmp_path_factory.mktemp("review-drop")
    for name in REVIEW_SAMPLES:
        shutil.copy(sample_drop / name, drop / name)
    out = tmp_path_factory.mktemp("review-out") / "annotated.jsonl"
    annotate_drop(str(drop), str(out), chunk_cables=3, progress=False)
    return out


@pytest.fixture()
def labels(tmp_path):
    return tmp_path / "reviewed.jsonl"


@pytest.fixture()
def client(annotated, labels):
    from fastapi.testclient import TestClient

    from pipeline.review.app import create_app

    app = create_app(annotated, labels, reviewer="ann", token="test-token")
    with TestClient(app) as c:
        yield c
