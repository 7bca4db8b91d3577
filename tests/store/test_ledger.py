import os
import subprocess
import sys
import time

import pytest

from pipeline.store.ledger import Ledger, LedgerEntry
from pipeline.store.lock import FolderLock, LockTimeout


def _entry(sha, path="a.txt", status="annotated"):
    return LedgerEntry(source_sha256=sha, source_path=path, status=status, cable_id="07PHNOMPENH1308")


def test_commit_moves_output_and_records_entries(tmp_path):
    part = tmp_path / ".run1.jsonl.part"
    part.write_text("{}\n")
    final = tmp_path / "run1.jsonl"
    with Ledger(tmp_path) as led:
        led.commit_run("r1", "2026-01-01T00:00:00Z", [_entry("a" * 64), _entry("b" * 64, "b.txt", "quarantined")],
                       part, final)
        assert final.exists() and not part.exists()
        assert led.known("a" * 64) and led.known("b" * 64) and not led.known("c" * 64)
        assert [r["state"] for r in led.runs()] == ["done"]
        rows = {r["source_sha256"]: r for r in led.entries()}
        assert rows["a" * 64]["output_file"] == "run1.jsonl"
        assert rows["b" * 64]["output_file"] is None


def test_previous_at_path_finds_superseded_bytes(tmp_path):
    with Ledger(tmp_path) as led:
        led.commit_run("r1", "2026-01-01T00:00:00Z", [_entry("a" * 64)], None, None)
        assert led.previous_at_path("a.txt", "d" * 64)["source_sha256"] == "a" * 64
        assert led.previous_at_path("a.txt", "a" * 64) is None


def test_recover_rolls_back_a_run_whose_file_never_landed(tmp_path):
    with Ledger(tmp_path) as led:
        # Simulate a crash after step 2: rows written, rename never happened.
        with led._tx():
            led._db.execute("INSERT INTO runs(run_id, started_at, output_file, state) VALUES ('r1','t','r1.jsonl','committing')")
            led._db.execute("INSERT INTO cables VALUES (?,?,?,?,?,?,?,?,?,?)",
                            ("a" * 64, "a.txt", None, "annotated", "r1", "r1.jsonl", None, None, None, "t"))
        (tmp_path / ".r1.jsonl.abc.part").write_text("{}\n")
        got = led.recover()
        assert got == {"runs_completed": 0, "runs_rolled_back": 1, "parts_removed": 1}
        assert not led.known("a" * 64)


def test_recover_completes_a_run_whose_file_landed(tmp_path):
    with Ledger(tmp_path) as led:
        with led._tx():
            led._db.execute("INSERT INTO runs(run_id, started_at, output_file, state) VALUES ('r1','t','r1.jsonl','committing')")
        (tmp_path / "r1.jsonl").write_text("{}\n")
        assert led.recover()["runs_completed"] == 1
        assert led.runs()[0]["state"] == "done"


def test_lock_excludes_second_holder_and_dies_with_its_process(tmp_path):
    holder = subprocess.Popen(
        [sys.executable, "-c",
         "import sys,time; sys.path.insert(0, %r); from pipeline.store.lock import FolderLock\n"
         "with FolderLock(%r):\n    print('held', flush=True); time.sleep(60)" % (os.getcwd(), str(tmp_path))],
        stdout=subprocess.PIPE, text=True,
    )
    assert holder.stdout.readline().strip() == "held"
    with pytest.raises(LockTimeout):
        with FolderLock(tmp_path, timeout=0.5):
            pass
    holder.kill()  # SIGKILL: no cleanup code runs
    holder.wait()
    t0 = time.monotonic()
    with FolderLock(tmp_path, timeout=5):
        pass
    assert time.monotonic() - t0 < 5


def test_staged_rows_count_only_once_committed(tmp_path):
    with Ledger(tmp_path) as led:
        led.stage("r1", [_entry("a" * 64)])
        led.stage("r1", [_entry("b" * 64, "b.txt", "quarantined")])
        assert not led.known("a" * 64)  # staged is not done
        led.commit_run("r1", "2026-01-01T00:00:00Z", [], None, None)
        assert led.known("a" * 64) and led.known("b" * 64)
        run = led.runs()[0]
        assert (run["annotated"], run["quarantined"]) == (1, 1)
        assert led._db.execute("SELECT COUNT(*) FROM pending").fetchone()[0] == 0


def test_recover_drops_rows_staged_by_a_run_that_died(tmp_path):
    with Ledger(tmp_path) as led:
        led.stage("dead", [_entry("a" * 64)])
    with Ledger(tmp_path) as led:  # the next run, after a kill -9
        led.recover()
        assert led._db.execute("SELECT COUNT(*) FROM pending").fetchone()[0] == 0
        assert not led.known("a" * 64)
        led.commit_run("r2", "2026-01-01T00:00:00Z", [_entry("c" * 64)], None, None)
        assert [r["source_sha256"] for r in led.entries()] == ["c" * 64]
