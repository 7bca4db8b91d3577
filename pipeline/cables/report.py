"""Corpus report: parse every cable of JSONL shards and measure the parser.

Shapes
------
``iter_records([Path, ...]) -> Iterator[dict]``: one source record at a time
from ``*.jsonl`` files or folders of them (never the whole corpus in memory).
``check_record(rec) -> CableCheck``: one cable parsed (from ``rec["raw"]``
alone, no file name, so nothing comes from the record's id) and compared
with the record's own metadata (``id``, ``date``, ``classification``,
``origin``).  ``CorpusReport.add(check)`` accumulates; ``.summary()`` is the
JSON form, ``.table()`` the printed one.  ``run_report(paths, limit)`` does
all three.  A record without ``raw`` or that fails to parse counts as an
error with its :class:`CableError` reason; nothing is raised for a bad cable.

Agreement
---------
Every disagreement with the metadata is listed by id, field and reason, and
sorted into explained (:mod:`pipeline.cables.agreement`: the field is absent
from the text and stays null by design, or a documented source error) and
unexplained.  The table prints the raw agreement and the agreement with the
explained disagreements left out of the count, then every unexplained one.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Iterator

from pipeline.cables.agreement import ABSENT, FIELDS, SOURCE_ERROR, META_LEVEL, compare, explain, origin_key, origins_agree
from pipeline.cables.body import HEADER_BLOCK
from pipeline.cables.body_starts import valid_marking
from pipeline.cables.errors import CableError
from pipeline.cables.glued import SIPDIS_IN
from pipeline.cables.header import parse_header
from pipeline.cables.markings import parse_marking
from pipeline.cables.parse import parse_cable
from pipeline.cables.read import read_cable_bytes
from pipeline.cables.source_errors import GARBLED_TEXT

#: A paragraph marking in raw text: at a line start, after an optional
#: paragraph number or lead (``¶3.``, ``3.``, ``3.A.``, ``7``, ``A.``,
#: ``B,``, ``--``).
RAW_MARKING = re.compile(
    r"^[ \t]*(?:¶[ ]*)?(?:\d{1,3}(?:\.[A-Za-z0-9]{1,2})*[ ]*[.),]?|[A-Z][.),]|-{1,3})?[ \t]*"
    r"\((?P<m>[A-Za-z][A-Za-z/ ,\-]{0,120})\)", re.M)
#: Spans the body parser left out on purpose, named in the cable's warnings
#: (the WikiLeaks header box with its preview, a database-dump copy).
_LEFT_OUT = re.compile(r"^left out .* \(characters (\d+)-(\d+)\)$")
# Not a paragraph marking although shaped like one (counted apart): a legal
# citation ("212(a)(2)(C)(2)" wrapped to "2(C)(2)", 09MEXICO944), a
# classification reason ("1.4(C).", 09STATE132349), an abbreviation ending a
# sentence ("... Sensitive But Unclassified\n (SBU).", 10SANAA295).
#: A raw marking that opens the ``Classified By`` line (``(U) Classified by
#: Ambassador W.R. Pearson``, 02ANKARA8852): header matter, no paragraph.
_CLASSIFIED_BY_AFTER = re.compile(r"[ \t]*classified[ ]+by\b", re.I)
#: The ruler under the WikiLeaks header box (09LIMA1053); the body parser
#: drops what is above it (:mod:`pipeline.cables.body`).
_HEADER_ENDS = re.compile(r"^[ \t]*-+[ ]*header ends[ ]*-+[ \t]*$", re.M)
#: Left-overs that must not stay in paragraph text.  ``header_line`` wants
#: the colon of a header's E.O. line: "designated under E.O. 13224" is text
#: (05MUMBAI1682); ``sipdis`` spares "Please include SIPDIS in all replies"
#: (08STATE18255), which is what the cable says.
LEFTOVER = {
    "page_break": re.compile(r"\b[A-Z][A-Z .]*[ ]0*\d{1,8}[ ]+\d{3}(?:\.\d)?[ ]+OF[ ]+\d{3}\b"),
    "sipdis": SIPDIS_IN,
    # field labels in capitals (or "Classified By:"): "on this subject: 1)" is prose (09YEREVAN20)
    "header_line": re.compile(r"(?:^|\s)(?:(?i:E\.O\.[ ]?\d{5}[ ]*:)|TAGS:|SUBJECT:|(?i:CLASSIFIED BY:)|DECL:)"),
    # not a run between lower-case words: a withheld name ("arrest of
    # --------------- by the", 05VILNIUS732)
    "dash_rule": re.compile(r"(?<![a-z,] )(?<!-)-{5,}|(?<=[a-z,] )-{5,}+(?! [a-z])"),
    "marking": re.compile(r"(?:^|(?<=\s))\((?:U|SBU|C|S|TS|U//FOUO|SBU//NF|[CS]//?NF|[CS]/REL[A-Z ,]*)\)(?=\s+[\"A-Z])"),
}
#: Another field's keyword inside a parsed SUBJECT, REF or TAGS field (a field
#: glued to the next one: ``SUBSIDIES REF: BRASILIA 2939 Classified By:``,
#: 04BRASILIA3106): the paragraphs' ``header_line`` check, and ``REF:``.
HEADER_LEFTOVER = re.compile(LEFTOVER["header_line"].pattern + r"|(?<![A-Za-z])REF(?:S|TELS?)?:")
#: A marking right after a sub-item lead inside a paragraph (``¶A. (S/NF)``,
#: ``-- (C)``, ``5) (C/NF)``).  Marked sub-items are paragraphs of their own
#: (:func:`pipeline.cables.body_starts.sub_starts`), so one left in a
#: paragraph's text is a left-over like any other; this only breaks the
#: left-over count down.
SUB_ITEM_LEAD = re.compile(r"(?:(?:^|\s)(?:¶?[ ]?[A-Za-z]|[ivxIVX]{1,4}|\d{1,2})[.)]|\(\w{1,3}\)|-{1,3}|\*|o)[ ]*$")


def iter_records(paths: Iterable[Path | str]) -> Iterator[dict]:
    """Source records, one at a time, from JSONL files or folders of them
    (``cables-*.jsonl`` first, else any ``*.jsonl``, sorted).  Raises
    ``FileNotFoundError`` for a path that does not exist."""
    for p in map(Path, paths):
        if p.is_dir():
            files = sorted(p.glob("cables-*.jsonl")) or sorted(p.glob("*.jsonl"))
        elif p.exists():
            files = [p]
        else:
            raise FileNotFoundError(f"{p}: no such file or folder")
        for f in files:
            with f.open(encoding="utf-8") as fh:
                for line in fh:
                    if line.strip():
                        yield json.loads(line)


__all__ = ["FIELDS", "META_LEVEL", "CorpusReport", "check_record", "iter_records", "origin_key",
           "origins_agree", "run_report"]


@dataclass
class CableCheck:
    """One cable's results: ``disagree`` maps a field to ``(reason, ours,
    source)``; ``counts`` the paragraph figures; ``examples`` a few
    ``(kind, excerpt)`` pairs; ``explained`` maps a disagreeing field to
    ``(kind, detail)`` where :func:`pipeline.cables.agreement.explain` has one."""

    cable_id: str
    error: str | None = None
    disagree: dict[str, tuple[str, object, object]] = field(default_factory=dict)
    explained: dict[str, tuple[str, str]] = field(default_factory=dict)
    counts: Counter = field(default_factory=Counter)
    examples: list[tuple[str, str]] = field(default_factory=list)


def _paragraph_counts(check: CableCheck, text: str, cable, body_start: int) -> None:
    c = check.counts
    paras = cable.paragraphs
    c["paragraphs"] += len(paras)
    c["paragraphs_marked"] += sum(1 for p in paras if p.marking)
    c["empty_paragraphs"] += sum(1 for p in paras if not p.text.strip())
    starts = [(p.start, p.end, p.marking) for p in paras]
    headings = " | ".join(p.heading for p in paras if p.heading)
    # the WikiLeaks header box above a "header ends" ruler is header matter,
    # with its one-line preview of paragraph 1 ("¶1.  (U) Visit..", 06LIMA2017)
    box = [r.end() for r in _HEADER_ENDS.finditer(text, body_start)]
    header_end = max([body_start] + box)
    left_out = [tuple(map(int, w.groups())) for w in map(_LEFT_OUT.match, cable.warnings) if w]
    first = paras[0].start if paras else len(text)
    for m in RAW_MARKING.finditer(text):
        if parse_marking(m.group("m"))[0] is None:
            continue
        lead = m.group(0)[:m.start("m") - 1 - m.start()].strip()
        if text.startswith("(", m.end()) or lead in ("1.4", "1.5") \
                or (not lead and re.match(r"\.[ \t]*(?:\n|$)", text[m.end():m.end() + 40])):
            c["raw_markings_not_marking"] += 1
            continue
        if any(a <= m.start("m") < b for a, b in left_out):
            c["raw_markings_left_out"] += 1
            continue
        if m.start() < first and HEADER_BLOCK.match(text[m.start():m.start() + 200]):
            # a caveat line over the first paragraph, "(U) SENSITIVE BUT
            # UNCLASSIFIED--NOT FOR INTERNET DISTRIBUTION." (10COPENHAGEN69)
            c["raw_markings_header"] += 1
            continue
        # not paragraph markings, counted apart: the header's (REF items "(C)
        # BEIJING 18406", reason letters "(c)", "(U) Classified by"), and a
        # marked heading's ("(C) GOAL ACCOMPLISHMENT" over a dash rule, 05SANJOSE2882)
        if m.start() < header_end or _CLASSIFIED_BY_AFTER.match(text, m.end()):
            c["raw_markings_header"] += 1
            continue
        line = text[m.start("m") - 1:text.find("\n", m.end()) % (len(text) + 1)].strip()
        if line and line in headings:
            c["raw_markings_heading"] += 1
            continue
        if valid_marking(text[m.start("m") - 1:]) is None or (
                m.group("m") in ("C", "S") and m.group(0).lstrip().startswith("(")
                and re.search(r"(?m)^[ \t]*\([AB]\)", text[max(0, m.start() - 1500):m.start()])):
            # "(c)" in lower case, a bare "(C)" under "(A)" and "(B)" lines: list enumerators
            c["raw_markings_enumerator"] += 1
            continue
        c["raw_markings"] += 1
        pos = m.start("m")
        if not any(s <= pos < min(e, s + len(m.group(0)) + 2) and mk for s, e, mk in starts):
            c["raw_markings_missed"] += 1
            if len(check.examples) < 5:
                check.examples.append(("marking_missed", text[m.start():m.start() + 80].strip()))
    if check.cable_id in GARBLED_TEXT:
        # text damaged letter by letter: its left-overs are counted apart
        c["garbled_cables"] += 1
        paras = []
    for p in paras:
        for kind, pat in LEFTOVER.items():
            hit = pat.search(p.text)
            if kind == "marking":
                # "(A) Wait. (B) Act now. (C) Do both.": the "(C)" enumerates
                hits = [h for h in pat.finditer(p.text) if not (
                    h.group(0) in ("(C)", "(S)") and re.search(r"\(B\)", p.text[:h.start()]))]
                hit = hits[0] if hits else None
                sub = [h for h in hits if SUB_ITEM_LEAD.search(p.text[max(0, h.start() - 12):h.start()])]
                c["text_sub_item_marking"] += bool(sub)
            if hit:
                c[f"text_{kind}"] += 1
                if len(check.examples) < 8:
                    check.examples.append((f"text_{kind}", p.text[max(0, hit.start() - 30):hit.end() + 30]))
    h = cable.header
    c["no_body"] += not paras
    c["no_subject"] += not h.subject
    c["no_tags"] += not h.tags
    c["no_eo"] += h.eo is None
    c["no_date"] += not h.date
    fields = [h.subject or "", " ".join(r.text for r in h.references), " ".join(h.tags)]
    leftover = next((f for f in fields if HEADER_LEFTOVER.search(f) or LEFTOVER["page_break"].search(f)), None)
    if leftover is not None:
        c["header_leftover"] += 1
        if len(check.examples) < 8:
            check.examples.append(("header_leftover", leftover[:80]))


def check_record(rec: dict) -> CableCheck:
    """Parse one source record and compare it with its metadata."""
    check = CableCheck(cable_id=str(rec.get("id")))
    raw = rec.get("raw")
    if not raw:
        check.error = "no raw text in record"
        return check
    try:
        text = read_cable_bytes(raw.encode("utf-8"), None)
        cable = parse_cable(text)
    except CableError as err:
        check.error = err.reason
        return check
    check.disagree = compare(cable.header, rec)
    for f, (_, ours, _) in check.disagree.items():
        why = explain(rec, text, f, ours)
        if why:
            check.explained[f] = why
    if "cable_id" in check.disagree:
        # as in a drop, where the file is named by its id: the name gives the
        # year only when the text's station and serial agree with it
        named = parse_header(text, f"{rec.get('id')}.txt").header.cable_id
        check.counts["cable_id_named_agree"] += named == rec.get("id")
    else:
        check.counts["cable_id_named_agree"] += 1
    _paragraph_counts(check, text, cable, parse_header(text).body_start)
    return check


@dataclass
class CorpusReport:
    """Accumulated figures; ``disagreements`` lists every disagreement."""

    cables: int = 0
    errors: list[tuple[str, str]] = field(default_factory=list)
    agree: Counter = field(default_factory=Counter)
    counts: Counter = field(default_factory=Counter)
    disagreements: list[dict] = field(default_factory=list)
    examples: dict[str, list[str]] = field(default_factory=dict)

    def add(self, check: CableCheck) -> None:
        self.cables += 1
        if check.error:
            self.errors.append((check.cable_id, check.error))
            return
        for f in FIELDS:
            if f in check.disagree:
                reason, ours, src = check.disagree[f]
                kind, detail = check.explained.get(f, (None, None))
                self.disagreements.append({"id": check.cable_id, "field": f, "reason": reason,
                                           "ours": ours, "source": src, "explained": kind, "why": detail})
            else:
                self.agree[f] += 1
        self.counts.update(check.counts)
        for kind, ex in check.examples:
            lst = self.examples.setdefault(kind, [])
            if len(lst) < 10:
                lst.append(f"{check.cable_id}: {ex}")

    def summary(self) -> dict:
        """JSON-ready figures, every disagreement included."""
        n = self.cables or 1
        reasons: dict[str, Counter] = {f: Counter() for f in FIELDS}
        kinds: dict[str, Counter] = {f: Counter() for f in FIELDS}
        for d in self.disagreements:
            reasons[d["field"]][d["reason"]] += 1
            kinds[d["field"]][d["explained"] or "unexplained"] += 1
        agreement = {}
        for f in FIELDS:
            explained = kinds[f][ABSENT] + kinds[f][SOURCE_ERROR]
            base = self.cables - len(self.errors) - explained
            agreement[f] = {"agree": self.agree[f], "rate": round(self.agree[f] / n, 5),
                            "disagree_by_reason": dict(reasons[f]),
                            "absent_from_text": kinds[f][ABSENT], "source_errors": kinds[f][SOURCE_ERROR],
                            "unexplained": kinds[f]["unexplained"],
                            "rate_explained_excluded": round(self.agree[f] / base, 5) if base > 0 else None}
        return {
            "cables": self.cables,
            "errors": [{"id": i, "reason": r} for i, r in self.errors],
            "agreement": agreement,
            "unexplained_disagreements": [d for d in self.disagreements if not d["explained"]],
            "cable_id_with_file_name": {"agree": self.counts["cable_id_named_agree"],
                                        "rate": round(self.counts["cable_id_named_agree"] / n, 5)},
            "paragraphs": {k: self.counts[k] for k in (
                "paragraphs", "paragraphs_marked", "raw_markings", "raw_markings_missed", "raw_markings_header",
                "raw_markings_heading", "raw_markings_enumerator", "raw_markings_left_out",
                "raw_markings_not_marking", "empty_paragraphs")},
            "leftovers_in_text": {k: self.counts[f"text_{k}"] for k in LEFTOVER},
            "sub_item_markings_in_text": self.counts["text_sub_item_marking"],
            "garbled_cables_left_out_of_leftovers": sorted(GARBLED_TEXT),
            "cables_without": {k: self.counts[f"no_{k}"] for k in ("body", "subject", "tags", "eo", "date")},
            "header_fields_with_leftovers": self.counts["header_leftover"],
            "disagreements": self.disagreements,
            "examples": self.examples,
        }

    def table(self, show: int = 10) -> str:
        """The printed report: figures, then up to ``show`` examples per kind."""
        s = self.summary()
        n = self.cables or 1
        out = [f"cables                                {self.cables}",
               f"parse errors                          {len(self.errors)}"]
        for f in FIELDS:
            a = s["agreement"][f]
            why = ", ".join(f"{k} {v}" for k, v in a["disagree_by_reason"].items())
            out.append(f"{f + ' agrees with metadata':<38}{a['agree']:>6}  {100 * a['agree'] / n:6.2f}%  {why}")
        out.append("agreement with explained disagreements left out "
                   "(absent from text: null by design / documented source error / unexplained):")
        for f in FIELDS:
            a = s["agreement"][f]
            rate = "  n/a" if a["rate_explained_excluded"] is None else f"{100 * a['rate_explained_excluded']:6.2f}%"
            out.append(f"{'  ' + f:<38}{a['agree']:>6}  {rate}  absent {a['absent_from_text']}, "
                       f"source errors {a['source_errors']}, unexplained {a['unexplained']}")
        a = s["cable_id_with_file_name"]
        out.append(f"{'  ... named <id>.txt as in a drop':<38}{a['agree']:>6}  {100 * a['rate']:6.2f}%")
        p = s["paragraphs"]
        out += [f"paragraphs                            {p['paragraphs']:>6}",
                f"  with a marking                      {p['paragraphs_marked']:>6}  "
                f"{100 * p['paragraphs_marked'] / max(1, p['paragraphs']):6.2f}%",
                f"raw paragraph markings                {p['raw_markings']:>6}",
                f"  not a paragraph's marking           {p['raw_markings_missed']:>6}",
                f"  (apart: in the header               {p['raw_markings_header']:>6})",
                f"  (apart: on a heading                {p['raw_markings_heading']:>6})",
                f"  (apart: list enumerators (A)(B)(C)  {p['raw_markings_enumerator']:>6})",
                f"  (apart: in a left-out box or copy   {p['raw_markings_left_out']:>6})",
                f"  (apart: citation, reason, sentence  {p['raw_markings_not_marking']:>6})",
                f"empty paragraphs                      {p['empty_paragraphs']:>6}"]
        for k, v in s["leftovers_in_text"].items():
            out.append(f"{'paragraphs with ' + k.replace('_', ' '):<38}{v:>6}")
        out.append(f"{'  (of which after a sub-item lead)':<38}{s['sub_item_markings_in_text']:>6}")
        out.append(f"{'  (apart: garbled source text)':<38}{len(GARBLED_TEXT):>6}  {', '.join(sorted(GARBLED_TEXT))}")
        for k, v in s["cables_without"].items():
            out.append(f"{'cables with no ' + {'eo': 'E.O.'}.get(k, k):<38}{v:>6}")
        out.append(f"{'cables whose SUBJECT/REF/TAGS hold':<38}")
        out.append(f"{'  another field or a page break':<38}{s['header_fields_with_leftovers']:>6}")
        # every unexplained disagreement, whatever ``show`` says
        for d in s["unexplained_disagreements"]:
            out.append(f"  [unexplained {d['field']}] {d['id']}: {d['reason']} "
                       f"(ours {d['ours']!r}, source {d['source']!r})")
        if show:
            for f in FIELDS:
                rows = [d for d in self.disagreements if d["field"] == f and d["explained"]][:show]
                for d in rows:
                    out.append(f"  [{f}] {d['id']}: {d['reason']} (ours {d['ours']!r}, source {d['source']!r}); "
                               f"{d['explained']}: {d['why']}")
            for kind, lst in self.examples.items():
                for ex in lst[:show]:
                    out.append(f"  [{kind}] {ex[:160]}")
            for i, r in self.errors[:show]:
                out.append(f"  [error] {i}: {r}")
        return "\n".join(out)


def run_report(paths: Iterable[Path | str], limit: int | None = None) -> CorpusReport:
    """Stream the records of ``paths`` through :func:`check_record`."""
    report = CorpusReport()
    for k, rec in enumerate(iter_records(paths)):
        if limit is not None and k >= limit:
            break
        report.add(check_record(rec))
    return report
