"""Does the int8 onnxruntime encoder change the classifiers' answers?

``python -m pipeline.classify.onnx_check [--split dev] [--heads commitment=v3,doubt=v3]`` embeds the labelled
paragraphs of one split (``corpora/labelled/paragraphs.jsonl`` cut by
``corpora/splits.json``; ``dev`` is the held-out split the commitment and
doubt heads are scored on in their model cards, 253 paragraphs; the
labelled file has no ``test`` cables; ``all`` takes every split)
with the torch encoder and with :class:`.onnx_encoder.OnnxEncoder`, runs the
default heads of every task on both and on int8 with the exact re-check of
:class:`.onnx_classifier.RecheckClassifier`, and prints per task: the share
of paragraphs with torch's label, the positive-class F1 (binary tasks) and
the macro-F1 of each against the gold labels.
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
    """One task on one split: label agreement with torch and the gold-label
    scores (F1 of the positive class, or macro-F1 for sensitivity; and
    macro-F1) of torch, int8 alone and int8 with the exact re-check."""

    task: str
    n: int
    same_int8: float
    same_recheck: float
    f1: dict[str, float]
    macro_f1: dict[str, float]


def _labels(preds, task: str) -> list[Any]:
    if task == "sensitivity":
        return [p.sensitivity.label for p in preds]
    return [bool(getattr(p, task).label) for p in preds]


class _CachedTorch:
    """The torch encoder's vectors through the embedding cache (same values,
    read from disk where the training runs already computed them)."""

    def __init__(self, encoder):
        self.encoder = encoder

    def embed(self, texts: list[str], batch_size: int = 32) -> np.ndarray:
        from .embedcache import cached_embed

        return cached_embed(self.encoder, texts, batch_size=batch_size)


def compare(split: str = "dev", batch_size: int = 32, margin: float | None = None,
            heads: dict[str, str] | None = None) -> tuple[list[TaskAgreement], dict[str, float]]:
    """Score torch, int8 and int8 + re-check on the labelled paragraphs of ``split``.

    Torch vectors come through :mod:`.embedcache` (exactly the torch
    encoder's output; computed and stored when missing).  ``heads``:
    ``{task: version}`` to use instead of the DEFAULT versions (the re-check
    is meant for heads trained on torch vectors, e.g. commitment/doubt v3;
    the runtime mismatch warning on loading them is expected).  Returns the
    per-task rows and ``{"paragraphs", "onnx_s", "mean_cosine",
    "rechecked_share"}``.  Raises ``FileNotFoundError`` when the labelled file
    or splits are missing, ``ValueError`` when the split has no labelled
    paragraph.
    """
    from pipeline.records import SENSITIVITY_LABELS

    from .data import DEFAULT_LABELS, DEFAULT_SPLITS, load_labelled, load_splits
    from .encoder import Encoder
    from .markings import strip_leading_marking
    from .metrics import report
    from .onnx_classifier import DEFAULT_MARGIN, RecheckClassifier
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
    clf_o = ParagraphClassifier.load(encoder=o_enc)
    if heads:
        from .registry import load_version

        clf_o = ParagraphClassifier(o_enc, {**clf_o.heads, **{t: load_version(t, v) for t, v in heads.items()}})
    cached = _CachedTorch(t_enc)
    emb_t = cached.embed([strip_leading_marking(t) for t in texts], batch_size=batch_size)
    t0 = time.perf_counter()
    emb_o = clf_o.embed(texts, batch_size=batch_size)
    onnx_s = time.perf_counter() - t0
    pred_t = clf_o.predict_embeddings(emb_t, texts=texts)
    pred_o = clf_o.predict_embeddings(emb_o, texts=texts)
    recheck = RecheckClassifier(clf_o, cached, DEFAULT_MARGIN if margin is None else margin)  # type: ignore[arg-type]
    idx = recheck.borderline(pred_o)
    pred_r = list(pred_o)
    if idx:
        again = clf_o.predict_embeddings(emb_t[idx], texts=[texts[i] for i in idx])
        for i, p in zip(idx, again):
            pred_r[i] = p
    out = []
    for task in TASKS:
        keep = [i for i, r in enumerate(rows) if r.get(task) is not None
                and (task != "sensitivity" or r[task] in SENSITIVITY_LABELS)]
        gold = [r[task] if task == "sensitivity" else bool(r[task]) for r in (rows[i] for i in keep)]
        labels = list(SENSITIVITY_LABELS) if task == "sensitivity" else [False, True]
        got = {name: [_labels(pr, task)[i] for i in keep] for name, pr in
               (("torch", pred_t), ("int8", pred_o), ("recheck", pred_r))}
        reps = {name: report(gold, lab, labels) for name, lab in got.items()}
        f1 = {n: (r["macro_f1"] if task == "sensitivity" else r["per_label"]["True"]["f1"]) for n, r in reps.items()}
        same = lambda a: float(np.mean([x == y for x, y in zip(got["torch"], got[a])])) if keep else 1.0  # noqa: E731
        out.append(TaskAgreement(task, len(keep), same("int8"), same("recheck"), f1,
                                 {n: r["macro_f1"] for n, r in reps.items()}))
    cos = float(np.mean(np.sum(emb_t * emb_o, axis=1)))
    return out, {"paragraphs": len(texts), "onnx_s": onnx_s, "mean_cosine": cos,
                 "rechecked_share": len(idx) / len(texts)}


def table(rows: list[TaskAgreement]) -> str:
    """Plain-text table of :func:`compare`'s rows (F1 = positive class; sensitivity: macro)."""
    lines = [f"{'task':<13}{'n':>6}{'same int8':>11}{'same rechk':>11}{'F1 torch':>10}{'F1 int8':>9}"
             f"{'F1 rechk':>10}{'mF1 torch':>11}{'mF1 int8':>10}{'mF1 rechk':>11}"]
    for r in rows:
        lines.append(f"{r.task:<13}{r.n:>6}{r.same_int8:>11.2%}{r.same_recheck:>11.2%}{r.f1['torch']:>10.4f}"
                     f"{r.f1['int8']:>9.4f}{r.f1['recheck']:>10.4f}{r.macro_f1['torch']:>11.4f}"
                     f"{r.macro_f1['int8']:>10.4f}{r.macro_f1['recheck']:>11.4f}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Print the agreement table and a JSON line; exit 1 when a re-checked delta exceeds 0.005."""
    import pipeline.env  # noqa: F401

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--split", default="dev", choices=("train", "dev", "test", "all"))
    ap.add_argument("--batch-size", type=int, default=32)
    ap.add_argument("--margin", type=float, default=None, help="re-check margin (default: 0.13)")
    ap.add_argument("--heads", default=None, help="e.g. commitment=v3,doubt=v3 (heads trained on torch vectors)")
    args = ap.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    heads = dict(kv.split("=") for kv in args.heads.split(",")) if args.heads else None
    rows, timing = compare(args.split, args.batch_size, args.margin, heads)
    print(table(rows))
    print(f"{timing['paragraphs']} paragraphs; int8 encoding {timing['onnx_s']:.1f} s; mean cosine to torch "
          f"{timing['mean_cosine']:.4f}; re-checked {timing['rechecked_share']:.1%}")
    ok = all(abs(r.f1["recheck"] - r.f1["torch"]) <= 0.005 and abs(r.macro_f1["recheck"] - r.macro_f1["torch"]) <= 0.005
             for r in rows)
    print(json.dumps({"split": args.split, **{k: round(v, 4) for k, v in timing.items()},
                      "tasks": {r.task: {"n": r.n, "same_int8": round(r.same_int8, 4),
                                         "same_recheck": round(r.same_recheck, 4), "f1": r.f1, "macro_f1": r.macro_f1}
                                for r in rows}, "recheck_within_0_005": ok}))
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
