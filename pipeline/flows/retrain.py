"""The ``retrain-classifiers`` Prefect flow behind ``cables train``.

One Prefect task per classifier (``commitment``, ``doubt``, ``sensitivity``),
run one after another (two CPU cores): each loads its data (labelled
paragraphs with ``datasets`` plus review corrections, de-duplicated, split by
cable id; or the corpus markings for sensitivity), fits the model
(:func:`pipeline.classify.train.train_task`), evaluates it on dev and test
(per-label P/R/F1, macro-F1, confusion matrix, precision-recall curve,
calibration) and writes ``models/<task>/<version>/`` with its model card.
The new version becomes the default only when it is not worse on dev than
the current default, or with ``force``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pipeline.env  # noqa: F401  (offline hubs, quiet Prefect: before prefect loads)
from prefect import flow, task
from prefect.cache_policies import NO_CACHE


@task(name="train-classifier", cache_policy=NO_CACHE)
def train_classifier_task(
    task_name: str, labels: list[str], corpus: str, models_dir: str, force: bool
) -> dict[str, Any]:
    from pipeline.classify.train import train_task

    res = train_task(task_name, labels_paths=[Path(p) for p in labels], corpus_dir=Path(corpus),
                     models_dir=Path(models_dir), force=force)
    m = res["metrics"]
    return {"task": task_name, "version": res["version"], "path": res["path"], "promoted": res["promoted"],
            "train_seconds": m["train_seconds"], "promotion": m["promotion"],
            "scores": {name: rep["macro_f1"] for name, rep in m["results"].items()}}


@flow(name="retrain-classifiers")
def retrain_flow(tasks: list[str], labels: list[str], corpus: str, models_dir: str, force: bool = False) -> dict[str, Any]:
    """Retrain ``tasks`` in turn; returns ``{task: summary}``."""
    return {t: train_classifier_task(t, labels, corpus, models_dir, force) for t in tasks}
