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
    load_labelled,
    load_splits,
    random_sample,
)
from .embedcache import cached_embed
from .encoder import Encoder, get_encoder
from .fit import select_config, train_head
from .heads import TaskHead
from .metrics import report, table
from .registry import TASKS, ModelNotFound, default_version, publish, resolve_models_dir

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
        "Trained on a class-balanced sample, so the head's priors are uniform: on the natural mix (mostly C) it "
        "predicts the rarer levels more often than they occur.",
        "Labels come from the project's parser: marking-parse errors become label noise.",
    ]


def _fit_and_score(
    task: str,
    encoder: Encoder,
    train: list[Example],
    evalset: list[Example],
    labels: list[Any],
    cache_dir: Path | None,
    seed: int,
) -> tuple[TaskHead, dict[str, Any], np.ndarray, np.ndarray]:
    """Embed, select, fit; return the head, selection info, eval embeddings and predictions."""
    Xtr = cached_embed(encoder, [e.text for e in train], cache_dir)
    binary = labels == [False, True]
    index = {lab: i for i, lab in enumerate(labels)}
    y = np.array([int(e.label) if binary else index[e.label] for e in train])
    groups = np.array([e.cable_id for e in train])
    n_out = 1 if binary else len(labels)
    cfg, thr, cv, _ = select_config(Xtr, y, groups, n_out)
    module = train_head(Xtr, y, n_out, cfg, seed=seed)
    head = TaskHead(
        task=task,
        kind="binary" if binary else "multiclass",
        labels=list(labels),
        module=module,
        input_dim=Xtr.shape[1],
        hidden=cfg.hidden,
        dropout=cfg.dropout,
        threshold=round(thr, 2),
        encoder=encoder.info(),
    )
    Xev = cached_embed(encoder, [e.text for e in evalset], cache_dir)
    selection = {"chosen": cfg.name(), "config": cfg.__dict__, "cv_macro_f1": cv, "cv_folds": 5, "cv_groups": "cable id"}
    return head, selection, Xev, head.predict(Xev)


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
) -> dict[str, Any]:
    """Train one task's head and publish it as a new version.

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
        ds = load_labelled(paths)
        train = labelled_examples(ds, task, splits["train"])
        evalset = labelled_examples(ds, task, splits["dev"])
        labels: list[Any] = [False, True]
        prior = [e.label for e in train]
        eval_name = "held-out dev cables (labelled paragraphs)"
        data = {
            "source": ", ".join(_show(p) for p in paths) + " (labels of LABELING.md)",
            "split": f"{splits_path.name}: train on paragraphs of 'train' cables, evaluate on paragraphs of 'dev' cables",
            "notes": [],
        }
    else:
        corpus_dir = Path(corpus_dir or DEFAULT_CORPUS)
        pool, train_stats = corpus_examples(corpus_dir, splits["train"])
        prior = [e.label for e in pool]
        train = balanced_sample(pool, sens_cap, seed)
        test_pool, test_stats = corpus_examples(corpus_dir, splits["test"])
        evalset = random_sample(test_pool, test_cap, seed)
        labels = list(SENSITIVITY_LABELS)
        eval_name = f"a random sample of {len(evalset)} marked paragraphs of 'test' cables (natural level mix)"
        data = {
            "source": f"paragraph markings of {corpus_dir}/cables-*.jsonl, parsed with pipeline.cables.parse.parse_cable",
            "split": f"{splits_path.name}: train on 'train' cables, evaluate on 'test' cables (never trained on)",
            "notes": [
                f"Training pool (train cables): {train_stats}; class-balanced sample of at most {sens_cap} per level, "
                f"duplicates removed, seed {seed}.",
                f"Test pool (test cables): {test_stats}; random sample of at most {test_cap}, seed {seed}.",
                "TS and unmarked paragraphs, and paragraphs under 20 characters, are skipped.",
            ],
        }
    _check_disjoint(train, evalset)
    log.info("%s: %d training, %d evaluation paragraphs", task, len(train), len(evalset))
    head, selection, Xev, pred = _fit_and_score(task, encoder, train, evalset, labels, cache_dir, seed)
    y_ev = [e.label for e in evalset]
    results = {"encoder head": report(y_ev, pred, labels), **_baselines(task, train, evalset, labels, seed, prior)}
    if task in ("commitment", "doubt"):
        for sample in ("random", "enriched"):
            idx = [i for i, e in enumerate(evalset) if e.sample == sample]
            if idx:
                extra_evals[f"dev paragraphs of the '{sample}' sample only"] = {
                    "note": f"The {len(idx)} dev paragraphs drawn {'at random' if sample == 'random' else 'enriched for cues'}.",
                    "results": {"encoder head": report([y_ev[i] for i in idx], pred[idx], labels)}
                    | ({"cue rule": report([y_ev[i] for i in idx], cue_rule([evalset[i].text for i in idx], task), labels)}),
                }
    else:
        ds = load_labelled([Path(p) for p in (labels_paths or [DEFAULT_LABELS])])
        lab_dev = labelled_examples(ds, "sensitivity", splits["dev"])
        if lab_dev:
            Xl = cached_embed(encoder, [e.text for e in lab_dev], cache_dir)
            extra_evals["labelled dev paragraphs"] = {
                "note": f"The {len(lab_dev)} marked paragraphs of dev cables in the labelled set (levels as labelled by hand).",
                "results": {
                    "encoder head": report([e.label for e in lab_dev], head.predict(Xl), labels),
                    "majority": report([e.label for e in lab_dev], majority(prior, len(lab_dev)), labels),
                },
            }
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
        "limits": _limits(task),
        "command": f"python -m pipeline.classify.train --task {task} --force",
    }
    version = _next_version(task, models_dir)
    head.extra["version"] = version
    card = card_mod.render(head.meta(), metrics)
    path = publish(head, metrics, card, models_dir, version=version, make_default=make_default)
    log.info("%s %s: scores on %s\n%s", task, version, eval_name, table(results))
    return {"task": task, "version": version, "path": str(path), "metrics": metrics}


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

    A task that already has a default model is skipped unless ``force``.
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
        if not force:
            try:
                version = default_version(task, root)
                log.info("%s: default model %s exists; skipped (force to retrain)", task, version)
                out[task] = {"version": version, "path": str(root / task / version), "skipped": True}
                continue
            except ModelNotFound:
                pass
        res = train_task(task, labels_paths=labels_paths, corpus_dir=corpus_dir, models_dir=root, **kwargs)
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
