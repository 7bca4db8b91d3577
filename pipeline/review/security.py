"""Write protection: a per-run random token the pages carry, and a same-origin
check, so a cross-site ``POST`` gets 403 and changes nothing."""

from __future__ import annotations

import hmac
import secrets
from urllib.parse import urlsplit

from fastapi import HTTPException, Request

TOKEN_HEADER = "X-Review-Token"
LOOPBACK = ("127.0.0.1", "localhost", "::1")


def new_token() -> str:
    return secrets.token_urlsafe(24)


def check_write(request: Request, token: str) -> None:
    """Raise 403 unless the request carries the token and, when the browser
    sends an Origin (or Referer), it is this server's own origin."""
    sent = request.headers.get(TOKEN_HEADER, "")
    if not hmac.compare_digest(sent.encode(), token.encode()):
        raise HTTPException(status_code=403, detail="missing or wrong review token")
    origin = request.headers.get("origin") or request.headers.get("referer")
    if origin:
        o = urlsplit(origin)
        host = request.headers.get("host", "")
        if f"{o.hostname}:{o.port}" != _host_port(host, request.url.scheme) and o.netloc != host:
            raise HTTPException(status_code=403, detail="cross-origin write refused")


def _host_port(host: str, scheme: str) -> str:
    h = urlsplit(f"//{host}")
    port = h.port or (443 if scheme == "https" else 80)
    return f"{h.hostname}:{port}"
