"""The three paragraph classifiers behind one object.

>>> clf = ParagraphClassifier.load()            # models/<task>/DEFAULT heads
>>> preds = clf.predict(["The Minister agreed to raise the issue next week."])
>>> preds[0].commitment.label, preds[0].sensitivity.scores["C"]
>>> clf.predict(texts, contexts=contexts_for(cable))   # with cable context

Each paragraph is encoded once (:mod:`.encoder`, 384-d); the same vector
feeds the ``commitment`` and ``doubt`` heads (binary, ``score`` = P(True))
and the ``sensitivity`` head (U/SBU/C/S, probabilities summing to 1).
Heads of the ``hybrid-1`` format (:mod:`.hybrid`) also read the paragraph's
words and, where given, its :class:`.context.ParagraphContext` (cable level,
TAGS, position, neighbours); without a context the sensitivity head guesses
from the words alone and is much weaker (see its model card).

Callers pass paragraph text with its marking removed (``Paragraph.text``);
a leading ``(C)``-style marking still there is removed here as well
(:func:`.markings.strip_leading_marking`), before the one encoder pass, so
no head ever reads a marking.
"""

from __future__ import annotations

import logging
from pathlib import Path

import numpy as np

from pipeline.records import SENSITIVITY_LABELS, BinaryPrediction, LevelPrediction, ParagraphPredictions

from .encoder import DIM, ENCODER_NAME, Encoder, get_encoder
from .context import ParagraphContext
from .heads import HeadFileError, TaskHead
from .markings import strip_leading_marking
from .registry import TASKS, load_default, resolve_models_dir
from .runtime import check_runtime, encoder_for_heads, reads_embedding

log = logging.getLogger(__name__)


class ParagraphClassifier:
    """Encoder + the commitment, doubt and sensitivity heads.

    Build it with :meth:`load`.  ``heads`` maps each task of
    :data:`.registry.TASKS` to its :class:`.heads.TaskHead`.
    """

    def __init__(self, encoder: Encoder, heads: dict[str, TaskHead], models_dir: Path | None = None):
        missing = [t for t in TASKS if t not in heads]
        if missing:
            raise ValueError(f"heads missing for {missing}")
        for task, head in heads.items():
            _check_compatible(task, head, encoder)
        if list(heads["sensitivity"].labels) != list(SENSITIVITY_LABELS):
            raise HeadFileError(f"sensitivity head labels {heads['sensitivity'].labels} != {list(SENSITIVITY_LABELS)}")
        self.encoder = encoder
        self.heads = heads
        self.models_dir = models_dir
        #: Whether any head reads the shared paragraph vector; when none does
        #: (tuned commitment/doubt heads, sensitivity v3) the encoder pass is skipped.
        self.needs_embedding = any(reads_embedding(h) for h in heads.values())

    @classmethod
    def load(cls, models_dir: Path | str | None = None, encoder: Encoder | None = None) -> "ParagraphClassifier":
        """Load the default version of every head and the (shared) encoder.

        ``models_dir``: see :func:`.registry.resolve_models_dir`.  Without an
        ``encoder``, the one whose vectors the heads were trained on
        (:func:`.runtime.encoder_for_heads`: torch, or the onnxruntime recipe
        named in their ``meta.json``).  Raises
        :class:`.registry.ModelNotFound` when a task has no trained model,
        :class:`.encoder.EncoderUnavailable` when the encoder cannot load.
        """
        root = resolve_models_dir(models_dir)
        heads = {task: load_default(task, root) for task in TASKS}
        return cls(encoder or encoder_for_heads(heads), heads, root)

    def embed(self, texts: list[str], batch_size: int = 32) -> np.ndarray:
        """Paragraph vectors ``(n, 384)`` of the texts, markings stripped first."""
        return self.encoder.embed([strip_leading_marking(t) for t in texts], batch_size=batch_size)

    def predict(
        self,
        texts: list[str],
        contexts: list[ParagraphContext | None] | None = None,
        batch_size: int = 32,
    ) -> list[ParagraphPredictions]:
        """One :class:`~pipeline.records.ParagraphPredictions` per text, in order.

        ``contexts``: one :class:`.context.ParagraphContext` (or None) per text
        (:func:`.context.contexts_for` builds them from a parsed cable).
        Raises ``TypeError`` when ``texts`` is a string or holds a non-string,
        ``ValueError`` when ``contexts`` has another length.
        """
        if isinstance(texts, str) or any(not isinstance(t, str) for t in texts):
            raise TypeError("predict() takes a list of strings")
        emb = self.embed(texts, batch_size=batch_size) if self.needs_embedding else None
        return self.predict_embeddings(emb, texts=texts, contexts=contexts)

    def predict_embeddings(
        self,
        emb: np.ndarray,
        texts: list[str] | None = None,
        contexts: list[ParagraphContext | None] | None = None,
    ) -> list[ParagraphPredictions]:
        """Apply the three heads to ready embeddings ``(n, 384)`` (plus the
        texts and contexts that hybrid and tuned heads read).  ``emb`` may be
        None when no head reads it (:attr:`needs_embedding` False); then
        ``texts`` give the paragraph count."""
        if emb is None:
            if texts is None or self.needs_embedding:
                raise ValueError("embeddings are needed by these heads" if texts is not None else "no texts")
            n = len(texts)
        else:
            n = len(emb)
        if contexts is not None and len(contexts) != n:
            raise ValueError(f"{len(contexts)} contexts for {n} paragraphs")
        if texts is not None:
            if len(texts) != n:
                raise ValueError(f"{len(texts)} texts for {n} embeddings")
            texts = [strip_leading_marking(t) for t in texts]
        com, dou = self.heads["commitment"], self.heads["doubt"]
        p_com, p_dou = _proba(com, emb, texts, contexts), _proba(dou, emb, texts, contexts)
        p_sen = _proba(self.heads["sensitivity"], emb, texts, contexts)
        out = []
        for i in range(n):
            scores = {lab: float(p_sen[i, j]) for j, lab in enumerate(SENSITIVITY_LABELS)}
            out.append(
                ParagraphPredictions(
                    commitment=BinaryPrediction(bool(p_com[i] >= com.threshold), float(p_com[i])),
                    doubt=BinaryPrediction(bool(p_dou[i] >= dou.threshold), float(p_dou[i])),
                    sensitivity=LevelPrediction(SENSITIVITY_LABELS[int(p_sen[i].argmax())], scores),
                )
            )
        return out

    def versions(self) -> dict[str, dict[str, str]]:
        """Model name and version per role, for ``Provenance.models``.

        ``{"encoder": {"name": "sentence-transformers/all-MiniLM-L6-v2",
        "version": "0.1.0"}, "commitment": {"name": "cables-commitment",
        "version": "v1"}, ...}``.
        """
        info = self.encoder.info()
        out = {"encoder": {"name": str(info["name"]), "version": str(info["version"])}}
        for task, head in self.heads.items():
            out[task] = {"name": f"cables-{task}", "version": str(head.extra.get("version", "unknown"))}
        return out


def _proba(head, emb, texts, contexts) -> np.ndarray:
    if isinstance(head, TaskHead):
        return head.predict_proba(emb)
    return head.predict_proba(emb, texts, contexts)


def _check_compatible(task: str, head: TaskHead, encoder: Encoder) -> None:
    """Refuse a head trained on another encoder; warn on changed weights or
    another encoder runtime (:func:`.runtime.check_runtime`)."""
    name = head.encoder.get("name")
    if name != ENCODER_NAME or head.input_dim != DIM:
        raise HeadFileError(
            f"{task} head was trained on {name!r} ({head.input_dim}-d), not {ENCODER_NAME} ({DIM}-d)"
        )
    sha = head.encoder.get("weights_sha256")
    if sha and sha != encoder.info()["weights_sha256"]:
        log.warning("%s head was trained on other encoder weights (sha256 %s...)", task, sha[:12])
    # int8 and torch vectors of the same weights differ enough to flip labels (README, Performance)
    check_runtime(task, head, encoder)


def classify_jsonl(input_path, output_path, classifier=None, batch_size: int = 32, block: int = 512) -> int:
    """Classify a ``{"id", "text"}`` JSON Lines file; see :func:`.jsonl.classify_jsonl`."""
    from .jsonl import classify_jsonl as run

    return run(input_path, output_path, classifier=classifier, batch_size=batch_size, block=block)
