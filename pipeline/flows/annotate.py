"""The ``annotate-drop`` Prefect flow: discover, parse, ner, classify, write.

Cables go through in chunks of ``[flow] chunk_cables`` so memory stays flat
on big drops; each chunk's records are written as soon as they are ready,
into a temporary file that is renamed over ``out`` only at the end.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import islice
from pathlib import Path

import pipeline.env  # noqa: F401  (offline hubs, quiet Prefect: before prefect loads)
from prefect import flow, task
from prefect.cache_policies import NO_CACHE
from tqdm import tqdm

from pipeline.classify.predict import ParagraphClassifier
from pipeline.config import load_config
from pipeline.flows import stages
from pipeline.nlp.build import shared_nlp
from pipeline.nlp.entities import extract_entities
from pipeline.records import Cable, CableRecord, Entity, ParagraphPredictions
from pipeline.store.jsonl import AtomicJsonlWriter

log = logging.getLogger(__name__)


@dataclass
class RunSummary:
    """What one flow run did: counts, failures (path and reason) and time."""

    drop: str
    out: str
    cables_found: int = 0
    cables_written: int = 0
    paragraphs: int = 0
    failures: list[stages.ParseFailure] = field(default_factory=list)
    seconds: float = 0.0


@lru_cache(maxsize=1)
def shared_classifier() -> ParagraphClassifier:
    """The process-wide classifier (the encoder loads once, ~2 s)."""
    return ParagraphClassifier.load()


def model_versions() -> dict[str, dict[str, str]]:
    """Name and version of every model a record depends on (provenance)."""
    nlp = shared_nlp()
    versions = {"spacy": {"name": nlp.meta.get("lang", "en") + "_" + nlp.meta.get("name", "?"),
                          "version": str(nlp.meta.get("version", "?"))}}
    versions.update(shared_classifier().versions())
    return versions


@task(name="discover", cache_policy=NO_CACHE)
def discover_task(drop: str) -> list[Path]:
    """Every cable file in the drop."""
    return stages.discover(Path(drop))


@task(name="parse", cache_policy=NO_CACHE)
def parse_task(paths: list[Path]) -> tuple[list[Cable], list[stages.ParseFailure]]:
    """Parse a chunk of files; bad files are reported, not raised."""
    return stages.parse_many(paths)


@task(name="ner", cache_policy=NO_CACHE)
def ner_task(cables: list[Cable]) -> list[list[Entity]]:
    """Entities for every paragraph of the chunk, in reading order."""
    years = [(c.header.cable_id or "")[:2] or None for c in cables for _ in c.paragraphs]
    return extract_entities(shared_nlp(), stages.paragraph_texts(cables), years=years)


@task(name="classify", cache_policy=NO_CACHE)
def classify_task(cables: list[Cable]) -> list[ParagraphPredictions]:
    """Commitment, doubt and sensitivity for every paragraph of the chunk."""
    batch = int(load_config()["classify"]["batch_size"])
    return shared_classifier().predict(stages.paragraph_texts(cables), batch_size=batch)


@task(name="write", cache_policy=NO_CACHE)
def write_task(writer: AtomicJsonlWriter, records: list[CableRecord]) -> int:
    """Append the chunk's records to the open output; returns lines written."""
    for rec in records:
        writer.write(rec.to_dict())
    return len(records)


def _chunks(items: list[Path], size: int):
    it = iter(items)
    while chunk := list(islice(it, size)):
        yield chunk


@flow(name="annotate-drop", log_prints=False)
def annotate_drop(drop: str, out: str, chunk_cables: int | None = None, progress: bool = True) -> RunSummary:
    """Annotate every cable in ``drop`` and write one JSON line per cable to ``out``.

    ``out`` appears whole or not at all (written to a temporary file, then
    renamed).  Files that fail to parse are logged with the reason and listed
    in the returned :class:`RunSummary`; the rest of the drop is annotated.
    Raises ``FileNotFoundError`` if ``drop`` is not a folder.
    """
    t0 = time.perf_counter()
    size = chunk_cables or int(load_config()["flow"]["chunk_cables"])
    summary = RunSummary(drop=str(drop), out=str(out))
    paths = discover_task(drop)
    summary.cables_found = len(paths)
    models = model_versions()
    bar = tqdm(total=len(paths), unit="cable", desc="annotate", disable=not progress)
    with AtomicJsonlWriter(out) as writer:
        for chunk in _chunks(paths, size):
            cables, failures = parse_task(chunk)
            summary.failures.extend(failures)
            entities = ner_task(cables)
            predictions = classify_task(cables)
            records = stages.assemble(cables, entities, predictions, models)
            summary.cables_written += write_task(writer, records)
            summary.paragraphs += sum(len(c.paragraphs) for c in cables)
            bar.update(len(chunk))
    bar.close()
    summary.seconds = round(time.perf_counter() - t0, 2)
    log.info(
        "annotated %d of %d cables (%d paragraphs) into %s in %.1f s; %d failed",
        summary.cables_written, summary.cables_found, summary.paragraphs, out, summary.seconds,
        len(summary.failures),
    )
    return summary
