"""The review web app (FastAPI): HTML pages served from ``static/`` and a JSON
API over one annotated file and one append-only labels file.

    GET  /                     cable list with filters
    GET  /queue                review queue, most uncertain paragraphs first
    GET  /agreement            Cohen's kappa between two reviewers
    GET  /cable/{cable_id}     one cable: paragraphs, entities, predictions
    GET  /api/meta             reviewer, file names, filter choices
    GET  /api/cables           filtered cable summaries (see filters.CableFilter)
    GET  /api/cables/{id}      the record, its uncertainties and decisions
    GET  /api/queue            paragraphs by uncertainty
    GET  /api/decisions        latest decisions (per paragraph, label, reviewer)
    POST /api/decisions        append one decision (token + same origin)
    GET  /api/reviewers        names found in the labels file
    GET  /api/agreement?a=&b=  Cohen's kappa per label and the disagreements
"""

from __future__ import annotations

import getpass
from pathlib import Path
from typing import Any

from fastapi import Body, FastAPI, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse
from fastapi.staticfiles import StaticFiles

from pipeline.review import scoring
from pipeline.review.corpus import TASKS, load_corpus
from pipeline.review.decisions import DecisionStore, check_value
from pipeline.review.filters import CableFilter, matches, summarize
from pipeline.review.security import check_write, new_token

STATIC = Path(__file__).resolve().parent / "static"


def default_reviewer() -> str:
    try:
        return getpass.getuser()
    except Exception:  # noqa: BLE001 - no user name in some containers
        return "reviewer"


def create_app(
    annotated: Path,
    labels: Path,
    reviewer: str | None = None,
    token: str | None = None,
    access_token: str | None = None,
) -> FastAPI:
    """The app for ``annotated`` (cable records JSONL) writing to ``labels``.

    ``token`` protects writes (the pages carry it); ``access_token``, when
    set (serving beyond localhost), is needed for every request too."""
    corpus = load_corpus(Path(annotated))
    store = DecisionStore(Path(labels))
    reviewer = reviewer or default_reviewer()
    token = token or new_token()
    app = FastAPI(title="cables review", docs_url=None, redoc_url=None, openapi_url=None)
    app.state.corpus, app.state.store, app.state.token = corpus, store, token
    app.state.reviewer = reviewer

    if access_token:
        @app.middleware("http")
        async def require_access(request: Request, call_next):
            sent = request.query_params.get("access") or request.cookies.get("review_access")
            if sent != access_token:
                return JSONResponse({"detail": "access token required"}, status_code=403)
            resp = await call_next(request)
            if request.query_params.get("access"):
                resp.set_cookie("review_access", access_token, httponly=True, samesite="strict")
            return resp

    def page(name: str) -> HTMLResponse:
        html = (STATIC / name).read_text(encoding="utf-8")
        html = html.replace("{{TOKEN}}", token).replace("{{REVIEWER}}", _attr(reviewer))
        return HTMLResponse(html, headers={"Cache-Control": "no-store"})

    @app.get("/", response_class=HTMLResponse)
    def index_page():
        return page("index.html")

    @app.get("/queue", response_class=HTMLResponse)
    def queue_page():
        return page("queue.html")

    @app.get("/agreement", response_class=HTMLResponse)
    def agreement_page():
        return page("agreement.html")

    @app.get("/cable/{cable_id}", response_class=HTMLResponse)
    def cable_page(cable_id: str):
        if cable_id not in corpus.cables:
            raise HTTPException(404, "no such cable")
        return page("cable.html")

    app.mount("/static", StaticFiles(directory=STATIC), name="static")

    def decided_ids(who: str | None) -> set[str]:
        return {k[0] for k in store.latest(who)}

    @app.get("/api/meta")
    def meta():
        tags, origins, ents = set(), set(), set()
        for rec in corpus.cables.values():
            h = rec.get("header") or {}
            tags.update(h.get("tags") or [])
            if h.get("origin"):
                origins.add(h["origin"])
            for p in rec.get("paragraphs") or []:
                ents.update(e["label"] for e in p.get("entities") or [])
        return {
            "reviewer": reviewer,
            "annotated": corpus.path.name,
            "labels": store.path.name,
            "cables": len(corpus.cables),
            "paragraphs": len(corpus.paragraphs),
            "tags": sorted(tags),
            "origins": sorted(origins),
            "entity_labels": sorted(ents),
            "levels": list(scoring.LEVELS),
        }

    @app.get("/api/cables")
    def list_cables(
        label: str | None = None,
        low_confidence: bool = False,
        mismatch: str | None = Query(None, pattern="^(any|above|below)$"),
        tag: str | None = None,
        origin: str | None = None,
        date_from: str | None = None,
        date_to: str | None = None,
        q: str | None = None,
        reviewer_name: str | None = Query(None, alias="reviewer"),
    ):
        f = CableFilter(label or None, low_confidence, mismatch or None, tag or None, origin or None,
                        date_from or None, date_to or None, q or None)
        done = decided_ids(reviewer_name or reviewer)
        rows = [summarize(r, done) for r in corpus.cables.values() if matches(r, f)]
        return {"total": len(corpus.cables), "cables": rows}

    @app.get("/api/cables/{cable_id}")
    def get_cable(cable_id: str, reviewer_name: str | None = Query(None, alias="reviewer")):
        rec = corpus.cables.get(cable_id)
        if rec is None:
            raise HTTPException(404, "no such cable")
        ids = {p["id"] for p in rec.get("paragraphs") or []}
        who = reviewer_name or reviewer
        dec = [d for k, d in store.latest(who).items() if k[0] in ids]
        extra = {
            p["id"]: {"uncertainty": scoring.uncertainties(p), "mismatch": scoring.mismatch(p)}
            for p in rec.get("paragraphs") or []
        }
        return {"record": rec, "scores": extra, "decisions": dec, "reviewer": who}

    @app.get("/api/queue")
    def queue(
        limit: int = Query(50, ge=1, le=5000),
        pending: bool = True,
        reviewer_name: str | None = Query(None, alias="reviewer"),
    ):
        latest = store.latest(reviewer_name or reviewer)
        full = {}
        for (pid, label, _), _d in latest.items():
            if label in TASKS:
                full.setdefault(pid, set()).add(label)
        items = []
        for pid, (rec, p) in corpus.paragraphs.items():
            if pending and full.get(pid, set()) >= set(TASKS):
                continue
            h = rec.get("header") or {}
            items.append({
                "paragraph_id": pid, "cable_id": rec["cable_id"], "index": p["index"],
                "number": p.get("number"), "subject": h.get("subject"),
                "text": (p.get("text") or "")[:240],
                "uncertainty": round(scoring.uncertainty(p), 4),
                "by_task": {k: round(v, 4) for k, v in scoring.uncertainties(p).items()},
                "decided": sorted(full.get(pid, set())),
            })
        items.sort(key=lambda x: (-x["uncertainty"], x["paragraph_id"]))
        return {"pending": len(items), "items": items[:limit]}

    @app.get("/api/decisions")
    def list_decisions(cable_id: str | None = None, reviewer_name: str | None = Query(None, alias="reviewer")):
        rows = list(store.latest(reviewer_name).values())
        if cable_id:
            rows = [d for d in rows if d.get("cable_id") == cable_id]
        return {"decisions": rows}

    @app.get("/api/agreement")
    def get_agreement(a: str, b: str):
        from pipeline.review.agreement import agreement

        return agreement(store.read_all(), a, b)

    @app.get("/api/reviewers")
    def reviewers():
        return {"reviewers": sorted({d.get("reviewer") or "" for d in store.read_all()})}

    @app.post("/api/decisions", status_code=201)
    def post_decision(request: Request, body: dict[str, Any] = Body(...)):
        check_write(request, token)
        pid = body.get("paragraph_id")
        if not isinstance(pid, str) or pid not in corpus.paragraphs:
            raise HTTPException(422, "unknown paragraph_id")
        label = body.get("label")
        try:
            value = check_value(label, body.get("value"))
        except ValueError as exc:
            raise HTTPException(422, str(exc)) from exc
        who = body.get("reviewer") or reviewer
        if not isinstance(who, str) or not who.strip() or len(who) > 100:
            raise HTTPException(422, "bad reviewer name")
        rec, p = corpus.paragraphs[pid]
        task = label.replace("_holder", "")
        pred = (p.get("predictions") or {}).get(task) or {}
        return store.append({
            "paragraph_id": pid,
            "cable_id": rec["cable_id"],
            "para": p.get("number") or str(p["index"]),
            "text_sha256": p["text_sha256"],
            "label": label,
            "value": value,
            "predicted": pred.get("label"),
            "accepted": value == _as_value(label, pred.get("label")) if label in TASKS else None,
            "reviewer": who.strip(),
            "model_version": corpus.model_version(rec, task),
        })

    return app


def _as_value(label: str, predicted: Any) -> Any:
    if label in ("commitment", "doubt") and isinstance(predicted, bool):
        return int(predicted)
    return predicted


def _attr(s: str) -> str:
    return s.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;").replace(">", "&gt;")
