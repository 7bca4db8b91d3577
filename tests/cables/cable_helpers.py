"""Shared helpers: cables come from the repository's own corpora/ folder."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "corpora" / "drops" / "sample"
FIXTURES = ROOT / "corpora" / "fixtures" / "cables"


def cable_path(cable_id: str) -> Path:
    for d in (SAMPLE, FIXTURES):
        p = d / f"{cable_id}.txt"
        if p.exists():
            return p
    pytest.skip(f"corpus cable {cable_id} not in corpora/")


@lru_cache(maxsize=None)
def parsed(cable_id: str):
    from pipeline.cables.parse import parse_file

    return parse_file(cable_path(cable_id))


def field(cable, name: str):
    """Resolve a dotted path such as ``header.classification.level`` or
    ``paragraphs[2].heading`` or ``len(paragraphs)``."""
    if name.startswith("len(") and name.endswith(")"):
        return len(field(cable, name[4:-1]))
    if name.startswith("[p.") and name.endswith(" for p in paragraphs]"):
        return [getattr(p, name[3:name.index(" ")]) for p in cable.paragraphs]
    if name.startswith("[(") and " for p in paragraphs]" in name:
        # a tuple per paragraph, maybe indexed: "[(p.number, p.text) for p in paragraphs][1]"
        return eval(name, {"__builtins__": {}}, {"paragraphs": cable.paragraphs})
    obj = cable
    for part in name.split("."):
        if "[" in part:
            attr, idx = part[:-1].split("[")
            obj = getattr(obj, attr)[int(idx)]
        else:
            obj = getattr(obj, part)
    return obj
