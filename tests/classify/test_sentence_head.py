"""The sentence head (pipeline.classify.sentence_head) on real labelled
paragraphs with the real MiniLM encoder: cue sentences, training rows,
max pooling, file round trip, batch independence."""

from __future__ import annotations

import json
import random
from pathlib import Path

import numpy as np
import pytest

from pipeline.classify.heads import HeadFileError
from pipeline.classify.sentence_cv import cross_threshold_f1
from pipeline.classify.sentence_head import FORMAT, SentenceHead, fit_sentence_head
from pipeline.classify.sentence_units import (
    WHOLE,
    cue_sentences,
    embed_sentences,
    paragraph_sentences,
    training_units,
)

REPO = Path(__file__).resolve().parents[2]
LABELLED = REPO / "corpora" / "labelled" / "paragraphs.jsonl"
SPLITS = REPO / "corpora" / "splits.json"


@pytest.fixture(scope="module")
def train_rows() -> list[dict]:
    """160 labelled paragraphs of train cables (fixed seed), half positive for commitment."""
    train = set(json.loads(SPLITS.read_text("utf-8"))["train"])
    rows = [json.loads(x) for x in LABELLED.read_text("utf-8").splitlines() if x.strip()]
    rows = [r for r in rows if r["cable_id"] in train and len(r["text"]) < 1500]
    rng = random.Random(3)
    pos = rng.sample([r for r in rows if r["commitment"] == 1], 80)
    neg = rng.sample([r for r in rows if r["commitment"] == 0], 80)
    return pos + neg


@pytest.fixture(scope="module")
def encoder():
    from pipeline.classify.encoder import get_encoder

    return get_encoder()


@pytest.fixture(scope="module")
def head(train_rows, encoder, tmp_path_factory):
    texts = [r["text"] for r in train_rows]
    vecs = embed_sentences(encoder, [paragraph_sentences(t) for t in texts], tmp_path_factory.mktemp("emb"))
    h = fit_sentence_head("commitment", texts, [r["commitment"] for r in train_rows],
                          [r["commitment_cue"] for r in train_rows], vecs, C=2.0, pvec=False)
    return h.attach(encoder)


def test_cue_sentence_holds_the_cue(train_rows):
    for r in train_rows[:80]:
        text, cue = r["text"], r["commitment_cue"]
        sents = paragraph_sentences(text)
        hit = cue_sentences(text, cue)
        assert hit, (r["cable_id"], cue)
        joined = " ".join(sents[k] for k in hit).lower()
        # the cue may cross a sentence end; each of its words is in the chosen sentences
        assert all(w in joined for w in cue.lower().split()), (cue, joined)
    assert cue_sentences("The Minister left.", "agreed to raise") is None
    assert cue_sentences("The Minister left.", None) is None


def test_training_units_rows(train_rows):
    texts = [r["text"] for r in train_rows]
    sents = [paragraph_sentences(t) for t in texts]
    u = training_units(texts, sents, [r["commitment"] for r in train_rows], [r["commitment_cue"] for r in train_rows])
    for i, r in enumerate(train_rows):
        rows = u.sent[u.owner == i]
        ys = u.y[u.owner == i]
        if r["commitment"]:
            assert set(ys) == {1} and 1 <= len(rows) <= len(sents[i]) and WHOLE not in rows
        else:
            assert list(rows) == list(range(len(sents[i]))) and set(ys) == {0}


def test_max_pooling_finds_the_committing_sentence(head):
    committing = "The Minister agreed to raise the issue with the President next week."
    background = ("The economy grew by three percent last year. Exports of rice rose. "
                  "Parliament met twice in March.")
    p_sent, p_bg, p_both = head.predict_proba(None, [committing, background, background + " " + committing])
    assert p_sent > p_bg
    # without the paragraph vector a sentence scores the same wherever it stands
    assert p_both == pytest.approx(max(p_sent, p_bg), abs=1e-4)


def test_scores_do_not_depend_on_batching(head, dev_rows):
    texts = [r["text"] for r in dev_rows[:16]]
    whole = head.predict_proba(None, texts)
    ones = np.concatenate([head.predict_proba(None, [t]) for t in texts])
    assert whole.shape == (16,) and np.all((whole >= 0) & (whole <= 1))
    np.testing.assert_allclose(whole, ones, atol=1e-5)


def test_round_trip_and_bad_file(head, dev_rows, tmp_path, encoder):
    texts = [r["text"] for r in dev_rows[:8]]
    head.threshold = 0.42
    head.save(tmp_path / "h")
    meta = json.loads((tmp_path / "h" / "meta.json").read_text())
    assert meta["format"] == FORMAT and meta["threshold"] == 0.42 and meta["pvec"] is False
    back = SentenceHead.load(tmp_path / "h").attach(encoder)
    np.testing.assert_allclose(back.predict_proba(None, texts), head.predict_proba(None, texts), atol=1e-6)
    meta["pvec"] = True  # now coef is one 384-block short
    (tmp_path / "h" / "meta.json").write_text(json.dumps(meta))
    with pytest.raises(HeadFileError):
        SentenceHead.load(tmp_path / "h")
    with pytest.raises(ValueError):
        head.predict_proba(None, None)


def test_cross_threshold_uses_other_folds_only():
    y = np.array([0, 0, 1, 1, 0, 0, 1, 1], dtype=float)
    p = np.array([0.1, 0.2, 0.8, 0.9, 0.3, 0.35, 0.6, 0.7])
    splits = [(np.array([4, 5, 6, 7]), np.array([0, 1, 2, 3])), (np.array([0, 1, 2, 3]), np.array([4, 5, 6, 7]))]
    f1, thrs = cross_threshold_f1(y, p, splits)
    # each fold's threshold is the first best one on the *other* fold: fold 0 gets 0.36
    # (from 0.3/0.35 vs 0.6/0.7), fold 1 gets 0.21 (from 0.1/0.2 vs 0.8/0.9), which
    # flags fold 1's negatives 0.3 and 0.35: TP 4, FP 2, FN 0.  An oracle would score 1.0.
    assert thrs == [pytest.approx(0.36), pytest.approx(0.21)]
    assert f1 == pytest.approx(0.8)
