"""Parts of `cables serve`: the schedule argument, the deployment name, and
the local Prefect server it starts when no PREFECT_API_URL is set."""

from __future__ import annotations

import re
import socket
from datetime import timedelta
from pathlib import Path

import pytest

from pipeline.flows.local_server import LocalPrefectServer, free_port
from pipeline.flows.serve import deployment_name, parse_every


@pytest.mark.parametrize("text,seconds", [("30s", 30), ("10m", 600), ("2h", 7200), ("1d", 86400), ("45", 45),
                                          ("1.5m", 90)])
def test_parse_every(text, seconds):
    assert parse_every(text) == timedelta(seconds=seconds)


@pytest.mark.parametrize("text", ["", "0m", "ten minutes", "5w", "-1m"])
def test_parse_every_rejects(text):
    with pytest.raises(ValueError, match="bad interval"):
        parse_every(text)


def test_deployment_name_is_stable_per_folder(tmp_path):
    d = tmp_path / "cables drop (May)"
    d.mkdir()
    assert deployment_name(d) == deployment_name(Path(str(d) + "/")) == "annotate-cables-drop-May"


def test_local_server_that_cannot_bind_fails_with_its_log(tmp_path):
    port = free_port()
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", port))
        taken.listen()
        server = LocalPrefectServer(port=port, timeout_s=120, home=tmp_path / "home")
        with pytest.raises(RuntimeError, match="did not start.*" + re.escape(str(server.log_path))):
            server.__enter__()
    assert server.proc is not None and server.proc.poll() is not None  # nothing left running
    assert server.log_path == tmp_path / "home" / "cables-server.log"
