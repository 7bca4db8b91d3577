"""Entity-ruler patterns for what the statistical NER misses in cables.

Labels added beside OntoNotes: ``POST`` (diplomatic posts as addressed in
cables: ``AMEMBASSY PHNOM PENH``, ``SECSTATE WASHDC``, ``USUN NEW YORK``),
``TAG`` (TAGS subject codes such as ``PGOV``) and ``CABLE_REF`` (reference
ids such as ``07PHNOMPENH1308`` and ``STATE 123456``).  The word lists live
in ``data/lexicon.json``, derived from the TAGS and FM/TO/INFO lines of the
6,754 corpus cables; the logic here only turns them into patterns.
"""

from __future__ import annotations

import json
from functools import lru_cache
from importlib import resources
from typing import Any

#: A reference id written as one token: two-digit year, station, serial
#: (``07PHNOMPENH1308``; the Cablegate id scheme).
REFERENCE_ID_REGEX = r"^\d{2}[A-Z]{3,}\d{1,6}$"

#: Words that cite an item of the REF list by its letter ("ref A", "REFTEL B").
REF_WORDS = ("ref", "refs", "reftel", "reftels")

# Station words that head a written reference ("STATE 123456", "BEIJING 2305").
_EXTRA_STATIONS = ("STATE", "SECSTATE", "USUN", "USNATO", "USEU", "UNVIE", "USOSCE")


@lru_cache(maxsize=1)
def load_lexicon() -> dict[str, list[str]]:
    """Return ``{"tags": [...], "posts": [...]}`` from ``data/lexicon.json``."""
    text = resources.files("pipeline.nlp").joinpath("data/lexicon.json").read_text("utf-8")
    return json.loads(text)


def _station_names(posts: list[str]) -> list[list[str]]:
    """Station names as token lists, from posts (``AMEMBASSY PHNOM PENH`` ->
    ``["PHNOM", "PENH"]``) plus the Washington-side stations."""
    names = {tuple(p.split()[1:]) for p in posts if len(p.split()) > 1}
    names |= {(s,) for s in _EXTRA_STATIONS}
    names = {n for n in names if n and not any(w in ("WASHDC", "WASHINGTON", "DC") for w in n)}
    return [list(n) for n in sorted(names)]


def entity_patterns() -> list[dict[str, Any]]:
    """Return spaCy EntityRuler patterns (``{"label", "pattern"}`` dicts).

    Post patterns are phrase patterns matched case-insensitively (the ruler
    is configured with ``phrase_matcher_attr="LOWER"``); TAG codes match only
    in upper case so that the word "Prel" in prose is not a tag.
    """
    lex = load_lexicon()
    patterns: list[dict[str, Any]] = [{"label": "POST", "pattern": p} for p in lex["posts"]]
    patterns += [{"label": "TAG", "pattern": [{"ORTH": t}]} for t in lex["tags"]]
    patterns.append({"label": "CABLE_REF", "pattern": [{"TEXT": {"REGEX": REFERENCE_ID_REGEX}}]})
    # "ref A", "REF B", "reftel": an item of the cable's REF list (the model
    # read them as ORG or PERSON).  The letter is resolved by extract_entities.
    patterns.append(
        {"label": "CABLE_REF", "pattern": [{"LOWER": {"IN": list(REF_WORDS)}}, {"TEXT": {"REGEX": r"^[A-Za-z]\.?$"}}]}
    )
    patterns.append({"label": "CABLE_REF", "pattern": [{"LOWER": {"IN": ["reftel", "reftels"]}}]})
    # "PHNOM PENH 1307", "07 STATE 123456": station in capitals, then a serial.
    for words in _station_names(lex["posts"]):
        station = [{"ORTH": w} for w in words]
        serial = {"TEXT": {"REGEX": r"^\d{2,6}$"}}
        patterns.append({"label": "CABLE_REF", "pattern": station + [serial]})
        patterns.append(
            {"label": "CABLE_REF", "pattern": [{"TEXT": {"REGEX": r"^\d{2}$"}}] + station + [serial]}
        )
    return patterns
