"""End to end in a real browser: Playwright drives Debian's Chromium
(/usr/bin/chromium, installed by ``make install-test``). Opens a cable,
corrects a label with the keyboard, reloads, and finds the decision saved."""

from __future__ import annotations

import json
import re
import threading
import time

import pytest

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run"]

pytestmark = pytest.mark.browser


@pytest.fixture()
def live_server(annotated, labels):
    import uvicorn

    from pipeline.review.app import create_app
    from pipeline.review.server import free_port

    port = free_port()
    app = create_app(annotated, labels, reviewer="ann")
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    t = threading.Thread(target=server.run, daemon=True)
    t.start()
    deadline = time.time() + 30
    while not server.started:
        assert time.time() < deadline, "review server did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    t.join(10)


@pytest.fixture()
def page():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            yield browser.new_page()
        finally:
            browser.close()


def test_keyboard_correction_is_saved_and_shown_after_reload(live_server, labels, page):
    page.goto(live_server + "/")
    page.click("text=07PHNOMPENH1308")
    page.wait_for_selector("body[data-ready='1']")
    paras = page.locator(".para")
    assert paras.count() > 2
    page.keyboard.press("j")  # second paragraph
    second = paras.nth(1)
    assert "current" in second.get_attribute("class")
    pid = second.get_attribute("data-pid")
    predicted = json.loads(page.evaluate("JSON.stringify(CABLE.paragraphs[1].predictions.commitment)"))
    key, value = ("x", 0) if predicted["label"] else ("c", 1)  # the opposite of the model: a correction
    page.keyboard.press(key)
    dec = second.locator("[data-dec='commitment']")
    dec.filter(has_text="corrected").wait_for()

    lines = [json.loads(x) for x in labels.read_text().splitlines()]
    assert [(d["paragraph_id"], d["label"], d["value"], d["reviewer"]) for d in lines] == [
        (pid, "commitment", value, "ann")]

    page.reload()
    page.wait_for_selector("body[data-ready='1']")
    again = page.locator(f"[data-pid='{pid}'] [data-dec='commitment']")
    assert f"corrected → {value}" in again.inner_text()


def test_export_page_downloads_and_train_page_loads(live_server, labels, page):
    page.goto(live_server + "/cable/00ATHENS1917")
    page.wait_for_selector("body[data-ready='1']")
    page.keyboard.press("d")  # doubt = 1 on the first paragraph
    page.locator(".para").first.locator("[data-dec='doubt']").filter(has_text=re.compile(r"\b1$")).wait_for()
    page.goto(live_server + "/export")
    page.wait_for_selector("body[data-ready='1']")
    with page.expect_download() as dl:
        page.click("a[data-fmt='jsonl']")
    rows = [json.loads(x) for x in open(dl.value.path(), encoding="utf-8").read().splitlines()]
    assert [(r["cable_id"], r["doubt"]) for r in rows] == [("00ATHENS1917", 1)]
    page.check("#mine")
    assert page.get_attribute("a[data-fmt='hf']", "href") == "/api/export/hf?reviewer=ann"
    page.goto(live_server + "/train")
    page.wait_for_selector("body[data-ready='1']")
    assert page.inner_text("#state") == "no retrain run yet"
    assert page.is_checked("input[value='doubt']") and not page.is_checked("input[value='sensitivity']")
