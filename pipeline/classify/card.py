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
    if spec:
        blocks = ["hashed word 1-2 grams (tf-idf)"] + [
            d for k, d in (("embedding", "the shared MiniLM paragraph vector"), ("cues", "LABELING.md cue flags"),
                           ("context", "cable context (classification line, caveats, TAGS, E.O. reasons, position, zone), also crossed with the cable level"),
                           ("neighbours", "words of the neighbouring paragraphs")) if spec.get(k)]
        unit = "each sentence scored, the paragraph takes the highest" if spec["unit"] == "sentence" else "one row per paragraph"
        head = f"logistic regression over {'; '.join(blocks)}; {unit}; weights float16"
    else:
        head = "linear (logistic)" if meta["hidden"] == 0 else f"one hidden layer of {meta['hidden']} (GELU, dropout {meta['dropout']})"
        head += f" over the {meta['input_dim']}-d embedding"
    if meta["kind"] == "binary":
        out_line = f"binary, P(True) by sigmoid; label = P >= {meta['threshold']:.2f} (threshold chosen by grouped 5-fold CV on the training data)"
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
        f"weights sha256 {enc.get('weights_sha256', '?')[:16]}...), frozen; mean pooling, L2-normalised, "
        f"paragraphs over 254 word pieces split into chunks whose vectors are averaged",
        f"- Model: {head}; {out_line}",
        sel_line,
        "- Files: head.safetensors (weights), meta.json, metrics.json (these numbers), plots or curve points",
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
        lines += ["", f"### {name}", "", extra.get("note", ""), "", table(extra["results"])]
    promo = metrics.get("promotion")
    if promo:
        lines += ["", "## Promotion", "", f"{promo}"]
    if metrics.get("plots"):
        lines += ["", "## Plots", ""] + [f"- {x}" for x in metrics["plots"]]
    lines += ["", "## Limits", ""] + [f"- {x}" for x in metrics.get("limits", [])]
    lines += ["", f"Reproduce: `{metrics['command']}`", ""]
    return "\n".join(lines)
