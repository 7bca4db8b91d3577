"""Ledger-backed runs (``--out-dir``): each cable exactly once, changed bytes
annotated again and linked to the record they supersede, bad files
quarantined, crashes and concurrent runs leave no duplicates.  Real flow,
real models, real cables."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from pipeline.store.ledger import Ledger

CABLES = ["07PHNOMPENH1308.txt", "00ATHENS1917.txt", "07ANKARA2174.txt"]


def _records(out_dir: Path) -> list[dict]:
    recs = []
    for f in sorted(out_dir.glob("*.jsonl")):
        recs += [json.loads(x) for x in f.read_text("utf-8").splitlines()]
    return recs


@pytest.fixture()
def drop(tmp_path, sample_drop):
    d = tmp_path / "drop"
    d.mkdir()
    for name in CABLES:
        shutil.copy(sample_drop / name, d / name)
    (d / "empty.txt").write_bytes(b"")
    return d


def test_runs_annotate_only_new_or_changed_bytes(drop, tmp_path, prefect_harness):
    from pipeline.flows.annotate import annotate_drop

    out_dir = tmp_path / "out"
    first = annotate_drop(str(drop), out_dir=str(out_dir), progress=False)
    assert first.cables_written == 3
    assert [Path(f.path).name for f in first.failures] == ["empty.txt"]
    assert Path(first.output).name.endswith(f"-{first.run_id}.jsonl")

    from prefect.client.orchestration import get_client

    with get_client(sync_client=True) as client:
        arts = [a for a in client.read_artifacts() if a.key == "annotate-drop-summary"]
    report = next(a.data for a in arts if first.run_id in a.data)
    assert "empty.txt" in report and "Least confident" in report and "sensitivity=" in report

    second = annotate_drop(str(drop), out_dir=str(out_dir), progress=False)
    assert (second.cables_written, second.skipped, second.output) == (0, 4, None)

    # A corrected copy at the same path, and the same bytes under a new name.
    src = drop / "00ATHENS1917.txt"
    old_text = src.read_text("utf-8")
    src.write_text(old_text.replace("BURNS", "BURNS\n"), encoding="utf-8")
    shutil.copy(drop / "07ANKARA2174.txt", drop / "copy-of-ankara.txt")
    third = annotate_drop(str(drop), out_dir=str(out_dir), progress=False)
    assert third.cables_written == 1
    rec = json.loads(Path(third.output).read_text("utf-8"))
    assert rec["cable_id"] == "00ATHENS1917"
    assert rec["provenance"]["supersedes"]["output_file"] == Path(first.output).name
    assert rec["provenance"]["supersedes"]["source_sha256"] != rec["provenance"]["source_sha256"]

    with Ledger(out_dir) as led:
        rows = led.entries()
    assert sum(r["status"] == "annotated" for r in rows) == 4
    quarantined = [r for r in rows if r["status"] == "quarantined"]
    assert len(quarantined) == 1 and quarantined[0]["error"] == "empty file"
    assert len(_records(out_dir)) == 4


def _cli(*args: str) -> subprocess.Popen:
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    return subprocess.Popen([sys.executable, "-m", "pipeline.cli", *args], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


@pytest.fixture()
def bigger_drop(tmp_path, sample_drop):
    d = tmp_path / "drop40"
    d.mkdir()
    for p in sorted(sample_drop.glob("*.txt"))[:40]:
        shutil.copy(p, d / p.name)
    return d


def test_kill_9_then_rerun_annotates_each_cable_exactly_once(bigger_drop, tmp_path):
    out_dir = tmp_path / "out"
    proc = _cli("annotate", str(bigger_drop), "--out-dir", str(out_dir), "--chunk", "4", "--no-progress")
    deadline = time.monotonic() + 300
    # Kill once the run has started writing records into its temporary file.
    while time.monotonic() < deadline and proc.poll() is None:
        parts = list(out_dir.glob(".*.part")) if out_dir.exists() else []
        if parts and parts[0].stat().st_size > 0:
            break
        time.sleep(0.2)
    assert proc.poll() is None, "run ended before it could be killed: " + proc.stderr.read()[-2000:]
    from pipeline.memory import descendants

    orphans = descendants(proc.pid)  # kill -9 leaves Prefect's server and the workers behind
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    for pid in orphans:  # as a service manager would; the suite must not carry them along
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    assert list(out_dir.glob("*.jsonl")) == []  # nothing landed half-written

    rerun = _cli("annotate", str(bigger_drop), "--out-dir", str(out_dir), "--no-progress")
    out, err = rerun.communicate(timeout=600)
    assert rerun.returncode == 0, err[-3000:]
    recs = _records(out_dir)
    hashes = [r["provenance"]["source_sha256"] for r in recs]
    assert len(hashes) == len(set(hashes)) == 40
    assert list(out_dir.glob(".*.part")) == []


def test_two_concurrent_runs_never_annotate_a_cable_twice(bigger_drop, tmp_path):
    out_dir = tmp_path / "out"
    # Several task workers each, two processes on the one SQLite-backed
    # Prefect database: no "database is locked" may lose a cable.
    procs = [_cli("annotate", str(bigger_drop), "--out-dir", str(out_dir), "--chunk", "4", "--workers", "4",
                  "--no-progress")
             for _ in range(2)]
    for p in procs:
        _, err = p.communicate(timeout=900)
        assert p.returncode == 0, err[-3000:]
    recs = _records(out_dir)
    hashes = [r["provenance"]["source_sha256"] for r in recs]
    assert len(hashes) == len(set(hashes)) == 40
    for f in out_dir.glob("*.jsonl"):  # every line of every file is a whole record
        for line in f.read_text("utf-8").splitlines():
            json.loads(line)
