"""An exclusive lock per output folder that a crashed run cannot leave behind.

``fcntl.flock`` locks belong to the open file: the kernel drops them when
the process exits, ``kill -9`` included, so there is no stale lock file to
clean up (POSIX only, which is what these machines run).
"""

from __future__ import annotations

import fcntl
import os
import time
from pathlib import Path
from types import TracebackType


class LockTimeout(TimeoutError):
    """Another run held the lock for longer than the wait allowed."""


class FolderLock:
    """Context manager holding ``<folder>/.lock`` exclusively.

    ``timeout`` is how long to wait in seconds (``0``: fail at once).
    Raises :class:`LockTimeout` when the lock stays taken.  The lock file
    records the holder's pid for people reading the folder.
    """

    def __init__(self, folder: str | os.PathLike[str], timeout: float = 600.0, poll: float = 0.2):
        self.path = Path(folder) / ".lock"
        self.timeout = timeout
        self.poll = poll
        self._fd: int | None = None

    def __enter__(self) -> FolderLock:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        deadline = time.monotonic() + self.timeout
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    os.close(fd)
                    raise LockTimeout(f"{self.path}: held by another run for over {self.timeout:.0f} s") from None
                time.sleep(self.poll)
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode())
        self._fd = fd
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None
