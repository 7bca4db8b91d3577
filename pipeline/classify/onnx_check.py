"""Does the int8 onnxruntime encoder change the classifiers' answers?

``python -m pipeline.classify.onnx_check [--split dev]`` embeds the labelled
paragraphs of one split (``corpora/labelled/paragraphs.jsonl`` cut by
``corpora/splits.json``; ``dev`` is the held-out split the commitment and
doubt heads are scored on in their model cards, 253 paragraphs; the
labelled file has no ``test`` cables; ``all`` takes every split)
with the torch encoder and with :class:`.onnx_encoder.OnnxEncoder`, runs the
default heads of every task on both, and prints per task: the share of
paragraphs with the same label, the positive-class F1 (binary tasks) and the
macro-F1 of each runtime against the gold labels, and their differences.
The last line is the same as JSON.  The issue's bar (issue 8) is an F1 and
macro-F1 difference of at most 0.005.

Scoring uses :func:`.metrics.report`; paragraphs go in without cable context
(the labelled file has none), so the sensitivity scores here are those of
its words-only mode, which is the same for both runtimes because the v2
sensitivity head reads no embedding.
"""

from __future__ import annotations

import argparse
import json
import logging
import time
from dataclasses import dataclass
from typing import Any

import numpy as np

log = logging.getLogger(__name__)


@dataclass
class TaskAgreement:
    """One task on one split: agreement and the gold-label scores of both runtimes."""

    task: str
    n: int
    same_label: float
    f1_torch: float
    f1_onnx: float
    macro_f1_torch: float
    macro_f1_onnx: float

    @property
    def delta_f1(self) -> float:
        return self.f1_onnx - self.f1_torch

    @property
    def delta_macro_f1(self) -> float:
        return self.macro_f1_onnx - self.macro_f1_torch


def _labels(preds, task: str) -> list[Any]:
    if task == "sensitivity":
        return [p.sensitivity.label for p in preds]
    return [bool(getattr(p, task).label) for p in preds]


def compare(split: str = "dev", batch_size: int = 32) -> tuple[list[TaskAgreement], dict[str, float]]:
    """Score torch and onnx encoders on the labelled paragraphs of ``split``.

    Returns the per-task rows and ``{"torch_s", "onnx_s", "paragraphs"}``
    (encoding seconds of each runtime on those paragraphs).  Raises
    ``FileNotFoundError`` when the labelled file or splits are missing.
    """
    from pipeline.records import SENSITIVITY_LABELS

    from .data import DEFAULT_LABELS, DEFAULT_SPLITS, load_labelled, load_splits
    from .encoder import Encoder
    from .metrics import report
    from .onnx_encoder import OnnxEncoder
    from .predict import ParagraphClassifier
    from .registry import TASKS

    splits = load_splits(DEFAULT_SPLITS)
    ids = set().union(*splits.values()) if split == "all" else splits[split]
    rows = [r for r in load_labelled([DEFAULT_LABELS]) if r["cable_id"] in ids]
    if not rows:
        raise ValueError(f"no labelled paragraphs in split {split!r}")
    texts = [r["text"] for r in rows]
    t_enc, o_enc = Encoder(), OnnxEncoder()
    t_enc.show_progress = o_enc.show_progress = False
    clf_t = ParagraphClassifier.load(encoder=t_enc)
    clf_o = ParagraphClassifier.load(encoder=o_enc)
    t0 = time.perf_counter()
    emb_t = clf_t.embed(texts, batch_size=batch_size)
    t1 = time.perf_counter()
    emb_o = clf_o.embed(texts, batch_size=batch_size)
    t2 = time.perf_counter()
    pred_t = clf_t.predict_embeddings(emb_t, texts=texts)
    pred_o = clf_o.predict_embeddings(emb_o, texts=texts)
    out = []
    for task in TASKS:
        keep = [i for i, r in enumerate(rows) if r.get(task) is not None
                and (task != "sensitivity" or r[task] in SENSITIVITY_LABELS)]
        gold = [r[task] if task == "sensitivity" else bool(r[task]) for r in (rows[i] for i in keep)]
        lt, lo = _labels(pred_t, task), _labels(pred_o, task)
        lt, lo = [lt[i] for i in keep], [lo[i] for i in keep]
        labels = list(SENSITIVITY_LABELS) if task == "sensitivity" else [False, True]
        rt, ro = report(gold, lt, labels), report(gold, lo, labels)
        f1 = (lambda r: r["per_label"]["True"]["f1"]) if task != "sensitivity" else (lambda r: r["macro_f1"])
        out.append(TaskAgreement(
            task=task, n=len(keep), same_label=float(np.mean([a == b for a, b in zip(lt, lo)])) if keep else 1.0,
            f1_torch=f1(rt), f1_onnx=f1(ro), macro_f1_torch=rt["macro_f1"], macro_f1_onnx=ro["macro_f1"],
        ))
    cos = float(np.mean(np.sum(emb_t * emb_o, axis=1))) if len(texts) else 1.0
    return out, {"paragraphs": len(texts), "torch_s": t1 - t0, "onnx_s": t2 - t1, "mean_cosine": cos}


def table(rows: list[TaskAgreement]) -> str:
    """Plain-text table of :func:`compare`'s rows (F1 = positive class; sensitivity: macro)."""
    lines = [f"{'task':<13}{'n':>6}{'same':>8}{'F1 torch':>10}{'F1 onnx':>9}{'dF1':>8}"
             f"{'mF1 torch':>11}{'mF1 onnx':>10}{'dmF1':>8}"]
    for r in rows:
        lines.append(f"{r.task:<13}{r.n:>6}{r.same_label:>8.2%}{r.f1_torch:>10.4f}{r.f1_onnx:>9.4f}"
                     f"{r.delta_f1:>+8.4f}{r.macro_f1_torch:>11.4f}{r.macro_f1_onnx:>10.4f}{r.delta_macro_f1:>+8.4f}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Print the agreement table and a JSON line; exit 1 when a delta exceeds 0.005."""
    import pipeline.env  # noqa: F401

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--split", default="dev", choices=("train", "dev", "test", "all"))
    ap.add_argument("--batch-size", type=int, default=32)
    args = ap.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    rows, timing = compare(args.split, args.batch_size)
    print(table(rows))
    print(f"{timing['paragraphs']} paragraphs; encoding {timing['torch_s']:.1f} s torch, "
          f"{timing['onnx_s']:.1f} s onnx int8; mean cosine {timing['mean_cosine']:.4f}")
    ok = all(abs(r.delta_f1) <= 0.005 and abs(r.delta_macro_f1) <= 0.005 for r in rows)
    print(json.dumps({"split": args.split, **{k: round(v, 4) for k, v in timing.items()},
                      "tasks": {r.task: {"n": r.n, "same_label": round(r.same_label, 4),
                                         "f1_torch": r.f1_torch, "f1_onnx": r.f1_onnx,
                                         "macro_f1_torch": r.macro_f1_torch, "macro_f1_onnx": r.macro_f1_onnx}
                                for r in rows}, "within_0_005": ok}))
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
