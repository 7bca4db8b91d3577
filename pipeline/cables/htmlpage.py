"""Published cable pages (``.html``) -> the cable text they show.

Shapes
------
``is_html(data: bytes) -> bool``; ``cable_text_from_html(page: str) -> str``.

Rules (``../shared/corpora/cablegate-html-samples/``, three site layouts:
Dec 2010 (02BRASILIA4227), Apr 2011 (09BRUSSELS536), Sep 2011 (72TEHRAN1381))
-----------------------------------------------------------------------
* the cable is the text of the ``<pre>`` blocks (inside ``<code>``): the
  routing header block, then the body block; blocks are joined by one blank
  line;
* markup inside a block is dropped and its text kept: ``<a>`` pilcrow links,
  tag links in TAGS, ``<strong>``/``<em>`` (09ISLAMABAD3037);
* entities are decoded (``&#x000A;`` -> newline); a literal ``<<Israel>>``
  (08STATE43817) is cable text, not a tag, and is kept as printed.
Errors: :class:`CableError` ``"no cable text in HTML page"`` when the page
holds no ``<pre>`` block.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

from pipeline.cables.errors import CableError

_HTML_START = re.compile(rb"\A(?:\xef\xbb\xbf)?\s*(?:<!DOCTYPE\s+html|<html|<\?xml[^>]*>\s*<!DOCTYPE\s+html)", re.I)


def is_html(data: bytes) -> bool:
    """True when ``data`` starts like an HTML page (doctype or ``<html``)."""
    return bool(_HTML_START.match(data[:2048]))


#: Tags the site puts inside a ``<pre>`` block; any other "tag" is cable text.
_MARKUP = {"a", "b", "i", "u", "em", "strong", "span", "font", "code", "pre", "br", "p", "div", "sup", "sub"}


class _PreText(HTMLParser):
    """Collects the text of each ``<pre>`` element, markup inside dropped."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[str] = []
        self._depth = 0
        self._buf: list[str] = []

    def handle_starttag(self, tag, attrs):  # noqa: D401 - HTMLParser hook
        if tag == "pre":
            if self._depth == 0:
                self._buf = []
            self._depth += 1
        elif tag == "br" and self._depth:
            self._buf.append("\n")
        elif self._depth and tag not in _MARKUP:
            # not markup but cable text that looks like a tag: "<<Israel>>"
            self._buf.append(self.get_starttag_text() or "")

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag):
        if self._depth and tag not in _MARKUP:
            self._buf.append(f"</{tag}>")
        elif tag == "pre" and self._depth:
            self._depth -= 1
            if self._depth == 0:
                self.blocks.append("".join(self._buf))

    def handle_data(self, data):
        if self._depth:
            self._buf.append(data)


def cable_text_from_html(page: str, path: str | None = None) -> str:
    """The cable text of a published page (see module rules)."""
    parser = _PreText()
    parser.feed(page)
    parser.close()
    if parser._depth:  # unclosed <pre> at the end of a truncated page
        parser.blocks.append("".join(parser._buf))
    blocks = [b for b in parser.blocks if b.strip()]
    if not blocks:
        raise CableError(path, "no cable text in HTML page")
    return "\n\n".join(blocks)
