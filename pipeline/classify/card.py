"""Render ``MODEL_CARD.md`` from a model's ``meta.json`` and ``metrics.json``
content.  Pure text; no I/O."""

from __future__ import annotations

from typing import Any

from .metrics import table

DESCRIPTIONS = {
    "commitment": "Does the paragraph report that an identifiable actor undertook, promised, agreed, "
    "planned or stated an intention to take (or refrain from) a specific future action? "
    "(definition: corpora/LABELING.md, 'commitment')",
    "doubt": "Does the paragraph express uncertainty, scepticism or a hedged/pessimistic expectation "
    "about a claim, plan, capability or outcome? (definition: corpora/LABELING.md, 'doubt')",
    "sensitivity": "The paragraph's classification level (U, SBU, C, S) guessed from its text, "
    "the marking removed. Labels are the paragraph markings as printed, normalised by the "
    "project's parser (corpora/LABELING.md, 'sensitivity').",
}


def render(meta: dict[str, Any], metrics: dict[str, Any]) -> str:
    """The model card as Markdown."""
    task, enc = meta["task"], meta["encoder"]
    data = metrics["data"]
    spec = meta.get("spec")
    tuned = meta.get("format") == "sentence-tuned-1"
    if tuned:
        head = (f"all-MiniLM-L6-v2 ({meta['layers']} layers, word embeddings frozen, the rest trained) fine-tuned on "
                "sentences with one linear output per task (" + ", ".join(meta["tasks"]) + ") on the masked mean of "
                "the last layer; each sentence scored (sentences over 126 word pieces in chunks), the paragraph takes "
                "the highest; weights float16, the same file for both tasks")
    elif meta.get("format") == "finetuned-minilm-1":
        head = (f"all-MiniLM-L6-v2 fine-tuned (lower {meta['frozen_layers']} of 6 layers and the embeddings frozen, "
                f"top layers trained) with a linear output per task ({', '.join(meta['tasks'])}) on each chunk's "
                "mean-pooled last layer; a paragraph's logit is the maximum over its chunks")
    elif spec and meta.get("format") != "finetuned-minilm-1":
        blocks = ["hashed word 1-2 grams (tf-idf)"] + [
            d for k, d in (("embedding", "the shared MiniLM paragraph vector"), ("cues", "LABELING.md cue flags"),
                           ("context", "cable context (classification line, caveats, TAGS, E.O. reasons, position, zone), also crossed with the cable level"),
                           ("neighbours", "words of the neighbouring paragraphs"),
                           ("marks", "markings of the other paragraphs of the cable (previous, next, all; never the paragraph's own), also crossed with the cable level")) if spec.get(k)]
        unit = "each sentence scored, the paragraph takes the highest" if spec["unit"] == "sentence" else "one row per paragraph"
        head = f"logistic regression over {'; '.join(blocks)}; {unit}; weights float16"
    else:
        head = "linear (logistic)" if meta["hidden"] == 0 else f"one hidden layer of {meta['hidden']} (GELU, dropout {meta['dropout']})"
        head += f" over the {meta['input_dim']}-d embedding"
    if meta["kind"] == "binary":
        out_line = f"binary, P(True) by sigmoid; label = P >= {meta['threshold']:.2f} " + (
            "(fixed; not chosen on evaluation data)" if tuned else "(threshold chosen by grouped 5-fold CV on the training data)")
    else:
        out_line = f"{len(meta['labels'])}-way softmax over {', '.join(meta['labels'])}"
        if meta.get("cap_by_level"):
            out_line += "; levels above the cable's classification line get probability 0 (LABELING.md)"
    sel = metrics["selection"]
    cv = sel.get("cv_f1_true") or sel.get("cv_macro_f1") or {}
    sel_line = f"- Selection: {sel['chosen']}" + (
        " by grouped (cable) 5-fold CV on training data, F1(True): " + ", ".join(f"{k} {v:.3f}" for k, v in cv.items())
        if cv else f" ({sel.get('note', '')})")
    lines = [
        f"# {task} {meta['version']}",
        "",
        DESCRIPTIONS.get(task, ""),
        "",
        f"- Trained: {metrics['trained_at']} ({metrics['train_seconds']:.0f} s on 2 shared CPU cores, embeddings read from the on-disk cache where present)",
        f"- Base encoder: {enc['name']} (package {enc.get('package')} {enc['version']}, "
        f"weights sha256 {enc.get('weights_sha256', '?')[:16]}...)"
        + ("; fine-tuned on the labelled sentences (see Model)" if tuned else
           "; chunks of 254 word pieces, max over chunks" if meta.get("format") == "finetuned-minilm-1" else
           ", frozen; mean pooling, L2-normalised, paragraphs over 254 word pieces split into chunks whose vectors are averaged"),
        f"- Model: {head}; {out_line}",
        sel_line,
        "- Files: " + ("sentence_tuned.safetensors (weights)" if tuned else "head.safetensors (weights)")
        + ", meta.json, metrics.json (these numbers), plots or curve points",
        "",
        "## Data",
        "",
        f"- Source: {data['source']}",
        f"- Split: {data['split']}",
        f"- Training paragraphs: {data['train_n']} from {data['train_cables']} cables; per label: "
        + ", ".join(f"{k} {v}" for k, v in data["train_counts"].items()),
        f"- Evaluation paragraphs: {data['eval_n']} from {data['eval_cables']} cables; per label: "
        + ", ".join(f"{k} {v}" for k, v in data["eval_counts"].items()),
    ]
    for note in data.get("notes", []):
        lines.append(f"- {note}")
    lines += [
        "",
        f"## Scores on {metrics['eval_name']}",
        "",
        "Per-label precision / recall / F1 of this head and of baselines trained and scored on the same "
        "paragraphs (cue rule: cue phrases of LABELING.md; bag-of-words LR: tf-idf 1-2 grams + "
        "logistic regression, balanced class weights; majority: the most frequent label of the training cables, before any class balancing).",
        "",
        table(metrics["results"]),
    ]
    for name, extra in metrics.get("extra_evals", {}).items():
        lines += ["", f"### {name}", "", extra.get("note", "")]
        if extra.get("results"):
            lines += ["", table(extra["results"])]
        bins = (extra.get("calibration") or {}).get("bins")
        if bins:
            lines += ["", "Reliability bins (is a probability of p right a fraction p of the time?):", "",
                      "| P from | to | paragraphs | mean P | observed frequency |", "|---|---|---|---|---|"]
            lines += [f"| {b['lo']:.1f} | {b['hi']:.1f} | {b['n']} | {b['mean_p']:.3f} | {b['frac_true']:.3f} |" for b in bins]
    promo = metrics.get("promotion")
    if promo:
        lines += ["", "## Promotion", "", f"{promo}"]
    if metrics.get("plots"):
        lines += ["", "## Plots", ""] + [f"- {x}" for x in metrics["plots"]]
    lines += ["", "## Limits", ""] + [f"- {x}" for x in metrics.get("limits", [])]
    lines += ["", f"Reproduce: `{metrics['command']}`", ""]
    return "\n".join(lines)
