"""Choose where annotate-drop runs its tasks: threads in this process (the
default) or a Dask cluster through prefect-dask.

With Dask each worker process loads the models once (they are cached per
process) and receives plain records; the flow process alone writes output
and the ledger, so exactly-once holds the same way.
"""

from __future__ import annotations

from typing import Any

RUNNERS = ("thread", "dask")


def task_runner(kind: str = "thread", address: str | None = None, workers: int = 2) -> Any:
    """Return a Prefect task runner.

    ``kind``: ``"thread"`` (``ThreadPoolTaskRunner`` with ``2 * workers``
    threads) or ``"dask"`` (``DaskTaskRunner`` on the scheduler at
    ``address``, e.g. ``tcp://10.0.0.5:8786``, or a new local cluster of
    ``workers`` single-threaded worker processes when ``address`` is empty).
    Raises ``ValueError`` for another kind.
    """
    if kind == "thread":
        from prefect.task_runners import ThreadPoolTaskRunner

        return ThreadPoolTaskRunner(max_workers=2 * workers)
    if kind == "dask":
        from prefect_dask import DaskTaskRunner

        if address:
            return DaskTaskRunner(address=address)
        return DaskTaskRunner(
            cluster_kwargs={"n_workers": workers, "threads_per_worker": 1, "processes": True,
                            "dashboard_address": None}
        )
    raise ValueError(f"unknown runner {kind!r}; expected one of {', '.join(RUNNERS)}")
