"""On-disk cache of paragraph embeddings, keyed by the sha256 of the text.

Training re-reads the same paragraphs many times; encoding them costs about
1/25 s each on two cores, reading a cached vector about 1/5000 s.  Each vector
is one ``.npy`` file (384 float32) at
``<cache_dir>/<encoder weights sha256[:12]>/<text sha256[:2]>/<text sha256>.npy``,
so a change of encoder weights never serves stale vectors, and writers in
parallel processes cannot corrupt each other (write to a temp file, rename).

The default folder is ``<repo>/.cache/embeddings`` (git-ignored), overridable
by the ``CABLES_EMBED_CACHE`` environment variable or an argument.
"""

from __future__ import annotations

import hashlib
import logging
import os
import tempfile
from pathlib import Path

import numpy as np

from .encoder import DIM, Encoder

log = logging.getLogger(__name__)

from pipeline.config import REPO_ROOT  # noqa: E402  (one definition for the whole package)


def default_cache_dir() -> Path:
    """``$CABLES_EMBED_CACHE`` or ``<repo>/.cache/embeddings``."""
    env = os.environ.get("CABLES_EMBED_CACHE")
    return Path(env) if env else REPO_ROOT / ".cache" / "embeddings"


def text_key(text: str) -> str:
    """sha256 hex digest of the UTF-8 text."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def cached_embed(
    encoder: Encoder, texts: list[str], cache_dir: Path | None = None, batch_size: int = 32
) -> np.ndarray:
    """Embed ``texts`` through the cache; shape ``(len(texts), 384)`` float32.

    Texts found in the cache are read; the others are encoded in one
    :meth:`Encoder.embed` call (duplicates once) and written.  A cache file that
    cannot be read (truncated, wrong shape) is re-encoded and rewritten.
    """
    root = Path(cache_dir) if cache_dir is not None else default_cache_dir()
    folder = root / encoder.info()["weights_sha256"][:12]
    out = np.zeros((len(texts), DIM), dtype=np.float32)
    missing: dict[str, list[int]] = {}
    for i, text in enumerate(texts):
        key = text_key(text)
        path = folder / key[:2] / f"{key}.npy"
        vec = None
        if path.is_file():
            try:
                vec = np.load(path)
                if vec.shape != (DIM,):
                    vec = None
            except (OSError, ValueError):
                vec = None
        if vec is None:
            missing.setdefault(key, []).append(i)
        else:
            out[i] = vec
    if missing:
        log.info("embedding %d new texts (%d cached)", len(missing), len(texts) - sum(map(len, missing.values())))
        keys = list(missing)
        vecs = encoder.embed([texts[missing[k][0]] for k in keys], batch_size=batch_size)
        for key, vec in zip(keys, vecs):
            out[missing[key]] = vec
            sub = folder / key[:2]
            sub.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=sub, suffix=".tmp")
            with os.fdopen(fd, "wb") as fh:
                np.save(fh, vec.astype(np.float32))
            os.replace(tmp, sub / f"{key}.npy")
    return out
