"""The retrain action: the real retrain-classifiers flow trains a doubt head
on a small labelled set plus the reviewed labels, in the background, into
staging; the page shows new vs current scores; promotion is a second,
protected action that makes the new version the default."""

from __future__ import annotations

import json
import random
import shutil
import time

import pytest

from pipeline.config import REPO_ROOT

TOKEN = {"X-Review-Token": "test-token"}
TASK = "doubt"


@pytest.fixture()
def tiny_labels(tmp_path):
    """40 labelled paragraphs of train cables and 20 of dev cables (seeded)."""
    splits = json.loads((REPO_ROOT / "corpora" / "splits.json").read_text())
    rows = [json.loads(x) for x in (REPO_ROOT / "corpora" / "labelled" / "paragraphs.jsonl").read_text().splitlines()]
    rng = random.Random(0)
    pick = rng.sample([r for r in rows if r["cable_id"] in set(splits["train"])], 40) + \
        rng.sample([r for r in rows if r["cable_id"] in set(splits["dev"])], 20)
    path = tmp_path / "tiny.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in pick))
    return path


@pytest.fixture()
def models(tmp_path):
    """A models folder holding a copy of the shipped doubt models."""
    root = tmp_path / "models"
    shutil.copytree(REPO_ROOT / "models" / TASK, root / TASK)
    return root


@pytest.fixture()
def rclient(annotated, labels, tiny_labels, models, tmp_path, prefect_harness):
    from fastapi.testclient import TestClient

    from pipeline.review.app import create_app

    app = create_app(annotated, labels, reviewer="ann", token="test-token", train_labels=[tiny_labels],
                     corpus_dir=tmp_path, models_dir=models, work_dir=tmp_path / "work")
    with TestClient(app) as c:
        yield c


def test_retrain_shows_new_and_current_then_promotes_on_request(rclient, models, tmp_path):
    from pipeline.classify.registry import default_version, load_default, next_version

    current = default_version(TASK, models)
    nxt = next_version(TASK, models)  # one past the highest on disk (v4 exists beside the default v3)
    assert int(nxt[1:]) > int(current[1:])
    paras = rclient.get("/api/cables/00ATHENS1917").json()["record"]["paragraphs"][:3]  # a 'train' cable
    for p, v in zip(paras, (1, 0, 1)):
        assert rclient.post("/api/decisions", headers=TOKEN,
                            json={"paragraph_id": p["id"], "label": TASK, "value": v}).status_code == 201

    assert rclient.post("/api/retrain", json={"tasks": [TASK]}).status_code == 403  # no token
    for bad in (["../../etc"], [], "doubt", [TASK, TASK]):
        assert rclient.post("/api/retrain", headers=TOKEN, json={"tasks": bad}).status_code == 422, bad
    r = rclient.post("/api/retrain", headers=TOKEN, json={"tasks": [TASK]})
    assert r.status_code == 202, r.text
    job = r.json()["job"]
    assert job["state"] == "running"
    assert rclient.post("/api/retrain", headers=TOKEN, json={"tasks": [TASK]}).status_code == 409
    assert job["data"]["rows_added"] + job["data"]["labels_corrected"] >= 1
    assert job["data"]["reviewed_by_split"]["train"] == 3  # ATHENS1917 is a train cable
    assert job["data"]["current"] == {TASK: current}

    deadline = time.time() + 900
    while (job := rclient.get("/api/retrain").json()["job"])["state"] == "running":
        assert time.time() < deadline, "retrain did not finish in 15 min"
        time.sleep(2)
    assert job["state"] == "done", job["error"]
    res = job["results"][TASK]
    assert res["version"] == nxt and res["current_version"] == current and res["promoted"] is False
    assert 0 <= res["new"]["results"]["ours"]["macro_f1"] <= 1
    assert res["current"]["results"]["ours"]["macro_f1"] > 0  # from the current default's model card
    assert res["promotion"]["current_version"] == current and res["promotion"]["n_dev"] == 20
    assert res["train_n"] >= 40

    # trained on the reviewed rows too; nothing changed in the real models folder yet
    staged = [json.loads(x) for x in next((tmp_path / "work").glob("job-*/train-labels.jsonl")).read_text().splitlines()]
    ath = {r["para"]: r[TASK] for r in staged if r["cable_id"] == "00ATHENS1917"}
    assert [ath[p["number"] or str(p["index"])] for p in paras] == [1, 0, 1]
    assert default_version(TASK, models) == current and not (models / TASK / nxt).exists()

    # promotion: a second, protected action
    body = {"job": job["id"], "task": TASK, "force": True}
    assert rclient.post("/api/retrain/promote", json=body).status_code == 403
    assert rclient.post("/api/retrain/promote", json=body,
                        headers={**TOKEN, "Origin": "http://evil.example"}).status_code == 403
    assert rclient.post("/api/retrain/promote", headers=TOKEN, json={**body, "job": "nosuch"}).status_code == 404
    if not res["recommended"]:
        assert rclient.post("/api/retrain/promote", headers=TOKEN, json={**body, "force": False}).status_code == 409
    r = rclient.post("/api/retrain/promote", headers=TOKEN, json=body)
    assert r.status_code == 200, r.text
    assert default_version(TASK, models) == nxt
    assert (models / TASK / nxt / "metrics.json").is_file()
    head = load_default(TASK, models)
    assert head.extra["version"] == nxt
    assert rclient.get("/api/retrain").json()["job"]["results"][TASK]["promoted"] is True
    assert "retrain" in rclient.get("/train").text.lower()
