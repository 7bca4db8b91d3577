"""Precision and recall of the cable acronym tables against a hand-checked gold file.

``python -m pipeline.nlp.acronym_eval [--gold corpora/acronyms/sample100_gold.jsonl]
[--cables corpora/acronyms/sample100_cables.txt] [--drop corpora/drops/sample]`` parses every cable named in the gold file
from the drop, builds its acronym table exactly as the flow does
(:func:`pipeline.nlp.acronyms.cable_acronyms` over the case-restored
paragraph texts) and prints precision and recall, strict and lenient.

Gold file: one JSON object per candidate, ``{"cable_id", "para", "short",
"long"}`` with ``long`` null when the parenthesised capitals are not a
definition (a marking ``(SBU)``, a party label ``Yasuoka (LDP)``, ``(LNU)``).
A cable's gold table is the first definition of each short form in reading
order (the same rule as the system's).  How the file was made is in
``corpora/acronyms/README.md``.

Matching: the short form must be equal; long forms are compared after
:func:`normalise` (case, quotes and commas, a leading "the", a trailing
possessive).  *Lenient* also accepts one long form being a word suffix of
the other ("Bureau of International Narcotics ..." vs "International
Narcotics ...").
"""

from __future__ import annotations

import argparse
import json
import logging
import re
from dataclasses import dataclass
from pathlib import Path

from pipeline.config import REPO_ROOT

log = logging.getLogger(__name__)

GOLD = REPO_ROOT / "corpora" / "acronyms" / "sample100_gold.jsonl"
#: The 100 cables the gold covers (those without any candidate included:
#: a definition found there is a false positive).
CABLES = REPO_ROOT / "corpora" / "acronyms" / "sample100_cables.txt"
DROP = REPO_ROOT / "corpora" / "drops" / "sample"


def normalise(long: str) -> str:
    """Comparable form of a long form: lower case, typographic quotes to
    ASCII, no commas/semicolons/double quotes, no leading "the", no trailing
    possessive, single spaces."""
    s = long.lower().replace("\u2019", "'").replace("\u2018", "'")
    s = re.sub(r"[,;:\"\u201c\u201d]", " ", s)
    s = re.sub(r"^\s*the\s+", "", s)
    s = re.sub(r"'s?\s*$", "", s.strip())
    return " ".join(s.split())


def _suffix(a: str, b: str) -> bool:
    wa, wb = a.split(), b.split()
    short, long = (wa, wb) if len(wa) <= len(wb) else (wb, wa)
    return bool(short) and long[-len(short) :] == short


def load_gold(path: Path | str = GOLD, cables: Path | str | None = CABLES) -> dict[str, dict[str, str]]:
    """``{cable_id: {short: long}}``: first definition of each short form,
    with an empty table for each listed cable that has none."""
    gold: dict[str, dict[str, str]] = {}
    if cables is not None:
        for cid in Path(cables).read_text(encoding="utf-8").split():
            gold[cid] = {}
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            row = json.loads(line)
            table = gold.setdefault(row["cable_id"], {})
            if row["long"] and row["short"] not in table:
                table[row["short"]] = row["long"]
    return gold


def system_tables(cable_ids: list[str], drop: Path | str = DROP) -> dict[str, dict[str, str]]:
    """The acronym table of each cable as the annotate flow builds it."""
    from pipeline.cables.parse import parse_file
    from pipeline.nlp.acronyms import cable_acronyms
    from pipeline.nlp.casing import restore_case

    out = {}
    for cid in cable_ids:
        cable = parse_file(Path(drop) / f"{cid}.txt")
        out[cid] = cable_acronyms([restore_case(p.text) for p in cable.paragraphs])
    return out


@dataclass
class Scores:
    """Counts and ratios of one comparison (``matched`` pairs of
    ``predicted`` system pairs and ``gold`` gold pairs)."""

    matched: int
    predicted: int
    gold: int

    @property
    def precision(self) -> float:
        return self.matched / self.predicted if self.predicted else 0.0

    @property
    def recall(self) -> float:
        return self.matched / self.gold if self.gold else 0.0


def score(gold: dict[str, dict[str, str]], system: dict[str, dict[str, str]], lenient: bool = False) -> Scores:
    """Compare per-cable tables; see the module docstring for matching."""
    matched = predicted = total = 0
    for cid, g in gold.items():
        s = system.get(cid, {})
        predicted += len(s)
        total += len(g)
        for short, long in s.items():
            if short not in g:
                continue
            a, b = normalise(long), normalise(g[short])
            if a == b or (lenient and _suffix(a, b)):
                matched += 1
    return Scores(matched, predicted, total)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--gold", default=str(GOLD))
    ap.add_argument("--cables", default=str(CABLES), help="the cable ids the gold covers, one a line")
    ap.add_argument("--drop", default=str(DROP))
    ap.add_argument("--errors", action="store_true", help="list every disagreement")
    args = ap.parse_args(argv)
    gold = load_gold(args.gold, args.cables)
    system = system_tables(sorted(gold), args.drop)
    print(f"{len(gold)} cables, {sum(map(len, gold.values()))} gold definitions, "
          f"{sum(map(len, system.values()))} found")
    for name, flag in (("strict", False), ("lenient", True)):
        s = score(gold, system, lenient=flag)
        print(f"  {name:8s} precision {s.matched}/{s.predicted} = {s.precision:.1%}  "
              f"recall {s.matched}/{s.gold} = {s.recall:.1%}")
    if args.errors:
        for cid in sorted(gold):
            g, s = gold[cid], system[cid]
            for short in sorted(set(g) | set(s)):
                if normalise(g.get(short, "-")) != normalise(s.get(short, "-")):
                    print(f"  {cid} {short}: gold={g.get(short)!r} system={s.get(short)!r}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
