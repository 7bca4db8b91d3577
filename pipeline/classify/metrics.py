"""Per-label precision / recall / F1, macro-F1 and accuracy, and a text table.

Computed with ``sklearn.metrics.precision_recall_fscore_support``; labels that
never occur get 0 (``zero_division=0``).
"""

from __future__ import annotations

from typing import Any

import numpy as np
from sklearn.metrics import accuracy_score, precision_recall_fscore_support


def report(y_true: Any, y_pred: Any, labels: list[Any]) -> dict[str, Any]:
    """Scores of ``y_pred`` against ``y_true`` (same length) for ``labels``.

    Returns ``{"n", "accuracy", "macro_f1", "per_label": {str(label):
    {"precision", "recall", "f1", "support"}}}``, floats rounded to 4 places.
    """
    y_true, y_pred = np.asarray(y_true), np.asarray(y_pred)
    p, r, f, s = precision_recall_fscore_support(y_true, y_pred, labels=labels, zero_division=0)
    return {
        "n": int(len(y_true)),
        "accuracy": round(float(accuracy_score(y_true, y_pred)), 4),
        "macro_f1": round(float(np.mean(f)), 4),
        "per_label": {
            str(lab): {
                "precision": round(float(p[i]), 4),
                "recall": round(float(r[i]), 4),
                "f1": round(float(f[i]), 4),
                "support": int(s[i]),
            }
            for i, lab in enumerate(labels)
        },
    }


def table(results: dict[str, dict[str, Any]]) -> str:
    """Markdown table: one row per (system, label), then macro-F1 and accuracy.

    ``results`` maps a system name (``"encoder head"``, ``"cue rule"``) to a
    :func:`report`.
    """
    lines = ["| system | label | precision | recall | F1 | support |", "|---|---|---|---|---|---|"]
    for name, rep in results.items():
        for lab, m in rep["per_label"].items():
            lines.append(f"| {name} | {lab} | {m['precision']:.3f} | {m['recall']:.3f} | {m['f1']:.3f} | {m['support']} |")
        lines.append(f"| {name} | **macro-F1** | | | **{rep['macro_f1']:.3f}** | {rep['n']} |")
        lines.append(f"| {name} | accuracy | | | {rep['accuracy']:.3f} | {rep['n']} |")
    return "\n".join(lines)
