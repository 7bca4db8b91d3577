"""Exports of reviewed labels (JSON Lines, Hugging Face datasets, spaCy
DocBin, Label Studio) and the Label Studio import, each round-tripped, through
the app's API and the ``cables export-labels`` / ``import-labels`` commands."""

from __future__ import annotations

import copy
import json

import pytest

from pipeline.review.reviewed import FIELDS

TOKEN = {"X-Review-Token": "test-token"}
CABLE = "00ATHENS1917"


@pytest.fixture()
def reviewed(client):
    """Decisions on four ATHENS paragraphs, two reviewers on the first; returns
    the paragraphs and the rows the exports must hold."""
    paras = client.get(f"/api/cables/{CABLE}").json()["record"]["paragraphs"][:4]
    post = lambda pid, label, value, who="ann": client.post(  # noqa: E731
        "/api/decisions", headers=TOKEN, json={"paragraph_id": pid, "label": label, "value": value, "reviewer": who})
    p0, p1, p2, p3 = (p["id"] for p in paras)
    for args in ((p0, "commitment", 1), (p0, "commitment_holder", "the Greek government"), (p0, "doubt", 0),
                 (p0, "sensitivity", "C"), (p1, "doubt", 1), (p1, "doubt_holder", "author"),
                 (p2, "sensitivity", "U"), (p3, "commitment", 0), (p0, "doubt", 1, "bob")):
        assert post(*args).status_code == 201
    return paras


def _rows(client, **params):
    r = client.get("/api/export/jsonl", params=params)
    assert r.status_code == 200 and "attachment" in r.headers["content-disposition"]
    return [json.loads(x) for x in r.text.splitlines()]


def test_jsonl_rows_follow_labeling_md(client, reviewed):
    rows = _rows(client)
    assert [list(r) for r in rows] == [list(FIELDS)] * 4
    p0 = reviewed[0]
    r0 = rows[0]
    assert (r0["cable_id"], r0["para"], r0["text"]) == (CABLE, p0["number"] or str(p0["index"]), p0["text"])
    # the last decision wins whoever made it (bob's doubt=1 came after ann's 0)
    assert (r0["commitment"], r0["commitment_holder"], r0["doubt"], r0["sensitivity"]) == (1, "the Greek government", 1, "C")
    assert rows[1]["doubt"] == 1 and rows[1]["doubt_holder"] == "author" and rows[1]["commitment"] is None
    assert rows[2]["sensitivity"] == "U" and rows[3]["commitment"] == 0
    assert _rows(client, reviewer="ann")[0]["doubt"] == 0
    assert _rows(client, reviewer="nobody") == []


def test_hf_datasets_round_trip(client, reviewed, tmp_path):
    import datasets

    from pipeline.review.exports import unzip_hf

    r = client.get("/api/export/hf")
    assert r.status_code == 200 and r.headers["content-type"] == "application/zip"
    folder = unzip_hf(r.content, tmp_path)
    ds = datasets.load_from_disk(str(folder))
    assert ds.column_names == list(FIELDS) and ds.features["commitment"].dtype == "int8"
    assert [dict(x) for x in ds] == _rows(client)


def test_spacy_docbin_round_trip(client, reviewed, tmp_path):
    from pipeline.review.exports import read_docbin, read_docbin_docs

    path = tmp_path / "r.spacy"
    path.write_bytes(client.get("/api/export/spacy").content)
    assert read_docbin(path) == _rows(client)
    docs = read_docbin_docs(path)
    assert docs[0].cats == {"commitment": 1.0, "doubt": 1.0, "sensitivity=U": 0.0, "sensitivity=SBU": 0.0,
                            "sensitivity=C": 1.0, "sensitivity=S": 0.0, "sensitivity=TS": 0.0}
    assert "commitment" not in docs[1].cats and docs[1].cats["doubt"] == 1.0
    # entities: the pipeline's spans, at their character offsets
    for doc, p in zip(docs, reviewed):
        want = {(e["start"], e["end"], e["label"]) for e in p["entities"]}
        got = {(s.start_char, s.end_char, s.label_) for s in doc.ents}
        assert got <= want and len(got) >= len(want) - 1
    assert sum(len(d.ents) for d in docs) > 0


def _as_labelstudio_export(tasks):
    """What Label Studio's JSON export gives for these tasks once imported:
    ids added, each annotation completed by a user."""
    out = copy.deepcopy(tasks)
    for i, t in enumerate(out, 1):
        t["id"] = i
        for a in t["annotations"]:
            a.update(id=100 + i, completed_by={"id": 7, "email": "rev@example.org"}, was_cancelled=False,
                     updated_at=f"2026-11-29T12:00:{i:02d}Z")
    return out


def test_labelstudio_tasks_have_predictions_and_round_trip(client, reviewed, annotated, tmp_path):
    from fastapi.testclient import TestClient

    from pipeline.review.app import create_app

    tasks = client.get("/api/export/labelstudio").json()
    assert len(tasks) == 4
    t0 = tasks[0]
    assert t0["data"]["paragraph_id"] == reviewed[0]["id"] and t0["data"]["text"] == reviewed[0]["text"]
    pred = t0["predictions"][0]
    assert pred["model_version"].count("@") == 3 and 0 <= pred["score"] <= 1
    kinds = {(r["from_name"], r["type"]) for r in pred["result"]}
    assert {("commitment", "choices"), ("doubt", "choices"), ("sensitivity", "choices")} <= kinds
    assert ("entities", "labels") in kinds
    ent = next(r["value"] for r in pred["result"] if r["type"] == "labels")
    assert reviewed[0]["text"][ent["start"]:ent["end"]] == ent["text"]
    assert client.get("/api/export/labelstudio-config").text.startswith("<View>")

    exported = _as_labelstudio_export(tasks)
    exported[1]["annotations"][0]["result"].append(  # a Label Studio user corrects commitment
        {"from_name": "commitment", "to_name": "text", "type": "choices", "value": {"choices": ["1"]}})
    exported[2]["data"]["text_sha256"] = "0" * 64  # labelled on other text: skipped
    fresh = tmp_path / "fresh.jsonl"
    c2 = TestClient(create_app(annotated, fresh, reviewer="zed", token="test-token"))
    r = c2.post("/api/import/labelstudio", headers=TOKEN, json=exported)
    assert r.status_code == 200, r.text
    assert r.json()["skipped"] == {"text changed": 1}
    lines = [json.loads(x) for x in fresh.read_text().splitlines()]
    assert {d["reviewer"] for d in lines} == {"labelstudio:rev@example.org"}
    assert all(d["source"] == "labelstudio" and len(d["text_sha256"]) == 64 for d in lines)
    back = {r["para"]: r for r in _rows(c2)}
    orig = {r["para"]: r for r in _rows(client)}
    skipped_para = exported[2]["data"]["para"]
    assert set(back) == set(orig) - {skipped_para}
    for para, row in back.items():
        want = dict(orig[para], commitment=1) if para == exported[1]["data"]["para"] else orig[para]
        assert row == want
    # importing the same export again adds nothing
    assert c2.post("/api/import/labelstudio", headers=TOKEN, json=exported).json()["added"] == 0


def test_import_is_a_protected_write(client, reviewed, labels):
    before = labels.read_text()
    tasks = _as_labelstudio_export(client.get("/api/export/labelstudio").json())
    assert client.post("/api/import/labelstudio", json=tasks).status_code == 403
    evil = {**TOKEN, "Origin": "http://evil.example"}
    assert client.post("/api/import/labelstudio", headers=evil, json=tasks).status_code == 403
    assert client.post("/api/import/labelstudio", headers=TOKEN, json={"not": "a list"}).status_code == 422
    assert labels.read_text() == before


def test_unknown_format_is_404(client):
    for fmt in ("xml", "..%2F..%2Fetc%2Fpasswd", "jsonl.exe"):
        assert client.get(f"/api/export/{fmt}").status_code == 404


@pytest.mark.parametrize("fmt", ["jsonl", "hf", "spacy", "labelstudio"])
def test_cli_export_matches_the_api(client, reviewed, annotated, labels, tmp_path, fmt):
    from pipeline.cli import main
    from pipeline.review.exports import read_docbin, read_hf, read_jsonl

    dest = tmp_path / f"out-{fmt}"
    assert main(["export-labels", str(annotated), "--labels", str(labels), "--format", fmt, "--to", str(dest)]) == 0
    assert main(["export-labels", str(annotated), "--labels", str(labels), "--format", fmt, "--to", str(dest)]) == 1
    rows = _rows(client)
    if fmt == "labelstudio":
        assert json.loads(dest.read_text()) == client.get("/api/export/labelstudio").json()
    else:
        assert {"jsonl": read_jsonl, "hf": read_hf, "spacy": read_docbin}[fmt](dest) == rows


def test_cli_import_labels(client, reviewed, annotated, tmp_path):
    from pipeline.cli import main

    export = tmp_path / "ls-export.json"
    export.write_text(json.dumps(_as_labelstudio_export(client.get("/api/export/labelstudio").json())))
    fresh = tmp_path / "fresh.jsonl"
    args = ["import-labels", str(annotated), "--labels", str(fresh), "--labelstudio", str(export), "--reviewer", "lsuser"]
    assert main(args) == 0
    lines = [json.loads(x) for x in fresh.read_text().splitlines()]
    assert len(lines) == 8 and {d["reviewer"] for d in lines} == {"lsuser"}  # the 8 latest values of 4 rows
    assert main(args) == 0 and len(fresh.read_text().splitlines()) == 8
