"""Corpus report: origin keys, one record checked, streaming over shards."""

from __future__ import annotations

import json

import pytest

from cable_helpers import cable_path
from pipeline.cables.report import check_record, iter_records, origin_key, origins_agree, run_report


@pytest.mark.parametrize("origin,key", [
    ("AMEMBASSY ABU DHABI", "ABUDHABI"),   # 00ABUDHABI5893 FM line
    ("Embassy Abu Dhabi", "ABUDHABI"),     # its metadata origin
    ("AMCONSUL SHENYANG", "SHENYANG"),     # 10SHENYANG4
    ("Consulate Shenyang", "SHENYANG"),
    ("SECSTATE WASHDC", "STATE"),
    ("Secretary of State", "STATE"),
    ("USEU BRUSSELS", "USEUBRUSSELS"),    # 09BRUSSELS536
    (None, None),
])
def test_origin_key(origin, key):
    assert origin_key(origin) == key


@pytest.mark.parametrize("ours,meta,agree", [
    ("USMISSION USUN NEW YORK", "USUN New York", True),
    ("AMEMBASSY PHNOM PENH", "Embassy Phnom Penh", True),
    ("AMEMBASSY BAGHDAD", "Secretary of State", False),
    (None, "Embassy Ankara", False),
])
def test_origins_agree(ours, meta, agree):
    assert origins_agree(ours, meta) is agree


def _record(cid: str, **meta) -> dict:
    raw = cable_path(cid).read_bytes().decode("utf-8")
    return {"id": cid, "raw": raw, **meta}


def test_check_record_agrees_with_true_metadata():
    rec = _record("07PHNOMPENH1308", date="2007-10-17 09:40",
                  classification="UNCLASSIFIED//FOR OFFICIAL USE ONLY", origin="Embassy Phnom Penh")
    check = check_record(rec)
    assert check.error is None and check.disagree == {}
    assert check.counts["paragraphs"] == 13 and check.counts["paragraphs_marked"] == 13
    assert check.counts["raw_markings_missed"] == 0


def test_check_record_lists_disagreements_with_reasons():
    # partial extract: no DTG, no FM line (02ANKARA8852); wrong level on purpose
    rec = _record("02ANKARA8852", date="2002-12-20 15:10", classification="SECRET", origin="Embassy Ankara")
    check = check_record(rec)
    assert check.disagree["cable_id"][0] == "no cable id"
    assert check.disagree["date"][0] == "no date in text"
    assert check.disagree["level"][0] == "different level"
    assert check.disagree["origin"][0] == "no FM line"
    assert check.counts["cable_id_named_agree"] == 1  # named 02ANKARA8852.txt as in a drop


def test_bad_record_is_an_error_not_an_exception():
    assert check_record({"id": "X", "raw": ""}).error == "no raw text in record"
    assert check_record({"id": "X", "raw": "hello there, nothing here " * 5}).error == "no cable header found"


def test_run_report_streams_shards(tmp_path):
    recs = [_record("07PHNOMPENH1308", date="2007-10-17 09:40", classification="UNCLASSIFIED",
                    origin="Embassy Phnom Penh"), {"id": "BAD", "raw": ""}]
    shard = tmp_path / "cables-0001.jsonl"
    shard.write_text("".join(json.dumps(r) + "\n" for r in recs), encoding="utf-8")
    assert [r["id"] for r in iter_records([tmp_path])] == ["07PHNOMPENH1308", "BAD"]
    report = run_report([shard])
    s = report.summary()
    assert s["cables"] == 2 and s["errors"] == [{"id": "BAD", "reason": "no raw text in record"}]
    assert s["agreement"]["level"]["disagree_by_reason"] == {"different level": 1}  # SBU vs UNCLASSIFIED
    assert "cable_id agrees with metadata" in report.table()
    with pytest.raises(FileNotFoundError):
        list(iter_records([tmp_path / "missing.jsonl"]))


def test_cli_corpus_report(tmp_path, capsys):
    from pipeline.cli import main

    shard = tmp_path / "s.jsonl"
    shard.write_text(json.dumps(_record("07PHNOMPENH1308", date="2007-10-17 09:40",
                                        classification="UNCLASSIFIED//FOR OFFICIAL USE ONLY",
                                        origin="Embassy Phnom Penh")) + "\n", encoding="utf-8")
    out = tmp_path / "r.json"
    assert main(["corpus-report", str(shard), "--json", str(out)]) == 0
    assert json.loads(out.read_text())["agreement"]["cable_id"]["agree"] == 1
    assert "paragraphs" in capsys.readouterr().out
