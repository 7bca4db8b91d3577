"""Which encoder runtime produced a head's training vectors, and checks on it.

The commitment and doubt heads read the encoder's paragraph vector.  The
int8 onnxruntime encoder's vectors differ from torch's (cosine about 0.994),
and the heads are sensitive enough to that difference that 1.3-2.8% of their
labels flip when a head trained on torch vectors reads int8 vectors (README,
Performance).  So a head records the runtime of the encoder whose vectors it
was trained on (``meta.json`` -> ``encoder.runtime``; heads trained before
the field existed were trained on torch vectors), and running it on another
runtime warns (or, with ``strict``, raises :class:`RuntimeMismatch`).

Runtime names: ``"torch"`` (:class:`.encoder.Encoder`) and
``"onnxruntime-<recipe>"`` (:class:`.onnx_encoder.OnnxEncoder`, e.g.
``"onnxruntime-int8"``).
"""

from __future__ import annotations

import logging
from pathlib import Path

from .heads import HeadFileError

log = logging.getLogger(__name__)

TORCH = "torch"


class RuntimeMismatch(HeadFileError):
    """A head reads vectors of another encoder runtime than it was trained on."""


def encoder_runtime(encoder) -> str:
    """``encoder.runtime`` (``"torch"`` for the torch encoder, which has none)."""
    return str(getattr(encoder, "runtime", TORCH) or TORCH)


def head_runtime(head) -> str:
    """The runtime of the vectors ``head`` was trained on (``"torch"`` when its
    meta names none: every head before commitment/doubt v4)."""
    enc = getattr(head, "encoder", None) or {}
    return str(enc.get("runtime", TORCH) or TORCH)


def reads_embedding(head) -> bool:
    """Whether ``head`` reads the encoder's vector (a hybrid head may not; a
    :class:`.tuned_head.TunedHead` never does: it runs its own network)."""
    own = getattr(head, "reads_embedding", None)
    if own is not None:
        return bool(own)
    spec = getattr(head, "spec", None)
    return True if spec is None else bool(getattr(spec, "embedding", True))


def check_runtime(task: str, head, encoder, strict: bool = False) -> bool:
    """True when ``head`` may read ``encoder``'s vectors as trained.

    A head that reads no embedding always passes, and so does an encoder
    whose ``recheck_runtime`` attribute names the head's runtime (the flow
    sets it when :class:`.onnx_classifier.RecheckClassifier` re-encodes
    near-threshold paragraphs with torch).  On a mismatch: log a warning and
    return False, or raise :class:`RuntimeMismatch` when ``strict``.
    """
    if not reads_embedding(head):
        return True
    want, got = head_runtime(head), encoder_runtime(encoder)
    if want == got:
        return True
    if getattr(encoder, "recheck_runtime", None) == want:
        # the flow re-encodes near-threshold paragraphs with the head's own
        # runtime (:mod:`.onnx_classifier`), which restores its labels
        log.info("%s head trained on %s runs on %s with a %s re-check", task, want, got, want)
        return True
    msg = (f"{task} head {head.extra.get('version', '?') if hasattr(head, 'extra') else '?'} was trained on "
           f"{want} encoder vectors but runs on {got}: expect some labels to differ from its model card "
           f"(set [classify] runtime to match, or use heads trained on {got})")
    if strict:
        raise RuntimeMismatch(msg)
    log.warning(msg)
    return False


def embed_cache_dir(encoder) -> Path | None:
    """Root of the on-disk embedding cache (:mod:`.embedcache`) for ``encoder``.

    None (the default cache) for torch; ``<default>/<runtime>`` for another
    runtime, because the cache keys vectors by the weights' hash, which an
    int8 build of the same weights shares: without its own folder, int8
    training would silently read torch's vectors.
    """
    from .embedcache import default_cache_dir

    rt = encoder_runtime(encoder)
    return None if rt == TORCH else default_cache_dir() / rt


_ENCODERS: dict[str, object] = {}


def encoder_for_runtime(runtime: str):
    """A process-wide encoder of ``runtime``: the torch encoder
    (:func:`.encoder.get_encoder`) or an :class:`.onnx_encoder.OnnxEncoder`
    of the recipe named after ``onnxruntime-``.  When the onnx model cannot be
    built or loaded, logs a warning and returns the torch encoder (the heads'
    runtime check then warns as well).  Raises ``ValueError`` for a runtime
    name that is neither.
    """
    from .encoder import get_encoder

    if runtime == TORCH:
        return get_encoder()
    if not runtime.startswith("onnxruntime-"):
        raise ValueError(f"unknown encoder runtime {runtime!r}")
    if runtime not in _ENCODERS:
        from .onnx_encoder import OnnxEncoder, get_recipe

        recipe = get_recipe(runtime[len("onnxruntime-"):]).name
        try:
            _ENCODERS[runtime] = OnnxEncoder(recipe=recipe)
        except Exception as err:  # noqa: BLE001 - any build/load failure: torch still runs
            log.warning("onnx encoder %s unavailable (%s); using the torch encoder", runtime, err)
            return get_encoder()
    return _ENCODERS[runtime]


def encoder_for_heads(heads: dict) -> object:
    """The encoder whose vectors the embedding-reading ``heads`` were trained
    on (:func:`encoder_for_runtime`); torch when they read none or disagree
    (the classifier's runtime check then names the mismatch)."""
    runtimes = {head_runtime(h) for h in heads.values() if reads_embedding(h)}
    return encoder_for_runtime(runtimes.pop() if len(runtimes) == 1 else TORCH)
