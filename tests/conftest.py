"""Shared fixtures: paths to the shipped corpora, the real models loaded once,
and an isolated Prefect home (ephemeral API, nothing left in ~/.prefect)."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

# Before prefect is imported anywhere: a private PREFECT_HOME and SQLite DB.
_PREFECT_HOME = tempfile.mkdtemp(prefix="cables-prefect-")
os.environ["PREFECT_HOME"] = _PREFECT_HOME
os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_ENABLED", "true")
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")

import pipeline.env  # noqa: E402,F401
import pytest  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
SAMPLE_DROP = REPO / "corpora" / "drops" / "sample"
LABELLED = REPO / "corpora" / "labelled" / "paragraphs.jsonl"


@pytest.fixture(scope="session")
def sample_drop() -> Path:
    return SAMPLE_DROP


@pytest.fixture(scope="session")
def phnompenh_path() -> Path:
    return SAMPLE_DROP / "07PHNOMPENH1308.txt"


@pytest.fixture(scope="session")
def nlp():
    from pipeline.nlp.build import shared_nlp

    return shared_nlp()


@pytest.fixture(scope="session")
def prefect_harness():
    """One Prefect test harness for the session (its server takes ~10 s)."""
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=120):
        yield
