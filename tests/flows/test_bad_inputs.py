"""Bad files in a drop are quarantined or annotated with warnings, never
fatal; the rest of the batch is annotated.  Real cables, real models."""

from __future__ import annotations

import json
import shutil

import pytest


@pytest.fixture(scope="module")
def bad_drop_run(tmp_path_factory, sample_drop, prefect_harness):
    from pipeline.flows.annotate import annotate_drop

    drop = tmp_path_factory.mktemp("bad")
    shutil.copy(sample_drop / "07PHNOMPENH1308.txt", drop / "good.txt")
    (drop / "zero.txt").write_bytes(b"")
    (drop / "binary.txt").write_bytes(bytes(range(256)) * 64)
    # A Windows-1252 copy of a real cable: decoded, not quarantined.
    text = (sample_drop / "07PHNOMPENH1308.txt").read_text("utf-8")
    (drop / "cp1252.txt").write_bytes(text.replace("07PHNOMPENH1308", "07PHNOMPENH1308", 1).encode("cp1252"))
    # A real header with no body.
    header = text[: text.index("¶1.")]
    (drop / "header-only.txt").write_text(header, encoding="utf-8")
    # A ~5 MB cable whose first paragraph is one enormous table.
    athens = (sample_drop / "00ATHENS1917.txt").read_text("utf-8")
    row = "GREECE      1,234     5,678     9,012     3,456     7,890\n"
    huge = athens.replace("¶1. (C) ", "¶1. (C) " + row * (5_000_000 // len(row)), 1)
    (drop / "huge.txt").write_text(huge, encoding="utf-8")
    out = tmp_path_factory.mktemp("out") / "bad.jsonl"
    summary = annotate_drop(str(drop), out=str(out), progress=False)
    records = {r["provenance"]["source_path"].rsplit("/", 1)[-1]: r
               for r in map(json.loads, out.read_text("utf-8").splitlines())}
    return summary, records


def test_zero_byte_and_binary_are_quarantined_with_reasons(bad_drop_run):
    summary, records = bad_drop_run
    reasons = {f.path.rsplit("/", 1)[-1]: f.reason for f in summary.failures}
    assert reasons == {"zero.txt": "empty file", "binary.txt": "binary content"}
    assert set(records) == {"good.txt", "cp1252.txt", "header-only.txt", "huge.txt"}


def test_windows_1252_is_decoded_like_the_utf8_original(bad_drop_run):
    _, records = bad_drop_run
    good, cp = records["good.txt"], records["cp1252.txt"]
    assert [p["text"] for p in cp["paragraphs"]] == [p["text"] for p in good["paragraphs"]]
    assert cp["header"]["cable_id"] == "07PHNOMPENH1308"


def test_header_without_body_has_zero_paragraphs_and_a_warning(bad_drop_run):
    _, records = bad_drop_run
    rec = records["header-only.txt"]
    assert rec["paragraphs"] == []
    assert rec["header"]["tags"] == ["PGOV", "PHUM", "PREL", "KWMN", "CB"]
    assert "no body paragraphs" in rec["warnings"]


def test_huge_table_paragraph_does_not_sink_the_cable(bad_drop_run):
    _, records = bad_drop_run
    rec = records["huge.txt"]
    first = rec["paragraphs"][0]
    rows = 5_000_000 // len("GREECE      1,234     5,678     9,012     3,456     7,890\n")
    assert first["text"].count("GREECE 1,234 5,678") == rows  # the whole table kept
    assert first["predictions"] is not None
    assert any("NER read the first" in w for w in rec["warnings"])
    # The other paragraphs are annotated as usual.
    later = rec["paragraphs"][1:]
    assert later and all(p["predictions"] is not None for p in later)
    assert any(e["label"] == "PERSON" for p in later for e in p["entities"])
