"""Bytes -> text: bad input and repairs, on a real cable (07PHNOMPENH1308)."""

from __future__ import annotations

import pytest

from cable_helpers import cable_path
from pipeline.cables.errors import CableError
from pipeline.cables.parse import parse_cable
from pipeline.cables.read import read_cable_bytes, read_cable_text

CID = "07PHNOMPENH1308"


def original() -> str:
    return cable_path(CID).read_bytes().decode("utf-8")


@pytest.mark.parametrize("data,reason", [
    (b"", "empty file"),
    (b"  \n\r\n\t ", "empty file"),
    (b"\x00\x01PK\x03\x04" * 50, "binary content"),
    (bytes(range(1, 32)) * 40, "binary content"),
    (b"!!!! #### 1234 5678 ---- //// ;;;; " * 20, "not cable text"),
])
def test_bad_bytes_raise_cable_error(data, reason):
    with pytest.raises(CableError) as exc:
        read_cable_bytes(data, "bad.txt")
    assert exc.value.reason == reason
    assert exc.value.path == "bad.txt"
    assert str(exc.value).startswith("bad.txt: ")


def test_empty_file_on_disk(tmp_path):
    p = tmp_path / "empty.txt"
    p.write_bytes(b"")
    with pytest.raises(CableError, match="empty file"):
        read_cable_text(p)


def test_cp1252_bytes_decode_like_utf8():
    text = original()
    assert read_cable_bytes(text.encode("cp1252"), None) == text


def test_mojibake_repaired_with_ftfy():
    text = original()
    broken = text.encode("utf-8").decode("cp1252").replace("Â¶", "Â¶")  # "¶" -> "Â¶"
    assert "Â¶1." in broken
    assert read_cable_bytes(broken.encode("utf-8"), None) == text
    quote = "Embassy\u2019s view"
    assert read_cable_bytes(("x " * 20 + quote.encode("utf-8").decode("cp1252")).encode("utf-8")).endswith(quote)


def test_crlf_and_encoded_newlines_normalised():
    text = original()
    assert read_cable_bytes(text.replace("\n", "\r\n").encode("utf-8")) == text
    assert read_cable_bytes(text.replace("\n", "&#x000A;", 30).encode("utf-8")) == text


def test_cp1252_cable_parses_like_utf8():
    cable = parse_cable(read_cable_bytes(original().encode("cp1252")))
    assert len(cable.paragraphs) == 13
    assert cable.paragraphs[0].number == "1"


def test_truncated_header_gives_no_paragraphs_and_a_warning():
    text = original()
    cut = text[: text.index("PHNOM PENH 00001308  001.2")]
    cable = parse_cable(cut)
    assert cable.paragraphs == []
    assert "no body paragraphs" in cable.warnings
    assert cable.header.cable_id == CID
    assert cable.header.tags == ["PGOV", "PHUM", "PREL", "KWMN", "CB"]


@pytest.mark.parametrize("text", [
    "Dear colleagues, please find the minutes of the meeting attached.\n\nBest regards",
    "lorem ipsum dolor sit amet " * 30,
])
def test_text_without_any_cable_raises(text):
    with pytest.raises(CableError, match="no cable header found"):
        parse_cable(text, "note.txt")
