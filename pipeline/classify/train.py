"""Train the paragraph heads and publish new versions with their model cards.

- ``commitment`` / ``doubt``: labelled paragraphs (``corpora/labelled``).
  Train on paragraphs of ``train`` cables of ``corpora/splits.json``, evaluate
  on paragraphs of ``dev`` cables (held out by cable).
- ``sensitivity``: paragraph markings of the cablegate corpus, parsed with
  :func:`pipeline.cables.parse.parse_cable`.  Train on a class-balanced sample
  (at most ``sens_cap`` paragraphs per level) of ``train`` cables; evaluate on
  a random sample (at most ``test_cap``) of ``test`` cable paragraphs.  Never
  trains on ``test``.

The encoder is frozen; embeddings are cached on disk (:mod:`.embedcache`), so
a second run only fits heads (seconds).  Head type and binary threshold are
chosen by grouped cross-validation on the training data only.

Entry points: :func:`train_all` (for ``cables train``) and, for a quick run,
``python -m pipeline.classify.train [--task commitment ...] [--force]``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import logging
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np

from pipeline.records import SENSITIVITY_LABELS

from . import card as card_mod
from .baselines import CUES, BowBaseline, cue_rule, majority
from .data import (
    REPO_ROOT,
    DEFAULT_CORPUS,
    DEFAULT_LABELS,
    DEFAULT_SPLITS,
    Example,
    balanced_sample,
    corpus_examples,
    labelled_examples,
    load_labels_with_corrections,
    load_splits,
    place_new_cables,
    random_sample,
)
from .embedcache import cached_embed
from .encoder import Encoder, get_encoder
from .fit import TIE
from .hybrid import FeatureSpec, HybridHead, fit_hybrid
from .evaluate import at_threshold, calibration, centred_threshold, confusion, operating_point, pr_points, save_plots, save_reliability
from .metrics import report, table
from .registry import TASKS, ModelNotFound, default_version, publish, resolve_models_dir
from .runtime import reads_embedding
from .sentence_finetune import TASK_ORDER as TUNED_TASKS
from .train_tuned import THRESHOLD as TUNED_THRESHOLD, fit_pair, model_kind

log = logging.getLogger(__name__)

#: Cap per level of the sensitivity training sample (encoding ~25-45 paragraphs/s).
SENS_CAP = 3000
#: Cap of the sensitivity evaluation sample drawn from test cables.
TEST_CAP = 2000


def _show(path: Path) -> str:
    """``path`` relative to the repository when inside it (cards stay portable)."""
    try:
        return str(Path(path).resolve().relative_to(REPO_ROOT))
    except ValueError:
        return str(path)


def _check_disjoint(train: list[Example], evalset: list[Example]) -> None:
    both = {e.cable_id for e in train} & {e.cable_id for e in evalset}
    if both:
        raise ValueError(f"{len(both)} cables on both sides of the split, e.g. {sorted(both)[0]}")


def _counts(examples: list[Example], labels: list[Any]) -> dict[str, int]:
    c = Counter(e.label for e in examples)
    return {str(lab): c.get(lab, 0) for lab in labels}


def _limits(task: str) -> list[str]:
    common = [
        "The encoder is frozen (no fine-tuning); only the small head is trained.",
        "English cable prose 1985-2010 only; other genres are out of scope.",
    ]
    if task in ("commitment", "doubt"):
        return common + [
            "Few labels (about 2,300 training paragraphs) from one labelling pass; no inter-annotator agreement measured.",
            "Half the labelled paragraphs were sampled at random and half enriched for cues, so the dev scores mix both; "
            "see the by-sample rows for the random half alone.",
            "The dev set is small (about 250 paragraphs): F1 moves by several points between resamples.",
        ]
    return common + [
        "A paragraph's marking reflects the author's judgement and the cable's overall level as much as its words; "
        "text alone cannot recover it reliably, SBU versus U in particular.",
        "From v3 the head reads the markings of the cable's other paragraphs: on a cable whose paragraphs carry no "
        "markings it falls back to words and header context and scores lower (see the v2 card for that regime).",
        "Trained on a class-balanced sample, so the head's priors are uniform: on the natural mix (mostly C) it "
        "predicts the rarer levels more often than they occur.",
        "Labels come from the project's parser: marking-parse errors become label noise.",
    ]


#: Candidate feature sets of the binary heads, chosen by grouped CV on training data.
BINARY_CANDIDATES: tuple[FeatureSpec, ...] = (
    FeatureSpec(unit="paragraph", embedding=True, cues=True),
    FeatureSpec(unit="sentence", embedding=True, cues=True),
)
#: Features of the sensitivity head: words, cable context, neighbours, and the markings
#: of the cable's other paragraphs (never the paragraph's own; the issue allows
#: neighbouring paragraphs as context, and a paragraph's level follows its
#: neighbours' far more than its words).  No embedding: the words and context
#: carry it, and 40k training paragraphs need no encoder pass.
SENS_SPEC = FeatureSpec(unit="paragraph", embedding=False, cues=False, context=True, neighbours=True, marks=True)
BINARY_C = 4.0
SENS_C = 1.0


def _best_f1_threshold(y: np.ndarray, p: np.ndarray) -> tuple[float, float]:
    """Threshold in 0.10..0.90 maximising F1 of the True class; ``(thr, f1)``."""
    from sklearn.metrics import f1_score

    grid = np.round(np.arange(0.10, 0.901, 0.01), 2)
    scores = [f1_score(y, p >= t, zero_division=0) for t in grid]
    i = int(np.argmax(scores))
    return float(grid[i]), float(scores[i])


def classified_operating_points(y_dev: list[str], dev_proba: np.ndarray, y_test: list[str], test_proba: np.ndarray,
                                test_pred: np.ndarray) -> dict[str, Any]:
    """"Classified (C or S) vs not" on the score P(C) + P(S) (columns 2: of
    ``(n, 4)`` U/SBU/C/S probabilities): thresholds chosen on dev, applied to
    test.  The headline is :func:`.evaluate.centred_threshold` (middle of the
    recall >= 0.90, FPR <= 0.11 region on dev); the earlier rule (recall
    pinned at 0.90 on dev), argmax and the best test point (read on test,
    optimistic) are kept beside it.  Returns ``{"note", "operating_points",
    "results"}`` for ``metrics.json``'s ``extra_evals``."""
    cls_dev = np.array([v in ("C", "S") for v in y_dev])
    cls_test = np.array([v in ("C", "S") for v in y_test])
    s_dev, s_test = dev_proba[:, 2:].sum(1), test_proba[:, 2:].sum(1)
    centred = centred_threshold(cls_dev, s_dev)
    pinned = max((t for t in np.round(np.arange(0.01, 1.0, 0.01), 2) if (s_dev[cls_dev] >= t).mean() >= 0.90), default=0.5)
    binop = {"dev threshold centred in the target region": at_threshold(cls_dev, s_dev, centred),
             "test at the centred threshold": at_threshold(cls_test, s_test, centred),
             "dev threshold (recall >= 0.90 on dev)": at_threshold(cls_dev, s_dev, pinned),
             "test at that threshold": at_threshold(cls_test, s_test, pinned),
             "test at argmax": at_threshold(cls_test, (test_pred == "C") | (test_pred == "S"), 0.5),
             "test best recall at FPR <= 0.11": operating_point(cls_test, s_test)}
    return {"note": "Score P(C) + P(S). " + "; ".join(f"{k}: recall {v['recall']:.3f}, FPR {v['fpr']:.3f} (threshold {v['threshold']})"
                                                      for k, v in binop.items()),
            "operating_points": binop, "results": {}}


def _fit_and_score(
    task: str,
    encoder: Encoder,
    train: list[Example],
    evalset: list[Example],
    labels: list[Any],
    cache_dir: Path | None,
    seed: int,
    ds=None,
    train_ids: set[str] | None = None,
) -> tuple[Any, dict[str, Any], np.ndarray, np.ndarray]:
    """Select, fit; return the head, selection info, eval probabilities and predictions.

    ``ds``/``train_ids`` (the labelled dataset and the training cables) let
    commitment/doubt train the tuned network (:mod:`.train_tuned`, the
    default ``[train] commitment_doubt_model``); without them, or with
    ``"hybrid"``, the hybrid head is fitted."""
    from sklearn.model_selection import GroupKFold

    binary = labels == [False, True]
    if binary and ds is not None and model_kind() == "tuned":
        return _fit_tuned(task, encoder, ds, train_ids or set(), evalset, seed)
    texts = [e.text for e in train]
    if binary:
        Xtr = cached_embed(encoder, texts, cache_dir)
        y = np.array([int(e.label) for e in train])
        groups = np.array([e.cable_id for e in train])
        cues = [e.cue for e in train]
        cv: dict[str, float] = {}
        best = None
        for spec in BINARY_CANDIDATES:
            oof = np.zeros(len(y))
            for tr, va in GroupKFold(n_splits=5).split(Xtr, y, groups):
                h = fit_hybrid(task, "binary", labels, spec, [texts[i] for i in tr], y[tr], Xtr[tr],
                               cues=[cues[i] for i in tr], C=BINARY_C, seed=seed)
                oof[va] = h.predict_proba(Xtr[va], [texts[i] for i in va])
            thr, f1 = _best_f1_threshold(y, oof)
            cv[spec.name()] = round(f1, 4)
            log.info("cv %s %s: F1(True) %.3f at %.2f", task, spec.name(), f1, thr)
            if best is None or f1 > best[0] + TIE:
                best = (f1, spec, thr)
        _, spec, thr = best
        head = fit_hybrid(task, "binary", labels, spec, texts, y, Xtr, cues=cues, C=BINARY_C, seed=seed)
        head.threshold = thr
        Xev = cached_embed(encoder, [e.text for e in evalset], cache_dir)
        selection = {"chosen": spec.name(), "config": {"spec": spec.__dict__, "C": BINARY_C},
                     "cv_f1_true": cv, "cv_folds": 5, "cv_groups": "cable id",
                     "threshold_rule": "maximises F1 of the True class on out-of-fold training predictions"}
    else:
        ctx = [e.context for e in train]
        head = fit_hybrid(task, "multiclass", labels, SENS_SPEC, texts, [e.label for e in train], None, ctx,
                          C=SENS_C, max_iter=300, tol=1e-3, seed=seed)
        Xev = None
        selection = {"chosen": SENS_SPEC.name(), "config": {"spec": SENS_SPEC.__dict__, "C": SENS_C},
                     "note": "features and C chosen on dev cables of the corpus (never on test)"}
    head.encoder = encoder.info()
    proba = head.predict_proba(Xev, [e.text for e in evalset], [e.context for e in evalset])
    pred = proba >= head.threshold if binary else np.asarray(labels, dtype=object)[proba.argmax(1)]
    return head, selection, proba, pred


def _fit_tuned(task: str, encoder: Encoder, ds, train_ids: set[str], evalset: list[Example], seed: int):
    """The tuned head of ``task`` (:mod:`.train_tuned`), its selection info,
    eval probabilities and predictions."""
    from .tuned_head import TunedHead

    net, info = fit_pair(ds, train_ids, seed)
    # scored with torch, the reference; the flow may run it in onnxruntime int8 ([classify] runtime)
    head = TunedHead(task, net, TUNED_TASKS.index(task), threshold=TUNED_THRESHOLD, encoder=dict(encoder.info()),
                     runtime="torch")
    selection = {"chosen": f"all-MiniLM-L6-v2 fine-tuned on sentences ({info['settings']['tuned_layers']} layers), "
                           "one network for commitment and doubt",
                 "config": info,
                 "threshold_rule": "0.5: P is a probability (cross-entropy training); not chosen on evaluation data",
                 "note": "no CV model choice in the run (fine-tuning costs minutes per fit); the hybrid heads were "
                         "compared on grouped CV fold 0: README, Classifiers"}
    proba = head.predict_proba(None, [e.text for e in evalset])
    return head, selection, proba, proba >= head.threshold


def _baselines(
    task: str, train: list[Example], evalset: list[Example], labels: list[Any], seed: int, prior: list[Any]
) -> dict[str, Any]:
    """Cue rule (binary tasks), bag-of-words LR, and the majority of ``prior``
    (the training labels in their natural mix, before any balancing)."""
    texts = [e.text for e in evalset]
    y_ev = [e.label for e in evalset]
    out: dict[str, Any] = {}
    if task in CUES:
        out["cue rule"] = report(y_ev, cue_rule(texts, task), labels)
    bow = BowBaseline(seed).fit([e.text for e in train], [e.label for e in train])
    out["bag-of-words LR"] = report(y_ev, bow.predict(texts), labels)
    out["majority"] = report(y_ev, majority(prior, len(evalset)), labels)
    return out


def train_task(
    task: str,
    labels_paths: list[Path] | None = None,
    corpus_dir: Path | None = None,
    models_dir: Path | None = None,
    splits_path: Path | None = None,
    cache_dir: Path | None = None,
    encoder: Encoder | None = None,
    seed: int = 0,
    sens_cap: int = SENS_CAP,
    test_cap: int = TEST_CAP,
    make_default: bool = True,
    force: bool = False,
) -> dict[str, Any]:
    """Train one task's head and publish it as a new version (promoted to the
    default only when not worse on dev than the current default, or ``force``).

    Returns ``{"task", "version", "path", "metrics"}``.  Raises ``ValueError``
    for an unknown task or a split that puts one cable on both sides,
    ``ImportError`` when ``sensitivity`` is asked for and the cable parser is
    missing.
    """
    if task not in TASKS:
        raise ValueError(f"unknown task {task!r}; expected one of {', '.join(TASKS)}")
    t0 = time.time()
    splits_path = Path(splits_path or DEFAULT_SPLITS)
    splits = load_splits(splits_path)
    encoder = encoder or get_encoder()
    extra_evals: dict[str, Any] = {}
    if task in ("commitment", "doubt"):
        paths = [Path(p) for p in (labels_paths or [DEFAULT_LABELS])]
        ds, load_stats = load_labels_with_corrections(paths)
        load_stats["new_cables_placed"] = place_new_cables(splits, ds["cable_id"])
        train = labelled_examples(ds, task, splits["train"])
        evalset = labelled_examples(ds, task, splits["dev"])
        labels: list[Any] = [False, True]
        prior = [e.label for e in train]
        eval_name = "held-out dev cables (labelled paragraphs)"
        data = {
            "source": ", ".join(_show(p) for p in paths) + " (labels of LABELING.md)",
            "split": f"{splits_path.name}: train on paragraphs of 'train' cables, evaluate on paragraphs of 'dev' cables",
            "notes": [f"Loaded: {load_stats}."],
        }
    else:
        corpus_dir = Path(corpus_dir or DEFAULT_CORPUS)
        pool, train_stats = corpus_examples(corpus_dir, splits["train"])
        prior = [e.label for e in pool]
        train = pool
        test_pool, test_stats = corpus_examples(corpus_dir, splits["test"])
        evalset = random_sample(test_pool, test_cap, seed)
        dev_pool, dev_stats = corpus_examples(corpus_dir, splits["dev"])
        labels = list(SENSITIVITY_LABELS)
        eval_name = f"a random sample of {len(evalset)} marked paragraphs of 'test' cables (natural level mix)"
        data = {
            "source": f"paragraph markings of {_show(corpus_dir)}/cables-*.jsonl, parsed with pipeline.cables.parse.parse_cable",
            "split": f"{splits_path.name}: train on 'train' cables, choose features on 'dev' cables, evaluate on 'test' cables (never trained on)",
            "notes": [
                f"Training pool (train cables): {train_stats}; all of it, natural level mix, balanced class weights.",
                f"Test pool (test cables): {test_stats}; the headline table is a random sample of at most {test_cap} "
                f"(seed {seed}, the same sample as v1); the whole pool is scored below.",
                "TS and unmarked paragraphs, and paragraphs under 20 characters, are skipped.",
                "Context (cable classification line, caveats, TAGS, E.O. reasons, position, zone, heading) comes from "
                "the cable's header; the markings of the cable's other paragraphs (previous, next, all) are inputs; "
                "the paragraph's own marking is never an input.",
            ],
        }
    _check_disjoint(train, evalset)
    log.info("%s: %d training, %d evaluation paragraphs", task, len(train), len(evalset))
    head, selection, proba, pred = _fit_and_score(task, encoder, train, evalset, labels, cache_dir, seed,
                                                  ds=ds if task in ("commitment", "doubt") else None,
                                                  train_ids=splits["train"])
    y_ev = [e.label for e in evalset]
    base_train = train if task in ("commitment", "doubt") else balanced_sample(train, sens_cap, seed)
    results = {"ours": report(y_ev, pred, labels), **_baselines(task, base_train, evalset, labels, seed, prior)}
    plots: dict[str, Any] = {}
    reliability: dict[str, Any] = {}
    notes: list[str] = []
    if task in ("commitment", "doubt"):
        yb = np.array([bool(v) for v in y_ev])
        for sample in ("random", "enriched"):
            idx = [i for i, e in enumerate(evalset) if e.sample == sample]
            if idx:
                extra_evals[f"dev paragraphs of the '{sample}' sample only"] = {
                    "note": f"The {len(idx)} dev paragraphs drawn {'at random' if sample == 'random' else 'enriched for cues'}.",
                    "results": {"ours": report([y_ev[i] for i in idx], pred[idx], labels)}
                    | ({"cue rule": report([y_ev[i] for i in idx], cue_rule([evalset[i].text for i in idx], task), labels)}),
                }
        calib = calibration(yb, proba)
        reliability["dev"] = calib
        plots["dev"] = ({"True": pr_points(yb, proba)}, confusion(y_ev, list(pred), labels))
        extra_evals["calibration"] = {"note": f"P(True) on dev: expected calibration error {calib['ece']}, Brier {calib['brier']}.",
                                      "calibration": calib, "results": {}}
        extra_evals["test split"] = {"note": "The labelled paragraphs hold no 'test' cables, so commitment and doubt "
                                             "are scored on held-out dev cables only.", "results": {}}
        dev_for_promotion = evalset
    else:
        dev_proba = head.predict_proba(None, [e.text for e in dev_pool], [e.context for e in dev_pool])
        dev_pred = np.asarray(labels, dtype=object)[dev_proba.argmax(1)]
        y_dev = [e.label for e in dev_pool]
        level_rule = lambda exs: [ (e.context.cable_level if e.context and e.context.cable_level in labels else "C") for e in exs]  # noqa: E731
        results["cable's level"] = report(y_ev, level_rule(evalset), labels)
        full_proba = head.predict_proba(None, [e.text for e in test_pool], [e.context for e in test_pool])
        full_pred = np.asarray(labels, dtype=object)[full_proba.argmax(1)]
        y_full = [e.label for e in test_pool]
        extra_evals["all marked paragraphs of test cables"] = {
            "note": f"The whole test pool ({len(test_pool)} paragraphs of {len({e.cable_id for e in test_pool})} cables).",
            "results": {"ours": report(y_full, full_pred, labels), "cable's level": report(y_full, level_rule(test_pool), labels)},
        }
        extra_evals["all marked paragraphs of dev cables"] = {
            "note": f"The dev pool ({len(dev_pool)} paragraphs), on which the features were chosen and promotion is judged.",
            "results": {"ours": report(y_dev, dev_pred, labels), "cable's level": report(y_dev, level_rule(dev_pool), labels)},
        }
        extra_evals["classified (C or S) vs not"] = classified_operating_points(
            y_dev, dev_proba, y_full, full_proba, full_pred)
        # per cable: highest predicted paragraph level vs the cable's classification line
        rank = {lab: i for i, lab in enumerate(labels)}
        hi_pred: dict[str, int] = {}
        for e, p_ in zip(test_pool, full_pred):
            hi_pred[e.cable_id] = max(hi_pred.get(e.cable_id, 0), rank[p_])
        cab = [(e.context.cable_level, labels[hi_pred[e.cable_id]]) for e in {e.cable_id: e for e in test_pool}.values()
               if e.context and e.context.cable_level in rank]
        extra_evals["per cable (test)"] = {
            "note": f"{len(cab)} test cables: highest predicted paragraph level against the cable's classification line.",
            "results": {"ours": report([a for a, _ in cab], [b for _, b in cab], labels)}}
        calib = calibration(np.array([v == p_ for v, p_ in zip(y_full, full_pred)]), full_proba.max(1))
        reliability["test"] = calib
        extra_evals["calibration"] = {"note": f"Top-level probability on the test pool: expected calibration error "
                                              f"{calib['ece']}, Brier {calib['brier']}.", "calibration": calib, "results": {}}
        plots["test"] = ({lab: pr_points(np.array([v == lab for v in y_full]), full_proba[:, j]) for j, lab in enumerate(labels)},
                         confusion(y_full, list(full_pred), labels))
        dev_for_promotion = dev_pool
    data.update(
        train_n=len(train),
        train_cables=len({e.cable_id for e in train}),
        train_counts=_counts(train, labels),
        eval_n=len(evalset),
        eval_cables=len({e.cable_id for e in evalset}),
        eval_counts=_counts(evalset, labels),
    )
    now = dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z")
    head.extra.update(trained_at=now, data={k: data[k] for k in ("source", "split", "train_n", "train_counts")})
    promotion = _promotion(task, head, dev_for_promotion, labels, encoder, cache_dir, models_dir, force)
    metrics = {
        "task": task,
        "trained_at": now,
        "train_seconds": round(time.time() - t0, 1),
        "eval_name": eval_name,
        "data": data,
        "selection": selection,
        "threshold": head.threshold if head.kind == "binary" else None,
        "results": results,
        "extra_evals": extra_evals,
        "promotion": promotion,
        "limits": _limits(task),
        "command": f"cables train --task {task}" + (" --force" if force else ""),
    }
    version = _next_version(task, models_dir)
    head.extra["version"] = version
    with tempfile.TemporaryDirectory() as tmpdir:
        for name, (curves, conf) in plots.items():
            notes += save_plots(Path(tmpdir), name, curves, conf)
        for name, calib in reliability.items():
            notes += save_reliability(Path(tmpdir), name, calib)
        metrics["plots"] = notes
        files = {p.name: p.read_bytes() for p in Path(tmpdir).iterdir()}
    card = card_mod.render(head.meta(), metrics)
    make_default = make_default and promotion["promote"]
    path = publish(head, metrics, card, models_dir, version=version, make_default=make_default, extra_files=files)
    log.info("%s %s: scores on %s\n%s", task, version, eval_name, table(results))
    return {"task": task, "version": version, "path": str(path), "promoted": make_default, "metrics": metrics}


def _dev_score(task: str, head: Any, exs: list[Example], labels: list[Any], encoder: Encoder, cache_dir) -> float:
    """F1 of the True class (binary) or macro-F1 (sensitivity) of ``head`` on ``exs``."""
    from sklearn.metrics import f1_score

    texts = [e.text for e in exs]
    emb = cached_embed(encoder, texts, cache_dir) if reads_embedding(head) else None
    pred = head.predict(emb, texts, [e.context for e in exs])
    y = [e.label for e in exs]
    if labels == [False, True]:
        return float(f1_score(np.array(y, dtype=bool), np.asarray(pred, dtype=bool), zero_division=0))
    return float(f1_score(y, list(pred), labels=labels, average="macro", zero_division=0))


def _promotion(task, head, dev, labels, encoder, cache_dir, models_dir, force) -> dict[str, Any]:
    """Compare the new head with the current default on the same dev paragraphs."""
    new = _dev_score(task, head, dev, labels, encoder, cache_dir)
    metric = "F1(True)" if labels == [False, True] else "macro-F1"
    try:
        cur_version = default_version(task, resolve_models_dir(models_dir))
    except ModelNotFound:
        return {"promote": True, "metric": metric, "new": round(new, 4), "current": None, "reason": "no default yet"}
    from .registry import load_version

    cur_head = load_version(task, cur_version, resolve_models_dir(models_dir))
    if hasattr(cur_head, "runtime"):
        cur_head.runtime = "torch"  # compare like with like: the new head is scored with torch
    sample = dev if len(dev) <= 1000 or not reads_embedding(cur_head) \
        else random_sample(dev, 1000, 0)
    cur = _dev_score(task, cur_head, sample, labels, encoder, cache_dir)
    new_s = new if sample is dev else _dev_score(task, head, sample, labels, encoder, cache_dir)
    promote = bool(force or new_s >= cur - 1e-9)
    return {"promote": promote, "metric": metric, "n_dev": len(sample), "new": round(new_s, 4),
            "current": round(cur, 4), "current_version": cur_version, "forced": bool(force),
            "reason": "forced" if force and new_s < cur else ("not worse on dev" if promote else "worse on dev than the default")}


def _next_version(task: str, models_dir: Path | None) -> str:
    from .registry import next_version

    return next_version(task, resolve_models_dir(models_dir))


def train_all(
    tasks: list[str],
    labels_paths: list[Path],
    corpus_dir: Path,
    models_dir: Path,
    force: bool,
    **kwargs: Any,
) -> dict[str, Any]:
    """Train each of ``tasks`` (all of :data:`TASKS` when empty) in turn.

    Every task gets a new version; it becomes the default only when not
    worse on dev than the current default, or with ``force``.
    ``kwargs`` go to :func:`train_task` (``splits_path``, ``cache_dir``,
    ``sens_cap``, ``test_cap``, ``seed``).  Returns ``{task: {"version",
    "path", "skipped", "metrics"?}}``.
    """
    tasks = list(tasks) or list(TASKS)
    unknown = [t for t in tasks if t not in TASKS]
    if unknown:
        raise ValueError(f"unknown task(s) {unknown}; expected some of {', '.join(TASKS)}")
    root = resolve_models_dir(models_dir)
    out: dict[str, Any] = {}
    for task in tasks:
        res = train_task(task, labels_paths=labels_paths, corpus_dir=corpus_dir, models_dir=root, force=force, **kwargs)
        out[task] = {**res, "skipped": False}
    return out


def main(argv: list[str] | None = None) -> int:
    """``python -m pipeline.classify.train``: train tasks and print their scores."""
    ap = argparse.ArgumentParser(prog="python -m pipeline.classify.train", description=__doc__.split("\n")[0])
    ap.add_argument("--task", action="append", choices=TASKS, help="task to train (repeatable; default all)")
    ap.add_argument("--labels", action="append", type=Path, help=f"labelled JSONL (default {DEFAULT_LABELS})")
    ap.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS, help="folder of cables-*.jsonl")
    ap.add_argument("--models", type=Path, default=None, help="models folder (default $CABLES_MODELS_DIR or <repo>/models)")
    ap.add_argument("--sens-cap", type=int, default=SENS_CAP)
    ap.add_argument("--test-cap", type=int, default=TEST_CAP)
    ap.add_argument("--force", action="store_true", help="retrain tasks that already have a model")
    args = ap.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    res = train_all(
        args.task or [], args.labels or [DEFAULT_LABELS], args.corpus, args.models, args.force,
        sens_cap=args.sens_cap, test_cap=args.test_cap,
    )
    for task, r in res.items():
        if r.get("skipped"):
            print(f"{task}: kept {r['version']} (use --force to retrain)")
            continue
        m = r["metrics"]
        print(f"\n## {task} {r['version']} ({m['train_seconds']:.0f} s) - {m['eval_name']}\n")
        print(table(m["results"]))
        for name, extra in m["extra_evals"].items():
            print(f"\n### {name}\n")
            print(table(extra["results"]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
