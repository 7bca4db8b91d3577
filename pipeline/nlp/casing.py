"""Case restoration for ALL-CAPS cable paragraphs before NER.

The stock English model is trained on mixed-case text; on an all-caps
paragraph it finds almost nothing.  :func:`restore_case` rewrites such a
paragraph into likely mixed case with a *unigram truecaser*: each word takes
its most frequent written form in the mixed-case cables of the corpus
**train** split (``data/case_table.json``, built by ``python -m
pipeline.nlp.casing build``), so ``RGC``/``MOJ`` stay capitals (acronym
allow-list), ``CAMBODIA`` becomes ``Cambodia`` and ``THE`` becomes ``the``.
Words the table never saw are title-cased (in 5,000 cables every common
word has been seen; what is left is mostly names), the first word of a
sentence is capitalised, and tokens the cable rules read in capitals are
left alone (TAGS codes, words with digits, redactions ``XXXX``, a short
form being defined in parentheses ``(RGC)``).

Every change is one character for one character, so the restored text has
the same length and offsets as the original: entities found in it are
reported with the original text's slice.
"""

from __future__ import annotations

import json
import re
import sys
from collections import Counter, defaultdict
from functools import lru_cache
from importlib import resources

_WORD = re.compile(r"[^\W\d_]+")
_TOKEN = re.compile(r"\S+")
_DEFINED = re.compile(r"^\([^\W\d_]{2,8}s?\)[,.;:]?$")  # "(RGC)": a short form being defined
_SENT_END = re.compile(r"[.!?:;]['\")\]]*\s+$|^\s*$|\n\s*$")
# The same test on the last few characters only: searching the whole prefix
# for every token made recasing quadratic (minutes on a 200 kB table).
_SENT_END_TAIL = re.compile(r"[.!?:;]['\")\]]*\s+$|\n\s*$")
_TAIL = 40

#: A paragraph is "all caps" when at least this share of its cased letters
#: is upper case (and it has at least ``_MIN_LETTERS`` of them).
CAPS_SHARE = 0.9
_MIN_LETTERS = 12


def is_all_caps(text: str) -> bool:
    """True when ``text`` is (nearly) all upper case and long enough to tell."""
    up = low = 0
    for ch in text:
        if ch.isupper():
            up += 1
        elif ch.islower():
            low += 1
    return up + low >= _MIN_LETTERS and up >= CAPS_SHARE * (up + low)


@lru_cache(maxsize=1)
def case_table() -> dict[str, str]:
    """``{lower-case word: most frequent written form}`` from the train split."""
    text = resources.files("pipeline.nlp").joinpath("data/case_table.json").read_text("utf-8")
    doc = json.loads(text)
    forms = {w: w for w in doc["lower"]}
    forms.update(doc["forms"])
    return forms


@lru_cache(maxsize=1)
def _keep_upper() -> frozenset[str]:
    from pipeline.nlp.rules import load_lexicon

    return frozenset(load_lexicon()["tags"])


@lru_cache(maxsize=1)
def _written_ref() -> re.Pattern[str]:
    """A written cable reference (``PHNOM PENH 1307``, ``08 STATE 123456``):
    the cable rules match its station words in capitals, so it stays as is."""
    from pipeline.nlp.rules import _station_names, load_lexicon

    names = sorted((" ".join(n) for n in _station_names(load_lexicon()["posts"])), key=len, reverse=True)
    alt = "|".join(re.escape(n) for n in names)
    return re.compile(rf"\b(?:\d{{2}} )?(?:{alt}) \d{{2,6}}\b")


def _same_len(new: str, old: str) -> str:
    return new if len(new) == len(old) else old


def restore_case(text: str) -> str:
    """Return ``text`` in restored case if it is all caps, else unchanged.

    The result always has ``len(text)`` characters and the same characters
    up to case.
    """
    if not is_all_caps(text):
        return text
    table = case_table()
    keep = _keep_upper()
    out = list(text)
    frozen = [m.span() for m in _written_ref().finditer(text)]
    for tok in _TOKEN.finditer(text):
        t = tok.group()
        if frozen and any(a <= tok.start() < b for a, b in frozen):
            continue
        core = t.strip("\"'()[],.;:!?")
        if core in keep or any(c.isdigit() for c in t) or "XXXX" in t or _DEFINED.match(t):
            continue
        start = tok.start()
        if start > _TAIL:
            sent_start = bool(_SENT_END_TAIL.search(text[start - _TAIL : start]))
        else:
            sent_start = bool(_SENT_END.search(text[:start]))
        first = True
        for w in _WORD.finditer(t):
            word = w.group()
            low = word.lower()
            form = table.get(low)
            if form is None:
                form = low[:1].upper() + low[1:]
            if first and sent_start and form[:1].islower():
                form = form[:1].upper() + form[1:]
            first = False
            form = _same_len(form, word)
            s = tok.start() + w.start()
            out[s : s + len(word)] = form
    return "".join(out)


def build_table(min_count: int = 2) -> dict[str, str]:
    """Count written forms of every word in the mixed-case paragraphs of the
    corpus train split (sentence-initial words are skipped: their capital
    says nothing) and keep each word's most frequent form."""
    from pipeline.nlp.bench_case import corpus_cables

    counts: dict[str, Counter] = defaultdict(Counter)
    for cable in corpus_cables("train"):
        for p in cable.paragraphs:
            if is_all_caps(p.text):
                continue
            for tok in _TOKEN.finditer(p.text):
                if _SENT_END.search(p.text[: tok.start()]):
                    continue
                for w in _WORD.finditer(tok.group()):
                    counts[w.group().lower()][w.group()] += 1
    forms = {}
    for low, c in counts.items():
        if sum(c.values()) < min_count:
            continue
        form = c.most_common(1)[0][0]
        if form.isupper() and len(form) > 1 and c[form] < 0.5 * sum(c.values()):
            form = low  # capitals mostly from headings, not an acronym
        forms[low] = form
    return dict(sorted(forms.items()))


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] != ["build"]:
        print("usage: python -m pipeline.nlp.casing build", file=sys.stderr)
        return 2
    forms = build_table()
    path = resources.files("pipeline.nlp").joinpath("data/case_table.json")
    doc = {
        "about": "Most frequent written form of each word (seen >= 2 times) in the "
        "mixed-case paragraphs of the cablegate corpus train split, "
        "sentence-initial words skipped. Built by `python -m pipeline.nlp.casing build`.",
        "lower": sorted(k for k, v in forms.items() if v == k),
        "forms": {k: v for k, v in forms.items() if v != k},
    }
    with open(str(path), "w", encoding="utf-8") as fh:
        json.dump(doc, fh, ensure_ascii=False, separators=(",", ":"))
    print(f"{len(forms)} words -> {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
