"""Write reviewed rows (:mod:`pipeline.review.reviewed`) in the formats other
tools read, and read each back (the tests round-trip every format).

    jsonl        JSON Lines, one LABELING.md row per line
    hf           a Hugging Face ``datasets`` folder (``Dataset.save_to_disk``)
    spacy        a spaCy ``DocBin`` (``.spacy``): one Doc per paragraph, the
                 text, ``doc.cats`` for the labels, ``doc.ents`` for the
                 entities the pipeline found, ids and holders in ``user_data``
    labelstudio  Label Studio tasks (JSON) with the model's predictions and
                 the reviewed labels as annotations (:mod:`.labelstudio`)

``doc.cats`` keys: ``commitment`` and ``doubt`` (1.0 / 0.0) and one
``sensitivity=<LEVEL>`` per level (one-hot) — only for decided labels, so a
label nobody reviewed is missing, not negative (spaCy's textcat reads a
missing key as "unknown").
"""

from __future__ import annotations

import json
import tempfile
import zipfile
from pathlib import Path
from typing import Any

from pipeline.review.corpus import Corpus
from pipeline.review.decisions import LEVELS
from pipeline.review.reviewed import FIELDS

FORMATS = ("jsonl", "hf", "spacy", "labelstudio")
#: File name suffix each format's export gets (``hf`` is a folder).
SUFFIX = {"jsonl": ".jsonl", "hf": "", "spacy": ".spacy", "labelstudio": ".json"}
_BINARY = ("commitment", "doubt")
_USER_KEYS = ("cable_id", "para", "commitment_holder", "commitment_cue", "doubt_holder", "doubt_cue", "caveats")


# --- JSON Lines -------------------------------------------------------------

def write_jsonl(rows: list[dict[str, Any]], dest: Path) -> Path:
    """One row per line, keys in LABELING.md's order."""
    dest = Path(dest)
    with open(dest, "w", encoding="utf-8") as fh:
        for r in rows:
            fh.write(json.dumps({k: r.get(k) for k in FIELDS}, ensure_ascii=False) + "\n")
    return dest


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    """Rows of a JSON Lines export (blank lines skipped)."""
    return [json.loads(x) for x in Path(path).read_text(encoding="utf-8").splitlines() if x.strip()]


# --- Hugging Face datasets --------------------------------------------------

def hf_features():
    """The ``datasets.Features`` of an export: fixed, so an all-null column
    (no one decided that label yet) still has its type."""
    import datasets

    s = datasets.Value("string")
    return datasets.Features({
        "cable_id": s, "para": s, "text": s,
        "commitment": datasets.Value("int8"), "commitment_holder": s, "commitment_cue": s,
        "doubt": datasets.Value("int8"), "doubt_holder": s, "doubt_cue": s,
        "sensitivity": s, "caveats": datasets.Sequence(s),
    })


def write_hf(rows: list[dict[str, Any]], dest: Path) -> Path:
    """``Dataset.save_to_disk(dest)``; ``datasets.load_from_disk(dest)`` reads it."""
    import datasets

    datasets.disable_progress_bars()
    ds = datasets.Dataset.from_list([{k: r.get(k) for k in FIELDS} for r in rows], features=hf_features())
    ds.save_to_disk(str(dest))
    return Path(dest)


def read_hf(path: Path) -> list[dict[str, Any]]:
    import datasets

    return [dict(r) for r in datasets.load_from_disk(str(path))]


# --- spaCy DocBin -----------------------------------------------------------

def row_cats(row: dict[str, Any]) -> dict[str, float]:
    """``doc.cats`` of a row (see the module docstring)."""
    cats = {lab: float(row[lab]) for lab in _BINARY if row.get(lab) is not None}
    if row.get("sensitivity") is not None:
        cats.update({f"sensitivity={lv}": float(lv == row["sensitivity"]) for lv in LEVELS})
    return cats


def write_docbin(rows: list[dict[str, Any]], dest: Path, corpus: Corpus | None = None) -> Path:
    """A ``.spacy`` file: one Doc per row (blank English tokenizer). Entities
    come from the paragraph in ``corpus`` (the pipeline's NER, not reviewed);
    a span that does not fall on token edges is trimmed to them
    (``alignment_mode="contract"``), overlaps keep the longest."""
    import spacy
    from spacy.tokens import DocBin
    from spacy.util import filter_spans

    from pipeline.review.reviewed import paragraph_index

    nlp = spacy.blank("en")
    index = paragraph_index(corpus) if corpus else {}
    db = DocBin(store_user_data=True)
    for r in rows:
        doc = nlp.make_doc(r["text"])
        doc.cats = row_cats(r)
        doc.user_data.update({k: r.get(k) for k in _USER_KEYS})
        pid = index.get((r["cable_id"], r["para"]))
        if pid:
            spans = []
            for e in corpus.paragraphs[pid][1].get("entities") or []:
                span = doc.char_span(e["start"], e["end"], label=e["label"], alignment_mode="contract")
                if span is not None and len(span):
                    spans.append(span)
            doc.ents = filter_spans(spans)
        db.add(doc)
    db.to_disk(dest)
    return Path(dest)


def read_docbin(path: Path) -> list[dict[str, Any]]:
    """Rows back from a ``.spacy`` export (entities are not part of a row;
    use :func:`read_docbin_docs` for them)."""
    rows = []
    for doc in read_docbin_docs(path):
        row = {k: None for k in FIELDS}
        row.update({k: doc.user_data.get(k) for k in _USER_KEYS})
        row["caveats"] = list(row["caveats"] or [])  # msgpack gives lists back as tuples
        row["text"] = doc.text
        for lab in _BINARY:
            if lab in doc.cats:
                row[lab] = int(doc.cats[lab])
        levels = [lv for lv in LEVELS if doc.cats.get(f"sensitivity={lv}") == 1.0]
        row["sensitivity"] = levels[0] if levels else None
        rows.append(row)
    return rows


def read_docbin_docs(path: Path) -> list:
    import spacy
    from spacy.tokens import DocBin

    return list(DocBin().from_disk(path).get_docs(spacy.blank("en").vocab))


# --- dispatch ---------------------------------------------------------------

def export(fmt: str, rows: list[dict[str, Any]], dest: Path, corpus: Corpus) -> Path:
    """Write ``rows`` as ``fmt`` (one of :data:`FORMATS`) to ``dest``.
    Raises ``ValueError`` for an unknown format."""
    if fmt == "jsonl":
        return write_jsonl(rows, dest)
    if fmt == "hf":
        return write_hf(rows, dest)
    if fmt == "spacy":
        return write_docbin(rows, dest, corpus)
    if fmt == "labelstudio":
        from pipeline.review.labelstudio import write_tasks

        return write_tasks(corpus, rows, dest)
    raise ValueError(f"unknown export format {fmt!r}; expected one of {', '.join(FORMATS)}")


def export_bytes(fmt: str, rows: list[dict[str, Any]], corpus: Corpus) -> tuple[bytes, str, str]:
    """An export as ``(bytes, media type, file name)`` for a download; the
    ``hf`` folder comes zipped. Written in a private temporary folder."""
    name = f"reviewed{SUFFIX[fmt]}" if fmt in SUFFIX else None
    if name is None:
        raise ValueError(f"unknown export format {fmt!r}; expected one of {', '.join(FORMATS)}")
    with tempfile.TemporaryDirectory(prefix="cables-export-") as tmp:
        dest = Path(tmp) / ("reviewed-hf" if fmt == "hf" else name)
        export(fmt, rows, dest, corpus)
        if fmt == "hf":
            zpath = Path(tmp) / "reviewed-hf.zip"
            with zipfile.ZipFile(zpath, "w", zipfile.ZIP_DEFLATED) as z:
                for f in sorted(dest.rglob("*")):
                    if f.is_file():
                        z.write(f, Path("reviewed-hf") / f.relative_to(dest))
            return zpath.read_bytes(), "application/zip", zpath.name
        media = {"jsonl": "application/x-ndjson", "spacy": "application/octet-stream",
                 "labelstudio": "application/json"}[fmt]
        return dest.read_bytes(), media, name


def unzip_hf(blob: bytes, dest: Path) -> Path:
    """Unpack a zipped ``hf`` export into ``dest``; returns the dataset folder."""
    import io

    with zipfile.ZipFile(io.BytesIO(blob)) as z:
        for n in z.namelist():
            if n.startswith("/") or ".." in Path(n).parts:
                raise ValueError(f"unsafe path in zip: {n}")
        z.extractall(dest)
    return Path(dest) / "reviewed-hf"
