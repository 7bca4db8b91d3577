"""Glue: text -> :class:`pipeline.records.Cable`.

Shapes
------
``parse_cable(text, source_path=None) -> Cable``;
``parse_file(path) -> Cable`` (reads with :func:`read_cable_text` rules,
sha256 of the raw bytes in ``Cable.source_sha256``).

Errors: :class:`CableError` when no header field at all is found
(``"no cable header found"``) or from reading.  A header with no body gives
zero paragraphs and the warning ``"no body paragraphs"``.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from pipeline.cables.body import parse_body
from pipeline.cables.errors import CableError
from pipeline.cables.header import parse_header
from pipeline.cables.read import read_cable_bytes
from pipeline.records import Cable


def parse_cable(text: str, source_path: str | None = None) -> Cable:
    """Parse decoded cable text (as returned by ``read_cable_text``)."""
    if not text or not text.strip():
        raise CableError(source_path, "empty text")
    hp = parse_header(text, source_path)
    if not hp.found or (hp.found == ["dtg"]):
        raise CableError(source_path, "no cable header found")
    cid = hp.header.cable_id
    station = re.sub(r"^\d{2}|\d+$", "", cid) if cid else None
    body = parse_body(text, hp.body_start, station, hp.header.subject)
    hp.header.signer = body.signer
    for zone in ("summary", "comment"):
        texts = [p.text for p in body.paragraphs if p.zone == zone and p.text]
        setattr(hp.header, zone, " ".join(texts) or None)
    warnings = hp.warnings + body.warnings
    if not body.paragraphs:
        warnings.append("no body paragraphs")
    if hp.header.cable_id is None:
        warnings.append("no cable id")
    if hp.header.classification.level is None:
        warnings.append("no classification")
    return Cable(header=hp.header, paragraphs=body.paragraphs,
                 source_path=source_path, warnings=warnings)


def parse_file(path: Path | str) -> Cable:
    """Read, hash and parse one cable file."""
    p = Path(path)
    try:
        data = p.read_bytes()
    except OSError as exc:
        raise CableError(str(p), f"cannot read file ({exc.strerror})") from exc
    cable = parse_cable(read_cable_bytes(data, str(p)), str(p))
    cable.source_sha256 = hashlib.sha256(data).hexdigest()
    return cable
