"""The benchmark: its interval arithmetic, and a real run whose last line is
the JSON that issue 8 asks for."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from pipeline.bench import SUMMARY_KEYS, split_overhead, union_seconds

REPO = Path(__file__).resolve().parents[1]


def test_union_of_overlapping_intervals():
    assert union_seconds([]) == 0
    assert union_seconds([(0, 2), (1, 3), (5, 6)]) == pytest.approx(4)
    assert union_seconds([(0, 10), (2, 3)]) == pytest.approx(10)


def test_overhead_splits_into_startup_gaps_and_tail():
    # launch at 0, exit at 20; models busy 5-8 and 9-15 (10 s gap-free except 8-9)
    assert split_overhead([(5, 8), (9, 15), (6, 7)], 0, 20) == pytest.approx((5, 1, 5))
    assert split_overhead([], 0, 3) == pytest.approx((3, 0, 0))


def test_bare_encoder_matches_the_sorted_encoder_on_short_paragraphs():
    """The issue's plain reference computes the same vectors as Encoder.embed
    when no paragraph needs chunking: only the batching differs."""
    import numpy as np

    from pipeline.bench import plain_torch_embed
    from pipeline.classify.encoder import Encoder
    from pipeline.flows import stages

    cables, _ = stages.parse_many(stages.discover(REPO / "corpora/drops/sample")[:3])
    texts = [t for t in stages.paragraph_texts(cables) if len(t.split()) < 120][:20]
    enc = Encoder()  # 2 threads, as the other torch tests
    enc.show_progress = False
    plain = plain_torch_embed(enc, texts, batch_size=8)
    ref = enc.embed(texts, batch_size=8)
    assert plain.shape == (len(texts), 384)
    assert np.min(np.sum(plain * ref, axis=1)) > 0.999


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
    assert summary["ratio_sorted"] == pytest.approx(
        summary["paragraphs_per_s"] / summary["encoder_torch_sorted_paragraphs_per_s"], rel=0.05, abs=0.01)
    assert summary["startup_s"] > 0 and summary["tail_s"] >= 0 and summary["gaps_s"] >= 0
    assert 100 < summary["peak_rss_mb"] < 3072
    assert summary["cables"] == 3 and summary["paragraphs"] > 3
    table = "\n".join(lines[:-1])
    for stage in ("parse", "ner", "classify", "encoder_torch", "encoder_torch_sorted", "end_to_end"):
        assert stage in table
