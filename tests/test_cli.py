"""The ``cables`` command in-process (same code as the console script)."""

from __future__ import annotations

import json

import pytest

from pipeline.cli import main


def test_help_lists_subcommands(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["--help"])
    assert exc.value.code == 0
    out = capsys.readouterr().out
    for cmd in ("annotate", "parse", "classify", "train", "bench"):
        assert cmd in out


def test_parse_prints_one_json_line_per_cable(capsys, sample_drop, tmp_path):
    bad = tmp_path / "empty.txt"
    bad.write_bytes(b"")
    code = main(["parse", str(sample_drop / "07PHNOMPENH1308.txt"), str(sample_drop / "00ATHENS1917.txt"), str(bad)])
    assert code == 0
    lines = capsys.readouterr().out.splitlines()
    docs = [json.loads(x) for x in lines]
    assert [d["header"]["cable_id"] for d in docs] == ["07PHNOMPENH1308", "00ATHENS1917"]
    assert docs[0]["source_path"].endswith("07PHNOMPENH1308.txt")
    assert "predictions" not in json.dumps(docs[0])
    assert main(["parse", "--strict", str(bad)]) == 1


def test_classify_round_trip(tmp_path):
    src = tmp_path / "in.jsonl"
    rows = [
        {"id": "a", "text": "The Minister agreed to raise the issue with the President next week."},
        {"id": "b", "text": "It is unclear whether the draft will reach parliament this year."},
        {"id": "c", "text": "The delegation toured the port."},
    ]
    src.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    dst = tmp_path / "out.jsonl"
    assert main(["classify", "--input", str(src), "--output", str(dst)]) == 0
    got = [json.loads(x) for x in dst.read_text("utf-8").splitlines()]
    assert [g["id"] for g in got] == ["a", "b", "c"]
    for g in got:
        assert 0 <= g["commitment"]["score"] <= 1 and isinstance(g["commitment"]["label"], bool)
        assert 0 <= g["doubt"]["score"] <= 1
        assert g["sensitivity"]["label"] in {"U", "SBU", "C", "S"}
        assert abs(sum(g["sensitivity"]["scores"].values()) - 1) < 1e-4


def test_annotate_missing_drop_fails_cleanly(tmp_path, caplog):
    assert main(["annotate", str(tmp_path / "nope"), "--out", str(tmp_path / "o.jsonl")]) == 1
    assert "not a folder" in caplog.text
