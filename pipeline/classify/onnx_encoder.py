"""The same MiniLM encoder run in onnxruntime, int8 weights by default.

:class:`OnnxEncoder` is a drop-in :class:`.encoder.Encoder` for inference:
same tokenizer, same 254-word-piece chunks, same mean pooling and L2 norm,
same per-paragraph averaging of chunk vectors; only the transformer runs in
onnxruntime instead of torch.  Torch stays the fallback
(``[classify] runtime = "torch"`` in ``configs/pipeline.toml``).

The onnx model is not committed: it is built on first use (about 10-40 s on
two cores) from the packaged torch weights and kept in a cache folder,
``$CABLES_ONNX_CACHE`` or ``<repo>/.cache/onnx`` (git-ignored), as
``<weights sha256[:12]>/minilm-<recipe>.onnx``.  Building is deterministic
and needs only the installed packages, and the file (~23 MB for int8) would
be re-derived data in git; ``minilm-<recipe>.json`` beside it records the
weights hash, the recipe and tool versions, and a model built from other
weights or by another recipe is rebuilt.

Recipes (:data:`RECIPES`, :func:`build_onnx`): ``torch.onnx.export``
(TorchScript exporter, opset 17) of a wrapper module ``(input_ids,
attention_mask) -> (n, 384)`` unit vectors, pooling and normalisation inside
the graph, dynamic axes for batch and length; then, for the int8 recipes,
``onnxruntime.quantization.quantize_dynamic`` with signed int8 weights, one
scale per output channel (per-tensor scales gave a mean cosine of 0.95 to
torch's vectors, per-channel 0.994), activations quantised at run time.
The fp32 export matches torch but was slower than torch here; int8 ran
about 1.9 times torch's paragraphs/s (README, Performance).

Dynamic quantisation takes one activation scale per tensor, so a batched
chunk's int8 vector depends on its batch; quantised recipes therefore run one
chunk per call (:meth:`OnnxEncoder.embed_chunks`).  The int8 vectors still
differ from torch's enough to flip 1-3% of the labels of heads trained on
torch vectors.  The flow therefore re-encodes near-threshold paragraphs
with torch (:mod:`.onnx_classifier`).  Heads trained on the int8 vectors
themselves (:mod:`.train_runtime`, commitment/doubt v4; ``meta.json`` names
the runtime, :mod:`.runtime`) need no re-check but scored 0.009-0.016 F1
below the torch heads on the dev cables (equal in grouped CV), so they are
not the default.  Other recipes (embedding tables, FFN output or last layer
in fp32; fp32) were measured and are listed in :data:`RECIPES`.
"""

from __future__ import annotations

import json
import logging
import os
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from pipeline.config import REPO_ROOT

from .encoder import DIM, Encoder, EncoderUnavailable, default_model_path, weights_sha256

log = logging.getLogger(__name__)

@dataclass(frozen=True)
class Recipe:
    """How the fp32 export is turned into the model onnxruntime runs.

    ``name`` names the cache file and the encoder's ``runtime``
    (``onnxruntime-<name>``).  ``quantize``: dynamic int8 quantisation
    (``onnxruntime.quantization.quantize_dynamic``, signed int8 weights, one
    scale per output channel when ``per_channel``, activations quantised at
    run time); false keeps the fp32 graph.  ``op_types``: node types the
    quantiser may touch (``MatMul`` only keeps the embedding tables' ``Gather``
    in fp32).  ``exclude``: substrings of node names left in fp32.
    ``version``: bump when the recipe's effect changes, so cached models are
    rebuilt.
    """

    name: str
    quantize: bool = True
    per_channel: bool = True
    op_types: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    version: int = 1

    @property
    def runtime(self) -> str:
        """The runtime name encoders and model cards carry (``onnxruntime-int8``)."""
        return f"onnxruntime-{self.name}"

    def key(self) -> str:
        """What ``meta.json`` records; a cached model with another key is rebuilt."""
        return (f"export-opset{OPSET}-pool-norm+{self.name}-v{self.version}:q={self.quantize},pc={self.per_channel},"
                f"ops={','.join(self.op_types)},ex={','.join(self.exclude)}")


OPSET = 17
#: The recipes measured (README, Performance; ``python -m pipeline.classify.onnx_recipes``).
#: ``int8``: every MatMul with a weight and the embedding tables int8 (the
#: first recipe).  ``int8-matmul``: the embedding tables stay fp32.
#: ``int8-ffn-fp32``: also the FFN output projections (the input after GELU
#: has the widest range) in fp32.  ``int8-last-fp32``: the last layer in fp32.
#: ``fp32``: no quantisation (onnxruntime's graph optimisations only).
RECIPES: dict[str, Recipe] = {r.name: r for r in (
    Recipe("int8", version=2),
    Recipe("int8-matmul", op_types=("MatMul",)),
    Recipe("int8-ffn-fp32", op_types=("MatMul",), exclude=("/output/dense/",)),
    Recipe("int8-last-fp32", op_types=("MatMul",), exclude=("/layer.5/",)),
    Recipe("fp32", quantize=False),
)}
#: The recipe :class:`OnnxEncoder` builds unless told otherwise.
DEFAULT_RECIPE = "int8"


def get_recipe(name: str | None) -> Recipe:
    """The recipe called ``name`` (default :data:`DEFAULT_RECIPE`); ``ValueError`` if unknown."""
    name = name or DEFAULT_RECIPE
    if name not in RECIPES:
        raise ValueError(f"unknown onnx recipe {name!r}; expected one of {', '.join(RECIPES)}")
    return RECIPES[name]


def default_cache_dir() -> Path:
    """``$CABLES_ONNX_CACHE`` or ``<repo>/.cache/onnx``."""
    env = os.environ.get("CABLES_ONNX_CACHE")
    return Path(env) if env else REPO_ROOT / ".cache" / "onnx"


def _meta_for(model_path: Path, recipe: Recipe) -> dict[str, str]:
    import onnx
    import onnxruntime
    import torch

    return {
        "recipe": recipe.key(),
        "weights_sha256": weights_sha256(model_path),
        "torch": torch.__version__,
        "onnx": onnx.__version__,
        "onnxruntime": onnxruntime.__version__,
    }


def _excluded_nodes(fp32: Path, recipe: Recipe) -> list[str]:
    import onnx

    if not recipe.exclude:
        return []
    graph = onnx.load(str(fp32), load_external_data=False).graph
    return [n.name for n in graph.node if any(part in n.name for part in recipe.exclude)]


def build_onnx(model_path: Path | None = None, cache_dir: Path | None = None, force: bool = False,
               recipe: str | None = None) -> Path:
    """Export (and quantise, per ``recipe``) the encoder; return the model's path.

    ``<cache>/<weights sha256[:12]>/minilm-<recipe>.onnx`` with
    ``minilm-<recipe>.json`` beside it.  Reuses a cached model whose JSON
    names the same weights hash and :meth:`Recipe.key` unless ``force``.
    Writes into a temporary folder and renames, so a concurrent or
    interrupted build never leaves a half file.  Raises
    :class:`.encoder.EncoderUnavailable` when the torch weights cannot be
    loaded, ``ValueError`` for an unknown recipe.
    """
    rec = get_recipe(recipe)
    model_path = Path(model_path) if model_path is not None else default_model_path()
    sha = weights_sha256(model_path)
    folder = (cache_dir or default_cache_dir()) / sha[:12]
    target = folder / f"minilm-{rec.name}.onnx"
    meta_file = folder / f"minilm-{rec.name}.json"
    if not force and target.is_file():
        try:
            meta = json.loads(meta_file.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            meta = {}
        if meta.get("weights_sha256") == sha and meta.get("recipe") == rec.key():
            return target
    return write_onnx_build(target, meta_file, lambda out: _export(model_path, out), rec,
                            _meta_for(model_path, rec))


def write_onnx_build(target: Path, meta_file: Path, export, recipe: Recipe, meta: dict) -> Path:
    """Build ``target`` and its ``meta_file`` atomically: ``export(fp32_path)``
    writes the fp32 graph, which is quantised per ``recipe`` (dynamic int8,
    QInt8 weights, per-channel when the recipe says so, nodes of
    ``recipe.exclude`` left in fp32) or kept as is.  Everything is written into
    a temporary folder beside ``target`` and renamed, so a concurrent or
    interrupted build never leaves a half file.  Returns ``target``; export
    and quantiser errors pass through."""
    target.parent.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    with tempfile.TemporaryDirectory(dir=target.parent, prefix=".build-") as tmp:
        fp32 = Path(tmp) / "fp32.onnx"
        export(fp32)
        built = Path(tmp) / target.name
        if recipe.quantize:
            from onnxruntime.quantization import QuantType, quantize_dynamic

            root = logging.getLogger()
            level = root.level
            root.setLevel(max(level, logging.WARNING))  # the quantiser logs one INFO line per tensor on the root logger
            try:
                quantize_dynamic(str(fp32), str(built), weight_type=QuantType.QInt8, per_channel=recipe.per_channel,
                                 op_types_to_quantize=list(recipe.op_types) or None,
                                 nodes_to_exclude=_excluded_nodes(fp32, recipe) or None)
            finally:
                root.setLevel(level)
        else:
            os.replace(fp32, built)
        (Path(tmp) / "meta.json").write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")
        os.replace(built, target)
        os.replace(Path(tmp) / "meta.json", meta_file)
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
    """all-MiniLM-L6-v2 in onnxruntime, built by one :class:`Recipe`; see the module doc.

    ``OnnxEncoder(path=None, num_threads=2, cache_dir=None, recipe=None)``:
    ``path`` is the packaged torch model (tokenizer, and the weights the
    onnx model is built from on first use).  ``num_threads``: onnxruntime
    intra-op threads.  ``recipe``: a name of :data:`RECIPES` (default
    :data:`DEFAULT_RECIPE`).  Raises :class:`.encoder.EncoderUnavailable`
    when the tokenizer or weights cannot be loaded, ``ValueError`` for an
    unknown recipe.  Output shapes and order are those of
    :class:`.encoder.Encoder`; int8 values differ by rounding (cosine to the
    torch vectors about 0.99).  ``runtime`` is ``onnxruntime-<recipe>``.
    """

    def __init__(self, path: Path | str | None = None, num_threads: int | None = 2, cache_dir: Path | None = None,
                 recipe: str | None = None):
        import onnxruntime as ort
        from transformers import AutoTokenizer

        self.recipe = get_recipe(recipe)
        self.runtime = self.recipe.runtime
        self.path = Path(path) if path is not None else default_model_path()
        try:
            self.tokenizer = AutoTokenizer.from_pretrained(str(self.path), local_files_only=True)
        except (OSError, ValueError) as err:
            raise EncoderUnavailable(f"cannot load the tokenizer from {self.path}: {err}") from err
        self.onnx_path = build_onnx(self.path, cache_dir, recipe=self.recipe.name)
        opts = ort.SessionOptions()
        if num_threads:
            opts.intra_op_num_threads = int(num_threads)
        opts.inter_op_num_threads = 1
        # Batches change shape all the time (dynamic padding); the default
        # arena keeps the largest buffers of every shape it has seen.
        opts.enable_cpu_mem_arena = False
        opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        self.session = ort.InferenceSession(str(self.onnx_path), opts, providers=["CPUExecutionProvider"])
        log.info("loaded encoder %s (%s) with %s threads", self.onnx_path, self.runtime, num_threads)

    def info(self) -> dict[str, str | int]:
        """As :meth:`.encoder.Encoder.info`, plus ``runtime`` and ``onnx_file``."""
        return {**super().info(), "runtime": self.runtime, "onnx_file": self.onnx_path.name}

    def embed_chunks(self, chunks: list[list[int]], batch_size: int = 32) -> np.ndarray:
        """As :meth:`.encoder.Encoder.embed_chunks` (longest first, dynamic
        padding, input order restored), run by onnxruntime.

        A quantised recipe runs one chunk per call whatever ``batch_size``:
        ``DynamicQuantizeLinear`` takes one scale per tensor, so in a batch a
        chunk's vector depends on the other chunks and the padding (measured
        on the 253 dev paragraphs: cosine 0.9943 between batch 1 and batch 32
        vectors of the same paragraphs, 3 and 8 commitment/doubt labels
        flipped).  One chunk per call makes a paragraph's vector a function of
        the paragraph alone.
        """
        if batch_size < 1:
            raise ValueError(f"batch_size must be >= 1, got {batch_size}")
        if self.recipe.quantize:
            batch_size = 1
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
