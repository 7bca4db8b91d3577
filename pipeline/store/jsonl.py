"""Write JSON Lines atomically: a killed run never leaves a half-written file.

Lines go to a temporary file in the target's folder (same filesystem, so the
final ``os.replace`` is atomic on POSIX); only a clean ``close`` renames it
over the target.  On error the temporary file is removed and any earlier
file at the target is left as it was.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from types import TracebackType
from typing import IO, Any


class AtomicJsonlWriter:
    """Context manager writing one JSON object per line to ``path``.

    ``write(obj)`` serialises ``obj`` (a JSON-able dict) with
    ``ensure_ascii=False`` as one UTF-8 line.  Leaving the ``with`` block
    normally fsyncs and renames; leaving it by an exception discards the
    partial output.  With ``commit=False`` a clean close keeps the finished
    temporary file at :attr:`part_path` for the caller to move (the ledger's
    commit protocol) or :meth:`discard`.  Raises ``OSError`` when the folder cannot be written.
    """

    def __init__(self, path: str | os.PathLike[str], commit: bool = True):
        self.path = Path(path)
        self.commit = commit
        self.count = 0
        self._tmp: Path | None = None
        self._fh: IO[str] | None = None

    def __enter__(self) -> AtomicJsonlWriter:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{self.path.name}.", suffix=".part", dir=self.path.parent)
        self._tmp = Path(tmp)
        # mkstemp makes 0600 files; give the output the mode any new file gets.
        umask = os.umask(0)
        os.umask(umask)
        os.fchmod(fd, 0o666 & ~umask)
        self._fh = os.fdopen(fd, "w", encoding="utf-8", newline="\n")
        return self

    @property
    def part_path(self) -> Path:
        """The temporary file (kept after a clean close when ``commit=False``)."""
        assert self._tmp is not None
        return self._tmp

    def discard(self) -> None:
        """Delete the kept temporary file of a ``commit=False`` writer."""
        if self._tmp is not None and self._tmp.exists():
            self._tmp.unlink()

    def write(self, obj: dict[str, Any]) -> None:
        """Append one record as a JSON line."""
        assert self._fh is not None, "use AtomicJsonlWriter in a with block"
        self._fh.write(json.dumps(obj, ensure_ascii=False, separators=(",", ":")) + "\n")
        self.count += 1

    def flush(self) -> None:
        """Push written lines to the temporary file (for progress watchers)."""
        assert self._fh is not None
        self._fh.flush()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        assert self._fh is not None and self._tmp is not None
        try:
            if exc_type is None:
                self._fh.flush()
                os.fsync(self._fh.fileno())
            self._fh.close()
            if exc_type is None and self.commit:
                os.replace(self._tmp, self.path)
        finally:
            if self._tmp.exists() and (exc_type is not None or self.commit):
                self._tmp.unlink()
