"""The ledger of a ledger-backed output folder: which source bytes were
annotated, when, into which file, by which models, or why they were not.

SQLite (``<out_dir>/ledger.sqlite``), keyed on the sha256 of the source
bytes, so a renamed file is not annotated twice and a corrected copy at the
same path is.  Exactly-once across crashes comes from the commit protocol
of :meth:`Ledger.commit_run`:

1. the run's records are already in a temporary ``*.part`` file, and its
   cables' outcomes in the ``pending`` table (staged chunk by chunk with
   :meth:`Ledger.stage`, so a long run keeps no per-cable objects in memory);
2. one transaction records the run as ``committing`` and moves its pending
   rows into ``cables``;
3. the temporary file is renamed to its final name;
4. the run is marked ``done``.

:meth:`Ledger.recover`, called under the folder lock before each run, settles
a run that died between 2 and 4: if its output file exists the run is done,
else its rows are removed so the next run annotates those cables again.  A
run that died before 2 left only pending rows, which it deletes.
"""

from __future__ import annotations

import json
import os
import sqlite3
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

LEDGER_FILE = "ledger.sqlite"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS runs (
    run_id TEXT PRIMARY KEY,
    started_at TEXT NOT NULL,
    finished_at TEXT,
    output_file TEXT,
    state TEXT NOT NULL,            -- committing | done
    annotated INTEGER NOT NULL DEFAULT 0,
    quarantined INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS cables (
    source_sha256 TEXT PRIMARY KEY,
    source_path TEXT NOT NULL,
    cable_id TEXT,
    status TEXT NOT NULL,           -- annotated | quarantined
    run_id TEXT NOT NULL REFERENCES runs(run_id),
    output_file TEXT,
    models TEXT,                    -- JSON: role -> {name, version}
    error TEXT,
    supersedes TEXT,                -- sha256 of the earlier bytes at the same path
    recorded_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS cables_by_path ON cables(source_path);
CREATE TABLE IF NOT EXISTS pending (  -- outcomes of a run not yet committed
    run_id TEXT NOT NULL,
    source_sha256 TEXT NOT NULL,
    source_path TEXT NOT NULL,
    cable_id TEXT,
    status TEXT NOT NULL,
    models TEXT,
    error TEXT,
    supersedes TEXT,
    PRIMARY KEY (run_id, source_sha256)
);
"""


def utc_now() -> str:
    """The current UTC time as ``2026-11-29T19:20:28Z``."""
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass
class LedgerEntry:
    """One source file's outcome in a run.

    ``status`` is ``"annotated"`` or ``"quarantined"``; ``error`` the reason
    a file was quarantined (``"empty file"``); ``supersedes`` the sha256 of
    the earlier bytes at the same path, if any.
    """

    source_sha256: str
    source_path: str
    status: str
    cable_id: str | None = None
    models: dict[str, dict[str, str]] | None = None
    error: str | None = None
    supersedes: str | None = None


class Ledger:
    """The ledger of one output folder (created on first use).

    Use it only while holding :class:`pipeline.store.lock.FolderLock` on the
    same folder: SQLite serialises writers, the lock serialises runs.
    """

    def __init__(self, out_dir: str | os.PathLike[str]):
        self.out_dir = Path(out_dir)
        self.out_dir.mkdir(parents=True, exist_ok=True)
        self.path = self.out_dir / LEDGER_FILE
        # A long busy timeout rather than "database is locked" failures when a
        # reader (cables status) overlaps a commit.
        self._db = sqlite3.connect(self.path, timeout=60, isolation_level=None)
        self._db.row_factory = sqlite3.Row
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.executescript(_SCHEMA)

    def close(self) -> None:
        """Close the database connection."""
        self._db.close()

    def __enter__(self) -> Ledger:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def recover(self) -> dict[str, int]:
        """Settle runs that died mid-commit and delete stray ``*.part`` files.

        Returns ``{"runs_completed": n, "runs_rolled_back": m, "parts_removed": k}``.
        """
        done = back = 0
        for row in self._db.execute("SELECT run_id, output_file FROM runs WHERE state = 'committing'").fetchall():
            out = row["output_file"]
            if out and (self.out_dir / out).exists():
                self._db.execute("UPDATE runs SET state='done', finished_at=? WHERE run_id=?", (utc_now(), row["run_id"]))
                done += 1
            else:
                with self._tx():
                    self._db.execute("DELETE FROM cables WHERE run_id=?", (row["run_id"],))
                    self._db.execute("DELETE FROM runs WHERE run_id=?", (row["run_id"],))
                back += 1
        # Under the folder lock no run is staging now: pending rows are orphans.
        self._db.execute("DELETE FROM pending WHERE run_id NOT IN (SELECT run_id FROM runs WHERE state='committing')")
        parts = 0
        for part in self.out_dir.glob(".*.part"):
            part.unlink()
            parts += 1
        return {"runs_completed": done, "runs_rolled_back": back, "parts_removed": parts}

    def known(self, sha256: str) -> bool:
        """True when these exact bytes were annotated or quarantined before."""
        return self._db.execute("SELECT 1 FROM cables WHERE source_sha256=?", (sha256,)).fetchone() is not None

    def previous_at_path(self, source_path: str, sha256: str) -> dict[str, Any] | None:
        """The latest annotated entry for other bytes at ``source_path``, or None."""
        row = self._db.execute(
            "SELECT * FROM cables WHERE source_path=? AND source_sha256<>? AND status='annotated' "
            "ORDER BY recorded_at DESC LIMIT 1",
            (source_path, sha256),
        ).fetchone()
        return dict(row) if row else None

    def stage(self, run_id: str, entries: list[LedgerEntry]) -> None:
        """Record outcomes of ``run_id`` as pending (step 1), one transaction.

        Pending rows do not count as known until :meth:`commit_run`; a run
        that dies leaves them to :meth:`recover`.  Raises ``sqlite3.Error``.
        """
        with self._tx():
            self._db.executemany(
                "INSERT OR REPLACE INTO pending VALUES (?,?,?,?,?,?,?,?)",
                [(run_id, e.source_sha256, e.source_path, e.cable_id, e.status,
                  json.dumps(e.models) if e.models else None, e.error, e.supersedes) for e in entries],
            )

    def commit_run(
        self, run_id: str, started_at: str, entries: list[LedgerEntry], part_file: Path | None, output_file: Path | None
    ) -> None:
        """Record a run's outcome and move its output into place (steps 2-4).

        The run's cables are those staged with :meth:`stage` plus ``entries``
        (often empty).  ``part_file`` is the finished temporary output and
        ``output_file`` its final path in the folder (both ``None`` when the
        run annotated nothing).  Raises ``sqlite3.Error`` or ``OSError``;
        either leaves the ledger in a state that :meth:`recover` settles.
        """
        if entries:
            self.stage(run_id, entries)
        out_name = output_file.name if output_file else None
        with self._tx():
            counts = self._db.execute(
                "SELECT COALESCE(SUM(status='annotated'),0), COALESCE(SUM(status<>'annotated'),0) FROM pending WHERE run_id=?",
                (run_id,),
            ).fetchone()
            self._db.execute(
                "INSERT INTO runs(run_id, started_at, output_file, state, annotated, quarantined) VALUES (?,?,?,?,?,?)",
                (run_id, started_at, out_name, "committing", counts[0], counts[1]),
            )
            self._db.execute(
                "INSERT OR REPLACE INTO cables SELECT source_sha256, source_path, cable_id, status, run_id, "
                "CASE WHEN status='annotated' THEN ? END, models, error, supersedes, ? FROM pending WHERE run_id=?",
                (out_name, utc_now(), run_id),
            )
            self._db.execute("DELETE FROM pending WHERE run_id=?", (run_id,))
        if part_file is not None and output_file is not None:
            os.replace(part_file, output_file)
        self._db.execute("UPDATE runs SET state='done', finished_at=? WHERE run_id=?", (utc_now(), run_id))

    def entries(self) -> list[dict[str, Any]]:
        """Every cable row, oldest first (what ``cables status`` prints)."""
        return [dict(r) for r in self._db.execute("SELECT * FROM cables ORDER BY recorded_at, source_path")]

    def runs(self) -> list[dict[str, Any]]:
        """Every run row, oldest first."""
        return [dict(r) for r in self._db.execute("SELECT * FROM runs ORDER BY started_at")]

    def _tx(self):
        return _Transaction(self._db)


class _Transaction:
    """``BEGIN IMMEDIATE`` ... ``COMMIT`` (``ROLLBACK`` on error)."""

    def __init__(self, db: sqlite3.Connection):
        self.db = db

    def __enter__(self) -> None:
        self.db.execute("BEGIN IMMEDIATE")

    def __exit__(self, exc_type, exc, tb) -> None:
        self.db.execute("ROLLBACK" if exc_type else "COMMIT")
