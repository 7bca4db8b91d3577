"""Label Studio tasks out, Label Studio exports back in.

Out: one task per paragraph of the annotated file (or only the reviewed
ones), ``data`` with the text and ids, ``predictions`` with the model's
labels (choices), holders (textarea) and entities (labels spans), and the
reviewed labels as one ``annotations`` entry, in the JSON that Label Studio
imports (https://labelstud.io/guide/tasks.html#Basic-Label-Studio-JSON-format).
:data:`LABELING_CONFIG` is the matching labeling interface.

In: a Label Studio JSON export (a list of tasks with ``annotations``); each
result of a completed annotation becomes one decision on the paragraph named
by ``data.paragraph_id`` (or ``data.cable_id`` + ``data.para``). A task whose
text hash differs from the annotated file's paragraph is skipped: the label
was given to other text.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pipeline.review import scoring
from pipeline.review.corpus import Corpus, text_hash
from pipeline.review.decisions import LEVELS, make_decision
from pipeline.review.reviewed import paragraph_index, para_of

CHOICES = ("commitment", "doubt", "sensitivity")
HOLDERS = ("commitment_holder", "doubt_holder")

#: Label Studio labeling config for the exported tasks.
LABELING_CONFIG = """<View>
  <Header value="$cable_id ¶$para"/>
  <Labels name="entities" toName="text">
    <Label value="PERSON"/><Label value="ORG"/><Label value="GPE"/><Label value="NORP"/>
    <Label value="DATE"/><Label value="CABLE_REF"/><Label value="TAG"/><Label value="POST"/>
  </Labels>
  <Text name="text" value="$text"/>
  <Choices name="commitment" toName="text" choice="single" showInLine="true">
    <Choice value="1" alias="1"/><Choice value="0" alias="0"/>
  </Choices>
  <TextArea name="commitment_holder" toName="text" maxSubmissions="1"/>
  <Choices name="doubt" toName="text" choice="single" showInLine="true">
    <Choice value="1"/><Choice value="0"/>
  </Choices>
  <TextArea name="doubt_holder" toName="text" maxSubmissions="1"/>
  <Choices name="sensitivity" toName="text" choice="single" showInLine="true">
    <Choice value="U"/><Choice value="SBU"/><Choice value="C"/><Choice value="S"/><Choice value="TS"/>
  </Choices>
</View>
"""


def _choice(name: str, value: Any) -> dict[str, Any]:
    return {"from_name": name, "to_name": "text", "type": "choices", "value": {"choices": [str(value)]}}


def _textarea(name: str, value: str) -> dict[str, Any]:
    return {"from_name": name, "to_name": "text", "type": "textarea", "value": {"text": [value]}}


def _label_results(row: dict[str, Any]) -> list[dict[str, Any]]:
    out = []
    for lab in CHOICES:
        if row.get(lab) is not None:
            out.append(_choice(lab, row[lab]))
    for lab in HOLDERS:
        if row.get(lab):
            out.append(_textarea(lab, row[lab]))
    return out


def prediction(rec: dict[str, Any], p: dict[str, Any], corpus: Corpus) -> dict[str, Any] | None:
    """The model's labels and entities of paragraph ``p`` as one Label Studio
    prediction; ``score`` is 1 minus the paragraph's review-queue uncertainty
    (so Label Studio's "sort by prediction score" puts the doubtful first)."""
    pred = p.get("predictions") or {}
    result = []
    for lab in ("commitment", "doubt"):
        if lab in pred and pred[lab].get("label") is not None:
            r = _choice(lab, int(bool(pred[lab]["label"])))
            if pred[lab].get("score") is not None:
                r["score"] = float(pred[lab]["score"])
            result.append(r)
    if (pred.get("sensitivity") or {}).get("label"):
        s = pred["sensitivity"]
        r = _choice("sensitivity", s["label"])
        r["score"] = float((s.get("scores") or {}).get(s["label"], 0.0))
        result.append(r)
    for i, e in enumerate(p.get("entities") or []):
        result.append({"id": f"e{i}", "from_name": "entities", "to_name": "text", "type": "labels",
                       "value": {"start": e["start"], "end": e["end"], "text": e["text"], "labels": [e["label"]]}})
    if not result:
        return None
    versions = sorted({v for v in (corpus.model_version(rec, t) for t in CHOICES) if v})
    return {"model_version": ",".join(versions) or "unknown", "score": round(1.0 - scoring.uncertainty(p), 4),
            "result": result}


def tasks(corpus: Corpus, rows: list[dict[str, Any]], only_reviewed: bool = True) -> list[dict[str, Any]]:
    """Label Studio tasks (see the module docstring). ``rows`` are the
    reviewed rows; with ``only_reviewed`` False every paragraph is a task."""
    by_key = {(r["cable_id"], r["para"]): r for r in rows}
    out = []
    for pid, (rec, p) in corpus.paragraphs.items():
        key = (rec["cable_id"], para_of(p))
        row = by_key.get(key)
        if row is None and only_reviewed:
            continue
        text = p.get("text") or ""
        task: dict[str, Any] = {
            "data": {"text": text, "cable_id": key[0], "para": key[1], "paragraph_id": pid,
                     "text_sha256": text_hash(text),
                     "subject": (rec.get("header") or {}).get("subject")},
            "predictions": [],
            "annotations": [],
        }
        pr = prediction(rec, p, corpus)
        if pr:
            task["predictions"].append(pr)
        if row is not None and _label_results(row):
            task["annotations"].append({"result": _label_results(row), "ground_truth": False})
        out.append(task)
    return out


def write_tasks(corpus: Corpus, rows: list[dict[str, Any]], dest: Path) -> Path:
    """Write :func:`tasks` as one JSON list (Label Studio's import format)."""
    Path(dest).write_text(json.dumps(tasks(corpus, rows), ensure_ascii=False, indent=1), encoding="utf-8")
    return Path(dest)


def _annotator(ann: dict[str, Any]) -> str:
    who = ann.get("completed_by")
    if isinstance(who, dict):
        who = who.get("email") or who.get("id")
    return f"labelstudio:{who}" if who not in (None, "") else "labelstudio"


def _value(result: dict[str, Any]) -> tuple[str, Any] | None:
    """``(label, value)`` of one Label Studio result, or None when it is not
    one of ours (entities, unknown names, empty choices)."""
    name, val = result.get("from_name"), result.get("value") or {}
    if name in CHOICES and result.get("type") == "choices" and val.get("choices"):
        c = str(val["choices"][0]).strip()
        if name == "sensitivity":
            return (name, c) if c in LEVELS else None
        low = c.lower()
        if low in ("1", "yes", "true"):
            return name, 1
        if low in ("0", "no", "false"):
            return name, 0
        return None
    if name in HOLDERS and result.get("type") == "textarea":
        texts = val.get("text") or []
        return name, (str(texts[0]) if texts else None)
    return None


def import_export(corpus: Corpus, exported: Any, reviewer: str | None = None,
                  current: dict[tuple[str, str, str], dict[str, Any]] | None = None) -> dict[str, Any]:
    """Decisions from a Label Studio export (the parsed JSON list).

    ``reviewer`` names every decision (default ``labelstudio:<annotator>``);
    ``current`` (latest decisions by (paragraph, label, reviewer)) lets an
    import of the same file again add nothing. Returns ``{"decisions": [...],
    "skipped": {reason: count}}``. Raises ``ValueError`` when ``exported`` is
    not a list of tasks."""
    if not isinstance(exported, list):
        raise ValueError("a Label Studio export is a JSON list of tasks")
    index = paragraph_index(corpus)
    current = current or {}
    out: list[dict[str, Any]] = []
    skipped: dict[str, int] = {}

    def skip(reason: str) -> None:
        skipped[reason] = skipped.get(reason, 0) + 1

    for task in exported:
        data = task.get("data") if isinstance(task, dict) else None
        if not isinstance(data, dict):
            skip("not a task")
            continue
        pid = data.get("paragraph_id")
        if pid not in corpus.paragraphs:
            pid = index.get((str(data.get("cable_id")), str(data.get("para"))))
        if pid is None:
            skip("paragraph not in the annotated file")
            continue
        if data.get("text_sha256") and data["text_sha256"] != corpus.paragraphs[pid][1]["text_sha256"]:
            skip("text changed")
            continue
        anns = [a for a in task.get("annotations") or [] if isinstance(a, dict) and not a.get("was_cancelled")]
        anns.sort(key=lambda a: str(a.get("updated_at") or a.get("created_at") or ""))
        for ann in anns:
            who = reviewer or _annotator(ann)
            for res in ann.get("result") or []:
                lv = _value(res) if isinstance(res, dict) else None
                if lv is None:
                    continue
                label, value = lv
                prev = current.get((pid, label, who))
                if prev is not None and prev.get("value") == value:
                    skip("already recorded")
                    continue
                try:
                    d = make_decision(corpus, pid, label, value, who, source="labelstudio")
                except ValueError:
                    skip("bad value")
                    continue
                current[(pid, label, who)] = d
                out.append(d)
    return {"decisions": out, "skipped": skipped}
