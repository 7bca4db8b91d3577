"""Serve annotate-drop as a Prefect deployment on a schedule.

``flow.serve`` registers the deployment with the Prefect API and polls for
scheduled runs in this process: against the local ephemeral API by default,
or against a Prefect server when ``PREFECT_API_URL`` is set (see README).
Each scheduled run is a ledger-backed run (``out_dir``), so overlapping or
repeated runs never annotate a cable twice.
"""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

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
    """Serve annotate-drop over ``drop`` into ``out_dir``; blocks until interrupted.

    Give exactly one of ``every`` (see :func:`parse_every`) or ``cron`` (a
    five-field cron string, UTC).  Raises ``ValueError`` otherwise.
    """
    if (every is None) == (cron is None):
        raise ValueError("give exactly one of --every or --cron")
    from pipeline.flows.annotate import annotate_drop
    from pipeline.flows.runners import task_runner

    flow = annotate_drop.with_options(task_runner=task_runner(runner, address, workers))
    schedule = {"interval": parse_every(every)} if every else {"cron": cron}
    flow.serve(
        name=deployment_name(drop),
        parameters={"drop": str(Path(drop).resolve()), "out_dir": str(Path(out_dir).resolve()),
                    "progress": False, "workers": workers},
        **schedule,
    )
