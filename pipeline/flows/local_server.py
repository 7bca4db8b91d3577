"""A local Prefect server for ``cables serve`` when none is configured.

Why: Prefect's ephemeral API (what a run uses when ``PREFECT_API_URL`` is
unset) has no scheduler, so ``flow.serve`` with a schedule against it only
logs "Cannot schedule flows on an ephemeral server" and never runs
(``prefect/runner/runner.py``, Prefect 3.9; checked 2026-11-30).  A served
drop therefore needs ``prefect server start``; this module starts one on a
free loopback port for the lifetime of the command and stops it afterwards.
"""

from __future__ import annotations

import logging
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

log = logging.getLogger(__name__)

#: Seconds to wait for the server's health endpoint (a fresh database is migrated first;
#: about 8-15 s on the 2-core box).
START_TIMEOUT_S = 180.0


def free_port(host: str = "127.0.0.1") -> int:
    """A TCP port on ``host`` that nothing listens on right now."""
    with socket.socket() as s:
        s.bind((host, 0))
        return int(s.getsockname()[1])


class LocalPrefectServer:
    """``prefect server start`` in a child process on ``host:port``.

    Use as a context manager: ``with LocalPrefectServer() as api:`` yields the
    API URL (``http://127.0.0.1:<port>/api``) once ``/health`` answers 200,
    and stops the server (SIGTERM, then SIGKILL after 30 s) on exit.  The
    server keeps its database under ``home`` (default: the current
    ``PREFECT_HOME``, so runs stay visible afterwards, as with a server
    started by hand).  Its output goes to ``log_path`` (default
    ``<home>/cables-server.log``).

    Raises ``RuntimeError`` (with the log's tail) when the server exits or
    does not answer within ``timeout_s``.
    """

    def __init__(self, host: str = "127.0.0.1", port: int | None = None, timeout_s: float = START_TIMEOUT_S,
                 log_path: Path | None = None, home: Path | None = None):
        self.host = host
        self.port = port or free_port(host)
        self.timeout_s = timeout_s
        self.home = Path(home) if home else None
        home = self.home or Path(os.environ.get("PREFECT_HOME") or Path.home() / ".prefect")
        self.log_path = log_path or home / "cables-server.log"
        self.api_url = f"http://{host}:{self.port}/api"
        self.proc: subprocess.Popen | None = None

    def __enter__(self) -> str:
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        env = dict(os.environ, PREFECT_SERVER_ANALYTICS_ENABLED="false")
        env.pop("PREFECT_API_URL", None)
        if self.home:
            env["PREFECT_HOME"] = str(self.home)
        with open(self.log_path, "ab") as out:
            self.proc = subprocess.Popen([sys.executable, "-m", "prefect", "server", "start", "--host", self.host,
                                          "--port", str(self.port)], env=env, stdout=out, stderr=subprocess.STDOUT,
                                         start_new_session=True)
        deadline = time.monotonic() + self.timeout_s
        while True:
            try:
                with urllib.request.urlopen(f"{self.api_url}/health", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if self.proc.poll() is not None or time.monotonic() > deadline:
                self.stop()
                tail = self.log_path.read_text("utf-8", errors="replace")[-2000:]
                raise RuntimeError(f"prefect server on {self.host}:{self.port} did not start "
                                   f"(log {self.log_path}):\n{tail}")
            time.sleep(0.5)
        log.info("started a local Prefect server at %s (log %s)", self.api_url, self.log_path)
        return self.api_url

    def stop(self) -> None:
        """Stop the server and its children (its own process group); idempotent."""
        if self.proc is None:
            return
        import signal

        # the whole group: the server's own children outlive a leader that was killed alone
        try:
            os.killpg(self.proc.pid, signal.SIGTERM)
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()
        except ProcessLookupError:
            pass

    def __exit__(self, *exc) -> None:
        self.stop()
