"""The models the annotate-drop tasks use, loaded once per process.

Tasks reach them through this module (never through globals of the flow
module) so that a task shipped to a Dask worker pickles by reference and
loads its own copy there.
"""

from __future__ import annotations

import threading
from functools import lru_cache

from pipeline.classify.predict import ParagraphClassifier
from pipeline.nlp.build import shared_nlp

# One model object per process, used by one thread at a time: spaCy and
# torch objects are not documented as safe for concurrent calls.
NER_LOCK = threading.Lock()
CLASSIFY_LOCK = threading.Lock()


@lru_cache(maxsize=1)
def shared_classifier() -> ParagraphClassifier:
    """The process-wide classifier (the encoder loads once, ~2 s)."""
    clf = ParagraphClassifier.load()
    clf.encoder.show_progress = False  # the flow shows one bar per cable instead
    return clf


def model_versions() -> dict[str, dict[str, str]]:
    """Name and version of every model a record depends on (provenance)."""
    nlp = shared_nlp()
    versions = {
        "spacy": {
            "name": f"{nlp.meta.get('lang', 'en')}_{nlp.meta.get('name', '?')}",
            "version": str(nlp.meta.get("version", "?")),
        }
    }
    versions.update(shared_classifier().versions())
    return versions
