"""Classify a JSON Lines file of paragraphs (behind ``cables classify``).

Input, one object a line: ``{"id": ..., "text": ...}`` (other keys ignored,
blank lines skipped).  Output, one object a line, same order::

    {"id": ..., "commitment": {"label": true, "score": 0.91},
     "doubt": {"label": false, "score": 0.12},
     "sensitivity": {"label": "C", "scores": {"U": 0.05, "SBU": 0.1, "C": 0.7, "S": 0.15}}}

Lines are read and classified in blocks (``block`` lines), so memory stays
flat; the output is written to a temporary file beside ``output_path`` and
renamed into place at the end, so a failed run leaves no half file.
"""

from __future__ import annotations

import json
import logging
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

from .predict import ParagraphClassifier

log = logging.getLogger(__name__)


def _read_blocks(path: Path, block: int) -> Iterator[list[tuple[object, str]]]:
    batch: list[tuple[object, str]] = []
    with open(path, encoding="utf-8") as fh:
        for lineno, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                obj = json.loads(line)
            except json.JSONDecodeError as err:
                raise ValueError(f"{path}:{lineno}: not JSON: {err.msg}") from err
            if not isinstance(obj, dict) or not isinstance(obj.get("text"), str):
                raise ValueError(f"{path}:{lineno}: expected an object with a string 'text'")
            batch.append((obj.get("id"), obj["text"]))
            if len(batch) >= block:
                yield batch
                batch = []
    if batch:
        yield batch


def classify_jsonl(
    input_path: Path | str,
    output_path: Path | str,
    classifier: ParagraphClassifier | None = None,
    batch_size: int = 32,
    block: int = 512,
) -> int:
    """Classify every paragraph of ``input_path`` into ``output_path``.

    ``classifier`` defaults to :meth:`ParagraphClassifier.load`.  Returns the
    number of paragraphs written.  Raises ``ValueError`` (with file and line)
    on a line that is not an object with a string ``text``; then no output
    file is created.
    """
    input_path, output_path = Path(input_path), Path(output_path)
    clf = classifier or ParagraphClassifier.load()
    output_path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=output_path.parent, prefix=f".{output_path.name}-", suffix=".tmp")
    n = 0
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            for batch in _read_blocks(input_path, block):
                preds = clf.predict([t for _, t in batch], batch_size=batch_size)
                for (pid, _), p in zip(batch, preds):
                    rec = {
                        "id": pid,
                        "commitment": {"label": p.commitment.label, "score": round(p.commitment.score, 6)},
                        "doubt": {"label": p.doubt.label, "score": round(p.doubt.score, 6)},
                        "sensitivity": {
                            "label": p.sensitivity.label,
                            "scores": {k: round(v, 6) for k, v in p.sensitivity.scores.items()},
                        },
                    }
                    out.write(json.dumps(rec, ensure_ascii=False) + "\n")
                n += len(batch)
                log.info("classified %d paragraphs", n)
        os.replace(tmp, output_path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
    return n
