"""Run the review app with uvicorn on a free port and print its URL."""

from __future__ import annotations

import socket
import sys
from pathlib import Path

from pipeline.review.security import LOOPBACK, new_token


def free_port(host: str = "127.0.0.1") -> int:
    """A port the OS says is free now on ``host``."""
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as s:
        s.bind((host, 0))
        return s.getsockname()[1]


def serve(annotated: Path, labels: Path, reviewer: str | None, host: str = "127.0.0.1",
          port: int = 0, allow_remote: bool = False, train_labels: list[Path] | None = None,
          corpus_dir: Path | None = None, models_dir: Path | None = None) -> int:
    """Serve until Ctrl-C. A host beyond loopback needs ``allow_remote`` and
    then every request needs the access token printed in the URL.
    ``train_labels``, ``corpus_dir``, ``models_dir`` go to the retrain action
    (:func:`pipeline.review.app.create_app`)."""
    import uvicorn

    from pipeline.review.app import create_app

    remote = host not in LOOPBACK
    if remote and not allow_remote:
        print(f"refusing to serve on {host}: pass --allow-remote (an access token is then required)", file=sys.stderr)
        return 2
    access = new_token() if remote else None
    app = create_app(annotated, labels, reviewer=reviewer, access_token=access, train_labels=train_labels,
                     corpus_dir=corpus_dir, models_dir=models_dir)
    port = port or free_port(host)
    url = f"http://{host}:{port}/" + (f"?access={access}" if access else "")
    print(f"cables review: {url}  (labels -> {labels}; Ctrl-C stops)", flush=True)
    uvicorn.run(app, host=host, port=port, log_level="warning")
    return 0
