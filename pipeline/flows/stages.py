"""The stages of annotate-drop as plain functions of paths and records.

The Prefect flow (``pipeline.flows.annotate``) wraps these in tasks; the
benchmark and tests call them directly, so every path runs the same code.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from pathlib import Path

import pipeline
from pipeline.cables.errors import CableError
from pipeline.cables.parse import parse_file
from pipeline.classify.flags import enrich
from pipeline.config import load_config
from pipeline.nlp.acronyms import cable_acronyms
from pipeline.nlp.casing import restore_case
from pipeline.records import AnnotatedParagraph, Cable, CableRecord, Entity, ParagraphPredictions, Provenance

log = logging.getLogger(__name__)

class BusyClock:
    """Wall-clock intervals during which a model computes, for the overhead share.

    ``with BUSY.interval("ner"): ...`` records ``(name, start, end)`` in
    ``time.time()`` seconds (thread-safe).  The benchmark
    (:mod:`pipeline.bench`) takes the union of all intervals of one run: the
    rest of the run's wall time is overhead (start-up, parsing, Prefect,
    I/O, JSON), whatever overlaps.  When ``$CABLES_BUSY_LOG`` names a file,
    :meth:`dump` writes the intervals there as JSON at the end of a flow run.
    """

    def __init__(self) -> None:
        import threading

        self._lock = threading.Lock()
        self.intervals: list[tuple[str, float, float]] = []

    def interval(self, name: str):
        """Context manager timing one model call under ``name``."""
        import contextlib
        import time

        @contextlib.contextmanager
        def timer():
            t0 = time.time()
            try:
                yield
            finally:
                with self._lock:
                    self.intervals.append((name, t0, time.time()))

        return timer()

    def dump(self) -> None:
        """Write the intervals to ``$CABLES_BUSY_LOG`` if it is set."""
        import json
        import os

        target = os.environ.get("CABLES_BUSY_LOG")
        if target:
            with self._lock:
                Path(target).write_text(json.dumps({"intervals": self.intervals}), encoding="utf-8")


#: The process-wide clock the flow's model tasks report to.
BUSY = BusyClock()

#: File name patterns that ``discover`` treats as cables.
CABLE_GLOBS: tuple[str, ...] = ("*.txt", "*.html")


@dataclass
class ParseFailure:
    """A cable file that could not be parsed: its path and the reason."""

    path: str
    reason: str


def discover(drop: Path) -> list[Path]:
    """Return the cable files in ``drop`` (recursively), sorted by path.

    Raises ``FileNotFoundError`` if ``drop`` is not a folder.
    """
    drop = Path(drop)
    if not drop.is_dir():
        raise FileNotFoundError(f"{drop}: not a folder")
    found = {p for g in CABLE_GLOBS for p in drop.rglob(g) if p.is_file()}
    return sorted(found)


def sha256_of(path: Path) -> str:
    """Hex sha256 of the file's bytes, read in 1 MiB blocks; ``""`` if unreadable."""
    h = hashlib.sha256()
    try:
        with open(path, "rb") as fh:
            for block in iter(lambda: fh.read(1 << 20), b""):
                h.update(block)
    except OSError:
        return ""
    return h.hexdigest()


def parse_many(paths: list[Path]) -> tuple[list[Cable], list[ParseFailure]]:
    """Parse each file; a bad file becomes a :class:`ParseFailure` (logged
    with its path and reason) and the others go on."""
    cables: list[Cable] = []
    failures: list[ParseFailure] = []
    for path in paths:
        try:
            cables.append(parse_file(path))
        except CableError as err:
            log.warning("skipped %s", err)
            failures.append(ParseFailure(str(path), err.reason))
        except OSError as err:
            log.warning("skipped %s: %s", path, err.strerror or err)
            failures.append(ParseFailure(str(path), f"cannot read: {err.strerror or err}"))
    return cables, failures


def paragraph_texts(cables: list[Cable]) -> list[str]:
    """All paragraph texts of ``cables``, flattened in reading order."""
    return [p.text for c in cables for p in c.paragraphs]


def classify_view(text: str, max_chars: int) -> str:
    """The text the classifiers read: whole, or for a paragraph over
    ``max_chars`` its first and last ``max_chars // 2`` characters."""
    if len(text) <= max_chars:
        return text
    half = max_chars // 2
    return text[:half] + " ... " + text[-half:]


def oversize_warnings(cable: Cable, ner_cap: int, classify_cap: int) -> list[str]:
    """Warnings for paragraphs that NER or the classifiers read only in part."""
    out = []
    for p in cable.paragraphs:
        n = len(p.text)
        if n > ner_cap:
            out.append(f"paragraph {p.index}: NER read the first {ner_cap} of {n} characters")
        if n > classify_cap:
            out.append(f"paragraph {p.index}: classified on its first and last {classify_cap // 2} of {n} characters")
    return out


def assemble(
    cables: list[Cable],
    entities: list[list[Entity]],
    predictions: list[ParagraphPredictions],
    models: dict[str, dict[str, str]],
) -> list[CableRecord]:
    """Join cables with the flattened per-paragraph ``entities`` and
    ``predictions`` (same order as :func:`paragraph_texts`) into records.

    Raises ``ValueError`` if the lengths disagree.
    """
    n = sum(len(c.paragraphs) for c in cables)
    if not (len(entities) == len(predictions) == n):
        raise ValueError(f"{n} paragraphs but {len(entities)} entity lists, {len(predictions)} predictions")
    now = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    cfg = load_config()
    ner_cap, cls_cap = int(cfg["spacy"]["max_paragraph_chars"]), int(cfg["classify"]["max_chars"])
    records: list[CableRecord] = []
    k = 0
    for cable in cables:
        paras = []
        for p in cable.paragraphs:
            # holders of predicted commitments/doubts, sensitivity-vs-marking flag
            paras.append(enrich(AnnotatedParagraph(**asdict(p), entities=entities[k], predictions=predictions[k])))
            k += 1
        provenance = Provenance(
            source_path=cable.source_path or "",
            source_sha256=cable.source_sha256 or "",
            pipeline_version=pipeline.__version__,
            models=models,
            annotated_at=now,
        )
        warnings = list(cable.warnings) + oversize_warnings(cable, ner_cap, cls_cap)
        # NER's cap applies here too: a 5 MB table holds no acronym definitions
        # worth minutes of recasing.  Only a text with "(" can define one
        # (cable_acronyms skips the rest, and recasing keeps every "("), so
        # only those are recased: the same table as NER's at a third the cost.
        texts = [p.text[:ner_cap] for p in cable.paragraphs]
        acronyms = cable_acronyms([restore_case(t) if "(" in t else t for t in texts])
        records.append(CableRecord(cable.header.cable_id, cable.header, paras, provenance, warnings, acronyms))
    return records


def ref_letters(cable: Cable) -> dict[str, str]:
    """The cable's REF list as ``{letter: canonical reference id}`` for the
    items that are cables (an unlettered item under ``""``), which NER uses to
    resolve ``ref A`` / ``reftel`` (:func:`pipeline.nlp.entities.extract_entities`)."""
    return {(r.letter or "").upper(): r.cable_id for r in cable.header.references if r.cable_id}
