"""Coverage report of the cable parser over the Cablegate corpus.

Usage::

    python scripts/parse_corpus_report.py [--corpus DIR] [--labelled FILE]
        [--limit N] [--show FIELD]

Streams ``cables-*.jsonl`` (one record at a time), parses each ``raw`` text
with :func:`pipeline.cables.parse.parse_cable` (no file name given, so the id
comes from the text alone) and prints:

* % parsed without error; % cable_id == record ``id``;
* % date equal to the metadata ``date`` to the minute, to the hour, to the
  day (the metadata time is the archive's time stamp, usually a few minutes
  before the DTG, so the minute figure is low by nature), and % of cables
  whose text carries a DTG at all;
* % classification level == metadata level; % with >= 1 paragraph;
  % of paragraphs with a marking;
* (the metadata agreement with explained and unexplained disagreements is
  ``cables corpus-report``'s, :mod:`pipeline.cables.agreement`);
* agreement with ``labelled/paragraphs.jsonl`` (by cable_id + para): share of
  labelled paragraphs found, exact text match (whitespace-normalised), text
  similarity >= 0.9, sensitivity match.  The labels were cut from reflowed
  text and keep what was glued into it (page breaks, ``Title -----``
  headings, even the next paragraph: 08TRIPOLI113 para 2 holds paras 3 and
  4); "similarity to the label's own paragraph" compares with the label cut
  there by :func:`pipeline.cables.glued.glued_pieces`.

``--show FIELD`` (id, date, cls, para, label, error) prints a few mismatches.
"""

from __future__ import annotations

import argparse
import difflib
import glob
import json
import os
import re
import sys
from collections import Counter

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))

from pipeline.cables.agreement import META_LEVEL  # noqa: E402
from pipeline.cables.errors import CableError  # noqa: E402
from pipeline.cables.glued import glued_pieces  # noqa: E402
from pipeline.cables.parse import parse_cable  # noqa: E402
from pipeline.cables.read import read_cable_bytes  # noqa: E402



def norm(s: str) -> str:
    return re.sub(r"\s+", " ", s or "").strip()


def label_own_text(text: str, station: str | None) -> str:
    """The label's text up to the first heading or glued paragraph start,
    glued page breaks and SIPDIS cut out."""
    out = []
    for a, b, kind in glued_pieces(text, station):
        if kind in ("heading", "dashes", "break"):
            break
        if kind == "text":
            out.append(text[a:b])
    return norm(" ".join(out))


def similarity(a: str, b: str) -> float:
    if a == b:
        return 1.0
    sim = difflib.SequenceMatcher(None, a, b, autojunk=False).quick_ratio()
    if sim >= 0.9:
        sim = difflib.SequenceMatcher(None, a, b, autojunk=False).ratio()
    return sim


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--corpus", default="/work/shared/corpora/cablegate")
    ap.add_argument("--labelled", default="/work/shared/corpora/labelled/paragraphs.jsonl")
    ap.add_argument("--limit", type=int, default=0)
    ap.add_argument("--show", default="")
    args = ap.parse_args()

    labelled: dict[tuple[str, str], dict] = {}
    with open(args.labelled, encoding="utf-8") as fh:
        for line in fh:
            r = json.loads(line)
            labelled[(r["cable_id"], r["para"])] = r
    lab_ids = {k[0] for k in labelled}

    c = Counter()
    shown = Counter()
    paras_total = paras_marked = 0

    def show(kind: str, *msg: object) -> None:
        if args.show == kind and shown[kind] < int(os.environ.get("SHOW_N", "15")):
            shown[kind] += 1
            print(f"[{kind}]", *msg)

    for fn in sorted(glob.glob(os.path.join(args.corpus, "cables-*.jsonl"))):
        with open(fn, encoding="utf-8") as fh:
            for line in fh:
                if args.limit and c["n"] >= args.limit:
                    break
                rec = json.loads(line)
                c["n"] += 1
                try:
                    cable = parse_cable(read_cable_bytes(rec["raw"].encode("utf-8"), rec["id"]))
                except CableError as exc:
                    c["error"] += 1
                    show("error", rec["id"], exc.reason)
                    continue
                h = cable.header
                c["id"] += h.cable_id == rec["id"]
                if h.cable_id != rec["id"]:
                    show("id", rec["id"], h.cable_id)
                meta_date = rec.get("date")
                if h.date:
                    c["has_date"] += 1
                if meta_date and h.date:
                    iso = h.date[:10] + " " + h.date[11:16]
                    c["date_min"] += iso == meta_date
                    c["date_hour"] += iso[:13] == meta_date[:13]
                    c["date_day"] += iso[:10] == meta_date[:10]
                    if iso[:10] != meta_date[:10]:
                        show("date", rec["id"], meta_date, h.date)
                else:
                    show("date", rec["id"], meta_date, h.date)
                lev = META_LEVEL.get(rec.get("classification") or "")
                c["cls"] += h.classification.level == lev
                if h.classification.level != lev:
                    show("cls", rec["id"], rec.get("classification"), h.classification)
                c["has_para"] += bool(cable.paragraphs)
                if not cable.paragraphs:
                    show("para", rec["id"], cable.warnings)
                paras_total += len(cable.paragraphs)
                paras_marked += sum(1 for p in cable.paragraphs if p.marking)
                if rec["id"] in lab_ids:
                    by_num: dict[str, object] = {}
                    numbered = any(p.number for p in cable.paragraphs)
                    for k, p in enumerate(cable.paragraphs, start=1):
                        if numbered and p.number is None:
                            continue
                        by_num.setdefault(p.number if numbered else str(k), p)
                    for (cid, para), lab in labelled.items():
                        if cid != rec["id"]:
                            continue
                        c["lab"] += 1
                        p = by_num.get(para)
                        if p is None:
                            show("label", cid, para, "missing")
                            continue
                        c["lab_found"] += 1
                        a, b = norm(p.text), norm(lab["text"])
                        c["lab_exact"] += a == b
                        sim = difflib.SequenceMatcher(None, a, b, autojunk=False).quick_ratio() \
                            if a != b else 1.0
                        if sim >= 0.9 and a != b:
                            sim = difflib.SequenceMatcher(None, a, b, autojunk=False).ratio()
                        c["lab_sim90"] += sim >= 0.9
                        station = re.sub(r"^\d{2}|\d+$", "", cid)
                        own = label_own_text(lab["text"], station)
                        c["lab_own_sim90"] += similarity(a, own) >= 0.9 if own else sim >= 0.9
                        if sim < 0.9:
                            show("label", cid, para, f"sim={sim:.2f}\n  OURS:", a[:300], "\n  LAB: ", b[:300])
                        c["lab_sens"] += p.sensitivity == lab["sensitivity"]
                        if p.sensitivity != lab["sensitivity"]:
                            show("sens", cid, para, p.marking, p.sensitivity, lab["sensitivity"], a[:80])

    n = c["n"] or 1
    pct = lambda k, d=n: f"{100 * c[k] / (d or 1):6.2f}%"  # noqa: E731
    print(f"cables read                         {c['n']}")
    ok = 100 * (c["n"] - c["error"]) / n
    print(f"parsed without error                {ok:6.2f}%")
    print(f"cable_id == record id               {pct('id')}")
    print(f"text carries a DTG (date not None)  {pct('has_date')}")
    print(f"date == metadata, to the minute     {pct('date_min')}")
    print(f"date == metadata, to the hour       {pct('date_hour')}")
    print(f"date == metadata, to the day        {pct('date_day')}")
    print(f"  ... of cables with a DTG, day     {pct('date_day', c['has_date'])}")
    print(f"classification level == metadata   {pct('cls')}")
    print(f">= 1 paragraph                      {pct('has_para')}")
    print(f"paragraphs with a marking           {100 * paras_marked / max(1, paras_total):6.2f}%  ({paras_total} paragraphs)")
    print(f"labelled paragraphs                 {c['lab']}")
    print(f"  found by cable_id + para          {pct('lab_found', c['lab'])}")
    print(f"  text exact (whitespace-normalised){pct('lab_exact', c['lab'])}")
    print(f"  text similarity >= 0.9            {pct('lab_sim90', c['lab'])}")
    print(f"  similarity >= 0.9 to the label's own paragraph {pct('lab_own_sim90', c['lab'])}")
    print(f"  sensitivity equal                 {pct('lab_sens', c['lab'])}")


if __name__ == "__main__":
    main()
