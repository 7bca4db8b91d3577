"""Measure onnxruntime recipes of the encoder against torch: labels, F1, speed.

``python -m pipeline.classify.onnx_recipes --recipes int8,int8-matmul --split all --speed 300``

For each recipe of :data:`.onnx_encoder.RECIPES` named: the labelled
paragraphs of ``--split`` (``corpora/labelled/paragraphs.jsonl`` cut by
``corpora/splits.json``) are embedded with that recipe (vectors kept in the
embedding cache under the recipe's runtime name, see
:func:`.runtime.embed_cache_dir`, so retraining heads on them reuses them),
the commitment and doubt heads given by ``--fast-heads`` (default:
``--heads``, default the ``DEFAULT`` versions) score them, and the script
prints per task the share of paragraphs with the label that the ``--heads``
give on torch vectors, and F1 of the True class
and macro-F1 against the gold labels on the dev cables and on the whole
split.  Speed: paragraphs/s of the torch encoder and of each recipe on the
same ``--speed`` paragraphs of the real cables in ``corpora/drops/sample``
(markings stripped, batch 32, ``--threads`` threads), torch timed before and
after the recipes (the box is shared: read the ratio, not the absolute).
The last line is all of it as JSON.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import time
from pathlib import Path
from typing import Any

import numpy as np

log = logging.getLogger(__name__)

BINARY_TASKS = ("commitment", "doubt")


def sample_paragraphs(n: int, drop: Path | None = None) -> list[str]:
    """The first ``n`` paragraph texts (markings stripped, 20+ characters) of
    the cables in ``drop`` (default ``corpora/drops/sample``), in file order."""
    from pipeline.config import REPO_ROOT
    from pipeline.flows import stages

    from .markings import strip_leading_marking

    drop = drop or REPO_ROOT / "corpora" / "drops" / "sample"
    cables, _ = stages.parse_many(sorted(drop.glob("*.txt")))
    texts = [strip_leading_marking(t) for t in stages.paragraph_texts(cables)]
    return [t for t in texts if len(t.strip()) >= 20][:n]


def paragraphs_per_s(encoder, texts: list[str], batch_size: int = 32) -> float:
    """Paragraphs/s of one ``encoder.embed`` call over ``texts`` (wall clock)."""
    t0 = time.perf_counter()
    encoder.embed(texts, batch_size=batch_size)
    return len(texts) / (time.perf_counter() - t0)


def score_heads(heads: dict[str, Any], rows: list[dict], emb: np.ndarray, texts: list[str]) -> dict[str, np.ndarray]:
    """Boolean labels ``{task: (n,)}`` of the binary heads on ready vectors."""
    return {t: np.asarray(h.predict_proba(emb, texts, None) >= h.threshold) for t, h in heads.items()}


def f1_pair(gold: np.ndarray, pred: np.ndarray) -> tuple[float, float]:
    """(F1 of True, macro-F1) of boolean arrays."""
    from sklearn.metrics import f1_score

    return (float(f1_score(gold, pred, zero_division=0)),
            float(f1_score(gold, pred, average="macro", labels=[False, True], zero_division=0)))


def compare_recipes(recipes: list[str], split: str = "all", speed_n: int = 300, threads: int = 2,
                    heads: dict[str, str] | None = None, models_dir: Path | None = None,
                    fast_heads: dict[str, str] | None = None) -> dict[str, Any]:
    """Run the measurement of the module doc; return the JSON-able result.

    ``heads``: ``{task: version}`` for commitment and doubt on torch vectors
    (default: the DEFAULT versions); ``fast_heads``: the versions run on the
    recipes' vectors (default: ``heads``), e.g. heads trained on int8
    vectors.  ``same_as_torch`` compares each recipe's labels with those of
    ``heads`` on torch vectors.  Raises ``ValueError`` for an unknown recipe
    or an empty split, ``FileNotFoundError`` without the labelled file.
    """
    from .data import DEFAULT_LABELS, DEFAULT_SPLITS, load_labelled, load_splits
    from .embedcache import cached_embed
    from .encoder import Encoder
    from .markings import strip_leading_marking
    from .onnx_encoder import OnnxEncoder, get_recipe
    from .registry import default_version, load_version
    from .runtime import embed_cache_dir, head_runtime

    for r in recipes:
        get_recipe(r)
    splits = load_splits(DEFAULT_SPLITS)
    ids = set().union(*splits.values()) if split == "all" else splits[split]
    rows = [r for r in load_labelled([DEFAULT_LABELS]) if r["cable_id"] in ids]
    if not rows:
        raise ValueError(f"no labelled paragraphs in split {split!r}")
    texts = [strip_leading_marking(r["text"]) for r in rows]
    dev = np.array([r["cable_id"] in splits["dev"] for r in rows])
    versions = heads or {t: default_version(t, models_dir) for t in BINARY_TASKS}
    loaded = {t: load_version(t, v, models_dir) for t, v in versions.items()}
    fast_versions = fast_heads or versions
    fast_loaded = {t: load_version(t, v, models_dir) for t, v in fast_versions.items()}
    gold = {t: np.array([bool(r.get(t)) for r in rows]) for t in BINARY_TASKS}
    has = {t: np.array([r.get(t) is not None for r in rows]) for t in BINARY_TASKS}

    torch_enc = Encoder(num_threads=threads)
    torch_enc.show_progress = False
    emb = {"torch": cached_embed(torch_enc, texts)}
    speed_texts = sample_paragraphs(speed_n) if speed_n else []
    speed: dict[str, list[float]] = {"torch": [paragraphs_per_s(torch_enc, speed_texts)] if speed_texts else []}
    encoders = {}
    for name in recipes:
        enc = OnnxEncoder(num_threads=threads, recipe=name)
        enc.show_progress = False
        encoders[name] = enc
        emb[name] = cached_embed(enc, texts, cache_dir=embed_cache_dir(enc))
        if speed_texts:
            speed[name] = [paragraphs_per_s(enc, speed_texts)]
    if speed_texts:
        speed["torch"].append(paragraphs_per_s(torch_enc, speed_texts))

    labels = {name: score_heads(loaded if name == "torch" else fast_loaded, rows, e, texts) for name, e in emb.items()}
    out: dict[str, Any] = {"split": split, "paragraphs": len(rows), "dev_paragraphs": int(dev.sum()),
                           "heads": {t: {"version": v, "trained_on": head_runtime(loaded[t])} for t, v in versions.items()},
                           "fast_heads": {t: {"version": v, "trained_on": head_runtime(fast_loaded[t])}
                                          for t, v in fast_versions.items()},
                           "speed_paragraphs": len(speed_texts), "load_avg": os.getloadavg()[0], "runtimes": {}}
    for name in emb:
        cos = np.sum(emb[name] * emb["torch"], axis=1)
        row: dict[str, Any] = {"mean_cosine": round(float(cos.mean()), 5), "min_cosine": round(float(cos.min()), 4),
                               "paragraphs_per_s": [round(x, 1) for x in speed.get(name, [])]}
        for t in BINARY_TASKS:
            m = has[t]
            row[t] = {
                "same_as_torch": round(float(np.mean(labels[name][t][m] == labels["torch"][t][m])), 4),
                "f1_dev": [round(x, 4) for x in f1_pair(gold[t][m & dev], labels[name][t][m & dev])],
                "f1_all": [round(x, 4) for x in f1_pair(gold[t][m], labels[name][t][m])],
            }
        out["runtimes"][name] = row
    return out


def table(res: dict[str, Any]) -> str:
    """Plain-text table of :func:`compare_recipes`' result."""
    head = f"{'runtime':<16}{'cos':>8}{'p/s':>14}"
    for t in BINARY_TASKS:
        head += f"{t[:4] + ' same':>11}{'F1 dev':>8}{'mF1 dev':>8}{'F1 all':>8}{'mF1 all':>8}"
    lines = [head]
    for name, r in res["runtimes"].items():
        ps = "/".join(f"{x:.1f}" for x in r["paragraphs_per_s"])
        line = f"{name:<16}{r['mean_cosine']:>8.4f}{ps:>14}"
        for t in BINARY_TASKS:
            x = r[t]
            line += (f"{x['same_as_torch']:>11.2%}{x['f1_dev'][0]:>8.4f}{x['f1_dev'][1]:>8.4f}"
                     f"{x['f1_all'][0]:>8.4f}{x['f1_all'][1]:>8.4f}")
        lines.append(line)
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Print the table and a JSON line."""
    import pipeline.env  # noqa: F401

    from .onnx_encoder import RECIPES

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--recipes", default=",".join(RECIPES), help="comma-separated recipe names")
    ap.add_argument("--split", default="all", choices=("train", "dev", "all"))
    ap.add_argument("--speed", type=int, default=300, help="sample paragraphs to time (0: no timing)")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--heads", default=None, help="heads on torch vectors, e.g. commitment=v3,doubt=v3 (default: DEFAULT)")
    ap.add_argument("--fast-heads", default=None, help="heads on the recipes' vectors (default: --heads)")
    args = ap.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    heads = dict(kv.split("=") for kv in args.heads.split(",")) if args.heads else None
    fast = dict(kv.split("=") for kv in args.fast_heads.split(",")) if args.fast_heads else None
    res = compare_recipes([r for r in args.recipes.split(",") if r], args.split, args.speed, args.threads, heads,
                          fast_heads=fast)
    print(table(res))
    print(json.dumps(res))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
