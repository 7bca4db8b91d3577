"""Hybrid heads: the shared encoder's paragraph vector plus sparse word
features plus (for sensitivity) the cable's context, in one linear model.

Why: on these labels a frozen MiniLM vector alone scores below a bag-of-words
logistic regression (model cards of v1).  Words and the vector are
complementary; the cable's classification line caps a paragraph's level.

Features of one *unit* (a paragraph, or a sentence of it; see ``unit``):

- ``text``: hashed word 1-2 grams of the unit (2**18 buckets, lower-cased),
  sublinear tf times idf (learned on the training paragraphs), L2-normalised.
  Hashing needs no vocabulary file, so a model is three arrays and a JSON.
- ``embedding``: the paragraph's 384-d encoder vector (the one shared pass;
  a sentence unit carries its paragraph's vector).
- ``cues``: two flags, the commitment and doubt cue phrases of LABELING.md.
- ``context`` (:class:`.context.ParagraphContext`): cable level, caveats, TAGS,
  E.O. reasons, position, zone, heading, length, hashed (2**14), plus the same
  tokens crossed with the cable level (so each level learns its own weights).
- ``neighbours``: tf-idf of the previous and next paragraph, weight 0.5.

``unit = "sentence"`` (binary tasks): the model scores each sentence and the
paragraph's P(True) is the highest sentence's.  Training uses the labelled
cue span (``commitment_cue``/``doubt_cue``): the sentence holding it is the
positive, every sentence of a negative paragraph a negative; other sentences
of a positive paragraph are left out.  A positive without a findable cue is
one whole-paragraph unit.

Weights are stored as float16 (rounded at fit time, so the scores measured
are those of the shipped file).  Predictions are row-wise, so they do not
depend on batch size.
"""

from __future__ import annotations

import logging
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Sequence

import numpy as np
import scipy.sparse as sp

from .baselines import cue_rule
from .context import ParagraphContext
from .heads import HeadFileError, read_head_files, write_head_files

log = logging.getLogger(__name__)

FORMAT = "hybrid-1"
TEXT_DIM = 2**18
CTX_DIM = 2**14
EMB_DIM = 384
NEIGHBOUR_WEIGHT = 0.5

_SENT = re.compile(r"(?<=[.!?;])[\"')]*\s+(?=[(\"'A-Z0-9-])")


def split_sentences(text: str) -> list[str]:
    """Sentences of ``text`` (split after . ! ? ; before a capital, digit or quote).

    Always at least one item (the text itself when nothing splits it).
    """
    out, pos = [], 0
    for m in _SENT.finditer(text):
        out.append(text[pos : m.start()])
        pos = m.end()
    out.append(text[pos:])
    out = [s for s in out if s.strip()]
    return out or [text]


def _hv():
    from sklearn.feature_extraction.text import HashingVectorizer

    return HashingVectorizer(ngram_range=(1, 2), n_features=TEXT_DIM, alternate_sign=False, norm=None, lowercase=True)


def _hc():
    from sklearn.feature_extraction.text import HashingVectorizer

    return HashingVectorizer(
        n_features=CTX_DIM, alternate_sign=False, norm=None, token_pattern=r"\S+", lowercase=False
    )


def fit_idf(texts: Sequence[str]) -> np.ndarray:
    """Smoothed idf ``ln((1 + n) / (1 + df)) + 1`` per hash bucket (float32)."""
    X = _hv().transform(list(texts))
    df = np.bincount(X.indices, minlength=TEXT_DIM)
    n = X.shape[0]
    return (np.log((1 + n) / (1 + df)) + 1).astype(np.float16).astype(np.float32)


def tfidf(texts: Sequence[str], idf: np.ndarray) -> sp.csr_matrix:
    """Sublinear tf x idf of ``texts``, rows L2-normalised; shape ``(n, 2**18)``."""
    from sklearn.preprocessing import normalize

    X = _hv().transform(list(texts)).tocsr().astype(np.float64)
    # scale each stored value by its column's idf in place: the same numbers
    # as X @ diag(idf), without building a 2**18-square diagonal per call
    X.data = (1.0 + np.log(X.data)) * idf.astype(np.float64)[X.indices]
    return normalize(X, norm="l2")


@dataclass(frozen=True)
class FeatureSpec:
    """Which feature blocks a head reads, and its unit (paragraph or sentence)."""

    unit: str = "paragraph"
    embedding: bool = True
    cues: bool = True
    context: bool = False
    neighbours: bool = False
    #: the other paragraphs' markings (:meth:`.context.ParagraphContext.marking_tokens`)
    marks: bool = False

    def name(self) -> str:
        parts = ["words"] + [b for b in ("embedding", "cues", "context", "neighbours", "marks") if getattr(self, b)]
        return f"{self.unit}:" + "+".join(parts)


def build_features(
    spec: FeatureSpec,
    texts: Sequence[str],
    emb: np.ndarray | None,
    contexts: Sequence[ParagraphContext] | None,
    idf: np.ndarray,
    idf_nb: np.ndarray | None,
    unit_texts: list[str] | None = None,
    owner: np.ndarray | None = None,
) -> tuple[sp.csr_matrix, np.ndarray]:
    """The design matrix of ``texts`` and, per row, the index of its paragraph.

    ``unit_texts``/``owner`` override the units (training uses them for
    sentence units chosen by cue span); by default units are paragraphs or
    :func:`split_sentences` of each, per ``spec.unit``.
    """
    if unit_texts is None:
        if spec.unit == "sentence":
            unit_texts, own = [], []
            for i, t in enumerate(texts):
                for s in split_sentences(t):
                    unit_texts.append(s)
                    own.append(i)
            owner = np.asarray(own, dtype=np.int64)
        else:
            unit_texts, owner = list(texts), np.arange(len(texts))
    assert owner is not None
    blocks = [tfidf(unit_texts, idf)]
    if spec.embedding:
        if emb is None:
            raise ValueError("this head needs the paragraph embeddings")
        blocks.append(sp.csr_matrix(np.asarray(emb, dtype=np.float64)[owner]))
    if spec.cues:
        cues = np.stack([cue_rule(unit_texts, "commitment"), cue_rule(unit_texts, "doubt")], 1).astype(np.float64)
        blocks.append(sp.csr_matrix(cues))
    if spec.context or spec.neighbours or spec.marks:
        ctx = [contexts[i] if contexts is not None and contexts[i] is not None else ParagraphContext() for i in owner]
    if spec.context:
        toks = [c.tokens(len(texts[i])) for c, i in zip(ctx, owner)]
        hc = _hc()
        blocks.append(hc.transform([" ".join(t) for t in toks]).astype(np.float64))
        blocks.append(hc.transform([" ".join(f"{t[0]}x{x}" for x in t[1:]) for t in toks]).astype(np.float64))
    if spec.marks:
        # own block, crossed with the cable level, so heads without it see no change
        mt = [[f"LV_{c.cable_level or 'NONE'}"] + c.marking_tokens() for c in ctx]
        hc = _hc()
        blocks.append(hc.transform([" ".join(f"MK_{x}" for x in t[1:]) for t in mt]).astype(np.float64))
        blocks.append(hc.transform([" ".join(f"MK_{t[0]}x{x}" for x in t[1:]) for t in mt]).astype(np.float64))
    if spec.neighbours:
        if idf_nb is None:
            raise ValueError("neighbour idf missing")
        nb = [f"{c.prev_text} {c.next_text}".strip() for c in ctx]
        blocks.append(NEIGHBOUR_WEIGHT * tfidf(nb, idf_nb))
    return sp.hstack(blocks).tocsr(), np.asarray(owner)


def _level_cap(P: np.ndarray, labels: list[str], contexts: Sequence[ParagraphContext] | None) -> np.ndarray:
    """Zero the probabilities of levels above each cable's level; renormalise."""
    if contexts is None:
        return P
    rank = {lab: i for i, lab in enumerate(labels)}
    P = P.copy()
    for i, c in enumerate(contexts):
        lv = c.cable_level if c is not None else None
        if lv in rank and P[i, : rank[lv] + 1].sum() > 0:
            P[i, rank[lv] + 1 :] = 0.0
            P[i] /= P[i].sum()
    return P


@dataclass
class HybridHead:
    """One task's linear model over :func:`build_features`; see the module doc."""

    task: str
    kind: str
    labels: list[Any]
    spec: FeatureSpec
    coef: np.ndarray  # (n_out, n_features) float32 (float16 values)
    intercept: np.ndarray  # (n_out,)
    idf: np.ndarray
    idf_nb: np.ndarray | None = None
    threshold: float = 0.5
    cap_by_level: bool = False
    encoder: dict[str, Any] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)
    input_dim: int = EMB_DIM
    needs_text: bool = True

    # -- inference ----------------------------------------------------------
    def predict_proba(
        self,
        emb: np.ndarray | None,
        texts: Sequence[str] | None = None,
        contexts: Sequence[ParagraphContext | None] | None = None,
    ) -> np.ndarray:
        """Binary: P(True) ``(n,)``; multiclass: ``(n, len(labels))`` rows summing to 1."""
        if texts is None:
            raise ValueError(f"{self.task}: the hybrid head needs the paragraph texts")
        n = len(texts)
        if emb is not None and (np.ndim(emb) != 2 or len(emb) != n or np.shape(emb)[1] != EMB_DIM):
            raise ValueError(f"{self.task}: expected embeddings of shape ({n}, {EMB_DIM}), got {np.shape(emb)}")
        if n == 0:
            return np.zeros((0,) if self.kind == "binary" else (0, len(self.labels)))
        X, owner = build_features(self.spec, texts, emb, contexts, self.idf, self.idf_nb)
        logits = np.asarray(X @ self.coef.T.astype(np.float64)) + self.intercept.astype(np.float64)
        if self.kind == "binary":
            p_unit = 1.0 / (1.0 + np.exp(-logits[:, 0]))
            p = np.zeros(n)
            np.maximum.at(p, owner, p_unit)
            return p
        z = logits - logits.max(1, keepdims=True)
        P = np.exp(z)
        P /= P.sum(1, keepdims=True)
        return _level_cap(P, list(self.labels), contexts) if self.cap_by_level else P

    def predict(self, emb, texts=None, contexts=None) -> np.ndarray:
        """Labels: bool array (binary) or label names (multiclass)."""
        p = self.predict_proba(emb, texts, contexts)
        if self.kind == "binary":
            return p >= self.threshold
        return np.asarray(self.labels, dtype=object)[p.argmax(1)]

    # -- files --------------------------------------------------------------
    def meta(self) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "task": self.task,
            "kind": self.kind,
            "labels": list(self.labels),
            "threshold": self.threshold,
            "input_dim": self.input_dim,
            "hidden": 0,
            "dropout": 0.0,
            "spec": asdict(self.spec),
            "text_dim": TEXT_DIM,
            "ctx_dim": CTX_DIM,
            "cap_by_level": self.cap_by_level,
            "encoder": self.encoder,
            **self.extra,
        }

    def save(self, folder: Path) -> None:
        # safetensors writes raw buffers: every array must be C-contiguous
        # (scikit-learn's multinomial coef_ is Fortran-ordered).
        arrays = {
            "coef": np.ascontiguousarray(self.coef, dtype=np.float16),
            "intercept": np.ascontiguousarray(self.intercept, dtype=np.float32),
            "idf": np.ascontiguousarray(self.idf, dtype=np.float16),
        }
        if self.idf_nb is not None:
            arrays["idf_nb"] = np.ascontiguousarray(self.idf_nb, dtype=np.float16)
        write_head_files(Path(folder), arrays, self.meta(), self.task, FORMAT)

    @classmethod
    def load(cls, folder: Path) -> "HybridHead":
        from safetensors.numpy import load_file

        folder = Path(folder)
        meta, arr = read_head_files(folder, load_file)
        if meta.get("format") != FORMAT or meta.get("text_dim") != TEXT_DIM or meta.get("ctx_dim") != CTX_DIM:
            raise HeadFileError(f"{folder}: not a {FORMAT} head with these hash sizes")
        spec = FeatureSpec(**meta["spec"])
        n_out = 1 if meta["kind"] == "binary" else len(meta["labels"])
        width = (TEXT_DIM + EMB_DIM * spec.embedding + 2 * spec.cues + 2 * CTX_DIM * spec.context
                 + TEXT_DIM * spec.neighbours + 2 * CTX_DIM * spec.marks)
        coef = arr["coef"].astype(np.float32)
        if coef.shape != (n_out, width):
            raise HeadFileError(f"{folder}: coef shape {coef.shape} != {(n_out, width)}")
        known = {"format", "task", "kind", "labels", "threshold", "input_dim", "hidden", "dropout", "spec",
                 "text_dim", "ctx_dim", "cap_by_level", "encoder"}
        return cls(
            task=meta["task"],
            kind=meta["kind"],
            labels=meta["labels"],
            spec=spec,
            coef=coef,
            intercept=arr["intercept"].astype(np.float32),
            idf=arr["idf"].astype(np.float32),
            idf_nb=arr["idf_nb"].astype(np.float32) if "idf_nb" in arr else None,
            threshold=float(meta.get("threshold", 0.5)),
            cap_by_level=bool(meta.get("cap_by_level", False)),
            encoder=meta.get("encoder", {}),
            extra={k: v for k, v in meta.items() if k not in known},
        )


def sentence_units(
    texts: Sequence[str], labels: Sequence[int], cues: Sequence[str | None]
) -> tuple[list[str], np.ndarray, np.ndarray]:
    """Training units of a sentence head: ``(unit_texts, owner, unit_labels)``.

    See the module docstring: cue sentence positive, sentences of negatives
    negative, other sentences of positives dropped.
    """
    units, owner, y = [], [], []
    for i, (t, lab, cue) in enumerate(zip(texts, labels, cues)):
        sents = split_sentences(t)
        if not lab:
            units += sents
            owner += [i] * len(sents)
            y += [0] * len(sents)
            continue
        hit = []
        if cue:
            j = t.lower().find(cue.lower().strip())
            if j >= 0:
                pos = 0
                for s in sents:
                    a = t.find(s, pos)
                    b = a + len(s)
                    pos = max(pos, b)
                    if a < j + len(cue) and j < b:
                        hit.append(s)
        if not hit:
            hit = [t]
        units += hit
        owner += [i] * len(hit)
        y += [1] * len(hit)
    return units, np.asarray(owner, dtype=np.int64), np.asarray(y, dtype=np.int64)


def fit_hybrid(
    task: str,
    kind: str,
    labels: list[Any],
    spec: FeatureSpec,
    texts: Sequence[str],
    y: Sequence[Any],
    emb: np.ndarray | None,
    contexts: Sequence[ParagraphContext] | None = None,
    cues: Sequence[str | None] | None = None,
    C: float = 4.0,
    max_iter: int = 2000,
    tol: float = 1e-4,
    seed: int = 0,
) -> HybridHead:
    """Fit a :class:`HybridHead` with scikit-learn's logistic regression
    (balanced class weights, L2, lbfgs); weights rounded to float16."""
    from sklearn.linear_model import LogisticRegression

    texts = list(texts)
    idf = fit_idf(texts)
    idf_nb = None
    if spec.neighbours:
        ctx = contexts or [ParagraphContext()] * len(texts)
        idf_nb = fit_idf([f"{c.prev_text} {c.next_text}".strip() for c in ctx])
    if kind == "binary":
        yi = np.asarray([int(bool(v)) for v in y])
    else:
        index = {lab: i for i, lab in enumerate(labels)}
        yi = np.asarray([index[v] for v in y])
    if spec.unit == "sentence":
        units, owner, yu = sentence_units(texts, yi, cues or [None] * len(texts))
        X, _ = build_features(spec, texts, emb, contexts, idf, idf_nb, unit_texts=units, owner=owner)
    else:
        X, _ = build_features(spec, texts, emb, contexts, idf, idf_nb)
        yu = yi
    lr = LogisticRegression(C=C, class_weight="balanced", max_iter=max_iter, tol=tol, random_state=seed)
    lr.fit(X, yu)
    coef = np.ascontiguousarray(lr.coef_, dtype=np.float16).astype(np.float32)
    intercept = lr.intercept_.astype(np.float32)
    if kind == "binary":
        coef, intercept = coef[:1], intercept[:1]
    return HybridHead(
        task=task, kind=kind, labels=list(labels), spec=spec, coef=coef, intercept=intercept,
        idf=idf, idf_nb=idf_nb, cap_by_level=(kind == "multiclass" and spec.context),
    )
