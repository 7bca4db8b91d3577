"""Heads record the encoder runtime of their training vectors; the onnx int8
path stands alone (no torch re-check) with the shipped heads, on real
labelled paragraphs of held-out dev cables."""

from __future__ import annotations

import json
import logging

import numpy as np
import pytest

from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
LABELLED = REPO / "corpora" / "labelled" / "paragraphs.jsonl"
SPLITS = REPO / "corpora" / "splits.json"

#: Issue 8: F1 and macro-F1 within 0.005 of the unoptimised models.
TOLERANCE = 0.005


@pytest.fixture(scope="module")
def int8_encoder():
    from pipeline.classify.onnx_encoder import OnnxEncoder

    enc = OnnxEncoder(recipe="int8")
    enc.show_progress = False
    return enc


@pytest.fixture(scope="module")
def all_dev_rows() -> list[dict]:
    """Every labelled paragraph of the dev cables (253), file order."""
    dev = set(json.loads(SPLITS.read_text("utf-8"))["dev"])
    rows = [json.loads(x) for x in LABELLED.read_text("utf-8").splitlines() if x.strip()]
    return [r for r in rows if r["cable_id"] in dev]


def _head(task, version):
    from pipeline.classify.registry import load_version

    return load_version(task, version, REPO / "models")


def test_torch_head_on_int8_vectors_warns_and_strict_refuses(int8_encoder, caplog):
    from pipeline.classify.predict import ParagraphClassifier
    from pipeline.classify.registry import load_default
    from pipeline.classify.runtime import RuntimeMismatch, check_runtime, head_runtime

    v3 = _head("commitment", "v3")
    assert head_runtime(v3) == "torch"  # trained before the field existed
    with pytest.raises(RuntimeMismatch, match="torch.*onnxruntime-int8"):
        check_runtime("commitment", v3, int8_encoder, strict=True)
    heads = {"commitment": v3, "doubt": _head("doubt", "v3"), "sensitivity": load_default("sensitivity", REPO / "models")}
    with caplog.at_level(logging.WARNING, logger="pipeline.classify.runtime"):
        ParagraphClassifier(int8_encoder, heads)
    warned = [r.getMessage() for r in caplog.records if r.name == "pipeline.classify.runtime"]
    assert len(warned) == 2 and all("onnxruntime-int8" in m for m in warned)  # commitment, doubt; not sensitivity
    # the sensitivity head reads no vector: any runtime will do
    assert check_runtime("sensitivity", heads["sensitivity"], int8_encoder, strict=True)


def test_int8_trained_heads_record_their_runtime_and_load_its_encoder(tmp_path):
    """commitment/doubt v4 were trained on int8 vectors: meta, card, and a
    models folder whose DEFAULT is v4 loads the int8 encoder by itself."""
    import shutil

    from pipeline.classify.predict import ParagraphClassifier
    from pipeline.classify.registry import default_version
    from pipeline.classify.runtime import encoder_runtime, head_runtime

    for task in ("commitment", "doubt", "sensitivity"):
        version = "v4" if task != "sensitivity" else default_version(task, REPO / "models")
        shutil.copytree(REPO / "models" / task / version, tmp_path / task / version)
        (tmp_path / task / "DEFAULT").write_text(version + "\n")
    for task in ("commitment", "doubt"):
        assert head_runtime(_head(task, "v4")) == "onnxruntime-int8"
        card = (REPO / "models" / task / "v4" / "MODEL_CARD.md").read_text()
        assert "encoder runtime onnxruntime-int8" in card and "against the torch-vector reference" in card
    clf = ParagraphClassifier.load(tmp_path)
    assert encoder_runtime(clf.encoder) == "onnxruntime-int8"


def test_default_load_builds_the_heads_runtime(classifier):
    from pipeline.classify.runtime import encoder_runtime, head_runtime

    assert encoder_runtime(classifier.encoder) == head_runtime(classifier.heads["commitment"])


def test_int8_vectors_do_not_depend_on_the_batch(int8_encoder, all_dev_rows):
    # The longest paragraphs (several chunks, many padding widths) and some short ones.
    rows = sorted(all_dev_rows, key=lambda r: -len(r["text"]))
    texts = [r["text"] for r in rows[:6] + rows[-6:]]
    ref = int8_encoder.embed(texts, batch_size=32)
    for bs in (1, 5):
        np.testing.assert_array_equal(int8_encoder.embed(texts[::-1], batch_size=bs)[::-1], ref)


def test_int8_trained_heads_stay_near_the_torch_reference_on_dev(int8_encoder, all_dev_rows):
    """v4 on int8 vectors against v3 (trained on torch vectors) on torch
    vectors, all 253 dev paragraphs: the figures measured when v4 was
    trained (metrics.json), and at least 95% the same labels.  v4 is not the
    default because its F1 is 0.009-0.016 below v3 here (issue 8 allows
    0.005)."""
    from sklearn.metrics import f1_score

    from pipeline.classify.embedcache import cached_embed
    from pipeline.classify.encoder import Encoder
    from pipeline.classify.markings import strip_leading_marking
    from pipeline.classify.runtime import embed_cache_dir

    texts = [strip_leading_marking(r["text"]) for r in all_dev_rows]
    torch_enc = Encoder()
    torch_enc.show_progress = False
    e_torch = cached_embed(torch_enc, texts)
    e_int8 = cached_embed(int8_encoder, texts, embed_cache_dir(int8_encoder))
    for task in ("commitment", "doubt"):
        keep = np.array([r.get(task) is not None for r in all_dev_rows])
        y = np.array([bool(r.get(task)) for r in all_dev_rows])[keep]
        ref, new = _head(task, "v3"), _head(task, "v4")
        p_ref = (ref.predict_proba(e_torch, texts, None) >= ref.threshold)[keep]
        p_new = (new.predict_proba(e_int8, texts, None) >= new.threshold)[keep]
        assert np.mean(p_ref == p_new) >= 0.95, task
        stored = json.loads((REPO / "models" / task / "v4" / "metrics.json").read_text())["runtime_comparison"]
        assert f1_score(y, p_ref) == pytest.approx(stored["dev_f1_true"]["reference"], abs=1e-4)
        assert f1_score(y, p_new) == pytest.approx(stored["dev_f1_true"]["new"], abs=1e-4)
        assert f1_score(y, p_new, average="macro") == pytest.approx(stored["dev_macro_f1"]["new"], abs=1e-4)
        assert stored["within_tolerance"] is (f1_score(y, p_new) >= f1_score(y, p_ref) - TOLERANCE
                                              and f1_score(y, p_new, average="macro")
                                              >= f1_score(y, p_ref, average="macro") - TOLERANCE)


def test_flow_default_runs_the_tuned_heads_without_a_shared_encoder():
    """Default models: tuned commitment/doubt heads (their own network) and a
    sensitivity head that reads no vector: no onnx encoder, no re-check."""
    from pipeline.classify.predict import ParagraphClassifier
    from pipeline.classify.registry import default_version
    from pipeline.flows import models

    models.shared_classifier.cache_clear()
    try:
        clf = models.shared_classifier()
        assert type(clf) is ParagraphClassifier and not clf.needs_embedding
        v = models.model_versions(local=True)  # this process's classifier, not a worker's
        assert v["commitment"]["version"] == default_version("commitment", REPO / "models")
        assert "recheck" not in v["encoder"]
    finally:
        models.shared_classifier.cache_clear()


def test_flow_with_torch_trained_heads_is_int8_with_the_torch_recheck(caplog, tmp_path, monkeypatch):
    """v3 heads (they read the frozen encoder's torch vectors): int8 encoder
    and the torch re-check; no runtime warning (the re-check restores torch's labels)."""
    import shutil

    from pipeline.classify.onnx_classifier import RecheckClassifier
    from pipeline.flows import models

    for task in ("commitment", "doubt", "sensitivity"):
        shutil.copytree(REPO / "models" / task / "v3", tmp_path / task / "v3")
        (tmp_path / task / "DEFAULT").write_text("v3\n")
    monkeypatch.setenv("CABLES_MODELS_DIR", str(tmp_path))
    models.shared_classifier.cache_clear()
    try:
        with caplog.at_level(logging.WARNING, logger="pipeline.classify.runtime"):
            clf = models.shared_classifier()
        assert not [r for r in caplog.records if r.name == "pipeline.classify.runtime"]
        assert isinstance(clf, RecheckClassifier) and clf.margin == pytest.approx(0.13)
        assert clf.encoder.runtime == "onnxruntime-int8"
        v = models.model_versions(local=True)  # this process's classifier, not a worker's
        assert v["encoder"]["runtime"] == "onnxruntime-int8" and "recheck" in v["encoder"]
        assert v["commitment"]["trained_on"] == v["doubt"]["trained_on"] == "torch"
        assert v["commitment"]["version"] == "v3"
    finally:
        models.shared_classifier.cache_clear()
