"""Baselines printed beside the encoder heads, so a reader sees what the
encoder buys.

- :func:`cue_rule`: ``True`` when the paragraph contains one of the cue
  phrases that ``corpora/LABELING.md`` lists for ``commitment`` or ``doubt``
  (case-insensitive, whole words).  No training.
- :class:`BowBaseline`: bag of words and bigrams (tf-idf, sublinear tf, words
  seen in >= 2 training paragraphs) + logistic regression with balanced class
  weights (scikit-learn), trained on the same training paragraphs as the head.
- :func:`majority`: the most frequent training label, for every paragraph.
"""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

import numpy as np

#: Cue phrases, from ``corpora/LABELING.md`` ("Cues:" lines), as regexes.
CUES: dict[str, tuple[str, ...]] = {
    "commitment": (
        r"will", r"pledged?", r"promised?", r"agreed to", r"committed to", r"undert(?:ook|akes?) to",
        r"intends? to", r"plans? to", r"intent to", r"offered to", r"assured", r"vowed",
        r"would send", r"is prepared to",
    ),
    "doubt": (
        r"not confident", r"doubts? remains?", r"s[ck]eptical", r"questioned whether", r"unlikely",
        r"it is unclear", r"remains to be seen", r"noncommittal", r"will be challenged to",
        r"(?:we are )?not convinced", r"looks like\b.{0,120}\bwill not", r"differ from",
        r"could not confirm", r"claimed",
    ),
}

_COMPILED = {task: re.compile(r"\b(?:" + "|".join(c) + r")\b", re.I | re.S) for task, c in CUES.items()}


def cue_rule(texts: list[str], task: str) -> np.ndarray:
    """Bool array ``(n,)``: does each text contain a cue of ``task``?

    Raises ``KeyError`` for a task without cues (only commitment, doubt).
    """
    pattern = _COMPILED[task]
    return np.array([bool(pattern.search(t)) for t in texts], dtype=bool)


def majority(train_labels: list[Any], n: int) -> np.ndarray:
    """Array ``(n,)`` filled with the most frequent of ``train_labels``."""
    label = Counter(train_labels).most_common(1)[0][0]
    return np.array([label] * n, dtype=object if isinstance(label, str) else None)


class BowBaseline:
    """tf-idf (1-2 grams) + logistic regression; ``fit(texts, y)``, ``predict(texts)``."""

    def __init__(self, seed: int = 0):
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import LogisticRegression
        from sklearn.pipeline import make_pipeline

        self.pipe = make_pipeline(
            TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True, lowercase=True),
            LogisticRegression(C=4.0, class_weight="balanced", max_iter=2000, random_state=seed),
        )

    def fit(self, texts: list[str], y: list[Any]) -> "BowBaseline":
        self.pipe.fit(texts, y)
        return self

    def predict(self, texts: list[str]) -> np.ndarray:
        return self.pipe.predict(texts)
