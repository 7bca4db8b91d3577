"""Sentence heads for commitment and doubt: each sentence is encoded on its
own, scored by one logistic regression, and the paragraph's P(True) is the
highest sentence's.

Features of one sentence (one row, width ``2**18 + 384 * (1 + pvec) + 2``):

- its hashed word 1-2 grams, sublinear tf x idf (the blocks of :mod:`.hybrid`,
  idf learned on the training paragraphs);
- its own 384-d MiniLM vector (:func:`.sentence_units.embed_sentences`),
  times ``emb_weight``;
- with ``pvec``: the paragraph's vector, taken as the L2-normalised mean of
  its sentence vectors (:func:`.sentence_units.mean_vectors`), so no separate
  paragraph pass is needed (encoding the sentences costs about what encoding
  the paragraph does: the same word pieces);
- the two cue flags of ``corpora/LABELING.md`` (:func:`.baselines.cue_rule`).

Training rows come from :func:`.sentence_units.training_units` (cue sentence
positive, sentences of negative paragraphs negative).  Why: the hybrid
sentence head (:mod:`.hybrid`, ``unit="sentence"``) gives every sentence its
paragraph's vector; the sentence's own vector carries the clause that commits
or doubts (grouped 5-fold CV figures: ``python -m pipeline.classify.sentence_cv``).

Files: ``head.safetensors`` (``coef`` float16 ``(1, width)``, ``intercept``,
``idf``) and ``meta.json`` with ``"format": "sentence-1"``.  Predictions are
row-wise (each paragraph's sentences are encoded and scored on their own), so
they do not depend on batch size.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Sequence

import numpy as np
import scipy.sparse as sp

from .baselines import cue_rule
from .heads import HeadFileError, read_head_files, write_head_files
from .hybrid import EMB_DIM, TEXT_DIM, fit_idf, tfidf
from .sentence_units import Units, embed_sentences, mean_vectors, paragraph_sentences, scoring_units, training_units

log = logging.getLogger(__name__)

FORMAT = "sentence-1"


def sentence_features(units: Units, texts: Sequence[str], sentences: Sequence[Sequence[str]],
                      sent_vecs: Sequence[np.ndarray], idf: np.ndarray, pvec: bool, emb_weight: float) -> sp.csr_matrix:
    """Design matrix ``(n_units, width)`` of the module docstring."""
    par = mean_vectors(sent_vecs) if len(sent_vecs) else np.zeros((0, EMB_DIM), np.float32)
    ut = units.texts(texts, sentences)
    blocks = [tfidf(ut, idf), sp.csr_matrix(emb_weight * units.vectors(par, sent_vecs).astype(np.float64))]
    if pvec:
        blocks.append(sp.csr_matrix(emb_weight * par[units.owner].astype(np.float64)))
    cues = np.stack([cue_rule(ut, "commitment"), cue_rule(ut, "doubt")], 1).astype(np.float64)
    blocks.append(sp.csr_matrix(cues))
    return sp.hstack(blocks).tocsr()


@dataclass
class SentenceHead:
    """A binary sentence head; see the module docstring.

    ``embedder``: ``list[str] -> (n, 384)`` used to encode sentences at
    inference (set by :meth:`attach`; when unset the process-wide torch
    encoder :func:`.encoder.get_encoder` is used, with a log line).
    """

    task: str
    coef: np.ndarray  # (1, width) float32 holding float16 values
    intercept: np.ndarray  # (1,)
    idf: np.ndarray  # (2**18,)
    pvec: bool = True
    emb_weight: float = 1.0
    threshold: float = 0.5
    encoder: dict[str, Any] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)
    kind: str = "binary"
    labels: list[Any] = field(default_factory=lambda: [False, True])
    input_dim: int = EMB_DIM
    needs_text: bool = True
    embedder: Callable[[list[str]], np.ndarray] | None = field(default=None, repr=False, compare=False)

    def width(self) -> int:
        """Columns of the design matrix."""
        return TEXT_DIM + EMB_DIM * (1 + self.pvec) + 2

    def attach(self, encoder) -> "SentenceHead":
        """Encode sentences with ``encoder`` (anything with ``embed(list[str])``); returns self."""
        self.embedder = encoder.embed
        return self

    # -- inference ----------------------------------------------------------
    def sentence_proba(self, texts: Sequence[str], sent_vecs: Sequence[np.ndarray] | None = None
                       ) -> tuple[list[list[str]], list[np.ndarray]]:
        """Sentences of each text and P(True) of each sentence."""
        sentences = [paragraph_sentences(t) for t in texts]
        if sent_vecs is None:
            if self.embedder is None:
                from .encoder import get_encoder

                log.info("%s sentence head: no encoder attached; using the torch encoder", self.task)
                self.attach(get_encoder())
            sent_vecs = embed_sentences(_EmbedderAdapter(self.embedder), sentences, use_cache=False)
        units = scoring_units(sentences)
        X = sentence_features(units, texts, sentences, sent_vecs, self.idf, self.pvec, self.emb_weight)
        z = np.asarray(X @ self.coef[0].astype(np.float64)).ravel() + float(self.intercept[0])
        p = 1.0 / (1.0 + np.exp(-z))
        out, pos = [], 0
        for ss in sentences:
            out.append(p[pos : pos + len(ss)])
            pos += len(ss)
        return sentences, out

    def predict_proba(self, emb: np.ndarray | None = None, texts: Sequence[str] | None = None, contexts=None,
                      sent_vecs: Sequence[np.ndarray] | None = None) -> np.ndarray:
        """P(True) per paragraph ``(n,)``: the highest of its sentences.

        ``emb`` (paragraph vectors) and ``contexts`` are accepted for the API
        of the other heads and not read.  Raises ``ValueError`` without ``texts``.
        """
        if texts is None:
            raise ValueError(f"{self.task}: the sentence head needs the paragraph texts")
        if len(texts) == 0:
            return np.zeros(0)
        _, per = self.sentence_proba(list(texts), sent_vecs)
        return np.array([float(p.max()) for p in per])

    def predict(self, emb=None, texts=None, contexts=None, sent_vecs=None) -> np.ndarray:
        """Bool labels ``(n,)``: P(True) >= threshold."""
        return self.predict_proba(emb, texts, contexts, sent_vecs) >= self.threshold

    # -- files --------------------------------------------------------------
    def meta(self) -> dict[str, Any]:
        """The ``meta.json`` content."""
        return {"format": FORMAT, "task": self.task, "kind": self.kind, "labels": list(self.labels),
                "threshold": self.threshold, "input_dim": self.input_dim, "hidden": 0, "dropout": 0.0,
                "text_dim": TEXT_DIM, "pvec": self.pvec, "emb_weight": self.emb_weight,
                "unit": "sentence (pipeline.nlp.sentences), own vector; paragraph = max",
                "encoder": self.encoder, **self.extra}

    def save(self, folder: Path) -> None:
        """Write ``head.safetensors`` and ``meta.json`` into ``folder`` (created)."""
        arrays = {"coef": np.ascontiguousarray(self.coef, dtype=np.float16),
                  "intercept": np.ascontiguousarray(self.intercept, dtype=np.float32),
                  "idf": np.ascontiguousarray(self.idf, dtype=np.float16)}
        write_head_files(Path(folder), arrays, self.meta(), self.task, FORMAT)

    @classmethod
    def load(cls, folder: Path) -> "SentenceHead":
        """Read a head written by :meth:`save`; raises :class:`.heads.HeadFileError`."""
        from safetensors.numpy import load_file

        folder = Path(folder)
        meta, arr = read_head_files(folder, load_file)
        if meta.get("format") != FORMAT or meta.get("text_dim") != TEXT_DIM:
            raise HeadFileError(f"{folder}: not a {FORMAT} head with these hash sizes")
        known = {"format", "task", "kind", "labels", "threshold", "input_dim", "hidden", "dropout", "text_dim",
                 "pvec", "emb_weight", "unit", "encoder"}
        head = cls(task=meta["task"], coef=arr["coef"].astype(np.float32), intercept=arr["intercept"].astype(np.float32),
                   idf=arr["idf"].astype(np.float32), pvec=bool(meta["pvec"]), emb_weight=float(meta["emb_weight"]),
                   threshold=float(meta.get("threshold", 0.5)), encoder=meta.get("encoder", {}),
                   extra={k: v for k, v in meta.items() if k not in known})
        if head.coef.shape != (1, head.width()):
            raise HeadFileError(f"{folder}: coef shape {head.coef.shape} != {(1, head.width())}")
        return head


class _EmbedderAdapter:
    """Wraps a bare ``embed`` callable as an object with ``embed(texts)``."""

    def __init__(self, fn):
        self.embed = lambda texts, batch_size=32: fn(texts)


def fit_sentence_head(task: str, texts: Sequence[str], y: Sequence[int], cues: Sequence[str | None],
                      sent_vecs: Sequence[np.ndarray], C: float = 2.0, pvec: bool = True, emb_weight: float = 1.0,
                      seed: int = 0, max_iter: int = 2000) -> SentenceHead:
    """Fit a :class:`SentenceHead` (scikit-learn logistic regression, L2,
    balanced class weights, lbfgs); weights rounded to float16 so the scores
    measured are those of the saved file.

    ``sent_vecs``: one ``(n_sentences, 384)`` array per text, in the order
    of :func:`.sentence_units.paragraph_sentences`.
    """
    from sklearn.linear_model import LogisticRegression

    texts = list(texts)
    sentences = [paragraph_sentences(t) for t in texts]
    if any(len(s) != len(v) for s, v in zip(sentences, sent_vecs)):
        raise ValueError("sent_vecs do not match the sentences of the texts")
    idf = fit_idf(texts)
    units = training_units(texts, sentences, [int(bool(v)) for v in y], cues)
    X = sentence_features(units, texts, sentences, sent_vecs, idf, pvec, emb_weight)
    lr = LogisticRegression(C=C, class_weight="balanced", max_iter=max_iter, random_state=seed)
    lr.fit(X, units.y)
    coef = np.ascontiguousarray(lr.coef_, dtype=np.float16).astype(np.float32)
    return SentenceHead(task=task, coef=coef, intercept=lr.intercept_.astype(np.float32), idf=idf, pvec=pvec,
                        emb_weight=emb_weight)
