"""Sentence boundaries in cable text.

:func:`sentence_spans` is the one place the NER stage splits sentences; it
needs no spaCy component (the pipeline runs ``ner`` without the parser), so
trimming spaCy components elsewhere cannot change it.

A boundary is put after ``.``, ``!`` or ``?`` (and any closing quotes or
brackets) that is followed by white space, and at a blank line.  The hard
cases of cable prose are handled so:

* Abbreviations do not end a sentence -- titles and months (``Amb.``,
  ``Gen.``, ``Mr.``, ``Sept.``), dotted acronyms (``U.S.``, ``E.O.``,
  ``a.i.``, ``U.N.``), single initials (``Robert S. Deutsch``) -- unless
  the next word is a closed-class sentence opener (``The``, ``He``, ``In``
  ...): "... working closely with the U.S. The byword for ..." splits,
  "the U.S. Embassy" and "Amb. Sigridur" do not.
* After any full stop, a next word in lower case (mixed-case text) is the
  same sentence (``approx. five``).
* A single line break is a hard wrap of the telegram, i.e. a space; only a
  blank line (two breaks) ends a sentence by itself, and not when it only
  frames a ``SIPDIS`` line set in the middle of a sentence.
* A paragraph number at a line start (``1.``, ``\u00b61.``), a sub-paragraph
  marker (``\u00b6B.``) or an enumerator alone (``II.``, ``8.``) is not a
  sentence: it stays with what follows.
* In ALL-CAPS text only pronouns, determiners and discourse words
  (:data:`CAPS_OPENERS`) after an abbreviation mark a boundary.

ALL-CAPS text works the same way: openers are compared case-insensitively.
"""

from __future__ import annotations

import re

#: Abbreviations written with a final period that are not sentence ends
#: (lower case, without the final period).  Titles, ranks, months and the
#: short forms seen in the cable corpus.
ABBREVIATIONS = frozenset(
    """
    amb ambs mr mrs ms dr prof gen lt col maj capt cmdr adm sgt cpl brig
    gov sen rep reps pres sec dep asst dept min govt messrs msgr fr rev hon st
    jan feb mar apr jun jul aug sep sept oct nov dec
    no nos para paras ref refs tel fax ext vol art arts ch sect
    inc ltd co corp bros est approx vs cf viz etc
    jr sr
    """.split()
)

#: Closed-class words that open a sentence; after an abbreviation only these
#: mark a boundary (a capitalised content word there is usually a name:
#: "U.S. Embassy", "Amb. Michaeli").
OPENERS = frozenset(
    """
    the a an this that these those he she it they we i you his her its their our my
    there here in on at for from by with during after before since while when where
    if although though but and or however also according as nevertheless meanwhile
    moreover furthermore thus therefore still yet so such some many most all both
    each other one no not nor neither either what which who whom whose how why
    comment end summary begin separately finally additionally similarly instead
    """.split()
)

#: After an abbreviation in ALL-CAPS text nothing tells a capital from a
#: sentence start, so only pronouns, determiners and discourse words count
#: ("ENTERED THE U.S. ON 15 AUGUST", "THE U.S. AND ABROAD" go on).
CAPS_OPENERS = frozenset(
    """
    the this these those he she it they we i his her its their our there however
    according comment end summary meanwhile moreover furthermore nevertheless separately
    """.split()
)

_ENUMERATOR = re.compile(r"^\u00b6?\s*(?:\d{1,3}|[A-Za-z]|[IVXivx]{1,4})\.$")
_DOTTED = re.compile(r"^(?:[A-Za-z]\.){2,}$")  # U.S. E.O. a.i. U.N.
_INITIAL = re.compile(r"^[A-Za-z]\.$")  # the S. of "Robert S. Deutsch"
_CLOSE = "\"')]}\u2019\u201d"
_OPEN = "\"'([{\u2018\u201c"
_PARA_NUMBER = re.compile(r"^\u00b6?\d{1,3}\.$")
_NEXT = re.compile(r"\S+")
_END = re.compile(r"[.!?]+[\"')\]}\u2019\u201d]*(?=\s)|\n[ \t\r]*\n(?:[ \t\r]*(?i:sipdis)[ \t\r]*\n)?\s*")


def _is_abbreviation(token: str) -> bool:
    tok = token.lstrip(_OPEN).rstrip(_CLOSE)
    if _DOTTED.match(tok) or _INITIAL.match(tok):
        return True
    return tok.endswith(".") and tok[:-1].lower() in ABBREVIATIONS


def _ends_here(text: str, mark_start: int, mark_end: int, nxt: str, sent_start: int = 0, caps: bool = False) -> bool:
    """Whether the period run ``text[mark_start:mark_end]`` ends a sentence
    before the next token ``nxt`` (the sentence began at ``sent_start``;
    ``caps``: the text is ALL CAPS, so only :data:`CAPS_OPENERS` follow an
    abbreviation at a boundary; so too where the 30 characters before and
    the next token have no lower-case letter)."""
    first = nxt.lstrip(_OPEN)[:1]
    if not first:
        return True
    if first.islower():
        return False
    if text[mark_start] != ".":
        return True  # ! or ?
    tok_start = max(text.rfind(" ", 0, mark_start), text.rfind("\n", 0, mark_start), text.rfind("\t", 0, mark_start)) + 1
    token = text[tok_start:mark_end]
    if _PARA_NUMBER.match(token) and not text[text.rfind("\n", 0, tok_start) + 1 : tok_start].strip():
        return False  # "1. (C) Summary": a paragraph number at a line start
    if token.startswith("\u00b6") or _ENUMERATOR.match(text[sent_start:mark_end].strip()):
        return False  # "¶B.", "II.", "8." alone: a marker of what follows
    if _is_abbreviation(token.rsplit("-", 1)[-1]):  # "Jordanian-U.S."
        word = re.sub(r"[^\w'-].*$", "", nxt.lstrip(_OPEN)).lower()
        before = text[max(0, tok_start - 30) : tok_start]
        local_caps = caps or (not any(c.islower() for c in before + nxt) and any(c.isupper() for c in before))
        return word in (CAPS_OPENERS if local_caps else OPENERS)
    return True


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """``(start, end)`` character offsets of the sentences of ``text``.

    Offsets index ``text`` itself (no normalisation), spans exclude the
    surrounding white space, and empty stretches give no span.  Works on
    paragraph text and on raw telegram text with hard line wraps.
    """
    from pipeline.nlp.casing import is_all_caps

    caps = is_all_caps(text)
    spans: list[tuple[int, int]] = []
    start = 0
    for m in _END.finditer(text):
        if m.group()[0] == "\n":
            if "sipdis" in m.group().lower() and not text[: m.start()].rstrip().endswith((".", "!", "?", ":")):
                continue  # a SIPDIS line set in the middle of a sentence
            cut = m.start()
        else:
            nxt_m = _NEXT.search(text, m.end())
            nxt = nxt_m.group() if nxt_m else ""
            if not _ends_here(text, m.start(), m.end(), nxt, start, caps):
                continue
            cut = m.end()
        _add(text, start, cut, spans)
        start = m.end()
    _add(text, start, len(text), spans)
    return spans


def _add(text: str, a: int, b: int, spans: list[tuple[int, int]]) -> None:
    while a < b and text[a].isspace():
        a += 1
    while b > a and text[b - 1].isspace():
        b -= 1
    if b > a:
        spans.append((a, b))


def split_sentences(text: str) -> list[str]:
    """The sentences of ``text`` as strings (see :func:`sentence_spans`)."""
    return [text[a:b] for a, b in sentence_spans(text)]
