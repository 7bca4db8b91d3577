"""The signature line at the end of a body (``MUSSOMELI``; glued after the
last sentence in reflowed text: ``... eco-tourism. SCOBEY``, 08CAIRO2175).

Shapes
------
``is_signer(line) -> bool``; ``take_signer(text, lines, paras) -> str | None``
(detaches it from the last paragraph in place).  Raises nothing.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from pipeline.records import Paragraph

if TYPE_CHECKING:
    from pipeline.cables.body_lines import Line


SIGNER = re.compile(r"^[ \t]*(?P<s>[A-Z][A-Z.'\-]+(?:[ ][A-Z][A-Z.'\-]*){0,3})[ \t]*$")
END_SIGNER = re.compile(r"^[ \t]*END[ ][A-Z ]+\.[ ]+(?P<s>[A-Z][A-Z'\-]{2,})[ \t]*$")
GLUED_SIGNER = re.compile(r"(?<=[.!?\"')])[ ]+(?P<s>[A-Z][A-Z'\-]{2,})[ \t]*$")
NOT_SIGNER = {"END", "COMMENT", "SUMMARY", "NOTE", "UNQUOTE", "QUOTE", "BT", "NNNN",
              "SIPDIS", "SENSITIVE", "NOFORN", "END COMMENT", "END SUMMARY", "END NOTE",
              "END TEXT", "END QUOTE", "TEXT", "UNCLASSIFIED", "CONFIDENTIAL", "SECRET"}


def is_signer(s: str) -> bool:
    s = s.strip()
    return bool(SIGNER.match(s)) and s.upper() == s and s.rstrip(".") not in NOT_SIGNER \
        and not s.endswith(".") \
        and not re.search(r"\d", s) and len(s) <= 40


def take_signer(text: str, lines: list[Line], paras: list[Paragraph]) -> str | None:
    """Detach the signature line from the last paragraph (or take it whole)."""
    if not paras:
        return None
    last = paras[-1]
    content = [ln for ln in lines if ln.kind == "text" and last.start <= ln.start < last.end + 1]
    if len(content) >= 2 and is_signer(content[-1].raw):
        sig = content[-1].raw.strip()
        prev = content[-2]
        last.end = prev.end
        t = last.text
        last.text = t[: len(t) - len(sig)].rstrip() if t.endswith(sig) else t
        return sig
    if len(content) == 1 and last.number is None and is_signer(content[0].raw) and len(paras) > 1:
        paras.pop()
        return content[0].raw.strip()
    m = END_SIGNER.match(content[-1].raw) if content else None
    if m and len(content) >= 2:  # "END TALKING POINTS. RICE" (08STATE50524)
        last.text = last.text[: last.text.rfind(m.group("s"))].rstrip()
        last.end = content[-1].start + m.start("s") - 1
        return m.group("s")
    m = GLUED_SIGNER.search(last.text)
    if m and sum(1 for c in last.text if c.islower()) > 0.3 * len(last.text) and \
            m.group("s") not in NOT_SIGNER and len(m.group("s")) >= 3:
        last.text = last.text[: m.start()].rstrip()
        sig_pos = text.rfind(m.group("s"), last.start, last.end + 1)
        if sig_pos > 0:
            last.end = len(text[:sig_pos].rstrip())
        return m.group("s")
    return None
