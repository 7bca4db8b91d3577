"""The README's main job on the whole bundled sample drop (201 real cables),
run as a user runs it: the console entry point in a subprocess."""

from __future__ import annotations

import json
import subprocess
import sys

from pipeline.schema import validate_record


def test_sample_drop_annotates_every_cable(sample_drop, tmp_path):
    out = tmp_path / "sample.jsonl"
    proc = subprocess.run(
        [sys.executable, "-m", "pipeline.cli", "annotate", str(sample_drop), "--out", str(out), "--no-progress"],
        capture_output=True, text=True, timeout=1800,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    summary = json.loads(proc.stdout.strip().splitlines()[-1])
    assert summary["cables_found"] == 201
    assert summary["failed"] == []
    lines = out.read_text("utf-8").splitlines()
    assert len(lines) == 201
    ids = set()
    for line in lines:
        rec = json.loads(line)
        validate_record(rec)
        ids.add(rec["cable_id"])
    assert len(ids) == 201, "every cable must get its own reference id"
    assert sum(len(json.loads(x)["paragraphs"]) for x in lines) == summary["paragraphs"]
