"""Process-wide environment defaults, set before Prefect or Hugging Face load.

No machine here reaches a model hub, so the hub libraries run offline and a
missing model fails at once with a clear message instead of retrying a
download.  Prefect's anonymous telemetry would only log connection errors.
Users may override any of these by setting the variable themselves.
"""

from __future__ import annotations

import os

_DEFAULTS = {
    "HF_HUB_OFFLINE": "1",
    "TRANSFORMERS_OFFLINE": "1",
    "HF_DATASETS_OFFLINE": "1",
    "TOKENIZERS_PARALLELISM": "false",
    # transformers' "Loading weights" bar would print on every model load.
    "HF_HUB_DISABLE_PROGRESS_BARS": "1",
    "TRANSFORMERS_VERBOSITY": "error",
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    "PREFECT_LOGGING_LEVEL": "WARNING",
    # The ephemeral API's first start migrates a fresh SQLite database; on a
    # busy 2-core machine that took longer than Prefect's 20 s default.
    "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "180",
    "DO_NOT_TRACK": "1",
}


def apply_defaults() -> None:
    """Set each default that the user has not set."""
    for key, value in _DEFAULTS.items():
        os.environ.setdefault(key, value)


apply_defaults()

from pipeline.memory import limit_arenas  # noqa: E402  (after the env defaults, before any thread allocates)

limit_arenas()
