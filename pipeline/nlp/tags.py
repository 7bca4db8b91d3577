"""Meanings of TAGS subject codes (``PGOV`` -> "Internal governmental affairs").

The table (``data/tag_meanings.json``) is written from the State
Department's TAGS/Terms handbook (5 FAH-3, "Traffic Analysis by Geography
and Subject") and lists only the codes whose meaning is certain; a code not
in it has no meaning (``None``), never a guess.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

_TABLE = Path(__file__).with_name("data") / "tag_meanings.json"


@lru_cache(maxsize=1)
def _meanings() -> dict[str, str]:
    return json.loads(_TABLE.read_text(encoding="utf-8"))["meanings"]


def tag_meaning(code: str) -> str | None:
    """The meaning of a TAGS subject code (case-insensitive), or ``None``."""
    return _meanings().get(code.strip().upper())
