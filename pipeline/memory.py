"""Keep a long run's resident memory flat on glibc (Linux).

Measured with ``python -m pipeline.soak`` and a classify-only loop over 112
corpus cables (2026-11-29, torch encoder): with glibc's default of up to
8 malloc arenas per core, resident memory grew from 715 MB to 987 MB and
kept growing (freed tensor buffers of varying shapes stay fragmented in
per-thread arenas); with ``MALLOC_ARENA_MAX=2`` it stayed between 772 and
850 MB.  Nothing of ours was being kept: it is allocator fragmentation, so
the fix is in the allocator's settings (``mallopt(3)``, ``malloc_trim(3)``),
not in our data structures.
"""

from __future__ import annotations

import ctypes
import logging
import os
import sys
from pathlib import Path

log = logging.getLogger(__name__)

_M_ARENA_MAX = -8  # from glibc's <malloc.h>
_libc: ctypes.CDLL | None = None


def _glibc() -> ctypes.CDLL | None:
    global _libc
    if _libc is None and sys.platform.startswith("linux"):
        try:
            lib = ctypes.CDLL("libc.so.6")
            lib.mallopt  # noqa: B018  (musl has no mallopt: fall through)
            lib.malloc_trim
            _libc = lib
        except (OSError, AttributeError):
            return None
    return _libc


def limit_arenas(n: int = 2) -> bool:
    """Cap glibc malloc arenas at ``n`` unless ``MALLOC_ARENA_MAX`` is set.

    Call before worker threads start allocating (``pipeline.env`` does, on
    import).  Returns ``True`` if the cap was set; ``False`` off glibc or
    when the user chose their own value.
    """
    if os.environ.get("MALLOC_ARENA_MAX"):
        return False
    libc = _glibc()
    return bool(libc and libc.mallopt(_M_ARENA_MAX, n) == 1)


def release_free_memory() -> None:
    """Hand freed heap pages back to the OS (``malloc_trim(0)``); a no-op off glibc.

    Cheap (milliseconds); the annotate flow calls it once per chunk of cables.
    """
    libc = _glibc()
    if libc is not None:
        libc.malloc_trim(0)


def rss_mb(pid: int) -> float:
    """Resident memory (``VmRSS``) of one process in MB, from Linux ``/proc``;
    0 when the process is gone or ``/proc`` is not there."""
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def descendants(pid: int) -> list[int]:
    """Pids of all descendants of ``pid`` (Linux ``/proc/<pid>/task/*/children``):
    the ephemeral Prefect server, the NER process, Dask workers."""
    out, stack = [], [pid]
    while stack:
        p = stack.pop()
        try:
            kids = [int(k) for t in Path(f"/proc/{p}/task").iterdir() for k in (t / "children").read_text().split()]
        except OSError:
            kids = []
        out += kids
        stack += kids
    return out


def tree_rss_mb(pid: int) -> tuple[float, float]:
    """``(MB of pid itself, MB of all its descendants)``: kept apart because
    the descendants include Prefect's API server, whose memory is not the
    pipeline's."""
    return rss_mb(pid), sum(rss_mb(k) for k in descendants(pid))
