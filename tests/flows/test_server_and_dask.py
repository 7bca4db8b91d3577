"""annotate-drop against a real local Prefect server (``prefect server start``
on 127.0.0.1), served on a schedule, and on a local two-worker Dask cluster,
with the same exactly-once checks.  Subprocesses run the ``cables`` command
as users do."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

CABLES = ["07PHNOMPENH1308.txt", "00ATHENS1917.txt", "07ANKARA2174.txt"]


def _records(out_dir: Path) -> list[dict]:
    return [json.loads(x) for f in sorted(out_dir.glob("*.jsonl")) for x in f.read_text("utf-8").splitlines()]


@pytest.fixture()
def drop(tmp_path, sample_drop):
    d = tmp_path / "drop"
    d.mkdir()
    for name in CABLES:
        shutil.copy(sample_drop / name, d / name)
    return d


@pytest.fixture(scope="module")
def prefect_server(tmp_path_factory):
    """A real Prefect server on a free loopback port with its own database
    (the one `cables serve` starts when no PREFECT_API_URL is set)."""
    from pipeline.flows.local_server import LocalPrefectServer

    with LocalPrefectServer(home=tmp_path_factory.mktemp("prefect-server-home"), timeout_s=120) as api:
        yield api


def _env(api: str | None = None) -> dict[str, str]:
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    if api:
        env["PREFECT_API_URL"] = api
    return env


def _flow_runs(api: str) -> list[dict]:
    req = urllib.request.Request(f"{api}/flow_runs/filter", data=b"{}", method="POST",
                                 headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=10) as r:
        return json.loads(r.read())


def test_annotate_against_a_real_server_records_the_flow_run(drop, tmp_path, prefect_server):
    out_dir = tmp_path / "out"
    proc = subprocess.run([sys.executable, "-m", "pipeline.cli", "annotate", str(drop), "--out-dir", str(out_dir),
                           "--no-progress"], env=_env(prefect_server), capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-3000:]
    run_id = json.loads(proc.stdout.strip().splitlines()[-1])["run_id"]
    runs = {r["id"]: r for r in _flow_runs(prefect_server)}
    assert runs[run_id]["state_type"] == "COMPLETED"
    assert len(_records(out_dir)) == 3


def test_serve_runs_on_schedule_and_each_cable_once(drop, tmp_path):
    """With no PREFECT_API_URL `cables serve` starts its own Prefect server
    (the ephemeral API cannot schedule), runs on the schedule, and SIGTERM
    stops it with everything it started: server, flow runs, workers."""
    from pipeline.memory import descendants, is_running

    out_dir = tmp_path / "served"
    env = _env()
    env.pop("PREFECT_API_URL", None)
    env["PREFECT_HOME"] = str(tmp_path / "prefect-home")  # the server's own database
    # output to a file: a pipe would block reads while any child still holds it open
    out_log = tmp_path / "serve.log"
    with open(out_log, "w") as sink:
        serve = subprocess.Popen([sys.executable, "-m", "pipeline.cli", "serve", "--drop", str(drop), "--out",
                                  str(out_dir), "--every", "5s"], env=env, stdout=sink, stderr=subprocess.STDOUT)
    started: set[int] = set()
    try:
        deadline = time.monotonic() + 400
        # Wait for a first run to land, then for a later scheduled run to find nothing new.
        while time.monotonic() < deadline and not list(out_dir.glob("*.jsonl")):
            assert serve.poll() is None, out_log.read_text()[-3000:]
            time.sleep(1)
        assert list(out_dir.glob("*.jsonl")), "no scheduled run produced output"
        from pipeline.store.ledger import Ledger

        while time.monotonic() < deadline:
            with Ledger(out_dir) as led:
                if len([r for r in led.runs() if r["state"] == "done"]) >= 2:
                    break
            started |= set(descendants(serve.pid))
            time.sleep(1)
    finally:
        started |= set(descendants(serve.pid))
        serve.terminate()
        try:
            serve.wait(timeout=60)
        except subprocess.TimeoutExpired:
            serve.kill()
    output = out_log.read_text()
    assert serve.returncode == 0, output[-3000:]
    assert "started a local Prefect server" in output
    assert started, "serve started no child process (server, flow run)"
    time.sleep(5)
    alive = [p for p in started if is_running(p)]
    for p in alive:  # leave nothing behind for the rest of the suite, then fail
        os.kill(p, signal.SIGKILL)
    assert not alive, f"left running after SIGTERM: {alive}"
    with Ledger(out_dir) as led:
        assert len(led.runs()) >= 2
    hashes = [r["provenance"]["source_sha256"] for r in _records(out_dir)]
    assert len(hashes) == len(set(hashes)) == 3


def test_dask_cluster_of_two_workers_annotates_each_cable_once(drop, tmp_path):
    out_dir = tmp_path / "dask"
    for expect in (3, 0):
        proc = subprocess.run([sys.executable, "-m", "pipeline.cli", "annotate", str(drop), "--out-dir",
                               str(out_dir), "--runner", "dask", "--workers", "2", "--chunk", "1", "--no-progress"],
                              env=_env(), capture_output=True, text=True, timeout=900)
        assert proc.returncode == 0, proc.stderr[-3000:]
        assert json.loads(proc.stdout.strip().splitlines()[-1])["cables_written"] == expect
    recs = _records(out_dir)
    assert sorted(r["cable_id"] for r in recs) == ["00ATHENS1917", "07ANKARA2174", "07PHNOMPENH1308"]
