"""Measure the holder rules (:mod:`.holders`) against the labelled holders.

``python -m pipeline.classify.holders_eval [--labels FILE] [--entities JSON]``
runs the project's NER (:func:`pipeline.nlp.entities.extract_entities`) on
the labelled paragraphs (or reads entities cached by an earlier run), then,
on every paragraph labelled ``commitment`` = 1 (``doubt`` = 1) with a
non-null ``commitment_holder`` (``doubt_holder``), compares the extracted
holder with the labelled one (:func:`.holders.match`): exact and lenient
accuracy, overall and split by whether the label names the author.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import logging
import sys
from pathlib import Path
from typing import Any

from pipeline.records import Entity

from .data import DEFAULT_LABELS
from .holders import attribute, is_author, match
from .markings import strip_leading_marking

log = logging.getLogger(__name__)


def evaluate(rows: list[dict], entities: list[list[Entity]]) -> dict[str, Any]:
    """Exact / lenient holder accuracy per task on the labelled positives.

    ``rows``: labelled paragraphs (LABELING.md); ``entities``: one list per
    row, offsets into the marking-stripped text.  Returns ``{task: {"n",
    "exact", "lenient", "author_n", "author_exact", "named_n",
    "named_exact", "named_lenient", "examples": [...]}}``.
    """
    out: dict[str, Any] = {}
    for task in ("commitment", "doubt"):
        n = ex = le = an = ae = nn = ne = nl = 0
        examples = []
        for r, ents in zip(rows, entities):
            gold = r.get(f"{task}_holder")
            if not r.get(task) or not gold:
                continue
            att = attribute(strip_leading_marking(r["text"]), ents, task)
            e, l = match(att.holder, gold)
            n += 1
            ex += e
            le += l
            if is_author(gold):
                an += 1
                ae += e
            else:
                nn += 1
                ne += e
                nl += l
            if not l and len(examples) < 15:
                examples.append({"cable_id": r["cable_id"], "para": r["para"], "gold": gold, "pred": att.holder,
                                 "action": att.action})
        out[task] = {"n": n, "exact": round(ex / max(n, 1), 3), "lenient": round(le / max(n, 1), 3),
                     "author_n": an, "author_exact": round(ae / max(an, 1), 3),
                     "named_n": nn, "named_exact": round(ne / max(nn, 1), 3), "named_lenient": round(nl / max(nn, 1), 3),
                     "examples": examples}
    return out


def main(argv: list[str] | None = None) -> int:
    """Command line; see the module docstring."""
    ap = argparse.ArgumentParser(prog="python -m pipeline.classify.holders_eval")
    ap.add_argument("--labels", type=Path, default=DEFAULT_LABELS)
    ap.add_argument("--entities", type=Path, default=Path(".cache/holders/entities.json"),
                    help="cached entities (written here when missing)")
    a = ap.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    rows = [json.loads(x) for x in a.labels.read_text(encoding="utf-8").splitlines() if x.strip()]
    if a.entities.is_file():
        ents = [[Entity(**e) for e in es] for es in json.loads(a.entities.read_text())]
    else:
        from pipeline.nlp.build import shared_nlp
        from pipeline.nlp.entities import extract_entities

        ents = extract_entities(shared_nlp(), [strip_leading_marking(r["text"]) for r in rows])
        a.entities.parent.mkdir(parents=True, exist_ok=True)
        a.entities.write_text(json.dumps([[dataclasses.asdict(e) for e in es] for es in ents]))
    res = evaluate(rows, ents)
    print(json.dumps(res, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
