"""The fine-tuned chunk-and-pool model (:mod:`pipeline.classify.finetune`) on
real labelled paragraphs: training moves it, long paragraphs are chunked and
max-pooled, predictions do not depend on the batch size, and the stored top
layers load back to the same scores."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from pipeline.classify.finetune import WEIGHTS_FILE, ChunkPoolClassifier

LABELLED = Path(__file__).resolve().parents[2] / "corpora" / "labelled" / "paragraphs.jsonl"


@pytest.fixture(scope="module")
def trained():
    rows = [json.loads(x) for x in LABELLED.read_text("utf-8").splitlines() if x.strip()][:8]
    m = ChunkPoolClassifier(frozen_layers=5)
    texts = [r["text"] for r in rows]
    y = np.array([[r["commitment"], r["doubt"]] for r in rows], dtype=float)
    before = {k: v.clone() for k, v in m.trained_state().items()}
    info = m.fit(texts, y, epochs=1, batch_size=4, lr=1e-4)
    return m, texts, before, info


def test_fit_moves_only_the_top_layers(trained):
    m, _, before, info = trained
    after = m.trained_state()
    assert info["steps"] == 2
    assert set(after) == set(before)
    assert all(k.startswith("encoder.encoder.layer.5.") or k.startswith("out.") for k in after)
    assert any(not np.allclose(before[k].numpy(), after[k].numpy()) for k in after)


def test_batch_size_and_round_trip(trained, tmp_path):
    m, texts, _, _ = trained
    ref = m.predict_proba(texts, batch_size=32)
    assert ref.shape == (len(texts), 2) and ((ref > 0) & (ref < 1)).all()
    for bs in (1, 3):
        np.testing.assert_allclose(m.predict_proba(texts, batch_size=bs), ref, atol=1e-5)
    m.save(tmp_path)
    assert (tmp_path / WEIGHTS_FILE).stat().st_size < 10_000_000
    back = ChunkPoolClassifier.load(tmp_path)
    np.testing.assert_allclose(back.predict_proba(texts), ref, atol=1e-6)


def test_long_paragraph_is_chunked_and_the_last_chunk_counts(trained):
    import torch

    m, texts, _, _ = trained
    filler = "The delegation reviewed the agenda and the logistics of the visit. " * 60
    long_text = filler + texts[0]
    chunks = m.chunk_ids(long_text)
    assert len(chunks) >= 3 and all(len(c) <= 256 for c in chunks)
    with torch.inference_mode():
        per_chunk = torch.sigmoid(m._chunk_logits(chunks)).numpy()
    p_long = m.predict_proba([long_text])[0]
    # max over chunks: the paragraph is as positive as its most positive chunk, the last one included
    np.testing.assert_allclose(p_long, per_chunk.max(0), atol=1e-5)
    assert per_chunk.shape[0] == len(chunks)
