"""The ``annotate-drop`` Prefect flow: discover, parse, ner, classify, write.

Two ways to run it, on the same code:

- ``out``: a one-off run writing every cable of the drop to one file;
- ``out_dir``: a ledger-backed run (what each scheduled run does): under the
  folder's lock, only cables whose bytes are new to the ledger are
  annotated, into ``<out_dir>/<UTC timestamp>-<run id>.jsonl``, and the
  ledger records each source hash's outcome (:mod:`pipeline.store.ledger`).

Cables go through in chunks of ``[flow] chunk_cables``; up to ``workers``
chunks are in flight at once (NER of one chunk overlaps classification of
another) and records are written in order as soon as a chunk is ready, so
memory stays flat however big the drop.  The output appears whole or not at
all.
"""

from __future__ import annotations

import heapq
import logging
import os
import time
import uuid
from collections import Counter, deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path

import pipeline.env  # noqa: F401  (offline hubs, quiet Prefect: before prefect loads)
from prefect import flow, task
from prefect.artifacts import create_markdown_artifact
from prefect.cache_policies import NO_CACHE
from prefect.runtime import flow_run
from prefect.task_runners import ThreadPoolTaskRunner
from tqdm import tqdm

from pipeline.classify.context import contexts_for
from pipeline.config import load_config
from pipeline.flows import models as loaded
from pipeline.flows import stages
from pipeline.memory import log_heap, release_free_memory
from pipeline.records import Cable, CableRecord, Entity, ParagraphPredictions
from pipeline.store.jsonl import AtomicJsonlWriter
from pipeline.store.ledger import Ledger, LedgerEntry, utc_now
from pipeline.store.lock import FolderLock

log = logging.getLogger(__name__)

@dataclass
class RunSummary:
    """What one flow run did: counts, quarantined files (path and reason), time.

    ``output`` is the file written (``None`` when a ledger-backed run found
    nothing new); ``skipped`` counts cables the ledger had already seen.
    """

    drop: str
    output: str | None
    run_id: str = ""
    cables_found: int = 0
    cables_written: int = 0
    skipped: int = 0
    paragraphs: int = 0
    failures: list[stages.ParseFailure] = field(default_factory=list)
    labels: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0


@task(name="discover", cache_policy=NO_CACHE)
def discover_task(drop: str) -> list[Path]:
    """Every cable file in the drop."""
    return stages.discover(Path(drop))


@task(name="parse", cache_policy=NO_CACHE, retries=2, retry_delay_seconds=1)
def parse_task(paths: list[Path]) -> tuple[list[Cable], list[stages.ParseFailure]]:
    """Parse a chunk of files; bad files are reported, not raised."""
    return stages.parse_many(paths)


@task(name="ner", cache_policy=NO_CACHE, retries=2, retry_delay_seconds=1)
def ner_task(parsed: tuple[list[Cable], list[stages.ParseFailure]]) -> list[list[Entity]]:
    """Entities for every paragraph of the chunk, in reading order."""
    cables = parsed[0]
    years = [(c.header.cable_id or "")[:2] or None for c in cables for _ in c.paragraphs]
    groups = [k for k, c in enumerate(cables) for _ in c.paragraphs]
    refs = [r for c in cables for r in [stages.ref_letters(c)] * len(c.paragraphs)]  # one dict per cable
    with stages.BUSY.interval("ner"):
        return loaded.run_ner(stages.paragraph_texts(cables), years, groups, refs)


@task(name="classify", cache_policy=NO_CACHE, retries=2, retry_delay_seconds=1)
def classify_task(parsed: tuple[list[Cable], list[stages.ParseFailure]]) -> list[ParagraphPredictions]:
    """Commitment, doubt and sensitivity for every paragraph of the chunk."""
    cfg = load_config()["classify"]
    texts = [stages.classify_view(t, int(cfg["max_chars"])) for t in stages.paragraph_texts(parsed[0])]
    contexts = [ctx for cable in parsed[0] for ctx in contexts_for(cable)]
    with stages.BUSY.interval("classify"):
        return loaded.run_classify(texts, contexts, int(cfg["batch_size"]))


def _chunks(items: list[Path], size: int) -> Iterator[list[Path]]:
    it = iter(items)
    while chunk := list(islice(it, size)):
        yield chunk


class _LeastConfident:
    """The ``k`` paragraphs whose binary scores lie nearest 0.5 (bounded heap)."""

    def __init__(self, k: int = 20):
        self.k = k
        self._heap: list[tuple[float, int, str]] = []
        self._n = 0

    def add(self, record: CableRecord) -> None:
        for p in record.paragraphs:
            if p.predictions is None:
                continue
            margin = min(abs(p.predictions.commitment.score - 0.5), abs(p.predictions.doubt.score - 0.5))
            row = (
                f"| {record.cable_id} | {p.number or p.index} | {p.predictions.commitment.score:.2f} "
                f"| {p.predictions.doubt.score:.2f} | {p.predictions.sensitivity.label} |"
            )
            self._n += 1
            item = (-margin, self._n, row)
            if len(self._heap) < self.k:
                heapq.heappush(self._heap, item)
            elif item > self._heap[0]:
                heapq.heapreplace(self._heap, item)

    def rows(self) -> list[str]:
        return [row for _, _, row in sorted(self._heap, reverse=True)]


def _publish_artifact(summary: RunSummary, least: _LeastConfident) -> None:
    """A markdown artifact on the flow run: counts, quarantine, least confident."""
    lines = [
        f"# annotate-drop run {summary.run_id}",
        f"{summary.cables_written} cables annotated ({summary.paragraphs} paragraphs), "
        f"{summary.skipped} already in the ledger, {len(summary.failures)} quarantined.",
        "",
        "| label | paragraphs |",
        "|---|---|",
        *[f"| {k} | {v} |" for k, v in sorted(summary.labels.items())],
        "",
        "## Quarantined",
        *([f"- `{f.path}`: {f.reason}" for f in summary.failures] or ["none"]),
        "",
        "## Least confident paragraphs",
        "| cable | paragraph | P(commitment) | P(doubt) | sensitivity |",
        "|---|---|---|---|---|",
        *least.rows(),
    ]
    try:
        create_markdown_artifact(markdown="\n".join(lines), key="annotate-drop-summary",
                                 description="Counts, quarantine and least confident paragraphs")
    except Exception as err:  # an artifact is a report, never worth failing the run
        log.warning("could not publish the run artifact: %s", err)


def _count_labels(record: CableRecord, counts: Counter) -> None:
    for p in record.paragraphs:
        if p.predictions:
            counts["commitment"] += p.predictions.commitment.label
            counts["doubt"] += p.predictions.doubt.label
            counts[f"sensitivity={p.predictions.sensitivity.label}"] += 1
        if getattr(p, "sensitivity_flag", None):
            counts[f"flag={p.sensitivity_flag}"] += 1


def _run_chunks(
    paths: list[Path], writer: AtomicJsonlWriter, summary: RunSummary, size: int, workers: int,
    progress: bool, supersedes: dict[str, dict], stage: Callable[[list[LedgerEntry]], None] | None = None,
) -> None:
    """Annotate ``paths`` chunk by chunk into ``writer``.

    ``stage``: called with each chunk's ledger entries (a ledger-backed run
    stages them in SQLite, so nothing per cable stays in memory).
    """
    models = loaded.model_versions()
    labels: Counter = Counter()
    least = _LeastConfident()
    in_flight: deque = deque()
    bar = tqdm(total=len(paths), unit="cable", desc="annotate", disable=not progress)

    def drain_one() -> None:
        chunk, parsed_f, ner_f, cls_f = in_flight.popleft()
        entries: list[LedgerEntry] = []
        cables, failures = parsed_f.result()
        records = stages.assemble(cables, ner_f.result(), cls_f.result(), models)
        for rec, cable in zip(records, cables):
            prev = supersedes.get(cable.source_sha256 or "")
            if prev:
                rec.provenance.supersedes = prev
            writer.write(rec.to_dict())
            _count_labels(rec, labels)
            least.add(rec)
            entries.append(LedgerEntry(cable.source_sha256 or "", cable.source_path or "", "annotated",
                                       rec.cable_id, models, None, (prev or {}).get("source_sha256")))
        for f in failures:
            entries.append(LedgerEntry(stages.sha256_of(Path(f.path)), f.path, "quarantined", error=f.reason))
        writer.flush()
        if stage is not None:
            stage(entries)
        release_free_memory()  # chunks of varying sizes fragment the heap (pipeline.memory)
        summary.failures.extend(failures)
        summary.cables_written += len(records)
        # the soak's probe (python -m pipeline.soak): heap and cache sizes per chunk
        if os.environ.get("CABLES_HEAP_LOG"):  # cache_sizes() would load spaCy here when the workers hold it
            log_heap(os.environ["CABLES_HEAP_LOG"], cables=summary.cables_written, **loaded.cache_sizes())
        summary.paragraphs += sum(len(c.paragraphs) for c in cables)
        bar.update(len(chunk))

    for chunk in _chunks(paths, size):
        parsed_f = parse_task.submit(chunk)
        in_flight.append((chunk, parsed_f, ner_task.submit(parsed_f), classify_task.submit(parsed_f)))
        if len(in_flight) >= workers:
            drain_one()
    while in_flight:
        drain_one()
    bar.close()
    summary.labels = dict(labels)
    _publish_artifact(summary, least)


def _run_id() -> str:
    return str(flow_run.get_id() or uuid.uuid4())


@flow(name="annotate-drop", log_prints=False, task_runner=ThreadPoolTaskRunner(max_workers=4))
def annotate_drop(
    drop: str,
    out: str | None = None,
    out_dir: str | None = None,
    chunk_cables: int | None = None,
    workers: int | None = None,
    progress: bool = True,
    lock_timeout: float = 600.0,
) -> RunSummary:
    """Annotate the cables in ``drop``; give exactly one of ``out`` or ``out_dir``.

    ``out``: write every cable to this JSON Lines file.  ``out_dir``: a
    ledger-backed run writing only new cables to a new file in that folder
    (see module doc); waits up to ``lock_timeout`` seconds for a run already
    in progress on the same folder.  ``workers``: chunks in flight at once (default ``[flow] batches_in_flight``).
    Files that fail to parse are quarantined (logged with the reason, listed
    in the summary and, with ``out_dir``, in the ledger); the rest of the
    drop is annotated.  Raises ``FileNotFoundError`` if ``drop`` is not a
    folder, ``ValueError`` unless exactly one of ``out``/``out_dir`` is given,
    :class:`pipeline.store.lock.LockTimeout` if the folder stays locked.
    """
    if (out is None) == (out_dir is None):
        raise ValueError("give exactly one of out= or out_dir=")
    t0 = time.perf_counter()
    size = chunk_cables or int(load_config()["flow"]["chunk_cables"])
    workers = workers or int(load_config()["flow"]["batches_in_flight"])
    run_id = _run_id()
    started = utc_now()
    paths = discover_task(drop)
    if out is not None:
        summary = RunSummary(drop=str(drop), output=str(out), run_id=run_id, cables_found=len(paths))
        with AtomicJsonlWriter(out) as writer:
            _run_chunks(paths, writer, summary, size, workers, progress, {})
    else:
        summary = _ledger_run(Path(drop), Path(out_dir), paths, run_id, started, size, workers, progress, lock_timeout)
    summary.seconds = round(time.perf_counter() - t0, 2)
    stages.BUSY.dump()
    log.info(
        "annotated %d of %d cables (%d paragraphs, %d already done) %s in %.1f s; %d quarantined",
        summary.cables_written, summary.cables_found, summary.paragraphs, summary.skipped,
        f"into {summary.output}" if summary.output else "(nothing new, no output file)",
        summary.seconds, len(summary.failures),
    )
    return summary


def _ledger_run(
    drop: Path, out_dir: Path, paths: list[Path], run_id: str, started: str, size: int, workers: int,
    progress: bool, lock_timeout: float,
) -> RunSummary:
    """One ledger-backed run under the folder lock (see module doc)."""
    summary = RunSummary(drop=str(drop), output=None, run_id=run_id, cables_found=len(paths))
    with FolderLock(out_dir, timeout=lock_timeout), Ledger(out_dir) as ledger:
        settled = ledger.recover()
        if any(settled.values()):
            log.warning("settled an interrupted earlier run: %s", settled)
        todo: list[Path] = []
        supersedes: dict[str, dict] = {}
        seen: set[str] = set()
        for p in paths:
            sha = stages.sha256_of(p)
            if ledger.known(sha) or sha in seen:  # same bytes twice in one drop: once
                summary.skipped += 1
                continue
            seen.add(sha)
            todo.append(p)
            prev = ledger.previous_at_path(str(p), sha)
            if prev:
                supersedes[sha] = {k: prev[k] for k in ("source_sha256", "cable_id", "output_file")}
        stamp = started.replace("-", "").replace(":", "")
        final = out_dir / f"{stamp}-{run_id}.jsonl"
        if not todo:
            ledger.commit_run(run_id, started, [], None, None)
            return summary
        writer = AtomicJsonlWriter(final, commit=False)
        with writer:
            _run_chunks(todo, writer, summary, size, workers, progress, supersedes,
                        stage=lambda entries: ledger.stage(run_id, entries))
        has_output = summary.cables_written > 0
        if has_output:
            summary.output = str(final)
        else:
            writer.discard()
        ledger.commit_run(run_id, started, [], writer.part_path if has_output else None,
                          final if has_output else None)
    return summary
