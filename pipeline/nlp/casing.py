"""Case restoration for ALL-CAPS cable paragraphs before NER.

The stock English model is trained on mixed-case text; on an all-caps
paragraph it finds almost nothing.  :func:`restore_case` rewrites such a
paragraph into likely mixed case with a small statistical *truecaser*
learned from the mixed-case paragraphs of the corpus **train** split only
(``data/case_table.json``, built by ``python -m pipeline.nlp.casing build``;
the test split, which the benchmark reads, is never used):

* each token (``U.S.``, ``A/S``, ``McFadden``, ``US-EU`` as whole tokens,
  else word by word) takes its most frequent written form in mid-sentence
  position, so ``RGC``/``MOJ`` stay capitals (acronym allow-list),
  ``CAMBODIA`` becomes ``Cambodia`` and ``THE`` becomes ``the``;
* words seen in more than one form (``new``/``New``, ``state``/``State``,
  ``us``/``US``) are decided by their neighbours: the form maximising
  P(form | word) x P(form | previous token) / P(form | word) x P(form |
  next word) / P(form | word), each context estimate smoothed towards the
  word's own distribution (a naive-Bayes bigram truecaser in the spirit of
  Lita et al., "tRuEcasIng", ACL 2003);
* a word is capitalised as a sentence start when the previous token starts
  sentences in the train split (learned per token, so ``U.S.`` and
  ``Amb.`` do not, ``Cambodia.`` does; unseen tokens back off to their
  final punctuation mark);
* a three-letter acronym form that reads as a syllable (``SAR``, ``ANG``,
  ``ING``; not ``PM`` or ``WTO``) right before a word
  the table never saw is read as a name (``Sar Kheng``, ``Ang Vong``);
* phrases of two to four words written mostly in one form in the train
  split, where the word model would write them otherwise, take that form
  (``Merchant Marine``, ``Ministry of Public Works``, ``brought to justice``);
* words the table never saw are title-cased (in 5,000 cables every common
  word has been seen; what is left is mostly names; ``MC`` + name becomes
  ``McName``);
* tokens the cable rules read in capitals are left alone (TAGS codes, words
  with digits, redactions ``XXXX``, a short form being defined in
  parentheses ``(RGC)``, written cable references ``PHNOM PENH 1307``) and
  so are tokens that already hold a lower-case letter.

Every change is one character for one character, so the restored text has
the same length and offsets as the original: entities found in it are
reported with the original text's slice.
"""

from __future__ import annotations

import json
import math
import re
import sys
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

_WORD = re.compile(r"[^\W\d_]+")
_TOKEN = re.compile(r"\S+")
_DEFINED = re.compile(r"^\([^\W\d_]{2,8}s?\)[,.;:]?$")  # "(RGC)": a short form being defined
_EDGE = "\"'()[]{},.;:!?*`\u2018\u2019\u201c\u201d<>"
_OPENERS = "\"'([{`\u2018\u201c<"
_CLOSERS = "\"')]}`\u2019\u201d>"
#: A token after which the next word starts a sentence when building the
#: table (its capital then says nothing about the word).
_ENDS = re.compile(r"[.!?:]$")

#: A paragraph is "all caps" when at least this share of its cased letters
#: is upper case (and it has at least ``_MIN_LETTERS`` of them).
CAPS_SHARE = 0.9
_MIN_LETTERS = 12

#: Smoothing weight of a context estimate towards the word's own form
#: distribution (pseudo-counts).
_K = 1.0
#: A form kept for context decisions must hold this share of the word's uses.
_MIN_SHARE = 0.02


def is_all_caps(text: str) -> bool:
    """True when ``text`` is (nearly) all upper case and long enough to tell."""
    # map() keeps the per-character loop in C (this runs on every paragraph)
    up = sum(map(str.isupper, text))
    low = sum(map(str.islower, text))
    return up + low >= _MIN_LETTERS and up >= CAPS_SHARE * (up + low)


def _core(tok: str) -> str:
    return tok.strip(_EDGE)


def _left_key(tok: str | None) -> str:
    """Context key of the token before a word: lower-cased, opening
    punctuation dropped, trailing punctuation kept (``u.s.`` vs ``u.s``)."""
    return "<s>" if tok is None else tok.lstrip(_OPENERS).lower()


def _end_class(key: str) -> str:
    """Back-off class of a left key: its last mark once closers are dropped
    (``.``, ``:``, ``,`` ...), ``w`` for a word, ``<s>`` at paragraph start."""
    if key == "<s>":
        return key
    k = key.rstrip(_CLOSERS)
    if not k:
        return "-"
    last = k[-1]
    if last.isalpha():
        return "w"
    if last.isdigit():
        return "d"
    return last


@dataclass(frozen=True)
class CaseModel:
    """The truecaser's tables (see the module docstring).

    ``forms``: ``{lower-case token or word: most frequent mid-sentence form}``.
    ``ambig``: for words seen in several forms, ``{"f": [forms], "n":
    [counts], "L": {left key: [counts]}, "R": {right word: [counts]}}``.
    ``start``: ``{left key or class: [sentence starts, uses]}`` counted over
    words whose usual form is lower case.
    ``phrases``: ``{lower-case phrase: form}`` (:func:`build_phrases`).
    """

    forms: dict[str, str]
    ambig: dict[str, dict]
    start: dict[str, list[int]]
    phrases: dict[str, str] = field(default_factory=dict)

    def starts_sentence(self, left: str) -> bool:
        """Whether the word after left key ``left`` is capitalised as a
        sentence start (per-token rate smoothed towards its class rate)."""
        cls = _end_class(left)
        cs, cn = self.start.get("class:" + cls, (0, 0))
        prior = (cs + 0.5) / (cn + 1.0)
        s, n = self.start.get(left, (0, 0))
        return (s + 2.0 * prior) / (n + 2.0) > 0.5

    def form(self, low: str, left: str, right: str) -> str | None:
        """The chosen written form of lower-case ``low`` between ``left`` (a
        left key) and ``right`` (the next word, lower case); None if unseen."""
        amb = self.ambig.get(low)
        if amb is None:
            return self.forms.get(low)
        n = amb["n"]
        tot = float(sum(n))
        prior = [c / tot for c in n]
        best, best_score = 0, -math.inf
        lc = amb["L"].get(left)
        rc = amb["R"].get(right)
        ln = sum(lc) if lc else 0
        rn = sum(rc) if rc else 0
        for i, p in enumerate(prior):
            score = math.log(p)
            if lc:
                score += math.log((lc[i] + _K * p) / (ln + _K) / p)
            if rc:
                score += math.log((rc[i] + _K * p) / (rn + _K) / p)
            if score > best_score:
                best, best_score = i, score
        return amb["f"][best]


@lru_cache(maxsize=1)
def case_model() -> CaseModel:
    """The truecaser built from the train split (``data/case_table.json``)."""
    text = resources.files("pipeline.nlp").joinpath("data/case_table.json").read_text("utf-8")
    doc = json.loads(text)
    forms = {w: w for w in doc["lower"]}
    forms.update(doc["forms"])
    return CaseModel(
        forms=forms,
        ambig=doc["ambig"],
        start={k: list(v) for k, v in doc["start"].items()},
        phrases=doc.get("phrases", {}),
    )


def case_table() -> dict[str, str]:
    """``{lower-case word: most frequent written form}`` from the train split."""
    return case_model().forms


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


#: A three-letter capitals form that reads as a syllable (SAR, ANG, ING,
#: HUN) may be a name; PM, WTO, DCM may not.
_SYLLABLE = re.compile(r"^[B-DF-HJ-NP-TV-Z]?[AEIOU][B-DF-HJ-NP-TV-Z]{1,2}$")


def _name_follows(model: CaseModel, cores: Sequence[str], i: int) -> bool:
    """Whether the next token is a word the table never saw (a name)."""
    if i + 1 >= len(cores):
        return False
    nxt = cores[i + 1]
    return nxt.isalpha() and len(nxt) > 2 and nxt.lower() not in model.forms


def _unseen(word: str) -> str:
    low = word.lower()
    if 2 <= len(low) <= 5 and not any(c in "aeiouy" for c in low):
        return low.upper()  # "PRG", "NDS": no vowel, an acronym, not a name
    if low.startswith("mc") and len(low) > 3:
        return "Mc" + low[2:3].upper() + low[3:]
    return low[:1].upper() + low[1:]


_MAX_PHRASE = 4
_MINOR = frozenset("a an and at by de del des di du for in la le of on or the to und van von with".split())


def _defined_here(toks: Sequence[re.Match[str]], cores: Sequence[str]) -> tuple[set[str], set[int]]:
    """Short forms defined in the text (``... (RGC)``) and the indexes of the
    tokens of their long forms to capitalise.

    A long form is matched right to left: each letter of the short form must
    be the initial of the next word leftwards; minor words (``of``, ``and``,
    ``the``) may be skipped or matched and keep their own case.  Only when
    every letter is matched are the long form's words capitalised ("SAFETY
    OF LIFE AT SEA (SOLAS)" -> "Safety of Life at Sea")."""
    shorts: set[str] = set()
    caps: set[int] = set()
    for i, tok in enumerate(toks):
        if not _DEFINED.match(tok.group()):
            continue
        shorts.add(cores[i].upper())
        letters = [c.lower() for c in cores[i] if c.isalpha()]
        chosen = _long_form(cores, i, letters)
        if chosen is None and letters[-1] == "s":  # plural short form "(NGOS)"
            chosen = _long_form(cores, i, letters[:-1])
        caps.update(chosen or ())
    return shorts, caps


def _long_form(cores: Sequence[str], i: int, letters: list[str]) -> list[int] | None:
    j, k, chosen = i - 1, len(letters) - 1, []
    while k >= 0 and j >= 0 and i - j <= 2 * len(letters) + 2:
        word = cores[j].lower()
        if word[:1] == letters[k]:
            if word not in _MINOR:
                chosen.append(j)
            k -= 1
        elif word not in _MINOR:
            return None
        j -= 1
    return chosen if k < 0 else None


def _capitalise(form: str) -> str:
    for i, ch in enumerate(form):
        if ch.isalpha():
            return form if ch.isupper() else form[:i] + ch.upper() + form[i + 1 :]
    return form


def restore_case(text: str) -> str:
    """Return ``text`` in restored case if it is all caps, else unchanged.

    The result always has ``len(text)`` characters and the same characters
    up to case.
    """
    if not is_all_caps(text):
        return text
    model = case_model()
    keep = _keep_upper()
    out = list(text)
    frozen = [m.span() for m in _written_ref().finditer(text)]
    toks = list(_TOKEN.finditer(text))
    cores = [_core(t.group()) for t in toks]
    shorts, long_words = _defined_here(toks, cores) if "(" in text else (set(), set())
    fixed = _phrase_forms(model, toks, cores) if model.phrases else {}
    for i, tok in enumerate(toks):
        t = tok.group()
        core = cores[i]
        if not core or (frozen and any(a <= tok.start() < b for a, b in frozen)):
            continue
        if core in keep or core in shorts or any(c.isdigit() for c in t) or "XXXX" in t or _DEFINED.match(t):
            continue
        if any(c.islower() for c in core):
            continue
        left = _left_key(toks[i - 1].group() if i else None)
        right = cores[i + 1].lower() if i + 1 < len(toks) else "</s>"
        start = i in long_words or model.starts_sentence(left)
        cstart = tok.start() + t.index(core)
        low = core.lower()
        form = fixed.get(i) or model.form(low, left, right)
        if form is not None and _SYLLABLE.match(form) and _name_follows(model, cores, i):
            form = form[:1] + form[1:].lower()  # "SAR KHENG": a name, not the acronym SAR
        if form is not None and len(form) == len(core) and form.upper() == core.upper():
            new = _capitalise(form) if start else form
        else:  # unseen as a whole: word by word ("PRO-U.S.", "O'BRIEN")
            chars = list(low)
            first = True
            for w in _WORD.finditer(core):
                word = w.group()
                f = model.form(word.lower(), left if first else "-", right) or _unseen(word)
                if first and start:
                    f = _capitalise(f)
                first = False
                if len(f) == len(word) and f.upper() == word.upper():
                    chars[w.start() : w.end()] = f
                else:
                    chars[w.start() : w.end()] = word
            new = "".join(chars)
        if len(new) == len(core) and new.upper() == core.upper():
            out[cstart : cstart + len(core)] = new
    return "".join(out)


def _phrase_forms(model: CaseModel, toks: Sequence[re.Match[str]], cores: Sequence[str]) -> dict[int, str]:
    """``{token index: form}`` for the tokens of a phrase of the table
    (longest match first, left to right)."""
    fixed: dict[int, str] = {}
    lows = [c.lower() for c in cores]
    # a token with punctuation after its word ends any phrase it is in
    open_ = [bool(c) and toks[j].group().lstrip(_OPENERS) == c for j, c in enumerate(cores)]
    i, n = 0, len(toks)
    while i < n:
        if not open_[i]:
            i += 1
            continue
        for size in range(min(_MAX_PHRASE, n - i), 1, -1):
            if not all(open_[i : i + size - 1]):
                continue
            form = model.phrases.get(" ".join(lows[i : i + size]))
            if form:
                for j, f in enumerate(form.split(" ")):
                    fixed[i + j] = f
                i += size - 1
                break
        i += 1
    return fixed


def _phrase_keys(toks: Sequence[str], cores: Sequence[str], i: int):
    for size in range(2, _MAX_PHRASE + 1):
        if i + size > len(toks):
            return
        if any(cores[j] != toks[j].lstrip(_OPENERS) or not cores[j] for j in range(i, i + size - 1)):
            return
        if not cores[i + size - 1] or any(any(c.isdigit() for c in cores[j]) for j in range(i, i + size)):
            return
        yield size


def build_phrases(paras: Sequence[str], forms: dict[str, str], min_count: int = 3) -> dict[str, str]:
    """Phrases of 2-4 words written mostly in one form that the word model
    would not give (``Merchant Marine``, ``Ministry of Public Works``):
    ``{lower-case phrase: form}``, seen >= ``min_count`` times in that form
    and in more than half of the phrase's mid-sentence uses."""
    cand: dict[str, Counter] = defaultdict(Counter)
    for text in paras:
        toks = _TOKEN.findall(text)
        cores = [_core(t) for t in toks]
        for i in range(1, len(toks)):
            prev = toks[i - 1]
            if _ENDS.search(prev.rstrip(_CLOSERS)) or not any(c.isalnum() for c in prev):
                continue
            for size in _phrase_keys(toks, cores, i):
                ws = cores[i : i + size]
                if ws[0].lower() in _MINOR or ws[-1].lower() in _MINOR:
                    continue
                if all(forms.get(w.lower()) == w for w in ws):
                    continue  # the word model already writes it so
                cand[" ".join(w.lower() for w in ws)][" ".join(ws)] += 1
    cand = {k: c for k, c in cand.items() if c.most_common(1)[0][1] >= min_count}
    totals: Counter = Counter()
    for text in paras:
        toks = _TOKEN.findall(text)
        cores = [_core(t) for t in toks]
        for i in range(1, len(toks)):
            prev = toks[i - 1]
            if _ENDS.search(prev.rstrip(_CLOSERS)) or not any(c.isalnum() for c in prev):
                continue
            for size in _phrase_keys(toks, cores, i):
                key = " ".join(c.lower() for c in cores[i : i + size])
                if key in cand:
                    totals[key] += 1
    out = {}
    for key, c in cand.items():
        form, n = c.most_common(1)[0]
        if n > 0.5 * totals[key]:
            out[key] = form
    return dict(sorted(out.items()))


def _clearly_lower(counts: Counter) -> bool:
    form, c = counts.most_common(1)[0]
    return form.islower() and c >= 0.9 * sum(counts.values())


def build_model(paragraphs: Iterable[str], min_count: int = 2) -> dict:
    """Count written forms in mixed-case ``paragraphs`` (ALL-CAPS ones are
    skipped) and return the JSON document of :func:`case_model`.

    Word forms and their contexts are counted in mid-sentence position only
    (after a token that does not end in ``.!?:``); sentence starts are
    counted per preceding token over words that are clearly lower case
    (>= 90% of their mid-sentence uses)."""
    paras = [p for p in paragraphs if not is_all_caps(p) and any(c.islower() for c in p)]
    uni: dict[str, Counter] = defaultdict(Counter)
    ctx_l: dict[str, dict[str, Counter]] = defaultdict(lambda: defaultdict(Counter))
    ctx_r: dict[str, dict[str, Counter]] = defaultdict(lambda: defaultdict(Counter))
    for text in paras:
        toks = _TOKEN.findall(text)
        cores = [_core(t) for t in toks]
        for i, (tok, core) in enumerate(zip(toks, cores)):
            if not core or any(c.isdigit() for c in core):
                continue
            prev = toks[i - 1] if i else None
            if prev is None or _ENDS.search(prev.rstrip(_CLOSERS)) or not any(c.isalnum() for c in prev):
                continue
            low = core.lower()
            uni[low][core] += 1
            ctx_l[low][_left_key(prev)][core] += 1
            ctx_r[low][cores[i + 1].lower() if i + 1 < len(toks) else "</s>"][core] += 1
            words = _WORD.findall(core)
            if len(words) > 1 or (words and words[0] != core):
                for w in words:
                    uni[w.lower()][w] += 1
    forms: dict[str, str] = {}
    ambig: dict[str, dict] = {}
    for low, c in uni.items():
        total = sum(c.values())
        if total < min_count:
            continue
        forms[low] = c.most_common(1)[0][0]
        kept = [(f, n) for f, n in c.most_common(4) if n >= min_count and n >= _MIN_SHARE * total]
        if len(kept) < 2:
            continue
        fs = [f for f, _ in kept]
        entry = {"f": fs, "n": [n for _, n in kept], "L": {}, "R": {}}
        for side, table in (("L", ctx_l), ("R", ctx_r)):
            for key, cc in table[low].items():
                vec = [cc[f] for f in fs]
                # Only contexts seen often enough to say something, and whose
                # majority differs from the word's (others change nothing).
                if sum(vec) >= min_count and max(range(len(fs)), key=vec.__getitem__) != 0:
                    entry[side][key] = vec
                elif sum(vec) >= 5 and vec[0] < 0.9 * sum(vec):
                    entry[side][key] = vec
        ambig[low] = entry
    lower_words = {low for low, c in uni.items() if _clearly_lower(c)}
    start: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for text in paras:
        toks = _TOKEN.findall(text)
        for i, tok in enumerate(toks):
            core = _core(tok)
            if not core or not core[0].isalpha() or core.lower() not in lower_words:
                continue
            left = _left_key(toks[i - 1] if i else None)
            cap = core[0].isupper()
            for key in (left, "class:" + _end_class(left)):
                start[key][0] += cap
                start[key][1] += 1
    classes = {k: v for k, v in start.items() if k.startswith("class:")}
    probe = CaseModel(forms={}, ambig={}, start=classes)
    # A token is kept only where its own rate overturns its class's decision.
    start_kept = dict(classes)
    for k, v in start.items():
        if not k.startswith("class:") and v[1] >= 3:
            if CaseModel({}, {}, {**classes, k: v}).starts_sentence(k) != probe.starts_sentence(k):
                start_kept[k] = v
    phrases = build_phrases(paras, forms)
    return {
        "about": "Truecaser learned from the mixed-case paragraphs of the cablegate corpus "
        "train split only (pipeline.nlp.casing). Built by `python -m pipeline.nlp.casing build`.",
        "lower": sorted(k for k, v in forms.items() if v == k),
        "forms": {k: v for k, v in sorted(forms.items()) if v != k},
        "ambig": dict(sorted(ambig.items())),
        "start": dict(sorted(start_kept.items())),
        "phrases": phrases,
    }


def train_paragraphs() -> Iterable[str]:
    """Paragraph texts of the corpus train split (needs the shared corpus)."""
    from pipeline.nlp.bench_case import corpus_cables

    for cable in corpus_cables("train"):
        for p in cable.paragraphs:
            yield p.text


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m pipeline.nlp.casing build``: rebuild ``data/case_table.json``."""
    argv = sys.argv[1:] if argv is None else list(argv)
    if argv[:1] != ["build"]:
        print("usage: python -m pipeline.nlp.casing build", file=sys.stderr)
        return 2
    doc = build_model(train_paragraphs())
    path = resources.files("pipeline.nlp").joinpath("data/case_table.json")
    with open(str(path), "w", encoding="utf-8") as fh:
        json.dump(doc, fh, ensure_ascii=False, separators=(",", ":"))
    print(f"{len(doc['lower']) + len(doc['forms'])} words, {len(doc['ambig'])} with context -> {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
