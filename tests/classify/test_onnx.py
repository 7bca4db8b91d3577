"""The int8 onnxruntime encoder and the re-checked classifier on real
held-out paragraphs: same labels as the torch path, whatever the batch size."""

from __future__ import annotations

import numpy as np
import pytest


@pytest.fixture(scope="module")
def onnx_encoder():
    """The int8 encoder (built into the cache on first use, then reused)."""
    from pipeline.classify.onnx_encoder import OnnxEncoder

    enc = OnnxEncoder()
    enc.show_progress = False
    return enc


@pytest.fixture(scope="module")
def rechecked(classifier, onnx_encoder):
    """int8 for every paragraph, the session's torch encoder near thresholds."""
    from pipeline.classify.onnx_classifier import RecheckClassifier
    from pipeline.classify.predict import ParagraphClassifier

    fast = ParagraphClassifier.load(classifier.models_dir, encoder=onnx_encoder)
    return RecheckClassifier(fast, classifier.encoder)


def _labels(preds):
    return [(p.commitment.label, p.doubt.label, p.sensitivity.label) for p in preds]


def test_int8_vectors_close_to_torch(classifier, onnx_encoder, dev_rows, dev_embeddings):
    from pipeline.classify.markings import strip_leading_marking

    fast = onnx_encoder.embed([strip_leading_marking(r["text"]) for r in dev_rows], batch_size=32)
    assert fast.shape == dev_embeddings.shape == (48, 384) and fast.dtype == np.float32
    assert np.allclose(np.linalg.norm(fast, axis=1), 1, atol=1e-4)
    cos = np.sum(fast * dev_embeddings, axis=1)
    assert cos.min() > 0.97 and cos.mean() > 0.99
    assert onnx_encoder.info()["runtime"] == "onnxruntime-int8"
    # built from the very weights the heads were trained on (heads check this hash)
    assert onnx_encoder.info()["weights_sha256"] == classifier.encoder.info()["weights_sha256"]


def test_rechecked_labels_equal_torch(classifier, rechecked, dev_rows, dev_embeddings):
    texts = [r["text"] for r in dev_rows]
    torch_preds = classifier.predict_embeddings(dev_embeddings, texts=texts)
    before = rechecked.rechecked
    got = rechecked.predict(texts, batch_size=32)
    assert _labels(got) == _labels(torch_preds)
    # the re-check did something, but not everything (else it saves nothing)
    assert 0 < rechecked.rechecked - before < len(texts)


@pytest.mark.parametrize("batch_size", [1, 8, 64])
def test_batch_size_does_not_change_labels(classifier, rechecked, dev_rows, dev_embeddings, batch_size):
    texts = [r["text"] for r in dev_rows[:24]]
    torch_labels = _labels(classifier.predict_embeddings(dev_embeddings[:24], texts=texts))
    assert _labels(rechecked.predict(texts, batch_size=batch_size)) == torch_labels


def test_cached_model_is_reused(onnx_encoder):
    from pipeline.classify.onnx_encoder import build_onnx

    stamp = onnx_encoder.onnx_path.stat().st_mtime_ns
    assert build_onnx() == onnx_encoder.onnx_path
    assert onnx_encoder.onnx_path.stat().st_mtime_ns == stamp
    assert 10e6 < onnx_encoder.onnx_path.stat().st_size < 40e6  # int8, not the 90 MB fp32 graph
