"""The sentence-fine-tuned commitment/doubt network run in onnxruntime.

:class:`OnnxSentenceTuner` scores like :class:`.sentence_finetune.SentenceTuner`
(same tokenizer, same :data:`.sentence_finetune.SENT_CONTENT`-piece chunks,
same sentence split, max over a paragraph's sentences' chunks, sigmoid) with
the network (MiniLM layers + masked mean pooling + linear 384 -> 2) run by
onnxruntime instead of torch.  Torch stays the fallback (:func:`runner_for`).

The onnx model is not committed: it is built on first use from the network
in memory (:func:`build_tuned_onnx`) and kept in the onnx cache folder of
:func:`.onnx_encoder.default_cache_dir` (``$CABLES_ONNX_CACHE`` or
``<repo>/.cache/onnx``, git-ignored) as
``tuned-<state sha256[:12]>/tuned-<recipe>.onnx`` with ``tuned-<recipe>.json``
beside it (state hash, recipe key, tool versions).  The state hash is that of
the network's tensors as loaded (:func:`state_sha256`), so an onnx file always
matches the weights it is run for; a file whose JSON names another hash or
recipe is rebuilt.  Building writes into a temporary folder and renames, so a
concurrent or interrupted build never leaves a half file.

Recipes (:data:`RECIPES`): ``fp32`` is the ``torch.onnx.export``
(TorchScript exporter, opset :data:`.onnx_encoder.OPSET`) graph, run with
onnxruntime's graph optimisations; ``int8`` is that graph through
``onnxruntime.quantization.quantize_dynamic`` (signed int8 weights, one scale
per output channel, activations quantised at run time), the recipe of the
encoder's ``int8`` (:mod:`.onnx_encoder`).

Batch invariance: dynamic quantisation takes one activation scale per
tensor, so in a batch a chunk's int8 logits would depend on the other chunks
and on the padding; the int8 recipe therefore runs one chunk per call
whatever ``batch_size`` (as :meth:`.onnx_encoder.OnnxEncoder.embed_chunks`).
fp32 rows are independent (padding masked) and are batched.

Speed and agreement with torch: ``python -m pipeline.classify.onnx_tuned
--compare --recipes fp32,int8,int8-matmul --recheck 0.1,0.25``
(:func:`compare`).  Measured on commitment/doubt v5 (2 threads, 2 shared
cores, 2026-11-30): on 300 sample paragraphs, quiet box, torch 37.6/33.9
paragraphs/s (before/after), fp32 35.8 (1.00x), int8 71.1 (1.99x),
int8-matmul 61.0 (1.71x), int8 + re-check 0.25 40.9 (1.15x); a second
quiet run: torch 33.9/36.3, fp32 34.5, int8 58.4 (1.67x); on the 2,600
labelled paragraphs fp32 gives torch's labels (max |dP| 2e-6); int8 keeps
98.5% of commitment and 98.3% of doubt labels (max |dP| 0.36 / 0.25) with
F1 dev 0.7407 / 0.7903 vs torch 0.7396 / 0.7871 (all: 0.8970 / 0.8873 vs
0.8961 / 0.8853); re-check 0.25 re-scores 12% of sentences and differs from
torch on 1 label of 5,200.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import logging
import os
import time
from pathlib import Path
from typing import Any, Sequence

import numpy as np

from .onnx_encoder import OPSET, Recipe, default_cache_dir, write_onnx_build
from .sentence_finetune import TASK_ORDER, SentenceTuner

log = logging.getLogger(__name__)

#: ``fp32``: the exported graph; ``int8``: dynamic int8, per-channel weight
#: scales, every MatMul and the embedding tables (as
#: :data:`.onnx_encoder.RECIPES` ``int8``); ``int8-matmul``: the embedding
#: tables stay fp32.  Bump ``version`` when a recipe's effect changes, so
#: cached files are rebuilt.
RECIPES: dict[str, Recipe] = {r.name: r for r in (
    Recipe("int8", version=1),
    Recipe("int8-matmul", op_types=("MatMul",), version=1),
    Recipe("fp32", quantize=False, version=1),
)}
DEFAULT_RECIPE = "int8"


def get_recipe(name: str | None) -> Recipe:
    """The recipe called ``name`` (default :data:`DEFAULT_RECIPE`); ``ValueError`` if unknown."""
    name = name or DEFAULT_RECIPE
    if name not in RECIPES:
        raise ValueError(f"unknown tuned onnx recipe {name!r}; expected one of {', '.join(RECIPES)}")
    return RECIPES[name]


def recipe_key(recipe: Recipe) -> str:
    """What the JSON beside a model records; a cached model with another key is rebuilt."""
    return f"tuned-logits-{recipe.key()}"


def state_sha256(net: SentenceTuner) -> str:
    """Hex sha256 over the network's tensors (encoder and output layer, names,
    shapes and float32 bytes, in state-dict order) and its layer count.

    The cache key of :func:`build_tuned_onnx`: it names exactly the weights
    that are exported, whether they came from a file or from training.
    """
    h = hashlib.sha256(f"layers={net.layers}".encode())
    for prefix, module in (("encoder.", net.model), ("out.", net.out)):
        for name, tensor in module.state_dict().items():
            arr = tensor.detach().cpu().contiguous().numpy()
            h.update(f"{prefix}{name}:{arr.dtype}:{arr.shape}".encode())
            h.update(arr.tobytes())
    return h.hexdigest()


#: File in the onnx cache folder mapping :meth:`SentenceTuner.source_key` to :func:`state_sha256`.
INDEX_FILE = "tuned-index.json"


def weights_sha256(net: SentenceTuner, cache_dir: Path | None = None) -> str:
    """:func:`state_sha256` of ``net``, without building its torch modules
    when ``net`` was read from a weights file seen before.

    The cache folder's :data:`INDEX_FILE` maps each file's
    :meth:`~.sentence_finetune.SentenceTuner.source_key` (its sha256, the
    base model file and the layer count) to the state hash computed the first
    time; a network not read from a file (or trained since) is hashed.  The
    index is rewritten atomically (a new file renamed over the old one), so
    two worker processes writing at once leave a readable file.
    """
    key = net.source_key() if hasattr(net, "source_key") else None
    index = (cache_dir or default_cache_dir()) / INDEX_FILE
    known: dict[str, str] = {}
    if key:
        try:
            known = json.loads(index.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            known = {}
        if isinstance(known, dict) and isinstance(known.get(key), str):
            return known[key]
    sha = state_sha256(net)
    if key:
        known = {**(known if isinstance(known, dict) else {}), key: sha}
        try:
            index.parent.mkdir(parents=True, exist_ok=True)
            tmp = index.with_name(f"{index.name}.{os.getpid()}.tmp")
            tmp.write_text(json.dumps(known, indent=1), encoding="utf-8")
            os.replace(tmp, index)
        except OSError as err:  # a read-only cache only costs the hashing next time
            log.debug("could not write %s: %s", index, err)
    return sha


def _paths(sha: str, recipe: Recipe, cache_dir: Path | None) -> tuple[Path, Path]:
    folder = (cache_dir or default_cache_dir()) / f"tuned-{sha[:12]}"
    return folder / f"tuned-{recipe.name}.onnx", folder / f"tuned-{recipe.name}.json"


def _meta(sha: str, recipe: Recipe) -> dict[str, str]:
    import onnx
    import onnxruntime
    import torch

    return {"recipe": recipe_key(recipe), "state_sha256": sha, "torch": torch.__version__,
            "onnx": onnx.__version__, "onnxruntime": onnxruntime.__version__}


def _is_current(target: Path, meta_file: Path, sha: str, recipe: Recipe) -> bool:
    if not target.is_file():
        return False
    try:
        meta = json.loads(meta_file.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return meta.get("state_sha256") == sha and meta.get("recipe") == recipe_key(recipe)


def build_tuned_onnx(net: SentenceTuner, recipe: str | None = None, cache_dir: Path | None = None,
                     force: bool = False, sha: str | None = None) -> Path:
    """Export (and, per ``recipe``, quantise) ``net``; return the model's path.

    ``<cache>/tuned-<sha[:12]>/tuned-<recipe>.onnx``, ``sha`` defaulting to
    :func:`state_sha256` of ``net``.  Reuses a cached model whose JSON names
    the same hash and :func:`recipe_key` unless ``force``.  Raises
    ``ValueError`` for an unknown recipe; export or quantiser errors pass
    through (callers fall back to torch, :func:`runner_for`).
    """
    rec = get_recipe(recipe)
    sha = sha or state_sha256(net)
    target, meta_file = _paths(sha, rec, cache_dir)
    if not force and _is_current(target, meta_file, sha, rec):
        return target
    return write_onnx_build(target, meta_file, lambda out: _export(net, out), rec, _meta(sha, rec))


def _export(net: SentenceTuner, out: Path) -> None:
    """``torch.onnx.export`` of ``(input_ids, attention_mask) -> logits (n, 2)``:
    the network's encoder, masked mean pooling and output layer, as
    :meth:`.sentence_finetune.SentenceTuner._logits`."""
    import torch

    class Logits(torch.nn.Module):
        # Pooling and the output layer inside the graph: (n, 2) crosses into
        # numpy instead of the (n, width, 384) hidden states.
        def __init__(self, model, head):
            super().__init__()
            self.model = model
            self.head = head

        def forward(self, input_ids, attention_mask):
            hidden = self.model(input_ids=input_ids, attention_mask=attention_mask,
                                token_type_ids=torch.zeros_like(input_ids)).last_hidden_state
            m = attention_mask.unsqueeze(-1).to(hidden.dtype)
            return self.head((hidden * m).sum(1) / m.sum(1).clamp(min=1e-9))

    net.model.eval()
    ids = torch.tensor([[101, 7592, 2088, 102], [101, 7592, 102, 0]], dtype=torch.long)
    mask = (ids != 0).long()
    with torch.inference_mode():
        torch.onnx.export(
            Logits(net.model, net.out).eval(),
            (ids, mask),
            str(out),
            input_names=["input_ids", "attention_mask"],
            output_names=["logits"],
            dynamic_axes={"input_ids": {0: "batch", 1: "width"}, "attention_mask": {0: "batch", 1: "width"},
                          "logits": {0: "batch"}},
            opset_version=OPSET,
            dynamo=False,
        )


class OnnxSentenceTuner:
    """A :class:`.sentence_finetune.SentenceTuner` run by onnxruntime; see the module doc.

    ``OnnxSentenceTuner(net, recipe="int8", num_threads=2, cache_dir=None)``:
    ``net`` gives the tokenizer, the layer count and the weights the onnx
    model is built from (on first use, then cached).  ``num_threads``:
    onnxruntime intra-op threads.  Raises ``ValueError`` for an unknown
    recipe or a negative margin; export, quantiser and onnxruntime errors
    pass through.  :meth:`sentence_logits` and :meth:`predict_proba` return
    what the torch network's do (shapes, dtypes, order); values differ by
    float rounding (fp32) or int8 rounding (int8).

    ``recheck_margin`` (default 0: off): a sentence whose onnx P for either
    task lies within this of ``threshold`` is scored again by the torch
    ``net``.  A paragraph's label is the max over its sentences, so when the
    onnx error is below the margin every paragraph label equals torch's: a
    sentence not re-checked is on the same side of the threshold in both
    runtimes.
    """

    def __init__(self, net: SentenceTuner, recipe: str | None = DEFAULT_RECIPE, num_threads: int | None = 2,
                 cache_dir: Path | None = None, recheck_margin: float = 0.0, threshold: float = 0.5):
        import onnxruntime as ort

        if recheck_margin < 0:
            raise ValueError(f"recheck_margin must be >= 0, got {recheck_margin}")
        self.net = net
        self.recheck_margin = float(recheck_margin)
        self.threshold = float(threshold)
        #: Sentences scored, and of those re-scored by torch (:meth:`sentence_logits`).
        self.seen = 0
        self.rechecked = 0
        self.tokenizer = net.tokenizer
        self.layers = net.layers
        self.recipe = get_recipe(recipe)
        self.runtime = self.recipe.runtime
        self.state_sha256 = weights_sha256(net, cache_dir)
        self.onnx_path = build_tuned_onnx(net, self.recipe.name, cache_dir, sha=self.state_sha256)
        opts = ort.SessionOptions()
        if num_threads:
            opts.intra_op_num_threads = int(num_threads)
        opts.inter_op_num_threads = 1
        # Inputs change shape on every call (dynamic padding, one sentence per
        # call for int8); the default arena keeps the largest buffers of every
        # shape it has seen.
        opts.enable_cpu_mem_arena = False
        opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        self.session = ort.InferenceSession(str(self.onnx_path), opts, providers=["CPUExecutionProvider"])
        log.info("loaded tuned network %s (%s) with %s threads", self.onnx_path, self.runtime, num_threads)

    def chunk_ids(self, text: str) -> list[list[int]]:
        """As :meth:`.sentence_finetune.SentenceTuner.chunk_ids`."""
        return self.net.chunk_ids(text)

    def sentence_logits(self, sentences: Sequence[str], batch_size: int = 64) -> np.ndarray:
        """``(len(sentences), 2)`` float64 logits, max over each sentence's chunks.

        Chunks run longest first with dynamic padding, ``batch_size`` per
        call for fp32 and one per call for int8 (module doc).  Raises
        ``ValueError`` when ``batch_size < 1``.
        """
        if batch_size < 1:
            raise ValueError(f"batch_size must be >= 1, got {batch_size}")
        if self.recipe.quantize:
            batch_size = 1
        flat: list[list[int]] = []
        owner: list[int] = []
        for i, s in enumerate(sentences):
            for c in self.net.chunk_ids(s):
                flat.append(c)
                owner.append(i)
        out = np.full((len(sentences), len(TASK_ORDER)), -np.inf)
        order = sorted(range(len(flat)), key=lambda i: -len(flat[i]))
        pad = self.tokenizer.pad_token_id
        for start in range(0, len(order), batch_size):
            batch = order[start : start + batch_size]
            width = len(flat[batch[0]])  # sorted longest first
            ids = np.full((len(batch), width), pad, dtype=np.int64)
            mask = np.zeros((len(batch), width), dtype=np.int64)
            for row, i in enumerate(batch):
                ids[row, : len(flat[i])] = flat[i]
                mask[row, : len(flat[i])] = 1
            (lg,) = self.session.run(None, {"input_ids": ids, "attention_mask": mask})
            lg = lg.astype(np.float64)
            for row, i in enumerate(batch):
                out[owner[i]] = np.maximum(out[owner[i]], lg[row])
        self.seen += len(sentences)
        if self.recheck_margin > 0 and len(sentences):
            P = 1.0 / (1.0 + np.exp(-out))
            near = np.flatnonzero((np.abs(P - self.threshold) < self.recheck_margin).any(axis=1))
            if near.size:
                out[near] = self.net.sentence_logits([sentences[i] for i in near], batch_size)
                self.rechecked += int(near.size)
        return out

    def predict_proba(self, texts: Sequence[str], batch_size: int = 64) -> np.ndarray:
        """P(True) per task ``(len(texts), 2)`` float32, as
        :meth:`.sentence_finetune.SentenceTuner.predict_proba` (sigmoid of the
        max over the paragraph's sentences).  ``TypeError`` for a bare string."""
        # The torch class's aggregation, run with this object's sentence_logits,
        # so the two runtimes cannot drift apart in how paragraphs are scored.
        return SentenceTuner.predict_proba(self, texts, batch_size)  # type: ignore[arg-type]

    def info(self) -> dict[str, Any]:
        """``runtime`` (``onnxruntime-<recipe>``), ``onnx_file``, ``state_sha256``, ``layers``."""
        return {"runtime": self.runtime, "onnx_file": self.onnx_path.name, "state_sha256": self.state_sha256,
                "layers": self.layers}


def runner_for(net: SentenceTuner, runtime: str = "torch", recipe: str | None = DEFAULT_RECIPE,
               num_threads: int | None = 2, cache_dir: Path | None = None, recheck_margin: float = 0.0):
    """What scores texts for ``net``: ``net`` itself when ``runtime`` is
    ``"torch"``, an :class:`OnnxSentenceTuner` (with ``recheck_margin``)
    when ``"onnx"``.

    Falls back to ``net`` (logging a warning) when onnxruntime is missing or
    the build or session fails, so the flow keeps running on torch.  Raises
    ``ValueError`` for another ``runtime`` or an unknown recipe (a
    configuration error, not a runtime failure).
    """
    if runtime == "torch":
        return net
    if runtime != "onnx":
        raise ValueError(f"unknown runtime {runtime!r}; expected 'torch' or 'onnx'")
    get_recipe(recipe)
    try:
        return OnnxSentenceTuner(net, recipe, num_threads, cache_dir, recheck_margin=recheck_margin)
    except Exception as err:  # noqa: BLE001 - export/quantiser/onnxruntime raise many kinds; torch still works
        log.warning("onnx tuned network unavailable (%s: %s); scoring with torch", type(err).__name__, err)
        return net


# -- measurement ---------------------------------------------------------------
def _f1(gold: np.ndarray, pred: np.ndarray) -> float:
    from sklearn.metrics import f1_score

    return float(f1_score(gold, pred, zero_division=0))


def paragraphs_per_s(runner, texts: list[str], batch_size: int = 64) -> float:
    """Paragraphs/s of one ``runner.predict_proba`` call over ``texts`` (wall clock)."""
    t0 = time.perf_counter()
    runner.predict_proba(texts, batch_size=batch_size)
    return len(texts) / (time.perf_counter() - t0)


def tuned_network(version: str | None = None, models_dir: Path | None = None) -> tuple[str, SentenceTuner]:
    """``(version, network)`` of the commitment head ``version`` (default: the
    DEFAULT version).  Raises ``ValueError`` when that head is not a
    sentence-tuned head, :class:`.registry.ModelNotFound` when it is missing."""
    from .registry import default_version, load_version
    from .tuned_head import TunedHead

    version = version or default_version("commitment", models_dir)
    head = load_version("commitment", version, models_dir)
    if not isinstance(head, TunedHead):
        raise ValueError(f"commitment {version} is a {type(head).__name__}, not a sentence-tuned head")
    return version, head.net


def compare(recipes: Sequence[str] = ("fp32", "int8"), speed_n: int = 300, threads: int = 2, batch_size: int = 64,
            models_dir: Path | None = None, quality: bool = True, version: str | None = None,
            recheck: Sequence[float] = ()) -> dict[str, Any]:
    """Torch vs each recipe on the network of commitment ``version`` (default
    DEFAULT; :func:`tuned_network`; the doubt head of a run shares it).

    Speed: paragraphs/s of ``predict_proba`` on the same ``speed_n`` paragraphs
    of ``corpora/drops/sample`` (:func:`.onnx_recipes.sample_paragraphs`),
    ``threads`` threads, torch timed before and after the recipes (the box
    is shared: read the ratios).  ``recheck``: margins of extra
    ``int8+rc<margin>`` runners (int8 with the torch re-check of
    :class:`OnnxSentenceTuner`; ``rechecked_share_*`` = re-scored sentences /
    sentences in the timed and in the labelled runs).  Quality (``quality``): on every labelled
    paragraph of ``corpora/labelled/paragraphs.jsonl`` (leading marking
    stripped) the share of labels (P >= 0.5) equal to torch's, max |dP| to
    torch, and F1 of True against the gold labels on the dev cables
    (``corpora/splits.json``) and on all.  Returns a JSON-able dict.
    """
    import torch

    from .data import DEFAULT_LABELS, DEFAULT_SPLITS, load_splits
    from .markings import strip_leading_marking
    from .onnx_recipes import sample_paragraphs

    torch.set_num_threads(threads)
    version, net = tuned_network(version, models_dir)
    runners: dict[str, Any] = {"torch": net}
    for r in recipes:
        runners[r] = OnnxSentenceTuner(net, r, num_threads=threads)
    for m in recheck:
        runners[f"int8+rc{m:g}"] = OnnxSentenceTuner(net, "int8", num_threads=threads, recheck_margin=m)
    fast = [name for name in runners if name != "torch"]
    out: dict[str, Any] = {"version": version, "state_sha256": state_sha256(net)[:12], "threads": threads,
                           "batch_size": batch_size, "speed_paragraphs": 0, "runtimes": {name: {} for name in runners}}
    if speed_n:
        texts = sample_paragraphs(speed_n)
        out["speed_paragraphs"] = len(texts)
        runners["torch"].predict_proba(texts[:8], batch_size)  # warm-up: first-call allocations
        order = ["torch", *fast, "torch"]
        for name in order:
            ps = paragraphs_per_s(runners[name], texts, batch_size)
            out["runtimes"][name].setdefault("paragraphs_per_s", []).append(round(ps, 2))
        t_ps = float(np.mean(out["runtimes"]["torch"]["paragraphs_per_s"]))
        for name in fast:
            out["runtimes"][name]["x_torch"] = round(out["runtimes"][name]["paragraphs_per_s"][0] / t_ps, 3)
        out["load_avg"] = os.getloadavg()[0]
        for name in fast:
            r = runners[name]
            if r.recheck_margin:
                out["runtimes"][name]["rechecked_share_speed"] = round(r.rechecked / max(1, r.seen), 4)
                r.seen = r.rechecked = 0
    if quality:
        rows = [json.loads(x) for x in Path(DEFAULT_LABELS).read_text("utf-8").splitlines() if x.strip()]
        dev_ids = load_splits(DEFAULT_SPLITS)["dev"]
        texts = [strip_leading_marking(r["text"]) for r in rows]
        dev = np.array([r["cable_id"] in dev_ids for r in rows])
        out["paragraphs"], out["dev_paragraphs"] = len(rows), int(dev.sum())
        probs = {name: runner.predict_proba(texts, batch_size) for name, runner in runners.items()}
        for name in fast:
            r = runners[name]
            if r.recheck_margin:
                out["runtimes"][name]["rechecked_share_labelled"] = round(r.rechecked / max(1, r.seen), 4)
        for j, task in enumerate(TASK_ORDER):
            has = np.array([r.get(task) is not None for r in rows])
            gold = np.array([bool(r.get(task)) for r in rows])
            ref = probs["torch"][has, j] >= 0.5
            for name, P in probs.items():
                lab = P[has, j] >= 0.5
                out["runtimes"][name][task] = {
                    "same_as_torch": round(float(np.mean(lab == ref)), 4),
                    "flipped": int(np.sum(lab != ref)),
                    "max_abs_dP": float(np.max(np.abs(P[has, j] - probs["torch"][has, j]))),
                    "f1_dev": round(_f1(gold[has & dev], P[has & dev, j] >= 0.5), 4),
                    "f1_all": round(_f1(gold[has], lab), 4),
                }
    return out


def table(res: dict[str, Any]) -> str:
    """Plain-text table of :func:`compare`'s result."""
    head = f"{'runtime':<12}{'p/s':>16}{'x torch':>9}"
    for t in TASK_ORDER:
        head += f"{t[:4] + ' same':>11}{'max|dP|':>9}{'F1 dev':>8}{'F1 all':>8}"
    lines = [head]
    for name, r in res["runtimes"].items():
        ps = "/".join(f"{x:.1f}" for x in r.get("paragraphs_per_s", []))
        line = f"{name:<12}{ps:>16}{r.get('x_torch', 1.0):>9.2f}"
        for t in TASK_ORDER:
            x = r.get(t)
            line += (f"{x['same_as_torch']:>11.2%}{x['max_abs_dP']:>9.4f}{x['f1_dev']:>8.4f}{x['f1_all']:>8.4f}"
                     if x else " " * 36)
        lines.append(line)
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """``--compare``: print :func:`table` and the JSON of :func:`compare`;
    ``--build``: build the recipes' models into the cache."""
    import pipeline.env  # noqa: F401

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--compare", action="store_true", help="time and compare torch and the recipes")
    ap.add_argument("--build", action="store_true", help="only build the recipes' onnx models")
    ap.add_argument("--recipes", default="fp32,int8", help="comma-separated recipe names")
    ap.add_argument("--speed", type=int, default=300, help="sample paragraphs to time (0: no timing)")
    ap.add_argument("--no-quality", action="store_true", help="skip the labelled-paragraph comparison")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--batch-size", type=int, default=64)
    ap.add_argument("--recheck", default="", help="comma-separated margins of int8+torch re-check runners")
    ap.add_argument("--version", default=None, help="commitment head version holding the network (default: DEFAULT)")
    args = ap.parse_args(argv)
    logging.basicConfig(level=logging.INFO if args.build else logging.WARNING)
    recipes = [r for r in args.recipes.split(",") if r]
    for r in recipes:
        get_recipe(r)
    if args.build:
        _, net = tuned_network(args.version)
        for r in recipes:
            print(build_tuned_onnx(net, r))
        return 0
    if not args.compare:
        ap.error("give --compare or --build")
    res = compare(recipes, args.speed, args.threads, args.batch_size, quality=not args.no_quality,
                  version=args.version, recheck=[float(m) for m in args.recheck.split(",") if m])
    print(table(res))
    print(json.dumps(res))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
