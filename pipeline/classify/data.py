"""Training and evaluation data for the paragraph classifiers.

Two sources:

- Labelled paragraphs (``corpora/labelled/paragraphs.jsonl``, format in
  ``corpora/LABELING.md``) for ``commitment`` and ``doubt``, read with
  ``datasets``.  Split by cable id with ``corpora/splits.json`` so that no
  cable gives paragraphs to both training and evaluation.
- Paragraph markings of the cablegate corpus (``cables-*.jsonl``: one JSON
  object per line with ``id`` and ``raw``) for ``sensitivity``: each cable is
  parsed with the project's parser :func:`pipeline.cables.parse.parse_cable`;
  a paragraph's ``text`` (marking removed) is the input and its
  ``sensitivity`` (U/SBU/C/S) the label.  TS and unmarked paragraphs are
  skipped.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import random
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from pipeline.records import SENSITIVITY_LABELS

from .markings import strip_leading_marking

os.environ.setdefault("HF_DATASETS_OFFLINE", "1")
os.environ.setdefault("HF_HUB_OFFLINE", "1")

log = logging.getLogger(__name__)

from pipeline.config import REPO_ROOT  # noqa: E402  (one definition for the whole package)
DEFAULT_LABELS = REPO_ROOT / "corpora" / "labelled" / "paragraphs.jsonl"
DEFAULT_SPLITS = REPO_ROOT / "corpora" / "splits.json"
DEFAULT_CORPUS = Path(os.environ.get("CABLES_CORPUS_DIR", REPO_ROOT.parent / "shared" / "corpora" / "cablegate"))
#: Ignore paragraphs shorter than this many characters (stray lines) for sensitivity.
MIN_CHARS = 20


@dataclass(frozen=True)
class Example:
    """One paragraph: its cable, text and label (bool, or a level name)."""

    cable_id: str
    text: str
    label: object
    sample: str | None = None
    cue: str | None = None
    context: object = None


def load_splits(path: Path = DEFAULT_SPLITS) -> dict[str, set[str]]:
    """``{"train": {cable ids}, "dev": {...}, "test": {...}}`` from ``splits.json``.

    Raises ``ValueError`` when a cable id is in two splits.
    """
    raw = json.loads(Path(path).read_text(encoding="utf-8"))
    splits = {name: set(ids) for name, ids in raw.items()}
    names = list(splits)
    for i, a in enumerate(names):
        for b in names[i + 1 :]:
            both = splits[a] & splits[b]
            if both:
                raise ValueError(f"{path}: {len(both)} cable ids in both {a} and {b}, e.g. {sorted(both)[0]}")
    return splits


def place_new_cables(splits: dict[str, set[str]], cable_ids, dev_share: float = 0.1) -> dict[str, int]:
    """Put cables that ``splits`` does not list into ``train`` or ``dev``, in place.

    Users label paragraphs of their own drops, whose cables are in no split
    file; without this their labels would be ignored.  Each such cable goes
    to ``dev`` when the first 8 hex digits of the sha256 of its id, as a
    fraction of 16**8, fall below ``dev_share`` (about 10% of cables), else
    to ``train``: stable across runs and machines, one cable never on both
    sides, and never into ``test``.  Returns ``{"train": n, "dev": m}``, the
    counts of cables placed.
    """
    known = set().union(*splits.values()) if splits else set()
    placed = {"train": 0, "dev": 0}
    for cid in sorted(set(cable_ids) - known):
        if cid is None:
            continue
        side = "dev" if int(hashlib.sha256(cid.encode("utf-8")).hexdigest()[:8], 16) < dev_share * 16**8 else "train"
        splits.setdefault(side, set()).add(cid)
        placed[side] += 1
    return placed


def load_labelled(paths: list[Path]):
    """Read labelled-paragraph JSONL files into one ``datasets.Dataset``.

    Columns as in ``LABELING.md`` (``cable_id``, ``para``, ``text``,
    ``commitment``, ``doubt``, ``sensitivity``, ...).  Raises
    ``FileNotFoundError`` for a missing file.
    """
    import datasets

    files = [str(Path(p)) for p in paths]
    for f in files:
        if not Path(f).is_file():
            raise FileNotFoundError(f)
    datasets.disable_progress_bars()
    return datasets.load_dataset("json", data_files=files, split="train")


def load_labels_with_corrections(paths: list[Path]):
    """Labelled paragraphs plus review corrections, de-duplicated, as a ``datasets.Dataset``.

    A file whose first line has ``text`` is a labelled-paragraph file (read with
    ``datasets``); one whose first line has ``label`` and ``value`` is a labels
    file of the review app (``pipeline.review.decisions``): each decision sets
    ``label`` to ``value`` on the paragraph with the same ``cable_id`` and
    ``para`` (the last decision wins; decisions on paragraphs not in the
    labelled files are counted and skipped, they carry no text).  Duplicates
    (same cable, paragraph number and text) keep the last copy.  Returns
    ``(dataset, stats)``.
    """
    import datasets

    label_files, decisions = [], []
    for p in paths:
        p = Path(p)
        if not p.is_file():
            raise FileNotFoundError(p)
        first = next((json.loads(x) for x in p.read_text(encoding="utf-8").splitlines() if x.strip()), {})
        if "text" in first:
            label_files.append(p)
        elif "label" in first and "value" in first:
            decisions += [json.loads(x) for x in p.read_text(encoding="utf-8").splitlines() if x.strip()]
        else:
            raise ValueError(f"{p}: neither labelled paragraphs (text) nor review decisions (label, value)")
    rows = list(load_labelled(label_files)) if label_files else []
    stats = {"rows_read": len(rows), "decisions": len(decisions)}
    by_key: dict[tuple, dict] = {}
    for r in rows:
        by_key[(r["cable_id"], str(r.get("para")), r["text"])] = r
    stats["duplicates_dropped"] = len(rows) - len(by_key)
    index = {(k[0], k[1]): r for k, r in by_key.items()}
    applied = skipped = 0
    for d in decisions:
        r = index.get((d.get("cable_id"), str(d.get("para"))))
        if r is None or d["label"] not in r:
            skipped += 1
            continue
        r[d["label"]] = d["value"]
        applied += 1
    stats.update(corrections_applied=applied, corrections_skipped=skipped, rows=len(by_key))
    datasets.disable_progress_bars()
    return datasets.Dataset.from_list(list(by_key.values())), stats


def labelled_examples(ds, task: str, cable_ids: set[str]) -> list[Example]:
    """Examples of ``task`` for paragraphs whose cable is in ``cable_ids``.

    ``commitment``/``doubt`` give bool labels; ``sensitivity`` gives the level
    (rows whose level is null or TS are dropped).
    """
    out = []
    for row in ds:
        if row["cable_id"] not in cable_ids or row.get(task) is None:
            continue
        label = row[task]
        if task == "sensitivity":
            if label not in SENSITIVITY_LABELS:
                continue
        else:
            label = bool(label)
        cue = row.get(f"{task}_cue") if task in ("commitment", "doubt") else None
        out.append(Example(row["cable_id"], strip_leading_marking(row["text"]), label, row.get("sample"), cue))
    return out


def iter_corpus(corpus_dir: Path, cable_ids: set[str]) -> Iterator[dict]:
    """Cable objects (``id``, ``raw``, ...) of ``cables-*.jsonl`` under
    ``corpus_dir`` whose ``id`` is in ``cable_ids``, in file order."""
    files = sorted(Path(corpus_dir).glob("cables-*.jsonl"))
    if not files:
        raise FileNotFoundError(f"no cables-*.jsonl under {corpus_dir}")
    for path in files:
        with open(path, encoding="utf-8") as fh:
            for line in fh:
                if not line.strip():
                    continue
                obj = json.loads(line)
                if obj.get("id") in cable_ids:
                    yield obj


def corpus_examples(corpus_dir: Path, cable_ids: set[str]) -> tuple[list[Example], dict[str, int]]:
    """Marked paragraphs of the corpus cables in ``cable_ids``.

    Returns ``(examples, counts)``; ``counts`` has ``cables``, ``parse_errors``,
    ``paragraphs``, ``unmarked``, ``ts``, ``short`` and one entry per level.
    Raises ``ImportError`` with a clear message when the parser is not there.
    """
    try:
        from pipeline.cables.parse import parse_cable
    except ImportError as err:
        raise ImportError("pipeline.cables.parse.parse_cable is needed to read paragraph markings") from err
    from pipeline.cables.errors import CableError

    from .context import contexts_for

    counts: Counter[str] = Counter()
    out: list[Example] = []
    for obj in iter_corpus(corpus_dir, cable_ids):
        counts["cables"] += 1
        try:
            cable = parse_cable(obj["raw"], obj.get("source_path") or obj["id"])
        except CableError as err:
            counts["parse_errors"] += 1
            log.debug("skipping %s: %s", obj["id"], err)
            continue
        for para, ctx in zip(cable.paragraphs, contexts_for(cable)):
            counts["paragraphs"] += 1
            level = para.sensitivity
            if level is None:
                counts["unmarked"] += 1
                continue
            if level not in SENSITIVITY_LABELS:
                counts["ts" if level == "TS" else "other"] += 1
                continue
            text = strip_leading_marking(para.text or "").strip()
            if len(text) < MIN_CHARS:
                counts["short"] += 1
                continue
            counts[level] += 1
            out.append(Example(obj["id"], text, level, context=ctx))
    return out, dict(counts)


def balanced_sample(examples: list[Example], cap: int, seed: int = 0) -> list[Example]:
    """At most ``cap`` examples per label, drawn at random (``seed``), no
    duplicate texts; labels with fewer keep all.  Order: shuffled."""
    rng = random.Random(seed)
    by_label: dict[object, list[Example]] = defaultdict(list)
    seen: set[str] = set()
    for ex in examples:
        if ex.text not in seen:
            seen.add(ex.text)
            by_label[ex.label].append(ex)
    out: list[Example] = []
    for label in sorted(by_label, key=str):
        items = by_label[label]
        rng.shuffle(items)
        out.extend(items[:cap])
    rng.shuffle(out)
    return out


def random_sample(examples: list[Example], cap: int, seed: int = 0) -> list[Example]:
    """At most ``cap`` examples drawn uniformly (natural label mix), seeded."""
    rng = random.Random(seed)
    items = list(examples)
    rng.shuffle(items)
    return items[:cap]
