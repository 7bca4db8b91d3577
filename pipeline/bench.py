"""Throughput benchmark: paragraphs/s per stage, end to end, and the bare
torch encoder on the same paragraphs, in one run (issue 8).

``cables bench DROP`` (or ``cables bench --from-corpus 600``, which first
writes the first N cables of the corpus shards into a temporary drop):

1. **end to end**: ``cables annotate DROP --out FILE`` in a subprocess,
   start-up included (imports, model loads, Prefect's ephemeral API), timed
   from launch to exit.  Its resident memory (the process plus all its
   children: the model worker processes and Prefect's API server) is sampled every
   0.2 s; the peak is ``peak_rss_mb``.  The flow logs when each model call
   ran (:class:`pipeline.flows.stages.BusyClock`); ``overhead_share`` is the
   share of the wall time in which no model computed (the union of those
   intervals is model time; the rest is start-up, parsing, Prefect, I/O,
   JSON).  The overhead is split into ``startup_s`` (launch to the first
   model call), ``gaps_s`` (no model computing between the first and the
   last call) and ``tail_s`` (last call to exit).
2. **stages**, in this process on the same cables with models loaded:
   parse, NER (one process), the configured encoder alone (``encoder_fast``:
   int8 onnxruntime; left out when no head reads its vectors, as with the
   tuned commitment/doubt heads), classify (the three heads with whatever
   network or encoder they run, and any torch re-check of near-threshold
   paragraphs), and two torch encoders on the same paragraph texts:

   - ``encoder_torch``, the **bare torch encoder** as issue 8 defines and
     measured it (MiniLM in torch, batches of 32 in the drop's order, each
     padded to its longest text, cut at the model's 256 word pieces, 2
     threads, no NER, no parsing: plain ``transformers`` use, which ran
     "about 25 paragraphs/s" on real cable paragraphs in the issue and 23.4
     here);
   - ``encoder_torch_sorted``, the same model with two of the issue's levers
     (all chunks sorted by length before batching; long paragraphs chunked,
     not cut): :meth:`pipeline.classify.encoder.Encoder.embed`, 36-40
     paragraphs/s here.

   ``ratio`` = end-to-end paragraphs/s / the bare encoder's;
   ``ratio_sorted`` = the same over the length-sorted encoder's (the
   stricter comparison).  All come from this one run.

Every figure is a timing of a real run, never an estimate.  Timings on a
shared machine vary with its load; the ratio is meaningful within one run.
"""

from __future__ import annotations

import json
import logging
import os
import resource
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.memory import tree_rss_mb

log = logging.getLogger(__name__)

#: Keys of the benchmark's last JSON line that issue 8 asks for.
SUMMARY_KEYS = ("paragraphs_per_s", "encoder_torch_paragraphs_per_s", "ratio", "overhead_share", "peak_rss_mb")
#: Seconds between two memory samples of the end-to-end run.
RSS_EVERY_S = 0.2


@dataclass
class StageTiming:
    """Wall time of one stage over ``cables`` cables and ``paragraphs`` paragraphs."""

    stage: str
    seconds: float
    cables: int
    paragraphs: int

    @property
    def cables_per_s(self) -> float:
        return self.cables / self.seconds if self.seconds else 0.0

    @property
    def paragraphs_per_s(self) -> float:
        return self.paragraphs / self.seconds if self.seconds else 0.0


@dataclass
class BenchReport:
    """All timings of one benchmark run.

    ``peak_rss_mb``: peak resident memory (MB) of the end-to-end run, the
    annotate process and its children together; ``peak_flow_rss_mb``: of the
    annotate process alone; ``bench_rss_mb``: of this process (which also
    holds the torch encoder for the comparison).  ``model_seconds``: union of
    the end-to-end run's model-call intervals.
    """

    drop: str
    stages: list[StageTiming] = field(default_factory=list)
    peak_rss_mb: float = 0.0
    peak_flow_rss_mb: float = 0.0
    bench_rss_mb: float = 0.0
    model_seconds: float = 0.0
    load_seconds: float = 0.0
    runtime: str = ""
    rechecked_share: float = 0.0
    #: ``[flow] processes`` of the end-to-end run (model worker processes)
    processes: int = 0
    #: overhead split (seconds): launch to first model call, idle between calls, last call to exit
    startup_s: float = 0.0
    gaps_s: float = 0.0
    tail_s: float = 0.0

    def stage(self, name: str) -> StageTiming | None:
        """The timing named ``name``, or None."""
        return next((s for s in self.stages if s.stage == name), None)

    @property
    def ratio(self) -> float:
        """End-to-end paragraphs/s over the bare torch encoder's (0 if either is missing)."""
        return self._ratio_to("encoder_torch")

    @property
    def ratio_sorted(self) -> float:
        """End-to-end paragraphs/s over the length-sorted torch encoder's (0 if either is missing)."""
        return self._ratio_to("encoder_torch_sorted")

    def _ratio_to(self, name: str) -> float:
        e2e, ref = self.stage("end_to_end"), self.stage(name)
        return e2e.paragraphs_per_s / ref.paragraphs_per_s if e2e and ref and ref.paragraphs_per_s else 0.0

    @property
    def overhead_share(self) -> float:
        """Share of the end-to-end wall time in which no model computed."""
        e2e = self.stage("end_to_end")
        return max(0.0, 1.0 - self.model_seconds / e2e.seconds) if e2e and e2e.seconds else 0.0

    def table(self) -> str:
        """A plain-text table, one row per stage, then ratio, overhead and memory."""
        rows = [f"{'stage':<26}{'seconds':>9}{'cables':>8}{'paras':>8}{'cables/s':>10}{'paras/s':>10}"]
        for s in self.stages:
            rows.append(
                f"{s.stage:<26}{s.seconds:>9.2f}{s.cables:>8}{s.paragraphs:>8}"
                f"{s.cables_per_s:>10.2f}{s.paragraphs_per_s:>10.1f}"
            )
        rows.append(f"encoder runtime (encoder_fast, classify, end to end): {self.runtime}; "
                    f"re-encoded by torch near a threshold: {self.rechecked_share:.1%} of paragraphs; "
                    f"model worker processes end to end: {self.processes}")
        rows.append(f"ratio end to end / bare torch encoder (encoder_torch): {self.ratio:.2f}; "
                    f"/ length-sorted torch encoder (encoder_torch_sorted): {self.ratio_sorted:.2f}")
        rows.append(f"overhead (no model computing): {self.overhead_share:.1%} of "
                    f"{self.stage('end_to_end').seconds if self.stage('end_to_end') else 0:.1f} s "
                    f"(model time {self.model_seconds:.1f} s; start-up {self.startup_s:.1f} s, "
                    f"gaps {self.gaps_s:.1f} s, tail {self.tail_s:.1f} s)")
        rows.append(f"peak RSS end to end: {self.peak_rss_mb:.0f} MB (flow process alone {self.peak_flow_rss_mb:.0f} MB); "
                    f"this bench process: {self.bench_rss_mb:.0f} MB")
        return "\n".join(rows)

    def summary(self) -> dict[str, float | str]:
        """The figures as one JSON-able dict (the benchmark's last line); has
        every key of :data:`SUMMARY_KEYS`."""
        e2e = self.stage("end_to_end")
        ref = self.stage("encoder_torch")
        out: dict[str, float | str] = {
            "paragraphs_per_s": round(e2e.paragraphs_per_s, 2) if e2e else 0.0,
            "encoder_torch_paragraphs_per_s": round(ref.paragraphs_per_s, 2) if ref else 0.0,
            "ratio": round(self.ratio, 3),
            "ratio_sorted": round(self.ratio_sorted, 3),
            "startup_s": round(self.startup_s, 2),
            "gaps_s": round(self.gaps_s, 2),
            "tail_s": round(self.tail_s, 2),
            "overhead_share": round(self.overhead_share, 4),
            "peak_rss_mb": round(self.peak_rss_mb, 1),
            "drop": self.drop,
            "cables": e2e.cables if e2e else 0,
            "paragraphs": e2e.paragraphs if e2e else 0,
            "runtime": self.runtime,
            "rechecked_share": round(self.rechecked_share, 4),
            "processes": self.processes,
        }
        for s in self.stages:
            out[f"{s.stage}_paragraphs_per_s"] = round(s.paragraphs_per_s, 2)
        return out


def union_seconds(intervals: list[tuple[float, float]]) -> float:
    """Total length of the union of ``(start, end)`` intervals (seconds)."""
    total, end = 0.0, float("-inf")
    for a, b in sorted(intervals):
        if b <= end:
            continue
        total += b - max(a, end)
        end = b
    return total


@dataclass
class EndToEnd:
    """One timed ``cables annotate`` run (seconds, MB)."""

    wall: float
    summary: dict
    model_seconds: float
    peak_rss_mb: float
    peak_flow_rss_mb: float
    startup_s: float = 0.0
    gaps_s: float = 0.0
    tail_s: float = 0.0


def split_overhead(intervals: list[tuple[float, float]], start: float, end: float) -> tuple[float, float, float]:
    """``(start-up, gaps, tail)`` seconds of ``[start, end]`` outside the model intervals.

    Start-up: ``start`` to the first interval; tail: the last interval's end
    to ``end``; gaps: time between the first and last interval that no
    interval covers.  No intervals: all of it is start-up.
    """
    if not intervals:
        return max(0.0, end - start), 0.0, 0.0
    first = min(a for a, _ in intervals)
    last = max(b for _, b in intervals)
    return max(0.0, first - start), max(0.0, (last - first) - union_seconds(intervals)), max(0.0, end - last)


def run_end_to_end(drop: Path, workdir: Path) -> EndToEnd:
    """Run ``cables annotate drop`` in a subprocess, start-up included.

    Returns an :class:`EndToEnd` (wall seconds, the CLI's summary dict, model
    seconds, peak RSS MB of the process tree and of the process alone, the
    overhead split).  Raises ``RuntimeError`` when the run fails.
    """
    busy = workdir / "busy.json"
    env = {**os.environ, "CABLES_BUSY_LOG": str(busy)}
    cmd = [sys.executable, "-m", "pipeline.cli", "-q", "annotate", str(drop), "--out", str(workdir / "out.jsonl"),
           "--no-progress"]
    peaks = [0.0, 0.0]
    t0, w0 = time.perf_counter(), time.time()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)

    def sample() -> None:
        while proc.poll() is None:
            main, children = tree_rss_mb(proc.pid)
            peaks[0] = max(peaks[0], main + children)
            peaks[1] = max(peaks[1], main)
            time.sleep(RSS_EVERY_S)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    out, err = proc.communicate()
    wall, w1 = time.perf_counter() - t0, time.time()
    sampler.join()
    if proc.returncode != 0:
        raise RuntimeError(f"annotate failed ({proc.returncode}): {err[-2000:]}")
    summary = json.loads(out.strip().splitlines()[-1])
    intervals = json.loads(busy.read_text(encoding="utf-8"))["intervals"] if busy.exists() else []
    spans = [(a, b) for _, a, b in intervals]
    return EndToEnd(wall, summary, union_seconds(spans), peaks[0], peaks[1], *split_overhead(spans, w0, w1))


def drop_from_corpus(n: int, folder: Path, shards: str | None = None) -> int:
    """Write the first ``n`` cables of the corpus shards into ``folder`` as
    ``<id>.txt`` (:func:`pipeline.soak.build_drop`); return how many.

    ``shards`` defaults to ``cables-*.jsonl`` under the corpus folder
    (``$CABLES_CORPUS_DIR`` or ``../shared/corpora/cablegate``).  Raises
    ``FileNotFoundError`` when no shard matches.
    """
    import glob

    from pipeline.classify.data import DEFAULT_CORPUS
    from pipeline.soak import build_drop

    pattern = shards or str(Path(DEFAULT_CORPUS) / "cables-*.jsonl")
    if not glob.glob(pattern):
        raise FileNotFoundError(f"no corpus shards match {pattern}")
    folder.mkdir(parents=True, exist_ok=True)
    return build_drop(pattern, n, folder)


def _timed(fn, *args, **kwargs):
    t0 = time.perf_counter()
    result = fn(*args, **kwargs)
    return result, time.perf_counter() - t0


def run_bench(drop: Path | None, limit: int | None = None, from_corpus: int | None = None,
              torch_batch: int = 32, torch_threads: int = 2) -> BenchReport:
    """Benchmark ``drop`` (or ``from_corpus`` cables of the corpus); see the module doc.

    ``limit`` caps the number of cables (the first ``limit`` by path).
    Raises ``FileNotFoundError`` if ``drop`` is not a folder, ``ValueError``
    when neither or both of ``drop`` and ``from_corpus`` are given.
    """
    if (drop is None) == (from_corpus is None):
        raise ValueError("give a drop folder or from_corpus=N, not both")
    from pipeline.flows import stages

    with tempfile.TemporaryDirectory() as tmp:
        sub = Path(tmp) / "drop"
        if from_corpus is not None:
            n = drop_from_corpus(from_corpus, sub)
            label = f"first {n} cables of the corpus shards"
            paths = stages.discover(sub)
        else:
            paths = stages.discover(Path(drop))[:limit]
            sub.mkdir()
            for p in paths:  # the same cables, also when limit cuts the drop
                (sub / p.name).write_bytes(p.read_bytes())
            label = str(drop)
            paths = stages.discover(sub)
        from pipeline.flows.models import model_processes

        report = BenchReport(drop=label, processes=model_processes())
        log.info("end to end: cables annotate on %d cables", len(paths))
        e2e = run_end_to_end(sub, Path(tmp))
        report.stages.append(StageTiming("end_to_end", e2e.wall, e2e.summary["cables_written"], e2e.summary["paragraphs"]))
        report.model_seconds, report.peak_rss_mb, report.peak_flow_rss_mb = e2e.model_seconds, e2e.peak_rss_mb, e2e.peak_flow_rss_mb
        report.startup_s, report.gaps_s, report.tail_s = e2e.startup_s, e2e.gaps_s, e2e.tail_s
        _stage_timings(report, paths, torch_batch, torch_threads)
    report.bench_rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return report


def plain_torch_embed(encoder, texts: list[str], batch_size: int = 32):
    """The bare torch encoder of issue 8: plain ``transformers`` use of MiniLM.

    Batches of ``batch_size`` texts in the order given, each padded to its
    longest text and cut at 256 word pieces (the length all-MiniLM-L6-v2 was
    trained at), masked mean of the last layer, L2-normalised.  Returns an
    array of shape ``(len(texts), 384)``, float32.  ``encoder`` is a
    :class:`pipeline.classify.encoder.Encoder` (its tokenizer, model and
    thread setting).  None of the levers issue 8 lists (length sorting,
    chunking) is applied: that is what makes it the reference.
    """
    import numpy as np
    import torch

    from pipeline.classify.encoder import DIM, MAX_POSITIONS

    out = np.zeros((len(texts), DIM), dtype=np.float32)
    with torch.inference_mode():
        for i in range(0, len(texts), batch_size):
            batch = encoder.tokenizer(texts[i : i + batch_size], padding=True, truncation=True, max_length=MAX_POSITIONS,
                                      return_tensors="pt")
            hidden = encoder.model(**batch).last_hidden_state
            mask = batch["attention_mask"].unsqueeze(-1).to(hidden.dtype)
            pooled = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
            out[i : i + batch_size] = torch.nn.functional.normalize(pooled, p=2, dim=1).numpy()
    return out


def _tuned_runtime(clf) -> str:
    """Runtime the tuned commitment/doubt network runs on in the flow (``torch`` or ``onnxruntime-<recipe>``)."""
    from pipeline.classify.tuned_head import shared_pass

    return str(getattr(shared_pass(clf.heads["commitment"].net).net, "runtime", "torch"))


def _stage_timings(report: BenchReport, paths: list[Path], torch_batch: int, torch_threads: int) -> None:
    """Parse, NER, encoder, classify and bare torch encoder on ``paths``, in this process."""
    from pipeline.classify.context import contexts_for
    from pipeline.classify.encoder import Encoder
    from pipeline.classify.markings import strip_leading_marking
    from pipeline.config import load_config
    from pipeline.flows import stages
    from pipeline.flows.models import shared_classifier
    from pipeline.nlp.build import shared_nlp
    from pipeline.nlp.entities import extract_entities

    (nlp, clf), report.load_seconds = _timed(lambda: (shared_nlp(), shared_classifier()))
    # tuned commitment/doubt heads run their own network: the shared encoder is then unused
    report.runtime = str(getattr(clf.encoder, "runtime", "torch")) if getattr(clf, "needs_embedding", True) \
        else f"tuned network: {_tuned_runtime(clf)}"
    bs = int(load_config()["classify"]["batch_size"])
    (cables, _failures), parse_s = _timed(stages.parse_many, paths)
    texts = stages.paragraph_texts(cables)
    n_c, n_p = len(cables), len(texts)
    report.stages.append(StageTiming("parse", parse_s, n_c, n_p))
    years = [(c.header.cable_id or "")[:2] or None for c in cables for _ in c.paragraphs]
    groups = [k for k, c in enumerate(cables) for _ in c.paragraphs]
    _, ner_s = _timed(extract_entities, nlp, texts, years=years, cables=groups)
    report.stages.append(StageTiming("ner", ner_s, n_c, n_p))
    bare = [strip_leading_marking(t) for t in texts]  # what classify encodes
    if getattr(clf, "needs_embedding", True):
        _, enc_s = _timed(clf.encoder.embed, bare, batch_size=bs)
        report.stages.append(StageTiming("encoder_fast", enc_s, n_c, n_p))
    contexts = [ctx for cable in cables for ctx in contexts_for(cable)]
    _, cls_s = _timed(clf.predict, texts, contexts=contexts, batch_size=bs)
    report.stages.append(StageTiming("classify", cls_s, n_c, n_p))
    report.rechecked_share = getattr(clf, "rechecked", 0) / n_p if n_p else 0.0
    ref = Encoder(num_threads=torch_threads)
    ref.show_progress = False
    _, ref_s = _timed(plain_torch_embed, ref, bare, batch_size=torch_batch)
    report.stages.append(StageTiming("encoder_torch", ref_s, n_c, n_p))
    _, sorted_s = _timed(ref.embed, bare, batch_size=torch_batch)
    report.stages.append(StageTiming("encoder_torch_sorted", sorted_s, n_c, n_p))
    # The end-to-end row first in the run, last in the table.
    report.stages.append(report.stages.pop(0))
