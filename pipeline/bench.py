"""Throughput benchmark: cables/s and paragraphs/s per stage and end to end.

Every figure comes from timing a real run on the given drop: the stages are
timed one by one on the same cables (models already loaded), then the whole
Prefect flow is run end to end into a temporary file, start-up included.
"""

from __future__ import annotations

import logging
import resource
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

log = logging.getLogger(__name__)


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
    """All timings of one benchmark run plus peak resident memory (MB)."""

    drop: str
    stages: list[StageTiming] = field(default_factory=list)
    peak_rss_mb: float = 0.0

    def table(self) -> str:
        """A plain-text table, one row per stage."""
        rows = [f"{'stage':<22}{'seconds':>9}{'cables':>8}{'paras':>8}{'cables/s':>10}{'paras/s':>10}"]
        for s in self.stages:
            rows.append(
                f"{s.stage:<22}{s.seconds:>9.2f}{s.cables:>8}{s.paragraphs:>8}"
                f"{s.cables_per_s:>10.2f}{s.paragraphs_per_s:>10.1f}"
            )
        rows.append(f"peak RSS: {self.peak_rss_mb:.0f} MB")
        return "\n".join(rows)

    def summary(self) -> dict[str, float | str]:
        """The figures as one JSON-able dict (the benchmark's last line)."""
        out: dict[str, float | str] = {"drop": self.drop, "peak_rss_mb": round(self.peak_rss_mb, 1)}
        for s in self.stages:
            out[f"{s.stage}_cables_per_s"] = round(s.cables_per_s, 3)
            out[f"{s.stage}_paragraphs_per_s"] = round(s.paragraphs_per_s, 2)
        e2e = next((s for s in self.stages if s.stage == "end_to_end"), None)
        if e2e:
            out["paragraphs_per_s"] = round(e2e.paragraphs_per_s, 2)
        return out


def _timed(fn, *args):
    t0 = time.perf_counter()
    result = fn(*args)
    return result, time.perf_counter() - t0


def run_bench(drop: Path, limit: int | None = None) -> BenchReport:
    """Time parse, NER, classify and the end-to-end flow on ``drop``.

    ``limit`` caps the number of cables (the first ``limit`` by path).
    Raises ``FileNotFoundError`` if ``drop`` is not a folder.
    """
    from pipeline.flows import stages
    from pipeline.flows.annotate import annotate_drop
    from pipeline.flows.models import shared_classifier
    from pipeline.nlp.build import shared_nlp
    from pipeline.nlp.entities import extract_entities

    paths = stages.discover(Path(drop))[:limit]
    report = BenchReport(drop=str(drop))
    (nlp, clf), load_s = _timed(lambda: (shared_nlp(), shared_classifier()))
    log.info("models loaded in %.1f s", load_s)

    (cables, _failures), parse_s = _timed(stages.parse_many, paths)
    texts = stages.paragraph_texts(cables)
    n_c, n_p = len(cables), len(texts)
    report.stages.append(StageTiming("parse", parse_s, n_c, n_p))
    _, ner_s = _timed(extract_entities, nlp, texts)
    report.stages.append(StageTiming("ner", ner_s, n_c, n_p))
    _, cls_s = _timed(clf.predict, texts)
    report.stages.append(StageTiming("classify", cls_s, n_c, n_p))

    with tempfile.TemporaryDirectory() as tmp:
        sub = Path(tmp) / "drop"
        sub.mkdir()
        for p in paths:  # the same cables, also when limit cuts the drop
            (sub / p.name).write_bytes(p.read_bytes())
        summary, e2e_s = _timed(lambda: annotate_drop(str(sub), str(Path(tmp) / "out.jsonl"), progress=False))
    report.stages.append(StageTiming("end_to_end", e2e_s, summary.cables_written, summary.paragraphs))
    report.peak_rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return report
