"""Retrain from the review app: run the ``retrain-classifiers`` flow (the one
behind ``cables train``) on the labelled paragraphs plus the reviewed labels,
in a background thread, into a *staging* models folder; show the new
version's scores next to the current default's; promote only on an explicit
second action.

Staging: ``<work>/job-<id>/models/<task>/`` holds a copy of the current
default version and ``DEFAULT`` (so the flow compares the new head with it on
the same dev paragraphs) and empty folders for the other versions (so the new
one gets the number it will have in the real folder). The flow's own
promotion happens in staging only and is shown as its recommendation.
Promoting copies the staged version into the real models folder (assembled
under a temporary name, then renamed) and points ``DEFAULT`` at it with
:func:`pipeline.classify.registry.set_default`.

Training rows: every row of the base labelled files, with the reviewed
labels written over the rows of the same (cable, paragraph number), plus one
row per reviewed paragraph not in them (:mod:`.reviewed`). The training code
splits them by cable with ``corpora/splits.json``, so reviewed paragraphs of
``train`` cables are trained on, those of ``dev`` cables are evaluated on;
cables in no split (a user's own drop) go to train or dev by a stable hash
of their id (:func:`pipeline.classify.data.place_new_cables`), never test.
"""

from __future__ import annotations

import contextvars
import json
import logging
import os
import shutil
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from pipeline.review.corpus import TASKS, Corpus
from pipeline.review.decisions import LABELS, DecisionStore
from pipeline.review.reviewed import reviewed_rows

log = logging.getLogger(__name__)


class RetrainBusy(RuntimeError):
    """A retrain job is already running (one at a time: training takes the CPUs)."""


@dataclass
class RetrainJob:
    """One run of the flow: state ``running`` / ``done`` / ``failed``."""

    id: str
    tasks: list[str]
    folder: Path
    state: str = "running"
    started: float = field(default_factory=time.time)
    finished: float | None = None
    error: str | None = None
    data: dict[str, Any] = field(default_factory=dict)
    results: dict[str, Any] = field(default_factory=dict)

    def public(self) -> dict[str, Any]:
        """The job as the status endpoint shows it (no paths)."""
        end = self.finished or time.time()
        return {"id": self.id, "tasks": self.tasks, "state": self.state, "error": self.error,
                "elapsed_s": round(end - self.started, 1), "data": self.data, "results": self.results}


def _default_flow() -> Callable[..., dict[str, Any]]:
    from pipeline.flows.retrain import retrain_flow

    return retrain_flow


def training_rows(base_files: list[Path], reviewed: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], dict[str, int]]:
    """Base rows with reviewed labels written over them, plus new reviewed
    rows; every row gets every column (null where absent) so the file reads as
    one table. Returns ``(rows, counts)``."""
    rows: list[dict[str, Any]] = []
    for f in base_files:
        rows += [json.loads(x) for x in Path(f).read_text(encoding="utf-8").splitlines() if x.strip()]
    by_key: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for r in rows:
        by_key.setdefault((r["cable_id"], str(r.get("para"))), []).append(r)
    corrected = added = 0
    for rv in reviewed:
        targets = by_key.get((rv["cable_id"], rv["para"]))
        if targets:
            for t in targets:
                for lab in LABELS:
                    if rv.get(lab) is not None and t.get(lab) != rv[lab]:
                        t[lab] = rv[lab]
                        corrected += 1
        else:
            rows.append(dict(rv, sample="reviewed"))
            added += 1
    cols: dict[str, None] = {}
    for r in rows:
        cols.update(dict.fromkeys(r))
    rows = [{c: r.get(c) for c in cols} for r in rows]
    return rows, {"base_rows": len(rows) - added, "reviewed_paragraphs": len(reviewed),
                  "labels_corrected": corrected, "rows_added": added}


def _by_split(rows: list[dict[str, Any]]) -> dict[str, int]:
    """How many reviewed rows fall in each split: ``corpora/splits.json``, and
    cables it does not list placed as training will place them
    (:func:`pipeline.classify.data.place_new_cables`: train or dev, never test)."""
    from pipeline.classify.data import DEFAULT_SPLITS, load_splits, place_new_cables

    try:
        splits = load_splits(DEFAULT_SPLITS)
    except (OSError, ValueError):
        return {}
    place_new_cables(splits, [r["cable_id"] for r in rows])
    out = {name: 0 for name in splits}
    for r in rows:
        out[next(n for n, ids in splits.items() if r["cable_id"] in ids)] += 1
    return out


def stage_models(models_dir: Path, staging: Path, task: str) -> str | None:
    """Copy ``task``'s default version and ``DEFAULT`` into ``staging``; empty
    folders stand in for the other versions. Returns the default version."""
    from pipeline.classify.registry import ModelNotFound, default_version, list_versions

    dst = staging / task
    dst.mkdir(parents=True, exist_ok=True)
    for v in list_versions(task, models_dir):
        (dst / v).mkdir(exist_ok=True)
    try:
        cur = default_version(task, models_dir)
    except ModelNotFound:
        return None
    shutil.rmtree(dst / cur)
    shutil.copytree(Path(models_dir) / task / cur, dst / cur)
    shutil.copy2(Path(models_dir) / task / "DEFAULT", dst / "DEFAULT")
    return cur


def _metrics(folder: Path) -> dict[str, Any]:
    try:
        return json.loads((folder / "metrics.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


class Retrainer:
    """Runs and promotes retrain jobs for one review app.

    ``base_labels``: labelled-paragraph files (LABELING.md) trained on with the
    reviewed labels; ``corpus_dir``: cablegate shards (sensitivity);
    ``models_dir``: the real models folder; ``work_dir``: where jobs stage
    (default a new temporary folder); ``flow``: the retrain flow (default
    :func:`pipeline.flows.retrain.retrain_flow`)."""

    def __init__(self, corpus: Corpus, store: DecisionStore, base_labels: list[Path], corpus_dir: Path,
                 models_dir: Path, work_dir: Path | None = None, flow: Callable[..., Any] | None = None):
        self.corpus, self.store = corpus, store
        self.base_labels = [Path(p) for p in base_labels]
        self.corpus_dir, self.models_dir = Path(corpus_dir), Path(models_dir)
        self._work_dir = Path(work_dir) if work_dir else None
        self._flow = flow
        self._lock = threading.Lock()
        self.jobs: dict[str, RetrainJob] = {}
        self.last: RetrainJob | None = None

    @property
    def work_dir(self) -> Path:
        """Where jobs stage; a new temporary folder unless one was given."""
        if self._work_dir is None:
            self._work_dir = Path(tempfile.mkdtemp(prefix="cables-review-retrain-"))
        return self._work_dir

    def start(self, tasks: list[str]) -> RetrainJob:
        """Stage and start a job for ``tasks``. Raises ``ValueError`` for an
        unknown or empty task list, :class:`RetrainBusy` while one runs."""
        if not tasks or any(t not in TASKS for t in tasks) or len(set(tasks)) != len(tasks):
            raise ValueError(f"tasks: a non-empty list of distinct {', '.join(TASKS)}")
        with self._lock:
            if self.last is not None and self.last.state == "running":
                raise RetrainBusy("a retrain job is running")
            jid = uuid.uuid4().hex[:12]
            job = RetrainJob(id=jid, tasks=list(tasks), folder=self.work_dir / f"job-{jid}")
            self.jobs[job.id] = job
            self.last = job
        try:
            self._stage(job)
        except Exception as exc:
            job.state, job.error, job.finished = "failed", f"staging failed: {exc}", time.time()
            raise
        ctx = contextvars.copy_context()  # the caller's Prefect settings (API URL) go with the thread
        threading.Thread(target=ctx.run, args=(self._run, job), name=f"retrain-{job.id}", daemon=True).start()
        return job

    def _stage(self, job: RetrainJob) -> None:
        (job.folder / "models").mkdir(parents=True)
        rows = reviewed_rows(self.corpus, self.store.read_all())
        train, counts = training_rows(self.base_labels, rows)
        path = job.folder / "train-labels.jsonl"
        with open(path, "w", encoding="utf-8") as fh:
            for r in train:
                fh.write(json.dumps(r, ensure_ascii=False) + "\n")
        job.data = counts | {"reviewed_by_split": _by_split(rows)}
        job.data["current"] = {t: stage_models(self.models_dir, job.folder / "models", t) for t in job.tasks}

    def _run(self, job: RetrainJob) -> None:
        flow = self._flow or _default_flow()
        try:
            out = flow(tasks=job.tasks, labels=[str(job.folder / "train-labels.jsonl")], corpus=str(self.corpus_dir),
                       models_dir=str(job.folder / "models"), force=False)
            job.results = {t: self._compare(job, t, out[t]) for t in job.tasks}
            job.state = "done"
        except Exception as exc:  # noqa: BLE001 - shown on the page; the server keeps running
            log.exception("retrain job %s failed", job.id)
            job.state, job.error = "failed", f"{type(exc).__name__}: {exc}"
        finally:
            job.finished = time.time()

    def _compare(self, job: RetrainJob, task: str, summary: dict[str, Any]) -> dict[str, Any]:
        new_m = _metrics(job.folder / "models" / task / summary["version"])
        cur_v = job.data["current"].get(task)
        cur_m = _metrics(self.models_dir / task / cur_v) if cur_v else {}
        return {
            "task": task,
            "version": summary["version"],
            "current_version": cur_v,
            "recommended": bool(summary.get("promoted")),
            "promotion": summary.get("promotion") or new_m.get("promotion"),
            "train_seconds": summary.get("train_seconds"),
            "train_n": (new_m.get("data") or {}).get("train_n"),
            "new": {"eval_name": new_m.get("eval_name"), "results": new_m.get("results", {})},
            "current": {"eval_name": cur_m.get("eval_name"), "results": {"ours": (cur_m.get("results") or {}).get("ours")}},
            "promoted": False,
        }

    def status(self) -> dict[str, Any]:
        """``{"job": the last job or None}``."""
        return {"job": self.last.public() if self.last else None}

    def promote(self, job_id: str, task: str, force: bool = False) -> dict[str, Any]:
        """Copy the job's new ``task`` version into the real models folder and
        make it the default. Raises ``KeyError`` (no such job/task result),
        ``ValueError`` (not done, or not recommended and not ``force``),
        ``FileExistsError`` (that version appeared in the models folder since:
        retrain)."""
        from pipeline.classify.registry import set_default

        job = self.jobs.get(job_id) if isinstance(job_id, str) else None
        if job is None or task not in job.results:
            raise KeyError("no such job or task result")
        res = job.results[task]
        if job.state != "done":
            raise ValueError("the job has not finished")
        if not res["recommended"] and not force:
            raise ValueError("the new version is worse on dev than the default; promote with force")
        with self._lock:
            src = job.folder / "models" / task / res["version"]
            dst = self.models_dir / task / res["version"]
            if not res["promoted"]:
                if dst.exists():
                    raise FileExistsError(f"{task} {res['version']} exists in the models folder; retrain")
                dst.parent.mkdir(parents=True, exist_ok=True)
                tmp = Path(tempfile.mkdtemp(dir=dst.parent, prefix=f".{res['version']}-"))
                try:
                    shutil.copytree(src, tmp, dirs_exist_ok=True)
                    tmp.chmod(0o755)  # mkdtemp makes 0700; models are shared read-only files
                    os.replace(tmp, dst)
                except BaseException:
                    shutil.rmtree(tmp, ignore_errors=True)
                    raise
            set_default(task, res["version"], self.models_dir)
            res["promoted"] = True
        log.info("promoted %s %s (job %s)", task, res["version"], job.id)
        return res
