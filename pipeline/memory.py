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


class _MallInfo2(ctypes.Structure):
    # struct mallinfo2 of glibc >= 2.33 (<malloc.h>): ten size_t fields
    _fields_ = [(name, ctypes.c_size_t) for name in (
        "arena", "ordblks", "smblks", "hblks", "hblkhd", "usmblks", "fsmblks", "uordblks", "fordblks", "keepcost")]


def heap_stats() -> dict[str, float] | None:
    """glibc's own account of the malloc heap, in MB (``mallinfo2(3)``):
    ``in_use`` (bytes handed out and not freed, ``uordblks``), ``free``
    (freed but kept in the arenas, ``fordblks``), ``mmapped`` (large blocks
    mapped apart, ``hblkhd``).  ``None`` off glibc or before glibc 2.33.

    Tells the two causes of a growing RSS apart: objects kept alive raise
    ``in_use``; fragmentation raises ``free`` with ``in_use`` flat.
    """
    libc = _glibc()
    fn = getattr(libc, "mallinfo2", None) if libc is not None else None
    if fn is None:
        return None
    fn.restype = _MallInfo2
    mi = fn()
    mb = 1024 * 1024
    return {"in_use": round(mi.uordblks / mb, 1), "free": round(mi.fordblks / mb, 1),
            "mmapped": round(mi.hblkhd / mb, 1)}


def log_heap(path: str | None, **extra: object) -> None:
    """Append one JSON line of :func:`heap_stats`, this process's RSS and
    ``extra`` to ``path`` (the soak sets ``CABLES_HEAP_LOG``); no-op when
    ``path`` is empty.  Used once per chunk, so the cost does not matter."""
    if not path:
        return
    import json
    import time

    row = {"t": round(time.time(), 1), "rss": round(rss_mb(os.getpid()), 1), **(heap_stats() or {}), **extra}
    with open(path, "a", encoding="utf-8") as fh:
        fh.write(json.dumps(row) + "\n")


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
    the ephemeral Prefect server, the model worker processes, Dask workers."""
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


def is_running(pid: int) -> bool:
    """True while ``pid`` runs; a zombie (exited, not yet reaped) counts as
    gone.  Linux ``/proc/<pid>/stat`` (state field after the command name)."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as fh:
            return fh.read().rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return False


def tree_rss_mb(pid: int) -> tuple[float, float]:
    """``(MB of pid itself, MB of all its descendants)``: kept apart because
    the descendants include Prefect's API server, whose memory is not the
    pipeline's."""
    return rss_mb(pid), sum(rss_mb(k) for k in descendants(pid))
