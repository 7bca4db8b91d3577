"""The sentence-tuned commitment/doubt network: training rows from cue
spans, the shipped heads (one shared network), batch invariance, long
paragraphs, files, and scores on held-out dev cables."""

from __future__ import annotations

import json
import shutil

import numpy as np
import pytest

from pipeline.classify.sentence_finetune import TASK_ORDER, WEIGHTS_FILE, SentenceTuner, multitask_units
from pipeline.classify.sentence_units import cue_sentences, paragraph_sentences

from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
LABELLED = REPO / "corpora" / "labelled" / "paragraphs.jsonl"
SPLITS = REPO / "corpora" / "splits.json"


def _rows():
    return [json.loads(x) for x in LABELLED.read_text("utf-8").splitlines() if x.strip()]


@pytest.fixture(scope="module")
def tuned_heads():
    from pipeline.classify.registry import load_default
    from pipeline.classify.tuned_head import TunedHead

    heads = {t: load_default(t, REPO / "models") for t in TASK_ORDER}
    if not all(isinstance(h, TunedHead) for h in heads.values()):
        pytest.fail(f"default commitment/doubt heads are not tuned heads: {heads}")
    return heads


def test_units_follow_the_cue_spans():
    rows = [r for r in _rows() if r["commitment"] == 1 and r["doubt"] == 0 and r.get("commitment_cue")]
    row = next(r for r in rows if len(paragraph_sentences(r["text"])) >= 3
               and cue_sentences(r["text"], r["commitment_cue"]))
    y = np.array([[1.0, 0.0]])
    units, uy, owner = multitask_units([row["text"]], y, [[row["commitment_cue"], None]])
    sents = paragraph_sentences(row["text"])
    hit = cue_sentences(row["text"], row["commitment_cue"])
    assert units == sents and (owner == 0).all()
    # the cue sentence is the positive; the other sentences of a positive paragraph are unknown
    assert [i for i, v in enumerate(uy[:, 0]) if v == 1] == hit
    assert all(np.isnan(v) for i, v in enumerate(uy[:, 0]) if i not in hit)
    assert (uy[:, 1] == 0).all()  # negative for doubt: every sentence is a negative


def test_a_positive_without_its_cue_is_one_whole_paragraph_unit():
    text = "The Minister said the ministry will send the draft next week. Nothing else was agreed."
    units, uy, _ = multitask_units([text], np.array([[1.0, np.nan]]), [["a cue that is not in the text", None]])
    assert units[-1] == text and uy[-1, 0] == 1.0 and np.isnan(uy[-1, 1])
    assert all(np.isnan(uy[:-1, 0]))  # its sentences carry no commitment label


def test_shipped_heads_share_one_network(tuned_heads):
    com, dou = tuned_heads["commitment"], tuned_heads["doubt"]
    assert com.net is dou.net
    assert (com.column, dou.column) == (0, 1)
    assert com.threshold == dou.threshold == 0.5
    assert not com.reads_embedding


def test_same_scores_whatever_the_batch_size(tuned_heads):
    dev = set(json.loads(SPLITS.read_text("utf-8"))["dev"])
    texts = [r["text"] for r in _rows() if r["cable_id"] in dev][:40]
    net = tuned_heads["commitment"].net
    P = {b: net.predict_proba(texts, batch_size=b) for b in (1, 8, 64)}
    for b in (8, 64):
        assert np.allclose(P[1], P[b], atol=1e-5), b
        assert ((P[1] >= 0.5) == (P[b] >= 0.5)).all()


def test_a_commitment_in_the_last_sentence_of_a_long_paragraph_counts(tuned_heads):
    head = tuned_heads["commitment"]
    rows = _rows()
    filler = " ".join(r["text"] for r in rows if r["commitment"] == 0 and r["doubt"] == 0)[:4500]
    sentence = "The Embassy will deliver the demarche to the Foreign Ministry on Monday."
    long_text = filler.rsplit(".", 1)[0] + ". " + sentence
    assert len(long_text.split()) > 600
    alone, filler_p, long_p = head.predict_proba(None, [sentence, filler.rsplit(".", 1)[0] + ".", long_text])
    assert alone >= head.threshold
    assert long_p >= alone - 1e-6 and long_p >= head.threshold > filler_p


def test_save_and_load_give_the_same_scores(tuned_heads, tmp_path):
    from pipeline.classify.heads import HeadFileError
    from pipeline.classify.tuned_head import TunedHead

    head = tuned_heads["doubt"]
    texts = ["We doubt the government can deliver on this promise.", "The meeting took place on Tuesday."]
    folder = tmp_path / "v9"
    head.save(folder)
    again = TunedHead.load(folder)
    assert np.allclose(again.predict_proba(None, texts), head.predict_proba(None, texts), atol=1e-6)
    (folder / WEIGHTS_FILE).write_bytes((folder / WEIGHTS_FILE).read_bytes()[:1000])
    with pytest.raises(HeadFileError, match=str(folder)):
        TunedHead.load(folder)
    (folder / WEIGHTS_FILE).unlink()
    with pytest.raises(HeadFileError, match="missing"):
        TunedHead.load(folder)


def test_scores_on_held_out_dev_cables(tuned_heads):
    """The shipped network on all labelled paragraphs of dev cables (not trained on)."""
    from sklearn.metrics import f1_score

    dev = set(json.loads(SPLITS.read_text("utf-8"))["dev"])
    rows = [r for r in _rows() if r["cable_id"] in dev]
    texts = [r["text"] for r in rows]
    for task in TASK_ORDER:
        p = tuned_heads[task].predict(None, texts)
        y = np.array([bool(r[task]) for r in rows])
        assert f1_score(y, p) >= 0.72, task  # hybrid v3: 0.660 / 0.745 on the same paragraphs


def test_training_a_small_network_runs_and_round_trips(tmp_path):
    rows = _rows()[:30]
    y = np.array([[float(r["commitment"]), float(r["doubt"])] for r in rows])
    cues = [[r.get("commitment_cue"), r.get("doubt_cue")] for r in rows]
    units, uy, _ = multitask_units([r["text"] for r in rows], y, cues)
    net = SentenceTuner(layers=1)
    before = net.predict_proba(units[:4])
    info = net.fit(units, uy, epochs=1, batch_size=16)
    assert info["steps"] == -(-len(units) // 16) and np.isfinite(info["last_loss"])
    after = net.predict_proba(units[:4])
    assert not np.allclose(before, after)  # the weights moved
    net.save(tmp_path)
    assert np.allclose(SentenceTuner.load(tmp_path).predict_proba(units[:4]), after, atol=1e-6)
    shutil.rmtree(tmp_path)


def test_ema_ends_on_the_average_of_the_trajectory():
    """With ``ema`` the network ends on the moving average of its weights,
    which lags the last step: nearer the start than plain training gets, and
    on the same trajectory (same seed, same batches)."""
    rows = _rows()[:30]
    y = np.array([[float(r["commitment"]), float(r["doubt"])] for r in rows])
    cues = [[r.get("commitment_cue"), r.get("doubt_cue")] for r in rows]
    units, uy, _ = multitask_units([r["text"] for r in rows], y, cues)

    def moved(ema):
        net = SentenceTuner(layers=1)
        start = [p.detach().clone() for p in net.model.parameters()]
        net.fit(units, uy, epochs=2, batch_size=16, ema=ema)
        return sum(float((p.detach() - s).norm()) for p, s in zip(net.model.parameters(), start))

    plain, averaged = moved(0.0), moved(0.9)
    assert 0 < averaged < plain


def test_flow_runs_the_network_in_int8_onnx_and_training_scores_with_torch(tuned_heads):
    from pipeline.classify.onnx_tuned import OnnxSentenceTuner
    from pipeline.classify.tuned_head import shared_pass

    net = tuned_heads["commitment"].net
    assert isinstance(shared_pass(net).net, OnnxSentenceTuner)  # [classify] runtime = "onnx", tuned_recipe int8
    assert shared_pass(net, "torch").net is net
    texts = ["The Ambassador will raise the case with the Minister on Monday.",
             "Officials doubt that the ceasefire will hold beyond the elections."]
    p8, pt = shared_pass(net).proba(texts), shared_pass(net, "torch").proba(texts)
    assert p8.shape == pt.shape == (2, 2) and np.abs(p8 - pt).max() < 0.2


def test_cv_summary_pools_the_held_out_folds(tmp_path):
    """`tuned_cv --summary`: per-fold F1 and the F1 over all held-out
    paragraphs together (not the mean of the folds' F1)."""
    from pipeline.classify.tuned_cv import pooled

    with pytest.raises(FileNotFoundError):
        pooled(tmp_path)
    # fold 0: 2 TP, 1 FP (F1 0.8); fold 1: 1 TP, 1 FN (F1 0.667); pooled 3 TP, 1 FP, 1 FN -> 0.75
    y0, p0 = np.array([1, 1, 0, 0.0]), np.array([0.9, 0.8, 0.7, 0.1])
    y1, p1 = np.array([1, 1, 0.0]), np.array([0.9, 0.2, 0.1])
    for k, (y, p) in enumerate([(y0, p0), (y1, p1)]):
        np.savez(tmp_path / f"fold{k}.npz", va=np.arange(len(y)), P=np.stack([p, p], 1), y=np.stack([y, y], 1))
    res = pooled(tmp_path)
    assert res["folds"] == [0, 1] and res["paragraphs"] == 7
    for task in TASK_ORDER:
        assert res[task]["per_fold"] == [0.8, 0.6667]
        assert res[task]["pooled"] == 0.75
