"""Published cable pages (.html) -> cable text -> the same record as the text.

Rows: (page snippet, text it should yield), and (cable id, expected text file)
for pages copied from ../shared/corpora/cablegate-html-samples/ into
corpora/fixtures/html/ (three site layouts); the expected texts are the
sample set's own .txt files.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pipeline.cables.errors import CableError
from pipeline.cables.htmlpage import cable_text_from_html, is_html
from pipeline.cables.parse import parse_file
from pipeline.cables.read import read_cable_bytes

HTML = Path(__file__).resolve().parents[2] / "corpora" / "fixtures" / "html"
SHARED = Path(__file__).resolve().parents[3] / "shared" / "corpora" / "cablegate-html-samples"
PAGE = "<!DOCTYPE html>\n<html><body><div class='x'>menu</div>{}</body></html>"

SNIPPETS = [
    # two <pre> blocks (routing header, body) joined by a blank line (09BRUSSELS536)
    ("<code><pre>VZCZC&#x000A;FM X</pre></code><code><pre>S E C R E T&#x000A;</pre></code>",
     "VZCZC\nFM X\n\nS E C R E T\n"),
    # pilcrow links and tag links inside the text (09BRUSSELS536)
    ("<pre>TAGS: <a href='/tag/ETTC_0.html'>ETTC</a>&#x000A;<a id='par1' href='#par1'>¶</a>1.  (S//NF) X</pre>",
     "TAGS: ETTC\n¶1.  (S//NF) X"),
    # <strong>/<em> markup (09ISLAMABAD3037)
    ("<pre><strong>EO 12958 </strong>DECL: 12/18/2034 &#x000A;that <em>DG ISI Pasha</em> said</pre>",
     "EO 12958 DECL: 12/18/2034 \nthat DG ISI Pasha said"),
    # literal "<<Israel>>" is text, not a tag (08STATE43817)
    ("<pre>On September 6, 2007, <<Israel>> destroyed a</pre>",
     "On September 6, 2007, <<Israel>> destroyed a"),
    ("<pre>A &amp; B &lt;C&gt;</pre>", "A & B <C>"),
]


@pytest.mark.parametrize("body,expected", SNIPPETS)
def test_pre_text(body, expected):
    assert cable_text_from_html(PAGE.format(body)) == expected


@pytest.mark.parametrize("data,expected", [
    (b"<!DOCTYPE html PUBLIC", True),
    (b"\n  <html lang='en'>", True),
    (b"\xef\xbb\xbf<!doctype html>", True),
    (b"R 310838Z OCT 00\nFM AMEMBASSY ABU DHABI", False),
])
def test_is_html(data, expected):
    assert is_html(data) is expected


def test_page_without_pre_raises():
    with pytest.raises(CableError, match="no cable text in HTML page"):
        read_cable_bytes(PAGE.format("<p>Not found</p>").encode(), "x.html")


FIXTURE_IDS = ["02BRASILIA4227", "09ISLAMABAD3037", "08STATE43817", "72TEHRAN1381"]


@pytest.mark.parametrize("cid", FIXTURE_IDS)
def test_fixture_page_yields_sample_text(cid):
    page = (HTML / f"{cid}.html").read_text(encoding="utf-8")
    assert cable_text_from_html(page) == (HTML / f"{cid}.txt").read_text(encoding="utf-8")


@pytest.mark.parametrize("cid", FIXTURE_IDS)
def test_page_parses_to_the_record_of_its_text(cid):
    a, b = parse_file(HTML / f"{cid}.html").to_dict(), parse_file(HTML / f"{cid}.txt").to_dict()
    for d in (a, b):
        del d["source_path"], d["source_sha256"]
    assert a == b


@pytest.mark.parametrize("cid,name,expected", [
    ("02BRASILIA4227", "cable_id", "02BRASILIA4227"),   # Dec 2010 layout
    ("02BRASILIA4227", "level", "C"),
    ("09ISLAMABAD3037", "cable_id", "09ISLAMABAD3037"),  # Apr 2011 layout
    ("09ISLAMABAD3037", "level", "S"),
    ("72TEHRAN1381", "cable_id", "72TEHRAN1381"),        # Sep 2011 layout
    ("72TEHRAN1381", "level", "U"),
])
def test_page_header(cid, name, expected):
    h = parse_file(HTML / f"{cid}.html").header
    assert (h.cable_id if name == "cable_id" else h.classification.level) == expected


def test_discover_accepts_html(tmp_path):
    from pipeline.flows.stages import discover

    (tmp_path / "a.txt").write_text("x")
    (tmp_path / "b.html").write_text("x")
    (tmp_path / "c.json").write_text("x")
    assert [p.name for p in discover(tmp_path)] == ["a.txt", "b.html"]


def test_all_shared_samples_yield_their_text():
    if not (SHARED / "manifest.json").exists():
        pytest.skip("../shared/corpora/cablegate-html-samples not present")
    for row in json.loads((SHARED / "manifest.json").read_text()):
        page = (SHARED / row["html"]).read_text(encoding="utf-8")
        assert cable_text_from_html(page) == (SHARED / row["text"]).read_text(encoding="utf-8"), row["id"]
