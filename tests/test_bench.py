"""The benchmark: its interval arithmetic, and a real run whose last line is
the JSON that issue 8 asks for."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from pipeline.bench import SUMMARY_KEYS, union_seconds

REPO = Path(__file__).resolve().parents[1]


def test_union_of_overlapping_intervals():
    assert union_seconds([]) == 0
    assert union_seconds([(0, 2), (1, 3), (5, 6)]) == pytest.approx(4)
    assert union_seconds([(0, 10), (2, 3)]) == pytest.approx(10)


@pytest.mark.slow
def test_bench_prints_table_and_json_keys():
    out = subprocess.run(
        [sys.executable, "-m", "pipeline.cli", "-q", "bench", str(REPO / "corpora/drops/sample"), "--limit", "3"],
        cwd=REPO, capture_output=True, text=True, timeout=1800,
    )
    assert out.returncode == 0, out.stderr[-2000:]
    lines = out.stdout.strip().splitlines()
    summary = json.loads(lines[-1])
    for key in SUMMARY_KEYS:
        assert isinstance(summary[key], (int, float)), key
    assert summary["paragraphs_per_s"] > 0 and summary["encoder_torch_paragraphs_per_s"] > 0
    assert summary["ratio"] == pytest.approx(summary["paragraphs_per_s"] / summary["encoder_torch_paragraphs_per_s"],
                                             rel=0.05, abs=0.01)
    assert 0 <= summary["overhead_share"] <= 1
    assert 100 < summary["peak_rss_mb"] < 3072
    assert summary["cables"] == 3 and summary["paragraphs"] > 3
    table = "\n".join(lines[:-1])
    for stage in ("parse", "ner", "classify", "encoder_torch", "end_to_end"):
        assert stage in table
