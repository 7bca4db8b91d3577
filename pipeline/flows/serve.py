"""Serve annotate-drop as a Prefect deployment on a schedule.

``flow.serve`` registers the deployment with the Prefect API and polls for
scheduled runs in this process, against the Prefect server of ``PREFECT_API_URL``
or one that ``cables serve`` starts (:mod:`.local_server`; the ephemeral API cannot schedule).
Each scheduled run is a ledger-backed run (``out_dir``), so overlapping or
repeated runs never annotate a cable twice.
"""

from __future__ import annotations

import asyncio
import logging
import re
from datetime import timedelta
from pathlib import Path

log = logging.getLogger(__name__)

_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([smhd]?)\s*$")
_UNITS = {"s": 1, "": 1, "m": 60, "h": 3600, "d": 86400}


def parse_every(text: str) -> timedelta:
    """``"10m"`` -> 10 minutes; units s, m, h, d (seconds if none).

    Raises ``ValueError`` for anything else or a zero interval.
    """
    m = _DURATION.match(text)
    if not m:
        raise ValueError(f"bad interval {text!r}: use e.g. 30s, 10m, 2h, 1d")
    seconds = float(m.group(1)) * _UNITS[m.group(2)]
    if seconds <= 0:
        raise ValueError(f"bad interval {text!r}: must be positive")
    return timedelta(seconds=seconds)


def deployment_name(drop: Path) -> str:
    """A stable deployment name per drop folder (``annotate-<folder name>``)."""
    return "annotate-" + re.sub(r"[^A-Za-z0-9_-]+", "-", Path(drop).resolve().name).strip("-")


def serve_drop(drop: Path, out_dir: Path, every: str | None = None, cron: str | None = None,
               runner: str = "thread", address: str | None = None, workers: int = 2) -> None:
    """Serve annotate-drop over ``drop`` into ``out_dir``; blocks until
    interrupted (Ctrl-C or SIGTERM, both raised here as ``KeyboardInterrupt``),
    then stops every child process (:func:`stop_children`).

    Give exactly one of ``every`` (see :func:`parse_every`) or ``cron`` (a
    five-field cron string, UTC).  Raises ``ValueError`` otherwise.
    """
    if (every is None) == (cron is None):
        raise ValueError("give exactly one of --every or --cron")
    from pipeline.flows.annotate import annotate_drop
    from pipeline.flows.runners import task_runner

    from prefect.runner import Runner

    class _Runner(Runner):
        # Prefect's own SIGTERM handler waits for in-flight flow runs to be
        # cancelled, which can hang on a run's model workers; unwind like
        # Ctrl-C instead and let the caller stop what was started
        def handle_sigterm(self, *args, **kwargs):  # noqa: ARG002
            raise KeyboardInterrupt

    flow = annotate_drop.with_options(task_runner=task_runner(runner, address, workers))
    schedule = {"interval": parse_every(every)} if every else {"cron": cron}
    name = deployment_name(drop)
    # schedules stay active when this process stops (no API call on the way out); runs
    # that pile up meanwhile are harmless: each is a ledger-backed run
    serve_runner = _Runner(name=name, pause_on_shutdown=False)
    serve_runner.add_flow(flow, name=name,
                          parameters={"drop": str(Path(drop).resolve()), "out_dir": str(Path(out_dir).resolve()),
                                      "progress": False, "workers": workers},
                          **schedule)
    log.info("serving %s/%s: %s; Ctrl-C or SIGTERM stops", flow.name, name,
             f"every {every}" if every else f"cron {cron!r} (UTC)")
    try:
        asyncio.run(serve_runner.start())
    finally:
        stop_children()


def stop_children(grace_s: float = 10.0) -> list[int]:
    """SIGTERM every descendant process of this one (flow runs in progress,
    their model workers, a local Prefect server), SIGKILL those still alive
    after ``grace_s`` seconds; returns the pids signalled.  A scheduled run
    cut short this way leaves no half-written output: the run's file is
    renamed into place only when whole, and the next run redoes its cables
    (pipeline/store/ledger.py)."""
    import os
    import signal
    import time

    from pipeline.memory import descendants, is_running

    pids = descendants(os.getpid())
    left = pids
    for sig in (signal.SIGTERM, signal.SIGKILL):
        for pid in left:
            try:
                os.kill(pid, sig)
            except ProcessLookupError:
                pass
        deadline = time.monotonic() + (grace_s if sig == signal.SIGTERM else 0)
        while True:
            left = [p for p in left if is_running(p)]
            if not left or time.monotonic() >= deadline:
                break
            time.sleep(0.2)
        if not left:
            break
    if pids:
        log.info("serve: stopped %d child processes", len(pids))
    return pids

