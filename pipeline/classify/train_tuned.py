"""Training of the tuned commitment/doubt heads (:mod:`.tuned_head`) for ``cables train``.

One network serves both tasks (:class:`.sentence_finetune.SentenceTuner`,
two outputs), trained on the labelled paragraphs of the ``train`` cables
with both tasks' labels and cue spans.  Training it costs minutes, so a run
that trains commitment and then doubt (``cables train``) fits it once: the
fitted network is kept in memory per (data, settings) fingerprint.

Settings (``[train]`` of ``configs/pipeline.toml``; defaults below):
``tuned_layers`` 6, ``tuned_epochs`` 3 (v5; 4 epochs, v6: CV folds 0/1 0.798 / 0.767 and
0.787 / 0.765, i.e. not better), ``tuned_lr`` 5e-5, batch 32, ``tuned_ema`` 0
(an average of the weights, 0.995: folds 0/1 0.793 / 0.767 and 0.795 / 0.770, not better).
All five folds of the v5 recipe, pooled over the 2,600 labelled paragraphs:
F1 0.773 / 0.782 (``python -m pipeline.classify.tuned_cv --summary``).
Measured on fold 0 of the grouped 5-fold CV of the 2,600 labelled paragraphs
(520 held-out paragraphs of 20% of the cables; ``python -m
pipeline.classify.tuned_cv --only 0``), F1(True) at 0.5, commitment / doubt:
6 layers, word embeddings frozen, 3 epochs (v5) 0.796 / 0.783; 6 layers, all
trained 0.781 / 0.784; 3 layers 0.742 / 0.782; hybrid heads on the same fold
0.673 / 0.708, bag-of-words LR 0.593 / 0.715, cue rule 0.656 / 0.483.
About 12 minutes of training on 2 CPU cores (0.6-0.7 s per step of 32).
"""

from __future__ import annotations

import hashlib
import json
import logging
import time
from typing import Any

import numpy as np

from pipeline.config import load_config

from .markings import strip_leading_marking
from .sentence_finetune import TASK_ORDER, SentenceTuner, multitask_units

log = logging.getLogger(__name__)

DEFAULTS = {"tuned_layers": 6, "tuned_epochs": 3, "tuned_lr": 5e-5, "tuned_batch": 32, "tuned_ema": 0.0}
#: Label threshold: the networks are trained with cross-entropy, so P is a probability;
#: 0.5 is not chosen on any evaluation data (fold 0's best thresholds moved F1 by ~0.01).
THRESHOLD = 0.5

_FITTED: dict[str, tuple[SentenceTuner, dict[str, Any]]] = {}


def settings() -> dict[str, Any]:
    """``[train]`` tuned settings merged over :data:`DEFAULTS`."""
    cfg = load_config().get("train", {})
    return {k: type(v)(cfg.get(k, v)) for k, v in DEFAULTS.items()}


def model_kind() -> str:
    """``[train] commitment_doubt_model``: ``"tuned"`` (default) or ``"hybrid"``."""
    return str(load_config().get("train", {}).get("commitment_doubt_model", "tuned"))


def pair_rows(ds, cable_ids: set[str]) -> tuple[list[str], np.ndarray, list[list[str | None]], list[str]]:
    """Rows of ``ds`` whose cable is in ``cable_ids``: texts (marking stripped),
    labels ``(n, 2)`` (NaN when a task is unlabelled), cue spans per task, cable ids."""
    texts, y, cues, ids = [], [], [], []
    for r in ds:
        if r["cable_id"] not in cable_ids:
            continue
        lab = [np.nan if r.get(t) is None else float(bool(r[t])) for t in TASK_ORDER]
        if all(np.isnan(lab)):
            continue
        texts.append(strip_leading_marking(r["text"]))
        y.append(lab)
        cues.append([r.get(f"{t}_cue") for t in TASK_ORDER])
        ids.append(r["cable_id"])
    return texts, np.asarray(y, dtype=np.float32).reshape(-1, len(TASK_ORDER)), cues, ids


def fit_pair(ds, cable_ids: set[str], seed: int = 0) -> tuple[SentenceTuner, dict[str, Any]]:
    """The tuned network for the paragraphs of ``cable_ids`` (fitted once per
    data and settings in this process).  Returns ``(network, info)`` where
    ``info`` has ``units``, ``paragraphs``, ``seconds``, ``steps`` and the settings.
    Raises ``ValueError`` when no paragraph is labelled."""
    texts, y, cues, _ = pair_rows(ds, cable_ids)
    if not texts:
        raise ValueError("no labelled commitment/doubt paragraphs on the training cables")
    cfg = settings()
    key = hashlib.sha256(json.dumps([texts, np.nan_to_num(y, nan=-1).tolist(), cues, cfg, seed]).encode()).hexdigest()
    if key in _FITTED:
        log.info("tuned network: reusing the one fitted on the same data in this run")
        return _FITTED[key]
    units, uy, _ = multitask_units(texts, y, cues)
    log.info("tuned network: %d paragraphs -> %d sentence units; %s", len(texts), len(units), cfg)
    t0 = time.time()
    net = SentenceTuner(layers=cfg["tuned_layers"])
    fit = net.fit(units, uy, epochs=cfg["tuned_epochs"], batch_size=cfg["tuned_batch"], lr=cfg["tuned_lr"], seed=seed,
                  ema=cfg["tuned_ema"])
    info = {"paragraphs": len(texts), "units": len(units), "seconds": round(time.time() - t0, 1),
            "steps": fit["steps"], "settings": cfg, "seed": seed}
    _FITTED[key] = (net, info)
    return net, info
