"""Errors raised while reading or parsing a cable."""

from __future__ import annotations


class CableError(ValueError):
    """A cable file that cannot be read or parsed.

    ``path`` names the file (or ``None`` for in-memory text) and ``reason``
    says why in a few words, e.g. ``"empty file"``, ``"binary content"``,
    ``"no cable header found"``.  ``str(err)`` is ``"<path>: <reason>"`` so
    that a batch log names the file and the reason on one line.
    """

    def __init__(self, path: str | None, reason: str):
        self.path = path
        self.reason = reason
        super().__init__(f"{path or '<text>'}: {reason}")
