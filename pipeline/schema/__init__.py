"""The JSON Schema of the annotated records, and a validator for it."""

from __future__ import annotations

import json
from functools import lru_cache
from importlib import resources
from typing import Any

import jsonschema

SCHEMA_FILE = "cable_record.schema.json"


@lru_cache(maxsize=1)
def record_schema() -> dict[str, Any]:
    """Return the record schema (JSON Schema draft 2020-12) as a dict."""
    return json.loads(resources.files(__name__).joinpath(SCHEMA_FILE).read_text("utf-8"))


def validate_record(record: dict[str, Any]) -> None:
    """Raise ``jsonschema.ValidationError`` if ``record`` breaks the schema."""
    jsonschema.Draft202012Validator(record_schema()).validate(record)
