"""Sentences of a paragraph as classifier units, and their encoder vectors.

A sentence head (:mod:`.sentence_head`) scores every sentence of a paragraph
and gives the paragraph the highest score.  This module holds the parts that
do not depend on the model:

- :func:`paragraph_sentences`: the sentences of a paragraph, cut by the
  project's splitter :func:`pipeline.nlp.sentences.sentence_spans` (the one
  the NER stage uses); a paragraph with no span is one sentence.
- :func:`cue_sentences`: which sentences hold a labelled cue span
  (``commitment_cue`` / ``doubt_cue`` of ``corpora/LABELING.md``).
- :func:`training_units`: the training rows: the cue sentence(s) of a positive
  paragraph are positives, every sentence of a negative paragraph is a
  negative, the other sentences of a positive paragraph are left out (they
  may or may not commit; the label says only that one does).  A positive
  whose cue is missing or not found is one whole-paragraph unit.
- :func:`embed_sentences`: one 384-d vector per sentence through the on-disk
  cache of :mod:`.embedcache` (keyed by text, so sentences are cached like
  paragraphs).

Why sentences: a commitment or doubt is usually one clause of a long
paragraph; a paragraph vector averages it away (grouped 5-fold CV on the
labelled paragraphs, ``python -m pipeline.classify.sentence_cv``).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

import numpy as np

#: Paragraph index of a unit that is the whole paragraph (no sentence found for the cue).
WHOLE = -1


def paragraph_sentences(text: str) -> list[str]:
    """Sentences of ``text`` (:func:`pipeline.nlp.sentences.sentence_spans`);
    at least one item (the text itself when it has no span)."""
    from pipeline.nlp.sentences import sentence_spans

    spans = sentence_spans(text)
    return [text[a:b] for a, b in spans] or [text]


def cue_sentences(text: str, cue: str | None) -> list[int] | None:
    """Indices (into :func:`paragraph_sentences`) of the sentences that overlap
    the first case-insensitive match of ``cue`` in ``text``; None when ``cue``
    is empty or not found."""
    from pipeline.nlp.sentences import sentence_spans

    cue = (cue or "").strip()
    if not cue:
        return None
    j = text.lower().find(cue.lower())
    if j < 0:
        return None
    spans = sentence_spans(text) or [(0, len(text))]
    hit = [k for k, (a, b) in enumerate(spans) if a < j + len(cue) and j < b]
    return hit or None


@dataclass(frozen=True)
class Units:
    """Rows of a sentence model.  ``owner[i]``: paragraph index; ``sent[i]``:
    sentence index in that paragraph or :data:`WHOLE`; ``y[i]``: 0/1 label
    (all 0 for units to be scored)."""

    owner: np.ndarray
    sent: np.ndarray
    y: np.ndarray

    def texts(self, texts: Sequence[str], sentences: Sequence[Sequence[str]]) -> list[str]:
        """The text of each unit."""
        return [texts[i] if k == WHOLE else sentences[i][k] for i, k in zip(self.owner, self.sent)]

    def vectors(self, par_vec: np.ndarray, sent_vecs: Sequence[np.ndarray]) -> np.ndarray:
        """``(n_units, 384)``: the sentence's vector, or ``par_vec[i]`` for a whole-paragraph unit."""
        return np.stack([par_vec[i] if k == WHOLE else sent_vecs[i][k] for i, k in zip(self.owner, self.sent)])


def scoring_units(sentences: Sequence[Sequence[str]]) -> Units:
    """Every sentence of every paragraph, label 0."""
    owner = [i for i, ss in enumerate(sentences) for _ in ss]
    sent = [k for ss in sentences for k in range(len(ss))]
    return Units(np.asarray(owner, dtype=np.int64), np.asarray(sent, dtype=np.int64), np.zeros(len(owner), np.int64))


def training_units(texts: Sequence[str], sentences: Sequence[Sequence[str]], labels: Sequence[int],
                   cues: Sequence[str | None]) -> Units:
    """Training rows; see the module docstring."""
    owner, sent, y = [], [], []
    for i, (t, ss, lab, cue) in enumerate(zip(texts, sentences, labels, cues)):
        if not lab:
            idx, lab_ = list(range(len(ss))), 0
        else:
            idx, lab_ = cue_sentences(t, cue) or [WHOLE], 1
        owner += [i] * len(idx)
        sent += idx
        y += [lab_] * len(idx)
    return Units(np.asarray(owner, dtype=np.int64), np.asarray(sent, dtype=np.int64), np.asarray(y, dtype=np.int64))


def mean_vectors(sent_vecs: Sequence[np.ndarray]) -> np.ndarray:
    """``(n, 384)``: each paragraph's L2-normalised mean sentence vector (its
    paragraph vector when no separate paragraph pass is run)."""
    m = np.stack([v.mean(0) for v in sent_vecs]).astype(np.float32)
    return m / np.maximum(np.linalg.norm(m, axis=1, keepdims=True), 1e-12)


def embed_sentences(encoder, sentences: Sequence[Sequence[str]], cache_dir: Path | None = None,
                    use_cache: bool = True) -> list[np.ndarray]:
    """One ``(n_sentences, 384)`` float32 array per paragraph.

    ``use_cache``: read and write :func:`.embedcache.cached_embed` (training),
    under ``<cache_dir>/runtime-<runtime>`` because torch and int8 vectors of
    the same weights differ (:mod:`.runtime`) and the cache keys only by
    weights; otherwise one :meth:`encoder.embed` call (inference, no disk).
    """
    flat = [s for ss in sentences for s in ss]
    if use_cache:
        from .embedcache import cached_embed, default_cache_dir
        from .runtime import encoder_runtime

        root = Path(cache_dir) if cache_dir is not None else default_cache_dir()
        vecs = cached_embed(encoder, flat, root / f"runtime-{encoder_runtime(encoder)}")
    else:
        vecs = encoder.embed(flat) if flat else np.zeros((0, 384), np.float32)
    out, pos = [], 0
    for ss in sentences:
        out.append(np.asarray(vecs[pos : pos + len(ss)], dtype=np.float32))
        pos += len(ss)
    return out
