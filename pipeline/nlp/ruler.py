"""The cable entity ruler: spaCy's EntityRuler with a faster token matcher.

Profiling ``cables annotate``'s NER stage on the first 60 cables of
``corpora/drops/sample`` (685 paragraphs, 92k tokens) showed spaCy's
``Matcher`` taking about as long as the statistical ``ner`` itself (5.3 s of
~12 s): the cable rules (:func:`pipeline.nlp.rules.entity_patterns`) hold
~640 token patterns, and the Matcher starts every one of them at every
token, ~250 of them with a regular expression first.

Those patterns are plain sequences: each token is one ``ORTH``/``TEXT``/
``LOWER`` value, an ``IN`` list of values or a ``REGEX``, with no operators.
:class:`TokenTrie` matches such sequences through a trie keyed on the token's
text (or lower-case form), so the cost per token is a dict look-up or two
plus the few distinct regexes at the trie's root.  It returns the same
``(match_id, start, end)`` set as spaCy's ``Matcher`` would; a pattern it
cannot express (operators, other attributes) stays with spaCy's ``Matcher``.
Overlaps, priorities and ``doc.ents`` are then handled by the unchanged
:class:`spacy.pipeline.EntityRuler` code (longest match first, then
leftmost; preset entities kept).
"""

from __future__ import annotations

import re
import warnings
from dataclasses import dataclass, field
from typing import Any

from spacy.attrs import LOWER, ORTH
from spacy.language import Language
from spacy.pipeline import EntityRuler
from spacy.strings import StringStore
from spacy.tokens import Doc

#: Token attributes the trie reads; ``TEXT`` is spaCy's alias of ``ORTH``.
_ATTRS = {"ORTH": "ORTH", "TEXT": "ORTH", "LOWER": "LOWER"}


@dataclass
class _Node:
    orth: dict[int, _Node] = field(default_factory=dict)
    lower: dict[int, _Node] = field(default_factory=dict)
    regex: dict[str, tuple[re.Pattern[str], _Node]] = field(default_factory=dict)
    ends: list[int] = field(default_factory=list)


def _steps(spec: dict[str, Any]) -> list[tuple[str, str, str]] | None:
    """One token spec as ``[(kind, attr, value)]`` alternatives (kind
    ``"eq"`` or ``"re"``), or None when the trie cannot express it."""
    if len(spec) != 1:
        return None
    (key, value), = spec.items()
    attr = _ATTRS.get(str(key).upper())
    if attr is None:
        return None
    if isinstance(value, str):
        return [("eq", attr, value)]
    if isinstance(value, dict) and len(value) == 1:
        (op, arg), = value.items()
        if op == "IN" and isinstance(arg, list) and all(isinstance(v, str) for v in arg):
            return [("eq", attr, v) for v in arg]
        if op == "REGEX" and isinstance(arg, str) and attr == "ORTH":
            return [("re", attr, arg)]
    return None


class TokenTrie:
    """Exact token-sequence patterns (see the module docstring) in a trie.

    :meth:`add` returns False for a pattern it cannot express (the caller
    keeps that one in spaCy's ``Matcher``).  Calling the trie on a ``Doc``
    returns every ``(match_id, start, end)`` where a pattern matches, token
    offsets, like ``Matcher(doc)`` (order aside).  Values are compared as
    the vocabulary's string hashes (``ORTH``/``LOWER`` arrays of the doc, no
    ``Token`` objects made); ``REGEX`` values are applied with ``re.search``
    to the token text, as spaCy does, and remembered per distinct token text.
    """

    #: Remembered regex results are dropped past this many (a bound on
    #: memory over a long run, ~30 MB; one entry per regex and distinct token).
    MAX_CACHE = 200_000

    def __init__(self, strings: StringStore) -> None:
        self.strings = strings
        self.root = _Node()
        self._hits: dict[tuple[str, int], bool] = {}

    def add(self, match_id: int, pattern: list[dict[str, Any]]) -> bool:
        """Add ``pattern`` under ``match_id``; False if it is not expressible."""
        steps = [_steps(spec) for spec in pattern]
        if not steps or any(s is None for s in steps):
            return False
        nodes = [self.root]
        for alternatives in steps:
            nxt: list[_Node] = []
            for node in nodes:
                for kind, attr, value in alternatives:
                    if kind == "eq":
                        table = node.orth if attr == "ORTH" else node.lower
                        nxt.append(table.setdefault(self.strings.add(value), _Node()))
                    else:
                        nxt.append(node.regex.setdefault(value, (re.compile(value), _Node()))[1])
            nodes = list({id(n): n for n in nxt}.values())
        for node in nodes:
            if match_id not in node.ends:
                node.ends.append(match_id)
        return True

    def __call__(self, doc: Doc) -> list[tuple[int, int, int]]:
        if not len(doc):
            return []
        orths, lowers = zip(*doc.to_array([ORTH, LOWER]).tolist())
        n = len(orths)
        hits = self._hits
        if len(hits) > self.MAX_CACHE:
            hits.clear()
        out: list[tuple[int, int, int]] = []
        for i in range(n):
            stack = [(self.root, i)]
            while stack:
                node, j = stack.pop()
                if node.ends:
                    out.extend((m, i, j) for m in node.ends)
                if j == n:
                    continue
                child = node.orth.get(orths[j])
                if child is not None:
                    stack.append((child, j + 1))
                child = node.lower.get(lowers[j])
                if child is not None:
                    stack.append((child, j + 1))
                for value, (rx, child) in node.regex.items():
                    key = (value, orths[j])
                    hit = hits.get(key)
                    if hit is None:
                        hit = hits[key] = rx.search(self.strings[orths[j]]) is not None
                    if hit:
                        stack.append((child, j + 1))
        return out


class CableRuler(EntityRuler):
    """:class:`spacy.pipeline.EntityRuler` whose token patterns go to a
    :class:`TokenTrie` (those it can express) instead of spaCy's ``Matcher``.

    Same patterns, same configuration, same entities; ``token_patterns`` and
    ``patterns`` still list every pattern (serialisation unchanged).
    """

    def __init__(self, nlp: Language, name: str = "cable_ruler", **kwargs: Any) -> None:
        self.trie = TokenTrie(nlp.vocab.strings)
        super().__init__(nlp, name, **kwargs)

    def clear(self) -> None:
        """Reset all patterns (spaCy's and the trie's)."""
        super().clear()
        self.trie = TokenTrie(self.nlp.vocab.strings)

    def add_patterns(self, patterns: list[dict[str, Any]]) -> None:
        """Add patterns like ``EntityRuler.add_patterns``; expressible token
        patterns without an ``id`` are matched by the trie."""
        fast = [p for p in patterns if isinstance(p["pattern"], list) and "id" not in p]
        rest = [p for p in patterns if not (isinstance(p["pattern"], list) and "id" not in p)]
        for entry in fast:
            label = entry["label"]
            if self.trie.add(self.nlp.vocab.strings.add(label), entry["pattern"]):
                self.token_patterns[label].append(entry["pattern"])
            else:
                rest.append(entry)
        if rest:
            super().add_patterns(rest)

    def match(self, doc: Doc) -> list[tuple[int, int, int]]:
        """``EntityRuler.match`` with the trie's matches added to the Matcher's."""
        self._require_patterns()
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", message="\\[W036")
            slow = list(self.matcher(doc)) if len(self.matcher) else []
            matches = self.trie(doc) + slow + list(self.phrase_matcher(doc))
        final = {(m_id, start, end) for m_id, start, end in matches if start != end}
        return sorted(final, key=lambda m: (m[2] - m[1], -m[1]), reverse=True)


@Language.factory(
    "cable_entity_ruler",
    default_config={
        "phrase_matcher_attr": None,
        "validate": False,
        "overwrite_ents": False,
        "ent_id_sep": "||",
    },
)
def make_cable_ruler(
    nlp: Language, name: str, phrase_matcher_attr: str | None, validate: bool, overwrite_ents: bool, ent_id_sep: str
) -> CableRuler:
    """spaCy factory of :class:`CableRuler` (``nlp.add_pipe("cable_entity_ruler")``)."""
    return CableRuler(
        nlp, name, phrase_matcher_attr=phrase_matcher_attr, validate=validate, overwrite_ents=overwrite_ents,
        ent_id_sep=ent_id_sep,
    )
