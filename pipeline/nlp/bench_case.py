"""Case-robustness and throughput benchmark for the NER stage.

``python -m pipeline.nlp.bench_case [--n 300]`` takes ``n`` mixed-case
paragraphs from the corpus **test** split, upper-cases them, runs NER on
both and prints how many of the mixed-case run's PERSON/ORG/GPE entities
the upper-case run recovers (same span and label) -- for the stock model
(no case restoration) and for ours -- then a throughput line
(paragraphs/s) for the stock pipeline and the cable-aware one.  No gold
labels are needed: the mixed-case run is the reference.
"""

from __future__ import annotations

import argparse
import glob
import json
import os
import time
from collections.abc import Iterator

from pipeline.records import Cable

CORPUS = os.environ.get("CABLEGATE_CORPUS", "/work/shared/corpora/cablegate")
LABELS = ("PERSON", "ORG", "GPE")


def corpus_cables(split: str) -> Iterator[Cable]:
    """Parsed cables of one split (``train``/``dev``/``test``) of the corpus."""
    from pipeline.cables.parse import parse_cable

    with open(os.path.join(CORPUS, "splits.json"), encoding="utf-8") as fh:
        ids = set(json.load(fh)[split])
    for path in sorted(glob.glob(os.path.join(CORPUS, "cables-*.jsonl"))):
        with open(path, encoding="utf-8") as fh:
            for line in fh:
                rec = json.loads(line)
                if rec["id"] not in ids:
                    continue
                try:
                    yield parse_cable(rec["raw"], rec["id"])
                except Exception:  # noqa: BLE001 - a bad cable is not a benchmark failure
                    continue


def test_paragraphs(n: int) -> list[str]:
    """The first ``n`` mixed-case paragraphs (>= 80 chars) of the test split,
    in corpus order (deterministic)."""
    from pipeline.nlp.casing import is_all_caps

    out: list[str] = []
    for cable in corpus_cables("test"):
        for p in cable.paragraphs:
            if len(p.text) >= 80 and not is_all_caps(p.text) and any(c.islower() for c in p.text):
                out.append(p.text)
                if len(out) == n:
                    return out
    return out


def _spans(ents, labels=LABELS):
    return [{(e.start, e.end, e.label) for e in para if e.label in labels} for para in ents]


def recovery(ref, got) -> tuple[int, int]:
    """(recovered, total) of ``ref``'s PERSON/ORG/GPE spans found in ``got``."""
    total = hit = 0
    for r, g in zip(_spans(ref), _spans(got)):
        total += len(r)
        hit += len(r & g)
    return hit, total


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=300)
    args = ap.parse_args(argv)

    from pipeline.nlp.build import shared_nlp
    from pipeline.nlp.entities import extract_entities

    nlp = shared_nlp()
    mixed = test_paragraphs(args.n)
    upper = [t.upper() for t in mixed]
    print(f"{len(mixed)} mixed-case paragraphs from the test split, upper-cased")
    ref = extract_entities(nlp, mixed, restore_case=False)
    for name, flag in (("stock model", False), ("case-restored", True)):
        got = extract_entities(nlp, upper, restore_case=flag)
        hit, total = recovery(ref, got)
        print(f"  {name:14s} recovers {hit}/{total} = {hit / max(total, 1):.1%} of PERSON/ORG/GPE")
    # Throughput: mixed + upper paragraphs; cable-aware = case restoration,
    # acronyms per cable (all paragraphs as one cable here), titles.
    texts = mixed + upper
    groups = [i // 20 for i in range(len(texts))]  # 20 paragraphs per "cable"
    extract_entities(nlp, texts[:20], restore_case=False)  # warm-up
    for name, kw in (
        ("stock", {"restore_case": False}),
        ("cable-aware", {"restore_case": True, "cables": groups}),
    ):
        t = time.perf_counter()
        extract_entities(nlp, texts, **kw)
        dt = time.perf_counter() - t
        print(f"  throughput {name:12s} {len(texts) / dt:7.1f} paragraphs/s ({len(texts)} in {dt:.1f} s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
