"""Take the README's screenshots of the review app: a real server on an
annotated file, a few decisions by two reviewers, optionally a real retrain
job (into a scratch copy of the models), and Playwright driving headless
Chromium (Debian's ``/usr/bin/chromium``).

    python -m pipeline.review.screenshots OUT.jsonl --out docs/screenshots \\
        [--cable 07PHNOMPENH1308] [--retrain doubt]

Pages are saved as palette PNGs (Pillow, when installed) to keep each under
~200 KB. Developer tool: not used by the app or the tests.
"""

from __future__ import annotations

import argparse
import json
import logging
import shutil
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

log = logging.getLogger(__name__)

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run"]
TOKEN = "screenshots"


def _post(base: str, path: str, body) -> dict:
    req = urllib.request.Request(base + path, data=json.dumps(body).encode(), method="POST",
                                 headers={"Content-Type": "application/json", "X-Review-Token": TOKEN})
    with urllib.request.urlopen(req, timeout=60) as r:
        return json.loads(r.read())


def _get(base: str, path: str) -> dict:
    with urllib.request.urlopen(base + path, timeout=60) as r:
        return json.loads(r.read())


def _shrink(path: Path) -> None:
    try:
        from PIL import Image
    except ImportError:
        return
    with Image.open(path) as im:
        im.convert("RGB").quantize(colors=128, dither=Image.Dither.NONE).save(path, optimize=True)


def _decide(base: str, cable: str) -> None:
    """Two reviewers decide the first paragraphs of ``cable`` (ann accepts the
    model, bob disagrees on some), so the cable and agreement pages show data."""
    paras = _get(base, f"/api/cables/{cable}")["record"]["paragraphs"][:6]
    for i, p in enumerate(paras):
        pred = p.get("predictions") or {}
        for task in ("commitment", "doubt"):
            v = int(bool((pred.get(task) or {}).get("label")))
            _post(base, "/api/decisions", {"paragraph_id": p["id"], "label": task, "value": v, "reviewer": "ann"})
            bob = 1 - v if (i + len(task)) % 4 == 0 else v
            _post(base, "/api/decisions", {"paragraph_id": p["id"], "label": task, "value": bob, "reviewer": "bob"})
        level = (pred.get("sensitivity") or {}).get("label") or p.get("sensitivity")
        if level:
            _post(base, "/api/decisions", {"paragraph_id": p["id"], "label": "sensitivity", "value": level,
                                           "reviewer": "ann"})


def take(annotated: Path, out: Path, cable: str, retrain: list[str], train_cables: list[str] = (),
         width: int = 1280) -> list[Path]:
    """Serve ``annotated``, make the decisions, run ``retrain`` (if any) and
    save one PNG per page under ``out``. Returns the files."""
    import uvicorn
    from playwright.sync_api import sync_playwright

    from pipeline.classify.registry import resolve_models_dir
    from pipeline.review.app import create_app
    from pipeline.review.server import free_port

    out.mkdir(parents=True, exist_ok=True)
    scratch = Path(tempfile.mkdtemp(prefix="cables-shots-"))
    models = scratch / "models"
    for task in retrain:  # never promote into the real models folder from a screenshot run
        shutil.copytree(resolve_models_dir(None) / task, models / task)
    app = create_app(annotated, scratch / "reviewed.jsonl", reviewer="ann", token=TOKEN,
                     models_dir=models, work_dir=scratch / "work")
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    threading.Thread(target=server.run, daemon=True).start()
    while not server.started:
        time.sleep(0.05)
    base = f"http://127.0.0.1:{port}"
    files: list[Path] = []
    try:
        _decide(base, cable)
        for extra in train_cables:  # reviews the retrain can use (cables of the 'train' split)
            _decide(base, extra)
        if retrain:
            _post(base, "/api/retrain", {"tasks": retrain})
            while _get(base, "/api/retrain")["job"]["state"] == "running":
                time.sleep(3)
            log.info("retrain: %s", _get(base, "/api/retrain")["job"]["state"])
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            page = browser.new_page(viewport={"width": width, "height": 800})

            def shot(name: str, url: str, ready: str, full: bool = False, before=None) -> None:
                page.goto(base + url)
                page.wait_for_selector(ready, state="attached")
                if before:
                    before()
                path = out / f"{name}.png"
                page.screenshot(path=str(path), full_page=full)
                _shrink(path)
                files.append(path)

            shot("cables", "/", "#cables tbody tr")
            shot("cable", f"/cable/{cable}", "body[data-ready='1']")
            shot("queue", "/queue", "#queue tbody tr")

            def compare():
                page.click("#pair button")
                page.wait_for_selector("#kappa tbody tr")
            shot("agreement", "/agreement", "#pair select option", before=compare)
            if retrain:
                shot("retrain", "/train", "body[data-job='done'], body[data-job='failed']", full=True)
            shot("export", "/export", "body[data-ready='1']")
            browser.close()
    finally:
        server.should_exit = True
        shutil.rmtree(scratch, ignore_errors=True)
    return files


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m pipeline.review.screenshots", description=__doc__.split("\n")[0])
    ap.add_argument("annotated", type=Path)
    ap.add_argument("--out", type=Path, default=Path("docs/screenshots"))
    ap.add_argument("--cable", default="07PHNOMPENH1308")
    ap.add_argument("--retrain", nargs="*", default=[], help="tasks to retrain for the retrain page (e.g. doubt)")
    ap.add_argument("--also", nargs="*", default=[], help="more cables to decide (e.g. of the train split)")
    args = ap.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    for f in take(args.annotated, args.out, args.cable, args.retrain, args.also):
        log.info("%s: %d KB", f, f.stat().st_size // 1024)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
