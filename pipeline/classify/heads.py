"""Small torch heads over the 384-d paragraph embedding, and their files.

A head is either linear (logistic regression / softmax regression) or one
hidden layer (``Linear -> GELU -> Dropout -> Linear``).  Two kinds of task:

- ``binary`` (``commitment``, ``doubt``): one logit, ``P(True) = sigmoid``;
  ``label = P(True) >= threshold``.
- ``multiclass`` (``sensitivity``): one logit per label of ``labels``
  (``U, SBU, C, S``), probabilities by softmax summing to 1.

On disk (:meth:`TaskHead.save`): ``head.safetensors`` (the weights, float32,
a few KB) and ``meta.json``::

    {"task": "doubt", "kind": "binary", "labels": [false, true],
     "threshold": 0.46, "input_dim": 384, "hidden": 0, "dropout": 0.0,
     "encoder": {"name": ..., "version": ..., "weights_sha256": ...}, ...}

:meth:`TaskHead.load` raises :class:`HeadFileError` when either file is missing
or they disagree (wrong shapes, unknown kind).
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import torch
from torch import nn

log = logging.getLogger(__name__)

HEAD_FILE = "head.safetensors"
META_FILE = "meta.json"
KINDS = ("binary", "multiclass")


class HeadFileError(ValueError):
    """A head's files are missing, unreadable or inconsistent."""


class Head(nn.Module):
    """``(n, input_dim)`` float32 -> ``(n, n_out)`` logits.

    ``hidden == 0`` gives a single ``Linear`` (logistic/softmax regression);
    ``hidden > 0`` one hidden GELU layer of that width with dropout.
    """

    def __init__(self, input_dim: int, n_out: int, hidden: int = 0, dropout: float = 0.0):
        super().__init__()
        if hidden > 0:
            self.net = nn.Sequential(
                nn.Linear(input_dim, hidden), nn.GELU(), nn.Dropout(dropout), nn.Linear(hidden, n_out)
            )
        else:
            self.net = nn.Sequential(nn.Linear(input_dim, n_out))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.net(x)


def read_head_files(folder: Path, load_file):
    """``(meta.json as a dict, the tensors of head.safetensors)`` of a head
    folder, read with ``load_file`` (safetensors' torch or numpy reader).

    Raises :class:`HeadFileError` naming the folder and the missing or
    unreadable file.
    """
    try:
        meta = json.loads((folder / META_FILE).read_text(encoding="utf-8"))
        return meta, load_file(str(folder / HEAD_FILE))
    except FileNotFoundError as err:
        raise HeadFileError(f"{folder}: missing {Path(err.filename).name}") from err
    except (OSError, ValueError) as err:
        raise HeadFileError(f"{folder}: unreadable head: {err}") from err


def write_head_files(folder: Path, arrays: dict, meta: dict, task: str, fmt: str) -> None:
    """Write ``arrays`` to ``head.safetensors`` (tagged with ``task`` and
    ``fmt``) and ``meta`` to ``meta.json`` in ``folder`` (created); the
    counterpart of :func:`read_head_files`."""
    from safetensors.numpy import save_file

    folder.mkdir(parents=True, exist_ok=True)
    save_file(arrays, str(folder / HEAD_FILE), metadata={"task": task, "format": fmt})
    (folder / META_FILE).write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")


@dataclass
class TaskHead:
    """A trained head plus what is needed to use and describe it.

    ``labels``: for binary tasks ``[False, True]``; for multiclass the label
    names in logit order.  ``threshold`` applies to binary tasks only.
    ``extra`` carries free-form metadata (training data, version, date) that is
    written to ``meta.json`` as is.
    """

    task: str
    kind: str
    labels: list[Any]
    module: Head
    input_dim: int
    hidden: int = 0
    dropout: float = 0.0
    threshold: float = 0.5
    encoder: dict[str, Any] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)

    # -- inference ----------------------------------------------------------
    def predict_proba(self, emb: np.ndarray, texts=None, contexts=None) -> np.ndarray:
        """Probabilities for embeddings of shape ``(n, input_dim)``.

        Binary: shape ``(n,)``, P(True).  Multiclass: shape ``(n, len(labels))``,
        rows summing to 1.  Raises ``ValueError`` on a wrong input width.
        """
        emb = np.asarray(emb, dtype=np.float32)
        if emb.ndim != 2 or emb.shape[1] != self.input_dim:
            raise ValueError(f"{self.task}: expected embeddings of shape (n, {self.input_dim}), got {emb.shape}")
        self.module.eval()
        with torch.inference_mode():
            logits = self.module(torch.from_numpy(emb))
            if self.kind == "binary":
                return torch.sigmoid(logits[:, 0]).numpy().astype(np.float64)
            return torch.softmax(logits, dim=1).numpy().astype(np.float64)

    def predict(self, emb: np.ndarray, texts=None, contexts=None) -> np.ndarray:
        """Labels: binary -> bool array ``(n,)``; multiclass -> array of label names.
        (``texts``/``contexts`` are accepted for the API of hybrid heads and ignored.)"""
        p = self.predict_proba(emb)
        if self.kind == "binary":
            return p >= self.threshold
        return np.asarray(self.labels, dtype=object)[p.argmax(1)]

    # -- files --------------------------------------------------------------
    def meta(self) -> dict[str, Any]:
        """The ``meta.json`` content."""
        return {
            "task": self.task,
            "kind": self.kind,
            "labels": list(self.labels),
            "threshold": self.threshold,
            "input_dim": self.input_dim,
            "n_out": 1 if self.kind == "binary" else len(self.labels),
            "hidden": self.hidden,
            "dropout": self.dropout,
            "encoder": self.encoder,
            **self.extra,
        }

    def save(self, folder: Path) -> None:
        """Write ``head.safetensors`` and ``meta.json`` into ``folder`` (created)."""
        from safetensors.torch import save_file

        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        state = {k: v.detach().to(torch.float32).contiguous() for k, v in self.module.state_dict().items()}
        save_file(state, str(folder / HEAD_FILE), metadata={"task": self.task, "kind": self.kind})
        (folder / META_FILE).write_text(json.dumps(self.meta(), indent=2) + "\n", encoding="utf-8")

    @classmethod
    def load(cls, folder: Path) -> "TaskHead":
        """Read a head written by :meth:`save`; raises :class:`HeadFileError`."""
        from safetensors.torch import load_file

        folder = Path(folder)
        meta, state = read_head_files(folder, load_file)
        if meta.get("kind") not in KINDS:
            raise HeadFileError(f"{folder}: unknown kind {meta.get('kind')!r}")
        known = {"task", "kind", "labels", "threshold", "input_dim", "n_out", "hidden", "dropout", "encoder"}
        module = Head(meta["input_dim"], meta["n_out"], meta.get("hidden", 0), meta.get("dropout", 0.0))
        try:
            module.load_state_dict(state)
        except RuntimeError as err:
            raise HeadFileError(f"{folder}: weights do not match meta.json: {err}") from err
        module.eval()
        return cls(
            task=meta["task"],
            kind=meta["kind"],
            labels=meta["labels"],
            module=module,
            input_dim=meta["input_dim"],
            hidden=meta.get("hidden", 0),
            dropout=meta.get("dropout", 0.0),
            threshold=float(meta.get("threshold", 0.5)),
            encoder=meta.get("encoder", {}),
            extra={k: v for k, v in meta.items() if k not in known},
        )
