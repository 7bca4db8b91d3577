"""The annotate-drop flow end to end through Prefect's test harness, on real
cables of several layouts plus bad files, with the real models."""

from __future__ import annotations

import hashlib
import json
import shutil

import pytest

from pipeline.schema import validate_record

LAYOUT_SAMPLES = [
    "07PHNOMPENH1308.txt",  # five-line preamble, then VZCZC routing
    "00ATHENS1917.txt",  # short FM/TO header, all caps
    "07ANKARA2174.txt",  # site-text layout with VZCZC routing
]


@pytest.fixture(scope="module")
def flow_run(tmp_path_factory, sample_drop, prefect_harness):
    from pipeline.flows.annotate import annotate_drop

    drop = tmp_path_factory.mktemp("drop")
    for name in LAYOUT_SAMPLES:
        shutil.copy(sample_drop / name, drop / name)
    (drop / "empty.txt").write_bytes(b"")
    (drop / "binary.txt").write_bytes(bytes(range(256)) * 40)
    out = tmp_path_factory.mktemp("out") / "drop.jsonl"
    state = annotate_drop(str(drop), str(out), chunk_cables=2, progress=False, return_state=True)
    return drop, out, state


def test_flow_completes_and_reports_bad_files(flow_run):
    _, _, state = flow_run
    assert state.is_completed()
    summary = state.result()
    assert summary.cables_found == 5
    assert summary.cables_written == 3
    failed = {f.path.rsplit("/", 1)[-1]: f.reason for f in summary.failures}
    assert set(failed) == {"empty.txt", "binary.txt"}
    assert "empty" in failed["empty.txt"]
    assert "binary" in failed["binary.txt"]


def test_records_are_valid_and_complete(flow_run):
    drop, out, _ = flow_run
    records = [json.loads(line) for line in out.read_text("utf-8").splitlines()]
    assert len(records) == 3
    for rec in records:
        validate_record(rec)
        src = rec["provenance"]["source_path"]
        assert rec["provenance"]["source_sha256"] == hashlib.sha256(open(src, "rb").read()).hexdigest()
        assert set(rec["provenance"]["models"]) >= {"spacy", "encoder", "commitment", "doubt", "sensitivity"}
        assert rec["paragraphs"], rec["cable_id"]
        for p in rec["paragraphs"]:
            assert p["predictions"] is not None
            assert abs(sum(p["predictions"]["sensitivity"]["scores"].values()) - 1) < 1e-4
    assert sorted(r["cable_id"] for r in records) == ["00ATHENS1917", "07ANKARA2174", "07PHNOMPENH1308"]


def test_phnompenh_record(flow_run):
    _, out, _ = flow_run
    rec = next(json.loads(x) for x in out.read_text("utf-8").splitlines() if "07PHNOMPENH1308" in x[:40])
    h = rec["header"]
    assert h["date"] == "2007-10-17T09:47:00Z"
    assert h["classification"]["level"] == "SBU"
    assert h["tags"] == ["PGOV", "PHUM", "PREL", "KWMN", "CB"]
    assert len(h["references"]) == 2
    assert h["signer"] == "MUSSOMELI"
    assert len(rec["paragraphs"]) == 13
    assert {p["sensitivity"] for p in rec["paragraphs"]} == {"SBU"}
    ents = {(e["text"], e["label"]) for p in rec["paragraphs"] for e in p["entities"]}
    for want in [("Chan Sotheavy", "PERSON"), ("Ang Vong Vathana", "PERSON"), ("Cambodia", "GPE"),
                 ("Ministry of Justice", "ORG")]:
        assert want in ents


def test_no_partial_files_left(flow_run):
    _, out, _ = flow_run
    assert [p.name for p in out.parent.iterdir()] == [out.name]


def test_ref_letters_resolve_to_the_cables_ref_list(flow_run):
    # 07PHNOMPENH1308 para 7: "As described in ref A" -> REF A is PHNOM PENH 1307;
    # para 9: "(ref B)" -> REF B is an e-mail, so no reference id is invented.
    _, out, _ = flow_run
    rec = next(json.loads(x) for x in out.read_text("utf-8").splitlines() if "07PHNOMPENH1308" in x[:40])
    refs = {(e["text"].lower(), e["kb_id"]) for p in rec["paragraphs"] for e in p["entities"] if e["label"] == "CABLE_REF"}
    assert ("ref a", "07PHNOMPENH1307") in refs
    assert all(kb is None for text, kb in refs if text == "ref b")
