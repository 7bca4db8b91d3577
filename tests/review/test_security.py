"""The security bits of issue 7, one test each (with the write-protection
tests of test_api, test_exports and test_retrain):

- binds to 127.0.0.1 by default: ``cables review`` started with no --host
  listens on 127.0.0.1 only (127.0.0.2, also loopback, is refused);
- beyond localhost needs an explicit flag and a token: refused without
  ``--allow-remote``; with it, every request needs the printed access token;
- a cross-site POST gets 403 and changes nothing: every POST route;
- file paths from the browser are never trusted: no route takes a path, and
  path-like ids are refused.
"""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest

from pipeline.config import REPO_ROOT

TOKEN = {"X-Review-Token": "test-token"}


def _start(args, timeout=120):
    """Run ``cables review ARGS`` and return (process, printed URL)."""
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    proc = subprocess.Popen([sys.executable, "-m", "pipeline.cli", "-q", "review", *args], cwd=REPO_ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)
    line = proc.stdout.readline()
    m = re.search(r"(http://\S+)", line)
    if not m:
        proc.kill()
        pytest.fail(f"no URL printed: {line!r} {proc.stderr.read()[-2000:]}")
    url = m.group(1)
    deadline = time.time() + timeout
    while True:  # the URL is printed just before uvicorn binds
        try:
            with socket.create_connection(_hostport(url), timeout=1):
                break
        except OSError:
            assert time.time() < deadline and proc.poll() is None, "server did not start"
            time.sleep(0.2)
    return proc, url


def _hostport(url):
    m = re.match(r"http://([^/:]+):(\d+)/", url)
    host = "127.0.0.1" if m.group(1) == "0.0.0.0" else m.group(1)
    return host, int(m.group(2))


def _stop(proc):
    os.killpg(proc.pid, signal.SIGINT)
    try:
        proc.wait(20)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(10)


def _status(url):
    try:
        with urllib.request.urlopen(url, timeout=10) as r:
            return r.status
    except urllib.error.HTTPError as e:
        return e.code


def test_binds_to_loopback_by_default(annotated, labels):
    proc, url = _start([str(annotated), "--labels", str(labels)])
    try:
        host, port = _hostport(url)
        assert host == "127.0.0.1"
        assert _status(f"http://127.0.0.1:{port}/api/meta") == 200
        with pytest.raises(OSError):  # listening on 127.0.0.1 only, not on all addresses
            socket.create_connection(("127.0.0.2", port), timeout=2).close()
    finally:
        _stop(proc)


def test_beyond_localhost_needs_the_flag_and_then_the_token(annotated, labels):
    bad = subprocess.run([sys.executable, "-m", "pipeline.cli", "review", str(annotated), "--labels", str(labels),
                          "--host", "0.0.0.0"], cwd=REPO_ROOT, capture_output=True, text=True, timeout=120)
    assert bad.returncode == 2 and "--allow-remote" in bad.stderr
    proc, url = _start([str(annotated), "--labels", str(labels), "--host", "0.0.0.0", "--allow-remote"])
    try:
        access = re.search(r"\?access=([\w-]+)", url).group(1)
        _, port = _hostport(url)
        base = f"http://127.0.0.1:{port}"
        assert _status(base + "/api/meta") == 403
        assert _status(base + "/api/meta?access=wrong") == 403
        assert _status(base + f"/api/meta?access={access}") == 200
    finally:
        _stop(proc)


def test_every_post_route_refuses_cross_site_writes(client, labels):
    from fastapi.routing import APIRoute

    posts = sorted(r.path for r in client.app.routes if isinstance(r, APIRoute) and "POST" in r.methods)
    assert posts == ["/api/decisions", "/api/import/labelstudio", "/api/retrain", "/api/retrain/promote"]
    pid = client.get("/api/cables/07PHNOMPENH1308").json()["record"]["paragraphs"][0]["id"]
    bodies = {"/api/decisions": {"paragraph_id": pid, "label": "doubt", "value": 1},
              "/api/import/labelstudio": [{"data": {"paragraph_id": pid}, "annotations": [{"result": [
                  {"from_name": "doubt", "type": "choices", "value": {"choices": ["1"]}}]}]}],
              "/api/retrain": {"tasks": ["doubt"]},
              "/api/retrain/promote": {"job": "x", "task": "doubt"}}
    for path in posts:
        for headers in ({}, {"X-Review-Token": "wrong"}, {**TOKEN, "Origin": "http://evil.example"},
                        {**TOKEN, "Referer": "http://evil.example/page"}):
            assert client.post(path, json=bodies[path], headers=headers).status_code == 403, (path, headers)
    assert not labels.exists()
    assert client.get("/api/retrain").json()["job"] is None


def test_no_route_takes_a_file_path(client):
    from fastapi.routing import APIRoute

    for r in client.app.routes:
        if not isinstance(r, APIRoute):
            continue
        names = {p.name for p in r.dependant.path_params + r.dependant.query_params}
        assert not names & {"path", "file", "filename", "dir", "folder", "labels", "models_dir", "dest"}, r.path
    for url in ("/cable/..%2F..%2Fetc%2Fpasswd", "/api/cables/..%2Fcorpus.py", "/static/..%2Fapp.py",
                "/static/%2e%2e/app.py", "/api/export/..%2F..%2Fetc%2Fpasswd"):
        assert client.get(url).status_code == 404, url
    body = {"paragraph_id": "/etc/passwd", "label": "doubt", "value": 1}
    assert client.post("/api/decisions", json=body, headers=TOKEN).status_code == 422
    # extra keys naming files are ignored: the job would only ever use the server's own paths
    r = client.post("/api/retrain/promote", headers=TOKEN,
                    json={"job": "../../etc", "task": "doubt", "models_dir": "/tmp/evil"})
    assert r.status_code == 404
    meta = client.get("/api/meta").json()
    assert "/" not in meta["annotated"] + meta["labels"]  # file names only, never paths
