"""The sentence-tuned commitment/doubt network in onnxruntime: built from the
shipped weights, scores independent of batch size, labels equal to torch's
(fp32) or nearly (int8) on held-out dev paragraphs, and a cache that is
rebuilt when it no longer matches."""

from __future__ import annotations

import json
import random
import shutil
from pathlib import Path

import numpy as np
import pytest

REPO = Path(__file__).resolve().parents[2]
LABELLED = REPO / "corpora" / "labelled" / "paragraphs.jsonl"
SPLITS = REPO / "corpora" / "splits.json"

TUNED_FORMAT = "sentence-tuned-1"


def _tuned_version() -> str:
    """The DEFAULT commitment version if it is sentence-tuned, else the newest tuned one."""
    from pipeline.classify.registry import default_version, list_versions, version_dir

    def tuned(v: str) -> bool:
        meta = version_dir("commitment", v, REPO / "models") / "meta.json"
        return json.loads(meta.read_text("utf-8")).get("format") == TUNED_FORMAT

    default = default_version("commitment", REPO / "models")
    if tuned(default):
        return default
    found = [v for v in reversed(list_versions("commitment", REPO / "models")) if tuned(v)]
    if not found:
        pytest.fail("no sentence-tuned commitment head in models/")
    return found[0]


@pytest.fixture(scope="module")
def net():
    from pipeline.classify.onnx_tuned import tuned_network

    return tuned_network(_tuned_version(), REPO / "models")[1]


@pytest.fixture(scope="module")
def runners(net):
    """fp32 and int8 onnx networks (built into the repo's onnx cache on first use, then reused)."""
    from pipeline.classify.onnx_tuned import OnnxSentenceTuner

    return {r: OnnxSentenceTuner(net, r, num_threads=2) for r in ("fp32", "int8")}


@pytest.fixture(scope="module")
def dev_texts() -> list[str]:
    """40 labelled paragraphs of dev cables (never trained on), leading marking stripped."""
    from pipeline.classify.markings import strip_leading_marking

    dev = set(json.loads(SPLITS.read_text("utf-8"))["dev"])
    rows = [json.loads(x) for x in LABELLED.read_text("utf-8").splitlines() if x.strip()]
    rows = random.Random(11).sample([r for r in rows if r["cable_id"] in dev], 40)
    return [strip_leading_marking(r["text"]) for r in rows]


@pytest.fixture(scope="module")
def torch_P(net, dev_texts):
    return net.predict_proba(dev_texts, batch_size=64)


def test_built_models_and_their_meta(runners, net):
    from pipeline.classify.onnx_tuned import recipe_key, state_sha256

    sha = state_sha256(net)
    for name, r in runners.items():
        assert r.onnx_path.parent.name == f"tuned-{sha[:12]}"
        meta = json.loads(r.onnx_path.with_suffix(".json").read_text("utf-8"))
        assert meta["state_sha256"] == sha and meta["recipe"] == recipe_key(r.recipe)
        assert r.info()["runtime"] == f"onnxruntime-{name}" and r.info()["layers"] == net.layers
    # int8 weights: a quarter of fp32's bytes, give or take the fp32 scales and norms
    assert runners["int8"].onnx_path.stat().st_size < 0.4 * runners["fp32"].onnx_path.stat().st_size


@pytest.mark.parametrize("recipe,tol", [("int8", 1e-5), ("fp32", 1e-4)])
def test_scores_do_not_depend_on_batch_size(runners, dev_texts, recipe, tol):
    run = runners[recipe]
    by_batch = {b: run.predict_proba(dev_texts, batch_size=b) for b in (1, 8, 64)}
    for b, P in by_batch.items():
        assert P.shape == (40, 2) and P.dtype == np.float32
        assert np.abs(P - by_batch[1]).max() <= tol, b
        assert ((P >= 0.5) == (by_batch[1] >= 0.5)).all(), b


def test_fp32_labels_equal_torch(runners, torch_P, dev_texts):
    P = runners["fp32"].predict_proba(dev_texts, batch_size=64)
    assert ((P >= 0.5) == (torch_P >= 0.5)).all()
    assert np.abs(P - torch_P).max() < 1e-4
    # the dev sample holds both labels for both tasks, so equality means something
    assert 0 < (torch_P >= 0.5).sum(0).min() and (torch_P >= 0.5).sum(0).max() < 40


def test_int8_close_to_torch(runners, torch_P, dev_texts):
    # int8 moves a fine-tuned network's P by up to 0.36 (2,600 labelled
    # paragraphs: 1.5% of commitment and 1.7% of doubt labels flipped, F1 not lower)
    P = runners["int8"].predict_proba(dev_texts, batch_size=64)
    assert np.abs(P - torch_P).max() < 0.4
    assert np.mean(np.abs(P - torch_P)) < 0.03
    assert ((P >= 0.5) != (torch_P >= 0.5)).sum() <= 3  # of 80 labels


def test_int8_with_torch_recheck_gives_torch_labels(net, runners, torch_P, dev_texts):
    from pipeline.classify.onnx_tuned import OnnxSentenceTuner

    # margin 0.25: 1 label of 5,200 differed from torch on the labelled paragraphs
    run = OnnxSentenceTuner(net, "int8", num_threads=2, recheck_margin=0.25)
    assert run.onnx_path == runners["int8"].onnx_path  # the cached model, not a new build
    P = run.predict_proba(dev_texts, batch_size=64)
    assert ((P >= 0.5) == (torch_P >= 0.5)).all()
    # some sentences went back to torch, most did not (else it saves nothing)
    assert 0 < run.rechecked < 0.5 * run.seen
    with pytest.raises(ValueError):
        OnnxSentenceTuner(net, "int8", recheck_margin=-0.1)


def test_sentence_logits_match_torch_on_a_long_sentence(runners, net):
    # a sentence past SENT_CONTENT word pieces is cut into chunks, the max taken
    long = "The minister said the government will consider the request carefully " * 20
    assert len(net.chunk_ids(long)) > 1
    sents = [long, "We doubt that the deal will hold.", ""]
    ref = net.sentence_logits(sents)
    got = runners["fp32"].sentence_logits(sents, batch_size=2)
    assert got.shape == ref.shape == (3, 2) and got.dtype == np.float64
    assert np.abs(got - ref).max() < 1e-3


def test_a_changed_meta_or_network_triggers_a_rebuild(runners, net, tmp_path):
    from pipeline.classify.onnx_tuned import build_tuned_onnx, state_sha256

    built = runners["fp32"].onnx_path
    folder = tmp_path / built.parent.name
    shutil.copytree(built.parent, folder, ignore=shutil.ignore_patterns(".build-*", "*int8*"))
    target = folder / built.name
    meta_file = target.with_suffix(".json")
    # reused while the meta matches: same file, untouched
    stamp = target.stat().st_mtime_ns
    assert build_tuned_onnx(net, "fp32", tmp_path) == target and target.stat().st_mtime_ns == stamp
    # a recipe key from another recipe version: rebuilt, meta rewritten
    meta = json.loads(meta_file.read_text("utf-8"))
    good_key = meta["recipe"]
    meta_file.write_text(json.dumps({**meta, "recipe": good_key.replace("-v1:", "-v0:")}), encoding="utf-8")
    assert build_tuned_onnx(net, "fp32", tmp_path) == target
    assert target.stat().st_mtime_ns != stamp
    assert json.loads(meta_file.read_text("utf-8"))["recipe"] == good_key
    assert not list(folder.glob(".build-*"))  # the temporary build folder is gone
    # other weights under the same name (a stale meta hash): rebuilt too
    stamp = target.stat().st_mtime_ns
    meta = json.loads(meta_file.read_text("utf-8"))
    meta_file.write_text(json.dumps({**meta, "state_sha256": "0" * 64}), encoding="utf-8")
    build_tuned_onnx(net, "fp32", tmp_path)
    assert target.stat().st_mtime_ns != stamp
    assert json.loads(meta_file.read_text("utf-8"))["state_sha256"] == state_sha256(net)


def test_runner_for_picks_the_runtime(net):
    from pipeline.classify.onnx_tuned import OnnxSentenceTuner, runner_for

    assert runner_for(net, "torch") is net
    assert isinstance(runner_for(net, "onnx", "int8"), OnnxSentenceTuner)
    with pytest.raises(ValueError):
        runner_for(net, "onnx", "int4")
    with pytest.raises(ValueError):
        runner_for(net, "tensorrt")


def test_runner_for_falls_back_to_torch_when_the_build_fails(net, tmp_path):
    from pipeline.classify.onnx_tuned import runner_for

    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the cache folder should be", encoding="utf-8")
    assert runner_for(net, "onnx", "fp32", cache_dir=blocked) is net


def test_a_loaded_network_keys_its_build_without_building_torch(tmp_path):
    """A network read from its weights file finds its onnx build through the
    cache index, with the same hash as the full state hash, and without
    building the torch modules; a trained network drops the file identity."""
    from pipeline.classify.onnx_tuned import INDEX_FILE, state_sha256, weights_sha256
    from pipeline.classify.registry import version_dir
    from pipeline.classify.sentence_finetune import SentenceTuner

    folder = version_dir("commitment", _tuned_version(), REPO / "models")
    lazy = SentenceTuner.load(folder, lazy=True)
    assert lazy._model is None and lazy.source_key()
    first = weights_sha256(lazy, tmp_path)  # not in the index yet: hashes the built state
    assert lazy._model is not None and (tmp_path / INDEX_FILE).is_file()
    again = SentenceTuner.load(folder, lazy=True)
    assert weights_sha256(again, tmp_path) == first == state_sha256(again)
    fresh = SentenceTuner.load(folder, lazy=True)
    weights_sha256(fresh, tmp_path)
    assert fresh._model is None  # the index answered
    fresh.fit(["We will send the funds."], np.array([[1.0, 0.0]], dtype=np.float32), epochs=1, batch_size=1)
    assert fresh.source is None and fresh.source_key() is None


def test_a_worker_scoring_with_a_cached_build_loads_no_torch_model(tmp_path):
    """The flow's classifier, on a cached onnx build, never imports the torch
    BERT model (second process: the first may build the cache)."""
    import subprocess
    import sys

    code = ("import sys\nfrom pipeline.flows.models import shared_classifier\n"
            "from pipeline.classify.context import ParagraphContext\n"
            "p = shared_classifier().predict(['We will provide the funds next week.'], contexts=[ParagraphContext()])\n"
            "print(p[0].commitment.score, 'transformers.models.bert.modeling_bert' in sys.modules)\n")
    outs = [subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=600)
            for _ in range(2)]
    assert all(o.returncode == 0 for o in outs), outs[-1].stderr[-2000:]
    first, second = (o.stdout.split()[-2:] for o in outs)
    assert first[0] == second[0]  # same score either way
    assert second[1] == "False"
