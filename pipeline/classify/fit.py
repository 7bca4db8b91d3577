"""Fitting heads on cached embeddings: the training loop, model selection by
grouped cross-validation, and the binary decision threshold.

Everything here sees only training data.  Cross-validation folds are grouped
by cable id (``GroupKFold``), so paragraphs of one cable never sit on both
sides of a fold, as in the final train/eval split.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import numpy as np
import torch
from sklearn.metrics import f1_score
from sklearn.model_selection import GroupKFold

from .heads import Head

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class HeadConfig:
    """Hyper-parameters of one head: ``hidden`` 0 = linear; ``l2`` the penalty
    ``l2 * sum(w**2) / 2`` on the weight matrices added to the mean loss (as
    scikit-learn's ``C = 1 / (n * l2)``); ``epochs`` full-batch Adam steps at ``lr``."""

    hidden: int = 0
    dropout: float = 0.0
    l2: float = 1e-3
    epochs: int = 400
    lr: float = 1e-2

    def name(self) -> str:
        kind = "linear" if self.hidden == 0 else f"mlp{self.hidden}"
        return f"{kind}-l2_{self.l2:g}"


#: Candidates tried by :func:`select_config`, simplest first (a few seconds each).
CANDIDATES: tuple[HeadConfig, ...] = (
    HeadConfig(hidden=0, l2=3e-3),
    HeadConfig(hidden=0, l2=3e-4),
    HeadConfig(hidden=0, l2=3e-5),
    HeadConfig(hidden=64, dropout=0.2, l2=3e-4, epochs=300, lr=3e-3),
)


#: Macro-F1 difference under which CV scores count as a tie (simpler head wins).
TIE = 0.005


def train_head(
    X: np.ndarray, y: np.ndarray, n_out: int, config: HeadConfig, seed: int = 0
) -> Head:
    """Fit a :class:`Head` on ``X`` ``(n, d)`` float32 and ``y`` ``(n,)``.

    ``n_out == 1``: ``y`` holds 0/1, loss is binary cross-entropy.
    ``n_out > 1``: ``y`` holds class indices, loss is cross-entropy.
    Full-batch Adam with an L2 penalty (the data fit in memory: 10k x 384 floats = 15 MB),
    deterministic for a given ``seed``.
    """
    torch.manual_seed(seed)
    module = Head(X.shape[1], n_out, config.hidden, config.dropout)
    opt = torch.optim.Adam(module.parameters(), lr=config.lr)
    weights = [p for n, p in module.named_parameters() if n.endswith("weight")]
    xt = torch.from_numpy(np.asarray(X, dtype=np.float32))
    if n_out == 1:
        yt = torch.from_numpy(np.asarray(y, dtype=np.float32))
        loss_fn = torch.nn.BCEWithLogitsLoss()
    else:
        yt = torch.from_numpy(np.asarray(y, dtype=np.int64))
        loss_fn = torch.nn.CrossEntropyLoss()
    module.train()
    for _ in range(config.epochs):
        opt.zero_grad()
        out = module(xt)
        loss = loss_fn(out[:, 0] if n_out == 1 else out, yt)
        loss = loss + 0.5 * config.l2 * sum((w**2).sum() for w in weights)
        loss.backward()
        opt.step()
    module.eval()
    return module


def _proba(module: Head, X: np.ndarray, n_out: int) -> np.ndarray:
    with torch.inference_mode():
        logits = module(torch.from_numpy(np.asarray(X, dtype=np.float32)))
        if n_out == 1:
            return torch.sigmoid(logits[:, 0]).numpy()
        return torch.softmax(logits, 1).numpy()


def out_of_fold(
    X: np.ndarray, y: np.ndarray, groups: np.ndarray, n_out: int, config: HeadConfig, folds: int = 5
) -> np.ndarray:
    """Out-of-fold probabilities by ``GroupKFold`` over ``groups`` (cable ids).

    Shape ``(n,)`` for ``n_out == 1``, else ``(n, n_out)``.
    """
    oof = np.zeros((len(y),) if n_out == 1 else (len(y), n_out), dtype=np.float64)
    for tr, va in GroupKFold(n_splits=folds).split(X, y, groups):
        oof[va] = _proba(train_head(X[tr], y[tr], n_out, config), X[va], n_out)
    return oof


def best_threshold(y: np.ndarray, p: np.ndarray) -> float:
    """Threshold on P(True) maximising macro-F1 (both classes) of ``y`` (0/1).

    Scans 0.05..0.95 by 0.01; ties go to the threshold nearest 0.5.
    """
    grid = np.round(np.arange(0.05, 0.951, 0.01), 2)
    scores = [f1_score(y, p >= t, average="macro", zero_division=0) for t in grid]
    best = max(scores)
    return float(min((t for t, s in zip(grid, scores) if s >= best - 1e-12), key=lambda t: abs(t - 0.5)))


def select_config(
    X: np.ndarray,
    y: np.ndarray,
    groups: np.ndarray,
    n_out: int,
    candidates: tuple[HeadConfig, ...] = CANDIDATES,
    folds: int = 5,
) -> tuple[HeadConfig, float, dict[str, float], np.ndarray]:
    """Pick the simplest candidate within ``TIE`` of the best grouped-CV
    macro-F1 on training data (candidates are listed simplest first).

    For binary tasks each candidate's macro-F1 is taken at its own best
    out-of-fold threshold.  Returns ``(config, threshold, cv_scores_by_name,
    oof_probabilities_of_the_winner)``; ``threshold`` is 0.5 for multiclass.
    """
    scores: dict[str, float] = {}
    runs: list[tuple[float, HeadConfig, float, np.ndarray]] = []
    for cfg in candidates:
        oof = out_of_fold(X, y, groups, n_out, cfg, folds)
        if n_out == 1:
            thr = best_threshold(y, oof)
            score = f1_score(y, oof >= thr, average="macro", zero_division=0)
        else:
            thr = 0.5
            score = f1_score(y, oof.argmax(1), average="macro", zero_division=0)
        scores[cfg.name()] = round(float(score), 4)
        log.info("cv %s: macro-F1 %.3f (threshold %.2f)", cfg.name(), score, thr)
        runs.append((float(score), cfg, thr, oof))
    top = max(r[0] for r in runs)
    chosen = next(r for r in runs if r[0] >= top - TIE)
    return chosen[1], chosen[2], scores, chosen[3]
