import json

import pytest

from pipeline.store.jsonl import AtomicJsonlWriter


def test_writes_lines_and_renames(tmp_path):
    out = tmp_path / "sub" / "out.jsonl"
    with AtomicJsonlWriter(out) as w:
        w.write({"cable_id": "07PHNOMPENH1308", "text": "Phnom Penh ¶"})
        w.write({"n": 2})
        assert not out.exists(), "target must not appear before the writer closes"
    lines = out.read_text("utf-8").splitlines()
    assert [json.loads(x) for x in lines] == [{"cable_id": "07PHNOMPENH1308", "text": "Phnom Penh ¶"}, {"n": 2}]
    assert w.count == 2
    assert list(out.parent.glob("*.part")) == []


def test_failure_keeps_previous_file_and_leaves_no_partial(tmp_path):
    out = tmp_path / "out.jsonl"
    out.write_text('{"old": true}\n', encoding="utf-8")
    with pytest.raises(RuntimeError):
        with AtomicJsonlWriter(out) as w:
            w.write({"new": 1})
            raise RuntimeError("killed mid-run")
    assert out.read_text("utf-8") == '{"old": true}\n'
    assert list(tmp_path.glob("*.part")) == []


def test_output_gets_the_usual_file_mode(tmp_path):
    import os

    out = tmp_path / "o.jsonl"
    with AtomicJsonlWriter(out) as w:
        w.write({"a": 1})
    umask = os.umask(0)
    os.umask(umask)
    assert out.stat().st_mode & 0o777 == 0o666 & ~umask
