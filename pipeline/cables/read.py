"""Bytes -> text for cable files.

Shapes
------
``read_cable_bytes(b"...", "x.txt") -> str``; ``read_cable_text(Path) -> str``.
Offsets in :class:`pipeline.records.Paragraph` refer to the returned text.

Rules
-----
* empty (or whitespace-only) input -> ``CableError(path, "empty file")``;
* NUL bytes or under 85% printable characters -> ``"binary content"``;
* an opening (first 2,000 characters) with almost no letters ->
  ``"not cable text"`` (clear garbage; a body of figures is fine);
* decode UTF-8 (BOM dropped), else Windows-1252 (tika dumps, 06NEWDELHI5135);
* a published HTML page (``.html`` name or an ``<html``/doctype start) gives
  the text of its ``<pre>`` blocks (:mod:`pipeline.cables.htmlpage`,
  09BRUSSELS536); a page without one -> ``"no cable text in HTML page"``;
* mojibake (``Â¶``, ``â€™``) repaired with ``ftfy`` (07PHNOMPENH1308 drops);
* CRLF/CR and U+2028 (06MEXICO2220) -> LF; literal ``&#x000A;`` -> LF;
* backslash line continuations of database dumps (05MANAMA1672) removed
  when most lines carry one.
"""

from __future__ import annotations

import re
from pathlib import Path

import ftfy

from pipeline.cables.errors import CableError
from pipeline.cables.htmlpage import cable_text_from_html, is_html

_FTFY = ftfy.TextFixerConfig(uncurl_quotes=False, fix_latin_ligatures=False,
                             fix_character_width=False, normalization="NFC",
                             explain=False)


def read_cable_text(path: Path | str) -> str:
    """Read a cable file and return its repaired text (see module rules)."""
    p = Path(path)
    try:
        data = p.read_bytes()
    except OSError as exc:
        raise CableError(str(p), f"cannot read file ({exc.strerror})") from exc
    return read_cable_bytes(data, str(p))


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def read_cable_bytes(data: bytes, path: str | None = None) -> str:
    """Decode cable bytes to clean text; raise :class:`CableError` on bad input."""
    if not data or not data.strip():
        raise CableError(path, "empty file")
    if b"\x00" in data:
        raise CableError(path, "binary content")
    text = _decode(data)
    if is_html(data) or (path or "").lower().endswith((".html", ".htm")):
        text = cable_text_from_html(text, path)
    sample = text[:20000]
    printable = sum(1 for ch in sample if ch.isprintable() or ch in "\n\r\t\u2028")
    if printable < 0.85 * len(sample) or sample.count("\ufffd") > 0.05 * len(sample):
        raise CableError(path, "binary content")
    # U+2028 marks the source's line ends (06MEXICO2220); where a real
    # newline sits next to one, the pair is one line end, not a blank line.
    text = re.sub("\u2028[ \t]*(?=\r?\n)|(?<=\n)\u2028", "", text)
    text = ftfy.fix_text(text, _FTFY)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = text.replace("\u2028", "\n").replace("\u2029", "\n")
    text = re.sub(r"&#x0*A;|&#0*10;", "\n", text, flags=re.I)
    lines = text.split("\n")
    n_bs = sum(1 for ln in lines if ln.endswith("\\"))
    if n_bs >= 5 and n_bs > 0.2 * sum(1 for ln in lines if ln.strip()):
        text = "\n".join(ln[:-1].rstrip() if ln.endswith("\\") else ln for ln in lines)
    # Judge the opening only: a real cable opens with its header, while its
    # body may be one huge table of figures (a 5 MB table must still parse).
    head = text[:2000]
    letters = sum(1 for ch in head if ch.isalpha())
    if letters < 20 or letters < 0.3 * len(head.replace(" ", "").replace("\n", "")):
        raise CableError(path, "not cable text")
    return text
