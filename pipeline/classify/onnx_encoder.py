"""The same MiniLM encoder run in onnxruntime with dynamic int8 weights.

:class:`OnnxEncoder` is a drop-in :class:`.encoder.Encoder` for inference:
same tokenizer, same 254-word-piece chunks, same mean pooling and L2 norm,
same per-paragraph averaging of chunk vectors; only the transformer runs in
onnxruntime instead of torch.  Torch stays the training path and the
fallback (``[classify] runtime = "torch"`` in ``configs/pipeline.toml``).

The int8 model is not committed: it is built on first use (about 20-40 s on
two cores) from the packaged torch weights and kept in a cache folder,
``$CABLES_ONNX_CACHE`` or ``<repo>/.cache/onnx`` (git-ignored), under
``<weights sha256[:12]>/``.  Building is deterministic and needs only the
installed packages, and the file (~23 MB) would be re-derived data in git;
``meta.json`` beside it records the weights hash and tool versions, and a
model built from other weights or by another recipe is rebuilt.

Recipe (:func:`build_onnx`): ``torch.onnx.export`` (TorchScript exporter,
opset 17) of a wrapper module ``(input_ids, attention_mask) -> (n, 384)``
unit vectors, pooling and normalisation inside the graph, dynamic axes for
batch and length; then ``onnxruntime.quantization.quantize_dynamic`` with
signed int8 weights, one scale per output channel (per-tensor scales gave a
mean cosine of 0.95 to torch's vectors, per-channel 0.994), activations
quantised at run time.  The fp32 export matches torch (cosine 1.00000) but
was no faster than torch here; the int8 model takes about 0.6 of torch's CPU
time per chunk.  The classifier heads are sensitive enough to the remaining
difference that the flow re-encodes near-threshold paragraphs exactly
(:mod:`.onnx_classifier`).
"""

from __future__ import annotations

import json
import logging
import os
import tempfile
import time
from pathlib import Path

import numpy as np

from pipeline.config import REPO_ROOT

from .encoder import DIM, Encoder, EncoderUnavailable, default_model_path, weights_sha256

log = logging.getLogger(__name__)

#: File name of the quantised model inside its cache folder.
MODEL_FILE = "minilm-int8.onnx"
#: Bump when the export or quantisation recipe changes: cached models of
#: another recipe are rebuilt.
RECIPE = "export-opset17-pool-norm+dynamic-qint8-per-channel-v2"
OPSET = 17


def default_cache_dir() -> Path:
    """``$CABLES_ONNX_CACHE`` or ``<repo>/.cache/onnx``."""
    env = os.environ.get("CABLES_ONNX_CACHE")
    return Path(env) if env else REPO_ROOT / ".cache" / "onnx"


def _meta_for(model_path: Path) -> dict[str, str]:
    import onnx
    import onnxruntime
    import torch

    return {
        "recipe": RECIPE,
        "weights_sha256": weights_sha256(model_path),
        "torch": torch.__version__,
        "onnx": onnx.__version__,
        "onnxruntime": onnxruntime.__version__,
    }


def build_onnx(model_path: Path | None = None, cache_dir: Path | None = None, force: bool = False) -> Path:
    """Export and quantise the encoder; return the path of the int8 model.

    Reuses a cached model whose ``meta.json`` names the same weights hash and
    :data:`RECIPE` unless ``force``.  Writes into a temporary folder and
    renames, so a concurrent or interrupted build never leaves a half file.
    Raises :class:`.encoder.EncoderUnavailable` when the torch weights cannot
    be loaded.
    """
    model_path = Path(model_path) if model_path is not None else default_model_path()
    sha = weights_sha256(model_path)
    folder = (cache_dir or default_cache_dir()) / sha[:12]
    target = folder / MODEL_FILE
    if not force and target.is_file():
        try:
            meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            meta = {}
        if meta.get("weights_sha256") == sha and meta.get("recipe") == RECIPE:
            return target
    folder.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    with tempfile.TemporaryDirectory(dir=folder, prefix=".build-") as tmp:
        fp32 = Path(tmp) / "fp32.onnx"
        _export(model_path, fp32)
        from onnxruntime.quantization import QuantType, quantize_dynamic

        int8 = Path(tmp) / MODEL_FILE
        root = logging.getLogger()
        level = root.level
        root.setLevel(max(level, logging.WARNING))  # the quantiser logs one INFO line per tensor on the root logger
        try:
            quantize_dynamic(str(fp32), str(int8), weight_type=QuantType.QInt8, per_channel=True)
        finally:
            root.setLevel(level)
        (Path(tmp) / "meta.json").write_text(json.dumps(_meta_for(model_path), indent=2) + "\n", encoding="utf-8")
        os.replace(int8, target)
        os.replace(Path(tmp) / "meta.json", folder / "meta.json")
    log.info("built %s (%.1f MB) in %.1f s", target, target.stat().st_size / 1e6, time.perf_counter() - t0)
    return target


def _export(model_path: Path, out: Path) -> None:
    """``torch.onnx.export`` of MiniLM + masked mean pooling + L2 norm."""
    import torch
    from transformers import AutoModel

    try:
        model = AutoModel.from_pretrained(str(model_path), local_files_only=True).eval()
    except (OSError, ValueError) as err:
        raise EncoderUnavailable(f"cannot load the encoder from {model_path}: {err}") from err

    class Pooled(torch.nn.Module):
        # Pooling inside the graph: one output of (n, 384) instead of the
        # (n, width, 384) hidden states crossing into numpy.
        def __init__(self, inner):
            super().__init__()
            self.inner = inner

        def forward(self, input_ids, attention_mask):
            hidden = self.inner(
                input_ids=input_ids, attention_mask=attention_mask, token_type_ids=torch.zeros_like(input_ids)
            ).last_hidden_state
            m = attention_mask.unsqueeze(-1).to(hidden.dtype)
            pooled = (hidden * m).sum(1) / m.sum(1).clamp(min=1e-9)
            return torch.nn.functional.normalize(pooled, p=2, dim=1)

    ids = torch.tensor([[101, 7592, 2088, 102], [101, 7592, 102, 0]], dtype=torch.long)
    mask = (ids != 0).long()
    with torch.inference_mode():
        torch.onnx.export(
            Pooled(model),
            (ids, mask),
            str(out),
            input_names=["input_ids", "attention_mask"],
            output_names=["embedding"],
            dynamic_axes={"input_ids": {0: "batch", 1: "width"}, "attention_mask": {0: "batch", 1: "width"},
                          "embedding": {0: "batch"}},
            opset_version=OPSET,
            dynamo=False,
        )


class OnnxEncoder(Encoder):
    """all-MiniLM-L6-v2 with int8 weights in onnxruntime; see the module doc.

    ``OnnxEncoder(path=None, num_threads=2, cache_dir=None)``: ``path`` is the
    packaged torch model (tokenizer, and the weights the int8 model is built
    from on first use).  ``num_threads``: onnxruntime intra-op threads.
    Raises :class:`.encoder.EncoderUnavailable` when the tokenizer or weights
    cannot be loaded.  Output shapes and order are those of
    :class:`.encoder.Encoder`; values differ by int8 rounding (cosine to the
    torch vectors about 0.99).
    """

    runtime = "onnxruntime-int8"

    def __init__(self, path: Path | str | None = None, num_threads: int | None = 2, cache_dir: Path | None = None):
        import onnxruntime as ort
        from transformers import AutoTokenizer

        self.path = Path(path) if path is not None else default_model_path()
        try:
            self.tokenizer = AutoTokenizer.from_pretrained(str(self.path), local_files_only=True)
        except (OSError, ValueError) as err:
            raise EncoderUnavailable(f"cannot load the tokenizer from {self.path}: {err}") from err
        self.onnx_path = build_onnx(self.path, cache_dir)
        opts = ort.SessionOptions()
        if num_threads:
            opts.intra_op_num_threads = int(num_threads)
        opts.inter_op_num_threads = 1
        # Batches change shape all the time (dynamic padding); the default
        # arena keeps the largest buffers of every shape it has seen.
        opts.enable_cpu_mem_arena = False
        opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        self.session = ort.InferenceSession(str(self.onnx_path), opts, providers=["CPUExecutionProvider"])
        log.info("loaded encoder %s (int8) with %s threads", self.onnx_path, num_threads)

    def info(self) -> dict[str, str | int]:
        """As :meth:`.encoder.Encoder.info`, plus ``runtime`` and ``onnx_file``."""
        return {**super().info(), "runtime": self.runtime, "onnx_file": self.onnx_path.name}

    def embed_chunks(self, chunks: list[list[int]], batch_size: int = 32) -> np.ndarray:
        """As :meth:`.encoder.Encoder.embed_chunks` (longest first, dynamic
        padding, input order restored), run by onnxruntime."""
        if batch_size < 1:
            raise ValueError(f"batch_size must be >= 1, got {batch_size}")
        out = np.zeros((len(chunks), DIM), dtype=np.float32)
        order = sorted(range(len(chunks)), key=lambda i: -len(chunks[i]))
        pad = self.tokenizer.pad_token_id
        for start in range(0, len(order), batch_size):
            batch = order[start : start + batch_size]
            width = len(chunks[batch[0]])  # sorted longest first
            ids = np.full((len(batch), width), pad, dtype=np.int64)
            mask = np.zeros((len(batch), width), dtype=np.int64)
            for row, i in enumerate(batch):
                ids[row, : len(chunks[i])] = chunks[i]
                mask[row, : len(chunks[i])] = 1
            (vecs,) = self.session.run(None, {"input_ids": ids, "attention_mask": mask})
            out[batch] = vecs
        return out
