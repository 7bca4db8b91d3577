"""Grouped (by cable) k-fold CV of the sentence-tuned network (:mod:`.sentence_finetune`).

``python -m pipeline.classify.tuned_cv [--only 0] [--layers 6] [--epochs 3]
[--lr 5e-5] [--out .cache/tuned_cv]`` trains on the other folds' paragraphs
(both tasks, :func:`.sentence_finetune.multitask_units`), scores the held-out
fold's paragraphs and writes ``fold<k>.json`` (F1(True) at 0.5 and the best
over 0.05-0.95, optimistic) and ``fold<k>.npz`` (indices, scores, labels).
The folds are those of :mod:`.crossval` and :mod:`.sentence_cv`
(``GroupKFold(5)`` on cable ids of all labelled paragraphs), so the figures
sit beside the hybrid and sentence-head rows.  One fold of 6 layers costs
about 12 minutes on 2 CPU cores.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
import time
from pathlib import Path

import numpy as np

from .crossval import f1_at, folds, load_rows
from .data import DEFAULT_LABELS
from .sentence_finetune import TASK_ORDER, SentenceTuner, multitask_units

log = logging.getLogger(__name__)

GRID = np.round(np.arange(0.05, 0.951, 0.01), 2)


def run_fold(labels: list[Path], k: int, fold: int, layers: int, epochs: int, lr: float, out_dir: Path,
             seed: int = 0, ema: float = 0.0) -> dict:
    """Train on all folds but ``fold``, score ``fold``; returns the summary written to ``fold<fold>.json``."""
    texts, y, groups, rows = load_rows(labels)
    tr, va = folds(groups, k)[fold]
    cues = [[rows[i].get(f"{t}_cue") for t in TASK_ORDER] for i in range(len(rows))]
    units, uy, _ = multitask_units([texts[i] for i in tr], y[tr], [cues[i] for i in tr])
    net = SentenceTuner(layers=layers)
    fit = net.fit(units, uy, epochs=epochs, lr=lr, seed=seed, ema=ema)
    t0 = time.time()
    P = net.predict_proba([texts[i] for i in va])
    res = {"fold": fold, "folds": k, "layers": layers, "epochs": epochs, "lr": lr, "seed": seed, "ema": ema, "units": len(units),
           "train_paragraphs": len(tr), "scored_paragraphs": len(va), "fit": fit,
           "predict_seconds": round(time.time() - t0, 1)}
    for j, task in enumerate(TASK_ORDER):
        f1s = [f1_at(y[va, j], P[:, j], g) for g in GRID]
        res[task] = {"f1_at_0.5": round(f1_at(y[va, j], P[:, j], 0.5), 4), "f1_best": round(max(f1s), 4),
                     "best_threshold": float(GRID[int(np.argmax(f1s))])}
    out_dir.mkdir(parents=True, exist_ok=True)
    np.savez(out_dir / f"fold{fold}.npz", va=va, P=P, y=y[va])
    (out_dir / f"fold{fold}.json").write_text(json.dumps(res, indent=2) + "\n")
    log.info("fold %d: %s", fold, json.dumps({t: res[t] for t in TASK_ORDER}))
    return res


def pooled(out_dir: Path, threshold: float = 0.5) -> dict:
    """F1(True) at ``threshold`` per fold and over the pooled held-out
    paragraphs of every ``fold<k>.npz`` in ``out_dir`` (each labelled
    paragraph is held out in exactly one fold, so the pooled figure covers all
    of them once the folds are run).  Returns ``{"folds": [k...],
    "paragraphs": n, task: {"per_fold": [...], "pooled": f1}}``; raises
    ``FileNotFoundError`` when ``out_dir`` holds no fold file."""
    files = sorted(out_dir.glob("fold*.npz"))
    if not files:
        raise FileNotFoundError(f"{out_dir}: no fold*.npz (run the folds first)")
    parts = [np.load(f) for f in files]
    res: dict = {"folds": [int(f.stem[4:]) for f in files], "paragraphs": int(sum(len(p["va"]) for p in parts))}
    for j, task in enumerate(TASK_ORDER):
        y = np.concatenate([p["y"][:, j] for p in parts])
        P = np.concatenate([p["P"][:, j] for p in parts])
        res[task] = {"per_fold": [round(f1_at(p["y"][:, j], p["P"][:, j], threshold), 4) for p in parts],
                     "pooled": round(f1_at(y, P, threshold), 4)}
    return res


def main(argv: list[str] | None = None) -> int:
    """CLI entry point; see the module docstring."""
    ap = argparse.ArgumentParser(prog="python -m pipeline.classify.tuned_cv", description=__doc__.split("\n")[0])
    ap.add_argument("--labels", action="append", type=Path, help=f"labelled JSONL (default {DEFAULT_LABELS})")
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--only", type=int, action="append", help="run only this fold (repeatable)")
    ap.add_argument("--layers", type=int, default=6)
    ap.add_argument("--epochs", type=int, default=3)
    ap.add_argument("--lr", type=float, default=5e-5)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--ema", type=float, default=0.0, help="EMA decay of the weights (0 = last step's weights)")
    ap.add_argument("--out", type=Path, default=Path(".cache/tuned_cv"))
    ap.add_argument("--summary", action="store_true", help="print the per-fold and pooled F1 of the folds in --out; train nothing")
    args = ap.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    if args.summary:
        print(json.dumps(pooled(args.out)))
        return 0
    for f in args.only or range(args.folds):
        run_fold(args.labels or [DEFAULT_LABELS], args.folds, f, args.layers, args.epochs, args.lr, args.out,
                 seed=args.seed, ema=args.ema)
    return 0


if __name__ == "__main__":
    sys.exit(main())
