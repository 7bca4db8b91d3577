"""Every remaining disagreement between the parser and the corpus metadata
(``cables corpus-report ../shared/corpora/cablegate``), explained.

The rows live in :mod:`pipeline.cables.source_errors` (the corpus report
uses them to mark a disagreement explained).  Each row is ``(cable id,
field, what we read, why it is a source error)``:
the test parses the record's own ``raw`` text and checks that we still read
exactly that value (so a parser change that moves one shows up here), and
that the metadata indeed says something else.  The reasons were read off the
raw texts; "another cable" means the record's ``raw`` holds a different
cable than its ``id`` names (its class line gives another station/serial).

The 695 "partial extract" records (raw text opening with "This record is a
partial extract of the original cable") mostly have no routing header: no
DTG, no FM line, no year for the id.  Those fields stay null, never invented
from the metadata or the file name; what a text does carry is read; see
:func:`test_partial_extracts_stay_null`.

Skipped when ``../shared/corpora/cablegate`` is not there.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from functools import lru_cache
from pathlib import Path

import pytest

from pipeline.cables.agreement import absent_from_text
from pipeline.cables.parse import parse_cable
from pipeline.cables.read import read_cable_bytes
from pipeline.cables.report import META_LEVEL, origins_agree
from pipeline.cables.source_errors import GARBLED_TEXT, SOURCE_ERRORS, documented

CORPUS = Path(__file__).resolve().parents[3] / "shared" / "corpora" / "cablegate"


@lru_cache(maxsize=1)
def _records() -> dict[str, dict]:
    want = {r[0] for r in SOURCE_ERRORS} | set(GARBLED_TEXT)
    out = {}
    for f in sorted(CORPUS.glob("cables-*.jsonl")):
        for line in f.open(encoding="utf-8"):
            rec = json.loads(line)
            if rec["id"] in want or "partial extract" in rec["raw"][:300]:
                out[rec["id"]] = rec
    return out


def _corpus_or_skip() -> dict[str, dict]:
    if not CORPUS.exists():
        pytest.skip("../shared/corpora/cablegate not present")
    return _records()


def _ours(rec: dict, name: str):
    h = parse_cable(read_cable_bytes(rec["raw"].encode("utf-8"), None)).header
    return {"cable_id": h.cable_id, "date": h.date, "level": h.classification.level, "origin": h.origin}[name]


def _meta(rec: dict, name: str):
    return {"cable_id": rec["id"], "date": rec.get("date"), "origin": rec.get("origin"),
            "level": META_LEVEL.get((rec.get("classification") or "").upper())}[name]


@pytest.mark.parametrize("cid,name,ours,why", SOURCE_ERRORS, ids=[f"{r[0]}:{r[1]}" for r in SOURCE_ERRORS])
def test_source_error(cid, name, ours, why):
    rec = _corpus_or_skip()[cid]
    got = _ours(rec, name)
    assert got == ours, why
    meta = _meta(rec, name)
    if name == "date":
        assert got[:10] != meta[:10]
    else:
        assert got != meta


def test_partial_extracts_stay_null():
    """Where the text does not carry a field (no DTG, no FM line, no year for
    the id: :func:`absent_from_text`) the field stays null, never invented;
    where it does (a DTG line ``061428Z Jun 03`` under the notice,
    03ANKARA3694; a reflowed routing block, 00HARARE5461; the DTG written out,
    05DUBLIN657; an id printed as ``2000HANOI00686``, 00HANOI686) it is read,
    and agrees with the metadata or is a documented source error."""
    recs = [r for r in _corpus_or_skip().values() if "partial extract" in r["raw"][:300]]
    assert len(recs) == 695
    read = Counter()
    for rec in recs:
        text = read_cable_bytes(rec["raw"].encode("utf-8"), None)
        h = parse_cable(text).header
        ours = {"cable_id": h.cable_id, "date": h.date, "origin": h.origin}
        for name, value in ours.items():
            if absent_from_text(text, name, rec["id"]):
                assert value is None, (rec["id"], name)
                continue
            read[name] += value is not None
            if documented(rec["id"], name, value):
                continue
            if name == "date":
                assert value[:10] == rec["date"][:10], rec["id"]
            elif name == "origin":
                assert origins_agree(value, rec.get("origin")), rec["id"]
            else:
                assert value == rec["id"], rec["id"]
    # what the texts carry, read (figures of the corpus report, README)
    assert dict(read) == {"date": 64, "cable_id": 111, "origin": 10}


@pytest.mark.parametrize("cid", sorted(GARBLED_TEXT))
def test_garbled_text_is_still_garbled(cid):
    """A cable left out of the report's left-over counts must really be
    damaged: most of its words hold a digit or symbol inside letters
    (``s5cce3sfU``, ``Pr%sidejT``), which no clean cable has."""
    rec = _corpus_or_skip()[cid]
    words = rec["raw"].split()
    damaged = [w for w in words if re.search(r"[A-Za-z][0-9%!$&)(][A-Za-z]", w)]
    assert len(damaged) / len(words) > 0.05, GARBLED_TEXT[cid]
