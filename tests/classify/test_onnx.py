"""The int8 onnxruntime encoder and the re-checked classifier on real
held-out paragraphs.  The re-check serves heads trained on torch vectors
(commitment/doubt v3): with it they give torch's labels, whatever the batch
size."""

from __future__ import annotations

import numpy as np
import pytest

from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def onnx_encoder():
    """The int8 encoder (built into the cache on first use, then reused)."""
    from pipeline.classify.onnx_encoder import OnnxEncoder

    enc = OnnxEncoder()
    enc.show_progress = False
    return enc


@pytest.fixture(scope="module")
def torch_v3(onnx_encoder):
    """The torch encoder with the heads trained on its vectors (v3) and the
    default sensitivity head (reads no vector)."""
    from pipeline.classify.encoder import Encoder
    from pipeline.classify.predict import ParagraphClassifier
    from pipeline.classify.registry import load_default, load_version

    heads = {t: load_version(t, "v3", REPO / "models") for t in ("commitment", "doubt")}
    heads["sensitivity"] = load_default("sensitivity", REPO / "models")
    enc = Encoder()
    enc.show_progress = False
    return ParagraphClassifier(enc, heads, REPO / "models")


@pytest.fixture(scope="module")
def torch_embeddings(torch_v3, dev_rows):
    """Torch vectors of the 48 dev paragraphs, batch 32."""
    return torch_v3.embed([r["text"] for r in dev_rows], batch_size=32)


@pytest.fixture(scope="module")
def rechecked(torch_v3, onnx_encoder):
    """int8 for every paragraph, torch near thresholds, v3 heads."""
    from pipeline.classify.onnx_classifier import RecheckClassifier
    from pipeline.classify.predict import ParagraphClassifier

    fast = ParagraphClassifier(onnx_encoder, torch_v3.heads, REPO / "models")
    return RecheckClassifier(fast, torch_v3.encoder)


def _labels(preds):
    return [(p.commitment.label, p.doubt.label, p.sensitivity.label) for p in preds]


def test_int8_vectors_close_to_torch(torch_v3, onnx_encoder, dev_rows, torch_embeddings):
    from pipeline.classify.markings import strip_leading_marking

    fast = onnx_encoder.embed([strip_leading_marking(r["text"]) for r in dev_rows], batch_size=32)
    assert fast.shape == torch_embeddings.shape == (48, 384) and fast.dtype == np.float32
    assert np.allclose(np.linalg.norm(fast, axis=1), 1, atol=1e-4)
    cos = np.sum(fast * torch_embeddings, axis=1)
    assert cos.min() > 0.97 and cos.mean() > 0.99
    assert onnx_encoder.info()["runtime"] == "onnxruntime-int8"
    # built from the very weights the heads were trained on (heads check this hash)
    assert onnx_encoder.info()["weights_sha256"] == torch_v3.encoder.info()["weights_sha256"]


def test_rechecked_labels_equal_torch(torch_v3, rechecked, dev_rows, torch_embeddings):
    texts = [r["text"] for r in dev_rows]
    torch_preds = torch_v3.predict_embeddings(torch_embeddings, texts=texts)
    before = rechecked.rechecked
    got = rechecked.predict(texts, batch_size=32)
    assert _labels(got) == _labels(torch_preds)
    # the re-check did something, but not everything (else it saves nothing)
    assert 0 < rechecked.rechecked - before < len(texts)


@pytest.mark.parametrize("batch_size", [1, 8, 64])
def test_batch_size_does_not_change_labels(torch_v3, rechecked, dev_rows, torch_embeddings, batch_size):
    texts = [r["text"] for r in dev_rows[:24]]
    torch_labels = _labels(torch_v3.predict_embeddings(torch_embeddings[:24], texts=texts))
    assert _labels(rechecked.predict(texts, batch_size=batch_size)) == torch_labels


def test_cached_model_is_reused(onnx_encoder):
    from pipeline.classify.onnx_encoder import build_onnx

    stamp = onnx_encoder.onnx_path.stat().st_mtime_ns
    assert build_onnx() == onnx_encoder.onnx_path
    assert onnx_encoder.onnx_path.stat().st_mtime_ns == stamp
    assert 10e6 < onnx_encoder.onnx_path.stat().st_size < 40e6  # int8, not the 90 MB fp32 graph
