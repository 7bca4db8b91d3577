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
    GET  /train                retrain and promote page
    GET  /api/retrain          the last retrain job: state, new vs current scores
    POST /api/retrain          start the retrain flow on the reviewed labels (token)
    POST /api/retrain/promote  make a job's new version the default (token)
    GET  /export               export / import page
    GET  /api/export/{fmt}     download reviewed labels: jsonl, hf (zip), spacy, labelstudio
    GET  /api/export/labelstudio-config   the matching Label Studio labeling config
    POST /api/import/labelstudio          a Label Studio export (JSON body) into decisions (token)

The browser sends ids (paragraph ids, task names, job ids, format names),
each checked against what the server holds; never a path.
"""

from __future__ import annotations

import getpass
from pathlib import Path
from typing import Any

from fastapi import Body, FastAPI, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles

from pipeline.review import scoring
from pipeline.review.corpus import TASKS, load_corpus
from pipeline.review.decisions import DecisionStore, make_decision
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
    train_labels: list[Path] | None = None,
    corpus_dir: Path | None = None,
    models_dir: Path | None = None,
    work_dir: Path | None = None,
) -> FastAPI:
    """The app for ``annotated`` (cable records JSONL) writing to ``labels``.

    ``token`` protects writes (the pages carry it); ``access_token``, when
    set (serving beyond localhost), is needed for every request too.
    ``train_labels``, ``corpus_dir``, ``models_dir``: what the retrain action
    trains on and where models live (defaults: those of ``cables train``);
    ``work_dir``: where retrain jobs stage (default a temporary folder)."""
    from pipeline.review.retrain import Retrainer

    corpus = load_corpus(Path(annotated))
    store = DecisionStore(Path(labels))
    retrainer = Retrainer(corpus, store, train_labels or [_default_labels()], corpus_dir or _default_corpus(),
                          models_dir or _default_models(), work_dir)
    reviewer = reviewer or default_reviewer()
    token = token or new_token()
    app = FastAPI(title="cables review", docs_url=None, redoc_url=None, openapi_url=None)
    app.state.corpus, app.state.store, app.state.token = corpus, store, token
    app.state.reviewer = reviewer
    app.state.retrainer = retrainer

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

    @app.get("/train", response_class=HTMLResponse)
    def train_page():
        return page("train.html")

    @app.get("/export", response_class=HTMLResponse)
    def export_page():
        return page("export.html")

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
        try:
            d = make_decision(corpus, body.get("paragraph_id"), body.get("label"), body.get("value"),
                              body.get("reviewer") or reviewer)
        except (KeyError, ValueError) as exc:
            raise HTTPException(422, str(exc).strip("'")) from exc
        return store.append(d)

    @app.get("/api/retrain")
    def retrain_status():
        return retrainer.status()

    @app.post("/api/retrain", status_code=202)
    def retrain_start(request: Request, body: dict[str, Any] = Body(...)):
        from pipeline.review.retrain import RetrainBusy

        check_write(request, token)
        tasks = body.get("tasks")
        if not isinstance(tasks, list) or not all(isinstance(t, str) for t in tasks):
            raise HTTPException(422, "tasks: a list of task names")
        try:
            job = retrainer.start(tasks)
        except RetrainBusy as exc:
            raise HTTPException(409, str(exc)) from exc
        except ValueError as exc:
            raise HTTPException(422, str(exc)) from exc
        return {"job": job.public()}

    @app.post("/api/retrain/promote")
    def retrain_promote(request: Request, body: dict[str, Any] = Body(...)):
        check_write(request, token)
        try:
            res = retrainer.promote(body.get("job"), body.get("task"), force=body.get("force") is True)
        except KeyError as exc:
            raise HTTPException(404, "no such job or task result") from exc
        except (ValueError, FileExistsError) as exc:
            raise HTTPException(409, str(exc)) from exc
        return {"promoted": res}

    @app.get("/api/export/labelstudio-config")
    def labelstudio_config():
        from pipeline.review.labelstudio import LABELING_CONFIG

        return Response(LABELING_CONFIG, media_type="application/xml")

    @app.get("/api/export/{fmt}")
    def export_labels(fmt: str, reviewer_name: str | None = Query(None, alias="reviewer")):
        from pipeline.review.exports import FORMATS, export_bytes
        from pipeline.review.reviewed import reviewed_rows

        if fmt not in FORMATS:
            raise HTTPException(404, f"unknown format; one of {', '.join(FORMATS)}")
        rows = reviewed_rows(corpus, store.read_all(), reviewer_name or None)
        blob, media, name = export_bytes(fmt, rows, corpus)
        return Response(blob, media_type=media,
                        headers={"Content-Disposition": f'attachment; filename="{name}"'})

    @app.post("/api/import/labelstudio")
    def import_labelstudio(request: Request, body: Any = Body(...),
                           reviewer_name: str | None = Query(None, alias="reviewer")):
        from pipeline.review.decisions import latest
        from pipeline.review.labelstudio import import_export

        check_write(request, token)
        try:
            got = import_export(corpus, body, reviewer_name or None, latest(store.read_all()))
        except ValueError as exc:
            raise HTTPException(422, str(exc)) from exc
        for d in got["decisions"]:
            store.append(d)
        return {"added": len(got["decisions"]), "skipped": got["skipped"]}

    return app


def _default_labels() -> Path:
    from pipeline.classify.data import DEFAULT_LABELS

    return DEFAULT_LABELS


def _default_corpus() -> Path:
    from pipeline.classify.data import DEFAULT_CORPUS

    return DEFAULT_CORPUS


def _default_models() -> Path:
    from pipeline.classify.registry import resolve_models_dir

    return resolve_models_dir(None)


def _attr(s: str) -> str:
    return s.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;").replace(">", "&gt;")
