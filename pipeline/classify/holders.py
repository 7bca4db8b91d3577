"""Who commits, to what, and whose doubt it is: rules over the NER entities.

For a paragraph predicted ``commitment`` (or ``doubt``), :func:`attribute`
returns an :class:`~pipeline.records.Attribution`:

1. The cue sentence (:func:`.hybrid.split_sentences`): the first sentence
   with a strong cue (:data:`STRONG_COMMIT` / :data:`STRONG_DOUBT`: "agreed
   to", "pledged", "unlikely", "doubted"), else the first with any cue
   (:data:`COMMIT_CUES` / :data:`DOUBT_CUES`, the phrases of
   ``corpora/LABELING.md`` widened with the verbs of the labelled cue
   spans), else the first sentence.  Callers with sentence scores (the
   sentence head) may pass them instead.
2. The anchor: a reporting verb before the cue ("X said the GOB will ...")
   when there is one (the labels then name the speaker), else the cue.
3. The holder: the candidate ending nearest before the anchor in the
   sentence: an entity labelled PERSON, ORG, GPE, NORP or POST; a mission
   word ("we", "Embassy", "Post", "USG": holder ``"author"``; "the
   Ambassador" as written), label ``AUTHOR``; or a subject pronoun ("he",
   "they"), resolved to the last PERSON (or PERSON/ORG/GPE/NORP) before it.
   Without one, the words between the last clause boundary and the anchor
   when they look like a noun phrase ("the government", label ``OTHER``).
   A doubt with no reporting verb and no attitude word ("doubted",
   "worried": :data:`ATTITUDE`) is an unattributed hedge ("may",
   "unlikely"): the author's (571 of the 1,257 labelled doubts are).
4. The action (commitment): the words from the cue to the end of its clause
   (``,;:.`` or " but "), at most :data:`ACTION_WORDS` words.

No model is trained here.  Measured against ``commitment_holder`` /
``doubt_holder`` of the labelled paragraphs by
``python -m pipeline.classify.holders_eval`` (figures in the README).
"""

from __future__ import annotations

import re
from typing import Sequence

from pipeline.records import Attribution, Entity

from .hybrid import split_sentences

#: Entity labels that can hold a commitment or a doubt.
HOLDER_LABELS: frozenset[str] = frozenset({"PERSON", "ORG", "GPE", "NORP", "POST"})
#: Longest action span kept, in words.
ACTION_WORDS = 14
AUTHOR = "author"

COMMIT_CUES = re.compile(
    r"\b(?:agreed|agrees|agree|promised|promises|pledged|pledges|committed|commits|vowed|vows|undertook|undertakes|"
    r"offered|offers|assured|assures|guaranteed|decided|intends?|intended|intention|plans?|planned|planning|"
    r"is going to|are going to|was going to|will|would|shall|is willing|are willing|was willing|is prepared|"
    r"are prepared|was prepared|is ready|are ready|was ready|expects? to|hopes? to|seeks? to|wants? to|"
    r"is (?:scheduled|set|due) to|are (?:scheduled|set|due) to|"
    r"is transmitting|are transmitting|will be)\b", re.I)
DOUBT_CUES = re.compile(
    r"\b(?:doubts?|doubted|doubtful|skeptic\w*|sceptic\w*|unlikely|uncertain\w*|unclear|unsure|not sure|not confident|"
    r"not convinced|questioned|questions? whether|remains to be seen|may|might|could|probably|possibly|perhaps|"
    r"seems?|seemed|appears?|appeared|likely|suspect\w*|worr\w*|concern\w*|fear\w*|pessimis\w*|believes?|think|"
    r"thinks|wonder\w*|hesitan\w*|reluctan\w*|not clear|no guarantee|difficult|risk\w*)\b", re.I)
#: Cues that rarely occur outside a commitment / a doubt; preferred when choosing the cue sentence.
STRONG_COMMIT = re.compile(
    r"\b(?:agreed|agrees|promised|promises|pledged|pledges|committed|commits|vowed|vows|undertook|undertakes|"
    r"offered to|offers to|guaranteed|decided to|intends?|intended|plans? to|planned to|planning to|"
    r"is willing|are willing|was willing|is prepared|are prepared|was prepared|is ready to|are ready to|"
    r"will continue|will work|will provide|will seek|will send|will not)\b", re.I)
STRONG_DOUBT = re.compile(
    r"\b(?:doubts?|doubted|doubtful|skeptic\w*|sceptic\w*|unlikely|uncertain\w*|unclear|unsure|not sure|"
    r"not confident|not convinced|questioned|remains to be seen|pessimis\w*|no guarantee)\b", re.I)
_AUTHOR_WORDS = re.compile(r"\b(?:we|embassy|post|mission|usg|consulate|emboffs?|poloffs?|econoffs?|"
                           r"(?:the )?ambassador|charg[eé])\b", re.I)
_PRONOUN = re.compile(r"\b(?:he|she|they|his|her|their)\b", re.I)
_SUBJ_PRONOUN = re.compile(r"\b(?:he|she|they)\b", re.I)
#: Reporting verbs: their subject is the holder of what follows ("X said the GOB will ...").
REPORT = re.compile(r"\b(?:said|says|told|tells|stated|states|affirmed|assured|confirmed|noted|emphasi[sz]ed|explained|"
                    r"announced|indicated|declared|reiterated|insisted|stressed|added|claimed|argued|maintained|"
                    r"commented|observed|acknowledged|admitted|warned|predicted|opined|asserted|suggested|"
                    r"expressed|described|characteri[sz]ed|according to)\b", re.I)
#: Doubt cues that are an attitude of their subject (not a bare hedge).
ATTITUDE = re.compile(r"(?:doubts?|doubted|doubtful|skeptic\w*|sceptic\w*|not sure|unsure|not confident|not convinced|"
                      r"questioned|questions? whether|suspect\w*|worr\w*|concern\w*|fear\w*|pessimis\w*|believes?|"
                      r"think|thinks|wonder\w*|hesitan\w*|reluctan\w*)", re.I)
_BOUNDARY = re.compile(r"(?:^|[,;:(]|\b(?:that|and|but|while|whereas|because|if|although|as|when|which|who)\b)\s*", re.I)
_ADVERBS = {"also", "still", "reportedly", "now", "already", "then", "further", "probably", "likely", "clearly",
            "not", "never", "apparently", "indeed", "however", "repeatedly", "firmly"}
_NOT_HEAD = {"it", "this", "that", "there", "which", "who", "what", "he", "she", "they", "i", "you"}
_CLAUSE_END = re.compile(r"[,;:.]|\s(?:but|and that|although|because)\s")


class _Span:
    """A match-like (start, end, group) over a given span."""

    def __init__(self, span: tuple[int, int], text: str):
        self._s, self._e, self._t = span[0], span[1], text

    def start(self) -> int:
        return self._s

    def group(self, _: int = 0) -> str:
        return self._t[self._s : self._e]


def _sentence_spans(text: str) -> list[tuple[int, int]]:
    spans, pos = [], 0
    for s in split_sentences(text):
        i = text.find(s, pos)
        if i < 0:
            i = pos
        spans.append((i, i + len(s)))
        pos = i + len(s)
    return spans or [(0, len(text))]


def _holder_entities(entities: Sequence[Entity], lo: int, hi: int) -> list[Entity]:
    return [e for e in entities if e.label in HOLDER_LABELS and lo <= e.start and e.end <= hi]


def attribute(
    text: str,
    entities: Sequence[Entity],
    task: str,
    sentence_scores: Sequence[float] | None = None,
    cue_span: tuple[int, int] | None = None,
) -> Attribution:
    """Holder (and, for ``commitment``, action) of a paragraph; see the module docstring.

    ``entities``: NER entities with offsets into ``text``.  ``task``:
    ``"commitment"`` or ``"doubt"`` (``ValueError`` otherwise).
    ``sentence_scores``: optional P(task) per sentence of
    :func:`.hybrid.split_sentences` (the sentence head's scores); when given,
    the cue sentence is the highest-scoring one instead of the first with a
    cue.  ``cue_span``: character span of a known cue (the labelled
    ``*_cue``; used to measure the holder rule alone).  Returns an
    :class:`Attribution` whose ``holder`` may be ``None`` (no candidate).
    """
    if task not in ("commitment", "doubt"):
        raise ValueError(f"no holders for task {task!r}")
    cues = COMMIT_CUES if task == "commitment" else DOUBT_CUES
    spans = _sentence_spans(text)
    cue_at, sent = None, spans[0]
    if cue_span is not None:
        sent = next(((lo, hi) for lo, hi in spans if lo <= cue_span[0] < hi), spans[0])
        cue_at = cues.search(text, cue_span[0], max(cue_span[1], cue_span[0] + 1)) or _Span(cue_span, text)
        if cue_at.start() > cue_span[0]:  # a reporting verb opening the labelled cue anchors it
            r = REPORT.search(text, cue_span[0], cue_at.start())
            cue_at = r or cue_at
    elif sentence_scores is not None and len(sentence_scores) == len(spans):
        sent = spans[int(max(range(len(spans)), key=lambda i: sentence_scores[i]))]
        cue_at = cues.search(text, *sent)
    else:
        # the first sentence with a strong cue ("agreed to", "unlikely"), else with any cue
        for pattern in ((STRONG_COMMIT if task == "commitment" else STRONG_DOUBT), cues):
            hit = next(((m, (lo, hi)) for lo, hi in spans if (m := pattern.search(text, lo, hi))), None)
            if hit:
                cue_at, sent = hit
                break
    lo, hi = sent
    cue_start = cue_at.start() if cue_at else hi
    # a reporting verb before the cue makes its subject the holder ("X said the GOB will")
    rep = REPORT.search(text, lo, cue_start)
    anchor = rep.start() if rep else cue_start
    holder = label = h_start = h_end = None
    if task == "doubt" and not rep and not (cue_at and ATTITUDE.fullmatch(cue_at.group(0))):
        cand = None  # an unattributed hedge ("may", "unlikely") is the drafter's
        if _AUTHOR_WORDS.search(text, lo, anchor) is None:
            holder, label = AUTHOR, "AUTHOR"
    else:
        cand = _nearest(text, entities, lo, anchor)
    if holder is None and cand is not None:
        kind, start, end, lab = cand
        if kind == "pronoun":
            earlier = [e for e in entities if e.end <= start and e.label in (("PERSON",) if text[start:end].lower() in
                       ("he", "she", "his", "her") else ("PERSON", "ORG", "GPE", "NORP"))]
            if earlier:
                e = earlier[-1]
                holder, label, h_start, h_end = e.text, e.label, e.start, e.end
        elif kind == "author":
            # "we", "Embassy", "Post" are the drafter; the Ambassador or Charge is named as written
            word = text[start:end]
            holder = word if re.search(r"ambassador|charg", word, re.I) else AUTHOR
            label = "AUTHOR"
        else:
            holder, label, h_start, h_end = text[start:end], lab, start, end
    if holder is None:
        np_ = _subject_phrase(text, lo, anchor)
        if np_ is not None:
            holder, label, h_start, h_end = text[np_[0] : np_[1]], "OTHER", np_[0], np_[1]
        elif task == "doubt":
            holder, label = AUTHOR, "AUTHOR"
    action = None
    if task == "commitment" and cue_at is not None:
        rest = text[cue_at.start() : hi]
        cut = _CLAUSE_END.search(rest)
        words = (rest[: cut.start()] if cut else rest).split()
        action = " ".join(words[:ACTION_WORDS]) or None
    return Attribution(holder=holder, label=label, start=h_start, end=h_end, action=action,
                       cue=cue_at.group(0) if cue_at else None)


def _nearest(text: str, entities: Sequence[Entity], lo: int, anchor: int):
    """The candidate holder ending nearest before ``anchor`` in ``[lo, anchor)``:
    ``(kind, start, end, label)`` with kind entity / author / pronoun, or None."""
    cands = [("entity", e.start, e.end, e.label) for e in entities
             if e.label in HOLDER_LABELS and lo <= e.start and e.end <= anchor]
    cands += [("author", m.start(), m.end(), "AUTHOR") for m in _AUTHOR_WORDS.finditer(text, lo, anchor)]
    cands += [("pronoun", m.start(), m.end(), None) for m in _SUBJ_PRONOUN.finditer(text, lo, anchor)]
    if not cands:
        return None
    best = max(cands, key=lambda c: (c[2], c[0] == "entity"))
    # an author word inside an entity ("U.S. Embassy Ottawa") yields to the entity
    for c in cands:
        if c[0] == "entity" and c[1] <= best[1] and best[2] <= c[2]:
            return c
    return best


def _subject_phrase(text: str, lo: int, anchor: int) -> tuple[int, int] | None:
    """The last few words before ``anchor`` after a clause boundary, when they
    look like a noun phrase ("the government", "prosecutors"); else None."""
    head = text[lo:anchor]
    m = list(_BOUNDARY.finditer(head))
    start = m[-1].end() if m else 0
    words = head[start:].split()
    while words and words[-1].lower() in _ADVERBS:
        words.pop()
    if not words or len(words) > 5 or words[-1].lower() in _NOT_HEAD:
        return None
    phrase = " ".join(words)
    i = text.find(phrase, lo + start)
    return (i, i + len(phrase)) if i >= 0 else None


# -- evaluation ------------------------------------------------------------------
_AUTHOR_FORMS = {"author", "we", "us", "our", "embassy", "the embassy", "post", "mission", "the mission", "usg",
                 "us embassy", "u.s. embassy", "the u.s. embassy", "emboffs", "emboff", "consulate", "the consulate"}
_DROP = re.compile(r"^(?:the|a|an)\s+", re.I)


def norm(name: str | None) -> str:
    """Lower case, outer spaces, a leading article and a possessive removed."""
    s = (name or "").strip().lower()
    s = _DROP.sub("", s)
    return re.sub(r"(?:'s|’s)$", "", s).strip(" .,")


def is_author(name: str | None) -> bool:
    """``name`` is the cable's author or its mission ("we", "Embassy", "Post", "author")."""
    return norm(name) in _AUTHOR_FORMS or norm("the " + (name or "")) in _AUTHOR_FORMS


def match(pred: str | None, gold: str | None) -> tuple[bool, bool]:
    """(exact, lenient) agreement of a predicted and a labelled holder.

    Exact: equal after :func:`norm`, or both the author (:func:`is_author`).
    Lenient: exact, or one contains the other as whole words, or they share
    a capitalised word of 3+ letters ("Minister Gargash" ~ "Gargash").
    """
    if pred is None or gold is None:
        return (pred is None and gold is None,) * 2
    a, b = norm(pred), norm(gold)
    exact = a == b or (is_author(pred) and is_author(gold))
    if exact:
        return True, True
    wa, wb = set(re.findall(r"[a-z0-9.]+", a)), set(re.findall(r"[a-z0-9.]+", b))
    contains = bool(a) and bool(b) and (re.search(rf"\b{re.escape(a)}\b", b) or re.search(rf"\b{re.escape(b)}\b", a))
    caps_a = {w.lower() for w in re.findall(r"\b[A-Z][\w-]{2,}", pred or "")}
    caps_b = {w.lower() for w in re.findall(r"\b[A-Z][\w-]{2,}", gold or "")}
    share = bool((caps_a & caps_b) - {"the", "government", "ministry", "minister"})
    return False, bool(contains or share or (wa and wa == wb))
