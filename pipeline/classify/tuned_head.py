"""A commitment or doubt head backed by the sentence-fine-tuned MiniLM.

:class:`TunedHead` has the interface of the other heads (``predict_proba``,
``predict``, ``meta``, ``save``, ``load``) but reads no shared paragraph
vector: it runs its own network (:class:`.sentence_finetune.SentenceTuner`)
on the paragraph's sentences.  The commitment and doubt heads of one
training run store byte-identical weights (one network, two outputs; git
keeps one blob), and loading shares one network per weights file, and one
pass per batch of texts, between the two heads.

Files of a version folder: ``meta.json`` (``format``: :data:`FORMAT`,
``column``: the network output this task reads, ``weights_sha256``) and
:data:`.sentence_finetune.WEIGHTS_FILE` (float16 tensors).
"""

from __future__ import annotations

import hashlib
import json
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Sequence

import numpy as np

from .heads import META_FILE, HeadFileError
from .sentence_finetune import TASK_ORDER, WEIGHTS_FILE, SentenceTuner

FORMAT = "sentence-tuned-1"

_LOCK = threading.Lock()
#: Loaded networks by weights sha256 (commitment and doubt share one).
_NETWORKS: dict[str, SentenceTuner] = {}


def file_sha256(path: Path) -> str:
    """Hex sha256 of a file's bytes."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


class SharedPass:
    """Memo of the last batch of texts a network scored, so that the
    commitment and doubt heads of one network cost one pass.  Thread-safe."""

    def __init__(self, net):
        # net: a SentenceTuner or an onnx_tuned.OnnxSentenceTuner (same predict_proba)
        self.net = net
        self._lock = threading.Lock()
        self._key: tuple[str, ...] | None = None
        self._P: np.ndarray | None = None

    def proba(self, texts: Sequence[str], batch_size: int = 64) -> np.ndarray:
        """``(len(texts), 2)`` P(True) per task (:meth:`SentenceTuner.predict_proba`)."""
        key = tuple(texts)
        with self._lock:
            if self._key != key:
                self._P = self.net.predict_proba(list(texts), batch_size=batch_size) if texts else \
                    np.zeros((0, len(TASK_ORDER)), np.float32)
                self._key = key
            return self._P


_PASSES: dict[tuple[int, str], SharedPass] = {}


def shared_pass(net: SentenceTuner, runtime: str | None = None) -> SharedPass:
    """The one :class:`SharedPass` of ``net`` on ``runtime``.

    ``runtime``: ``"torch"`` or ``"onnx"``; None reads ``[classify] runtime``
    (``configs/pipeline.toml``).  ``"onnx"`` runs the network in onnxruntime
    by ``[classify] tuned_recipe`` (int8 by default; built on first use into
    ``.cache/onnx``, :mod:`.onnx_tuned`), falling back to torch with a warning
    when the build fails.  int8 v5 on the 253 dev paragraphs: F1 0.7407 /
    0.7903 against torch's 0.7396 / 0.7871, 1.7-2.0x torch's paragraphs/s
    (:mod:`.onnx_tuned` docstring).
    """
    from pipeline.config import load_config

    cfg = load_config()["classify"]
    rt = runtime or str(cfg.get("runtime", "onnx"))
    with _LOCK:
        p = _PASSES.get((id(net), rt))
        if p is None:
            from .onnx_tuned import runner_for

            runner = runner_for(net, rt, str(cfg.get("tuned_recipe", "int8")), int(cfg.get("threads", 2)),
                                recheck_margin=float(cfg.get("tuned_recheck_margin", 0.0)))
            p = _PASSES[(id(net), rt)] = SharedPass(runner)
        return p


@dataclass
class TunedHead:
    """Binary head reading column ``column`` of a :class:`SentenceTuner`.

    ``threshold``: label = P >= threshold.  ``encoder``: the base encoder's
    info plus ``layers`` and ``weights_sha256`` of the tuned weights.
    """

    task: str
    net: SentenceTuner
    column: int
    threshold: float = 0.5
    encoder: dict[str, Any] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)
    kind: str = "binary"
    labels: list[Any] = field(default_factory=lambda: [False, True])
    input_dim: int = 384
    #: This head runs its own network on the text; the shared paragraph vector is not read.
    reads_embedding: bool = False
    #: ``"torch"`` / ``"onnx"``; None = ``[classify] runtime`` (training evaluates with torch).
    runtime: str | None = None

    def predict_proba(self, emb: np.ndarray | None, texts: Sequence[str] | None = None, contexts=None) -> np.ndarray:
        """P(True) ``(n,)`` float64 for ``texts`` (``emb`` and ``contexts`` are
        ignored).  Raises ``ValueError`` without texts."""
        if texts is None:
            raise ValueError(f"{self.task}: the tuned head needs the paragraph texts")
        return shared_pass(self.net, self.runtime).proba(texts)[:, self.column].astype(np.float64)

    def predict(self, emb, texts=None, contexts=None) -> np.ndarray:
        """Labels: bool array ``(n,)``."""
        return self.predict_proba(emb, texts, contexts) >= self.threshold

    # -- files --------------------------------------------------------------
    def meta(self) -> dict[str, Any]:
        """The ``meta.json`` content."""
        return {"format": FORMAT, "task": self.task, "kind": self.kind, "labels": list(self.labels),
                "threshold": self.threshold, "input_dim": self.input_dim, "hidden": 0, "dropout": 0.0,
                "column": self.column, "tasks": list(TASK_ORDER), "layers": self.net.layers,
                "encoder": self.encoder, **self.extra}

    def save(self, folder: Path) -> None:
        """Write the weights and ``meta.json`` into ``folder`` (created); sets
        ``encoder["weights_sha256"]`` to the written file's hash."""
        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        self.net.save(folder)
        self.encoder = {**self.encoder, "tuned_weights_sha256": file_sha256(folder / WEIGHTS_FILE)}
        (folder / META_FILE).write_text(json.dumps(self.meta(), indent=2) + "\n", encoding="utf-8")

    @classmethod
    def load(cls, folder: Path) -> "TunedHead":
        """Read a head written by :meth:`save`.  Raises :class:`.heads.HeadFileError`
        naming the folder when a file is missing or does not fit."""
        folder = Path(folder)
        try:
            meta = json.loads((folder / META_FILE).read_text(encoding="utf-8"))
            sha = file_sha256(folder / WEIGHTS_FILE)
        except FileNotFoundError as err:
            raise HeadFileError(f"{folder}: missing {Path(err.filename).name}") from err
        except (OSError, ValueError) as err:
            raise HeadFileError(f"{folder}: unreadable head: {err}") from err
        if meta.get("format") != FORMAT or meta.get("tasks") != list(TASK_ORDER):
            raise HeadFileError(f"{folder}: not a {FORMAT} head for tasks {list(TASK_ORDER)}")
        with _LOCK:
            net = _NETWORKS.get(sha)
            if net is None:
                try:
                    net = SentenceTuner.load(folder, lazy=True, sha256=sha)  # torch modules built on first use
                except Exception as err:  # noqa: BLE001 - safetensors/torch raise several kinds on a bad file
                    raise HeadFileError(f"{folder}: unreadable {WEIGHTS_FILE}: {err}") from err
                _NETWORKS[sha] = net
        known = {"format", "task", "kind", "labels", "threshold", "input_dim", "hidden", "dropout", "column",
                 "tasks", "layers", "encoder"}
        return cls(task=meta["task"], net=net, column=int(meta["column"]), threshold=float(meta["threshold"]),
                   encoder=meta.get("encoder", {}), extra={k: v for k, v in meta.items() if k not in known})
