"""Classify with the int8 encoder; re-encode exactly the paragraphs near a threshold.

For heads trained on torch vectors (commitment/doubt up to v3).  Measured on
the labelled paragraphs (README, Performance): the int8 encoder's vectors
have a cosine of about 0.994 to torch's, but the hybrid heads weigh the
embedding heavily, so P(commitment) and P(doubt) move by up to about 0.13
and 1-3% of the labels flip, which costs more than the 0.005 of F1 that
issue 8 allows.  A label can only flip when the int8 score lies within that
distance of the head's threshold, so :class:`RecheckClassifier` encodes
every paragraph with the int8 encoder, then encodes again with the exact
torch encoder only the paragraphs whose score lies within ``margin`` of a
threshold (binary heads) or whose two likeliest levels lie within
``margin`` (a multiclass head that reads the embedding), and keeps the
exact predictions for those.  Every other paragraph keeps its int8
prediction, which is on the same side of the threshold.  It re-encodes 26-38%
of the paragraphs, which costs most of int8's gain.  Heads trained on the
int8 vectors (:mod:`.train_runtime`) need no re-check (``[classify]
recheck_margin = 0``), but the v4 ones scored below the torch heads on dev.

It offers the part of :class:`.predict.ParagraphClassifier`'s interface that
the flow and the benchmark use (``predict``, ``embed``, ``versions``,
``encoder``, ``heads``), built from public calls only.
"""

from __future__ import annotations

import logging

import numpy as np

from pipeline.records import ParagraphPredictions

from .context import ParagraphContext
from .encoder import Encoder
from .markings import strip_leading_marking
from .predict import ParagraphClassifier

log = logging.getLogger(__name__)

#: Default margin: above the largest int8-vs-torch score change seen on the
#: 840 labelled paragraphs measured (0.128, doubt head).
DEFAULT_MARGIN = 0.13


def _reads_embedding(head) -> bool:
    from .runtime import reads_embedding

    return reads_embedding(head)


class RecheckClassifier:
    """``fast`` classifier (int8 encoder) plus an ``exact`` encoder for the
    paragraphs near a decision boundary; see the module doc.

    ``margin``: distance to the threshold (binary) or between the two top
    levels (multiclass) under which a paragraph is re-encoded; 0 turns the
    re-check off.  ``rechecked`` / ``seen`` count paragraphs over the
    object's life (the benchmark reports the share).
    """

    def __init__(self, fast: ParagraphClassifier, exact: Encoder | None, margin: float = DEFAULT_MARGIN):
        if margin > 0 and exact is None:
            raise ValueError("a re-check margin needs an exact encoder")
        self.fast, self.exact, self.margin = fast, exact, float(margin)
        self.rechecked = 0
        self.seen = 0

    @property
    def encoder(self) -> Encoder:
        """The fast (int8) encoder, which every paragraph goes through."""
        return self.fast.encoder

    @property
    def heads(self):
        return self.fast.heads

    def versions(self) -> dict[str, dict[str, str]]:
        """As :meth:`.predict.ParagraphClassifier.versions`."""
        return self.fast.versions()

    def embed(self, texts: list[str], batch_size: int = 32) -> np.ndarray:
        """Fast (int8) vectors ``(n, 384)``; no re-check (that needs the heads)."""
        return self.fast.embed(texts, batch_size=batch_size)

    def borderline(self, preds: list[ParagraphPredictions]) -> list[int]:
        """Indices of ``preds`` that some embedding-reading head decided within the margin."""
        out = []
        for i, p in enumerate(preds):
            near = False
            for task, head in self.heads.items():
                if not _reads_embedding(head):
                    continue
                if task == "sensitivity":
                    top = sorted(p.sensitivity.scores.values(), reverse=True)
                    near = len(top) > 1 and top[0] - top[1] < self.margin
                else:
                    near = abs(getattr(p, task).score - head.threshold) < self.margin
                if near:
                    break
            if near:
                out.append(i)
        return out

    def predict(
        self,
        texts: list[str],
        contexts: list[ParagraphContext | None] | None = None,
        batch_size: int = 32,
    ) -> list[ParagraphPredictions]:
        """One prediction per text, in order; arguments and errors as
        :meth:`.predict.ParagraphClassifier.predict`."""
        preds = self.fast.predict(texts, contexts=contexts, batch_size=batch_size)
        self.seen += len(preds)
        if self.margin <= 0 or not preds:
            return preds
        idx = self.borderline(preds)
        if idx:
            assert self.exact is not None
            emb = self.exact.embed([strip_leading_marking(texts[i]) for i in idx], batch_size=batch_size)
            sub_ctx = [contexts[i] for i in idx] if contexts is not None else None
            again = self.fast.predict_embeddings(emb, texts=[texts[i] for i in idx], contexts=sub_ctx)
            for i, p in zip(idx, again):
                preds[i] = p
            self.rechecked += len(idx)
        log.debug("re-checked %d of %d paragraphs with the exact encoder", len(idx), len(preds))
        return preds
