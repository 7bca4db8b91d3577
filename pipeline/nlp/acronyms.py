"""Acronym definitions of a cable ("Ministry of Justice (MOJ)").

Definitions are found with the Schwartz and Hearst (2003) algorithm ("A
simple algorithm for identifying abbreviation definitions in biomedical
text", PSB 2003) as implemented by the ``abbreviations`` package
(``abbreviations.schwartz_hearst``): a short form in parentheses, matched
right to left against the words before it.  A cable's table maps each short
form to the first definition it gives; later uses of the short form anywhere
in the cable resolve to it.

Two things are done around the package, each measured on the hand-checked
gold of ``corpora/acronyms`` (``python -m pipeline.nlp.acronym_eval``):

* It is called one sentence at a time (:func:`pipeline.nlp.sentences.
  sentence_spans`) with white space collapsed and dash runs (`` - ``,
  ``--``) made one space.  Given a whole paragraph, the package computes the
  start of a definition from tokens re-joined with single spaces, so every
  double space or dash run earlier in the paragraph shifts it (it returned
  "and Opportunity Act" for AGOA, or failed with an index error), and one
  unbalanced parenthesis anywhere drops the whole paragraph.
* Schwartz-Hearst lets the first letter match any word start, so "Office of
  Defense Cooperation (ODC)" gives "of Defense Cooperation" and "National
  Unity (UN)" gives "Unity".  :func:`initials_definition` matches the short
  form's letters to word initials (minor words such as "of" may be skipped);
  when the package's long form is missing or a word suffix of that match,
  the initials match is used.  A long form never starts with a minor word
  (S-H's "and the United Self Defense Forces (AUC)" loses "and the") and is
  never the short form itself ("PALIPEHUTU-FNL (FNL)").
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence

from abbreviations import schwartz_hearst

from pipeline.nlp.sentences import sentence_spans

# The package logs every omitted candidate at DEBUG; keep it quiet.
logging.getLogger(schwartz_hearst.__name__).setLevel(logging.WARNING)

_PAREN = re.compile(r"\(\s*[A-Za-z]")
_SHORT = re.compile(r"^[A-Z][A-Za-z&./-]*[A-Z]s?$")
_DEF_PAREN = re.compile(r"\(([A-Za-z][A-Za-z&./-]{1,11})\)")
_DASH_RUN = re.compile(r" ?-(?:[ -]*-)? ?")
_SPACE = re.compile(r"\s+")
_MINOR = frozenset("a an and at by de del des di du el en for in la las le los of on or the to und y".split())


def _normalise(sentence: str) -> str:
    s = _SPACE.sub(" ", sentence).strip()
    s = _DASH_RUN.sub(lambda m: "-" if m.group() == "-" else " ", s)
    return s.strip(" -")


def initials_definition(sentence: str, short: str) -> str | None:
    """The words right before ``(short)`` in ``sentence`` whose initials
    spell ``short`` (hyphenated parts count as words; minor words such as
    "of", "and", "the" may be skipped but do not start the long form).

    Returns the long form as written, or None when no such words are found.
    A trailing plural ``s`` of the short form may go unmatched (``NGOs``).
    """
    k = sentence.find(f"({short})")
    if k < 0:
        return None
    letters = [c.lower() for c in short if c.isalpha()]
    words = re.findall(r"[^\s-]+", sentence[:k])
    for lets in (letters, letters[:-1] if len(letters) > 2 and letters[-1] == "s" else None):
        if not lets:
            continue
        n = _match(words, len(words) - 1, lets, len(lets) - 1)
        if n:
            first = words[len(words) - n]
            start = sentence.rfind(first, 0, k - sum(len(w) + 1 for w in words[len(words) - n + 1 :]))
            if start >= 0:
                return sentence[start:k].strip().rstrip(",;:")
    return None


def _match(words: list[str], j: int, lets: list[str], i: int) -> int:
    """Number of words ending at ``words[j]`` that spell ``lets[: i + 1]``
    by initials (0 when they cannot)."""
    if i < 0:
        return 0
    if j < 0 or len(words) - j > 2 * len(lets) + 3:
        return 0
    w = words[j].strip("\"'\u2019\u201c\u201d(),.;:").lower()
    if not w:
        return 0
    if w[0] == lets[i] and (i > 0 or w not in _MINOR):
        if i == 0:
            return 1
        rest = _match(words, j - 1, lets, i - 1)
        if rest:
            return rest + 1
    if w in _MINOR and i < len(lets) - 1:  # skip "of", "and" inside the long form
        rest = _match(words, j - 1, lets, i)
        if rest:
            return rest + 1
    return 0


def _is_word_suffix(part: str, whole: str) -> bool:
    a, b = part.lower().split(), whole.lower().split()
    return len(a) < len(b) and b[-len(a) :] == a


def sentence_definitions(sentence: str) -> dict[str, str]:
    """``{short form: long form}`` defined in one sentence (see the module
    docstring for what is done around the ``abbreviations`` package)."""
    s = _normalise(sentence)
    try:
        pairs = schwartz_hearst.extract_abbreviation_definition_pairs(doc_text=s, first_definition=True)
    except (ValueError, IndexError):  # the package raises on some malformed input
        pairs = {}
    found: dict[str, str] = {}
    for short, long in pairs.items():
        short, words = str(short).strip(), str(long).split()
        # S-H lets the first letter match "and"/"of": "and the United Self
        # Defense Forces (AUC)"; a long form does not start with a minor word.
        while len(words) > 1 and words[0].lower() in _MINOR:
            words.pop(0)
        if words and " ".join(words).lower() != short.lower():  # "PALIPEHUTU-FNL (FNL)"
            found[short] = " ".join(words)
    for m in _DEF_PAREN.finditer(s):
        short = m.group(1)
        init = initials_definition(s, short)
        if init and (short not in found or _is_word_suffix(found[short], init)):
            found[short] = init
    return found


def cable_acronyms(texts: Sequence[str]) -> dict[str, str]:
    """``{short form: long form}`` defined in a cable's paragraph ``texts``.

    Only short forms written with at least two capitals (``MOJ``, ``RGC``,
    ``NGOs``) are kept; all-caps paragraphs are read like any other (the
    algorithm matches letters case-insensitively).  The first definition in
    reading order wins.
    """
    table: dict[str, str] = {}
    for text in texts:
        if "(" not in text or not _PAREN.search(text):
            continue
        for a, b in sentence_spans(text):
            sentence = text[a:b]
            if "(" not in sentence:
                continue
            for short, long in sentence_definitions(sentence).items():
                if _SHORT.match(short) and short not in table and "\n" not in long:
                    table[short] = long
    return table
