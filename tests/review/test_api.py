"""The review app's JSON API on cables annotated by the real flow."""

from __future__ import annotations

import json

TOKEN = {"X-Review-Token": "test-token"}


def _first_pid(client, cable="07PHNOMPENH1308"):
    return client.get(f"/api/cables/{cable}").json()["record"]["paragraphs"][0]["id"]


def test_pages_are_served_with_the_token(client):
    for url in ("/", "/queue", "/agreement", "/cable/07PHNOMPENH1308", "/static/app.js", "/static/style.css"):
        assert client.get(url).status_code == 200, url
    assert 'content="test-token"' in client.get("/").text
    assert client.get("/cable/NOSUCH").status_code == 404
    assert client.get("/static/../corpus.py").status_code == 404


def test_cable_list_has_header_fields_and_counts(client):
    data = client.get("/api/cables").json()
    assert data["total"] == 3
    rows = {r["cable_id"]: r for r in data["cables"]}
    assert set(rows) == {"07PHNOMPENH1308", "00ATHENS1917", "07ANKARA2174"}
    athens = rows["00ATHENS1917"]
    assert athens["origin"] == "AMEMBASSY ATHENS" and "PREL" in athens["tags"]
    assert athens["paragraphs"] > 0 and athens["entities"] > 0
    assert athens["reviewed"] == 0


def test_filters(client):
    ids = lambda **p: {r["cable_id"] for r in client.get("/api/cables", params=p).json()["cables"]}  # noqa: E731
    assert ids(tag="prel") >= {"00ATHENS1917"}
    assert ids(origin="athens") == {"00ATHENS1917"}
    assert ids(q="sotheavy") == {"07PHNOMPENH1308"}
    assert ids(date_from="2007-01-01") == {"07PHNOMPENH1308", "07ANKARA2174"}
    assert ids(date_to="2001-01-01") == {"00ATHENS1917"}
    assert ids(label="GPE") and ids(label="NOSUCHLABEL") == set()
    assert ids(mismatch="any") == ids(mismatch="above") | ids(mismatch="below")
    assert ids(low_confidence="true") <= ids()
    assert client.get("/api/cables", params={"mismatch": "sideways"}).status_code == 422


def test_queue_is_ordered_by_uncertainty_and_drops_reviewed(client):
    q = client.get("/api/queue", params={"limit": 1000}).json()
    u = [i["uncertainty"] for i in q["items"]]
    assert u == sorted(u, reverse=True) and len(u) == q["pending"] > 3
    top = q["items"][0]["paragraph_id"]
    for label, value in (("commitment", 0), ("doubt", 1), ("sensitivity", "C")):
        assert client.post("/api/decisions", headers=TOKEN,
                           json={"paragraph_id": top, "label": label, "value": value}).status_code == 201
    q2 = client.get("/api/queue", params={"limit": 1000}).json()
    assert q2["pending"] == q["pending"] - 1
    assert top not in {i["paragraph_id"] for i in q2["items"]}
    # another reviewer still has it pending
    assert client.get("/api/queue", params={"limit": 1000, "reviewer": "bob"}).json()["pending"] == q["pending"]


def test_decision_is_appended_with_provenance_and_read_back(client, labels):
    pid = _first_pid(client)
    r = client.post("/api/decisions", headers=TOKEN, json={"paragraph_id": pid, "label": "commitment", "value": 1})
    assert r.status_code == 201
    r = client.post("/api/decisions", headers=TOKEN, json={"paragraph_id": pid, "label": "commitment", "value": 0})
    lines = [json.loads(x) for x in labels.read_text().splitlines()]
    assert [d["value"] for d in lines] == [1, 0]  # append-only: both kept
    d = lines[-1]
    assert d["cable_id"] == "07PHNOMPENH1308" and d["paragraph_id"] == pid
    assert len(d["text_sha256"]) == 64 and d["reviewer"] == "ann"
    assert d["model_version"].startswith("cables-commitment@") and d["timestamp"].endswith("Z")
    got = client.get("/api/cables/07PHNOMPENH1308").json()["decisions"]
    assert [(x["label"], x["value"]) for x in got if x["paragraph_id"] == pid] == [("commitment", 0)]
    assert client.get("/api/cables").json()["cables"][0]["reviewed"] >= 0


def test_holder_and_sensitivity_values_are_checked(client):
    pid = _first_pid(client)
    post = lambda label, value: client.post(  # noqa: E731
        "/api/decisions", headers=TOKEN, json={"paragraph_id": pid, "label": label, "value": value}).status_code
    assert post("commitment_holder", "Chan Sotheavy") == 201
    assert post("sensitivity", "SBU") == 201
    assert post("sensitivity", "SECRET") == 422
    assert post("commitment", 2) == 422
    assert post("../../etc/passwd", 1) == 422
    r = client.post("/api/decisions", headers=TOKEN, json={"paragraph_id": "../x/1", "label": "doubt", "value": 1})
    assert r.status_code == 422


def test_writes_without_token_or_from_another_origin_are_refused(client, labels):
    pid = _first_pid(client)
    body = {"paragraph_id": pid, "label": "doubt", "value": 1}
    assert client.post("/api/decisions", json=body).status_code == 403
    assert client.post("/api/decisions", json=body, headers={"X-Review-Token": "wrong"}).status_code == 403
    evil = {**TOKEN, "Origin": "http://evil.example"}
    assert client.post("/api/decisions", json=body, headers=evil).status_code == 403
    assert not labels.exists()
    same = {**TOKEN, "Origin": "http://testserver"}
    assert client.post("/api/decisions", json=body, headers=same).status_code == 201


def test_torn_last_line_is_ignored(client, labels):
    pid = _first_pid(client)
    client.post("/api/decisions", headers=TOKEN, json={"paragraph_id": pid, "label": "doubt", "value": 1})
    with open(labels, "a") as fh:
        fh.write('{"paragraph_id": "x", "lab')  # a crash mid-write
    got = client.get("/api/decisions").json()["decisions"]
    assert [(d["label"], d["value"]) for d in got] == [("doubt", 1)]


def test_access_token_needed_beyond_localhost(annotated, labels):
    from fastapi.testclient import TestClient

    from pipeline.review.app import create_app

    c = TestClient(create_app(annotated, labels, token="t", access_token="secret"))
    assert c.get("/api/meta").status_code == 403
    assert c.get("/api/meta", params={"access": "secret"}).status_code == 200
    assert c.get("/api/meta").status_code == 200  # cookie set


def test_cli_refuses_remote_host_without_flag(annotated, labels, capsys):
    from pipeline.cli import main

    assert main(["review", str(annotated), "--labels", str(labels), "--host", "0.0.0.0"]) == 2
    assert "allow-remote" in capsys.readouterr().err


def test_agreement_between_two_reviewers(client):
    paras = client.get("/api/cables/00ATHENS1917").json()["record"]["paragraphs"]
    ids = [p["id"] for p in paras][:4]
    ann = [1, 0, 1, 0]
    bob = [1, 0, 0, 0]
    for who, values in (("ann", ann), ("bob", bob)):
        for pid, v in zip(ids, values):
            assert client.post("/api/decisions", headers=TOKEN,
                               json={"paragraph_id": pid, "label": "doubt", "value": v, "reviewer": who}).status_code == 201
    from sklearn.metrics import cohen_kappa_score

    got = client.get("/api/agreement", params={"a": "ann", "b": "bob"}).json()
    assert got["labels"]["doubt"]["n"] == 4 and got["labels"]["doubt"]["agree"] == 3
    assert abs(got["labels"]["doubt"]["kappa"] - cohen_kappa_score(ann, bob)) < 1e-9
    assert got["labels"]["commitment"]["kappa"] is None
    assert [(d["paragraph_id"], d["ann"], d["bob"]) for d in got["disagreements"]] == [(ids[2], 1, 0)]
    assert client.get("/api/reviewers").json()["reviewers"] == ["ann", "bob"]
