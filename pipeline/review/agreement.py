"""Inter-annotator agreement: Cohen's kappa per label between two reviewers
on the paragraphs both decided, and the disagreements to settle."""

from __future__ import annotations

from typing import Any, Iterable

from pipeline.review.decisions import latest

KAPPA_LABELS = ("commitment", "doubt", "sensitivity")


def agreement(decisions: Iterable[dict[str, Any]], a: str, b: str) -> dict[str, Any]:
    """``{"labels": {label: {"n", "kappa", "agree"}}, "disagreements": [...]}``.

    ``kappa`` is None with fewer than two shared paragraphs, and 1.0 when both
    reviewers gave one and the same value throughout (sklearn returns NaN)."""
    from sklearn.metrics import cohen_kappa_score

    last = latest(decisions)
    out: dict[str, Any] = {"reviewers": [a, b], "labels": {}, "disagreements": []}
    for label in KAPPA_LABELS:
        va = {pid: d for (pid, lab, who), d in last.items() if lab == label and who == a}
        vb = {pid: d for (pid, lab, who), d in last.items() if lab == label and who == b}
        shared = sorted(set(va) & set(vb))
        xa = [str(va[p]["value"]) for p in shared]
        xb = [str(vb[p]["value"]) for p in shared]
        kappa = None
        if len(shared) >= 2:
            kappa = 1.0 if len(set(xa) | set(xb)) == 1 else float(cohen_kappa_score(xa, xb))
        agree = sum(x == y for x, y in zip(xa, xb))
        out["labels"][label] = {"n": len(shared), "agree": agree, "kappa": kappa}
        for p, x, y in zip(shared, xa, xb):
            if x != y:
                out["disagreements"].append({"paragraph_id": p, "cable_id": va[p].get("cable_id"),
                                             "label": label, a: va[p]["value"], b: vb[p]["value"]})
    return out
