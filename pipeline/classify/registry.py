"""Where trained heads live and which one is in use.

Layout (one folder per task and version)::

    models/<task>/<version>/head.safetensors   weights (KB)
    models/<task>/<version>/meta.json          labels, threshold, encoder, dims
    models/<task>/<version>/metrics.json       eval scores and baselines
    models/<task>/<version>/MODEL_CARD.md      data, counts, split, scores, date
    models/<task>/DEFAULT                      one line: the default version

Versions are ``v1``, ``v2``, ... in order of training.  The models folder is,
in order of precedence: the ``models_dir`` argument, ``$CABLES_MODELS_DIR``,
``<repo>/models``.
"""

from __future__ import annotations

import json
import logging
import os
import re
import shutil
import tempfile
from pathlib import Path
from typing import Any

from .heads import TaskHead

log = logging.getLogger(__name__)

from pipeline.config import REPO_ROOT  # noqa: E402  (one definition for the whole package)
TASKS: tuple[str, ...] = ("commitment", "doubt", "sensitivity")
DEFAULT_FILE = "DEFAULT"
_VERSION = re.compile(r"^v(\d+)$")


class ModelNotFound(FileNotFoundError):
    """No trained model for a task (no ``DEFAULT``, or it names a missing folder)."""


def resolve_models_dir(models_dir: Path | str | None = None) -> Path:
    """The models folder: argument, else ``$CABLES_MODELS_DIR``, else ``<repo>/models``."""
    if models_dir is not None:
        return Path(models_dir)
    env = os.environ.get("CABLES_MODELS_DIR")
    return Path(env) if env else REPO_ROOT / "models"


def _check_task(task: str) -> None:
    if task not in TASKS:
        raise ValueError(f"unknown task {task!r}; expected one of {', '.join(TASKS)}")


def list_versions(task: str, models_dir: Path | str | None = None) -> list[str]:
    """Versions of ``task`` on disk, oldest first (``["v1", "v2"]``)."""
    _check_task(task)
    folder = resolve_models_dir(models_dir) / task
    if not folder.is_dir():
        return []
    found = [p.name for p in folder.iterdir() if p.is_dir() and _VERSION.match(p.name)]
    return sorted(found, key=lambda v: int(v[1:]))


def default_version(task: str, models_dir: Path | str | None = None) -> str:
    """The version named by ``models/<task>/DEFAULT``; raises :class:`ModelNotFound`."""
    _check_task(task)
    root = resolve_models_dir(models_dir)
    path = root / task / DEFAULT_FILE
    if not path.is_file():
        raise ModelNotFound(f"no trained {task} model under {root} (missing {path}); train one first (cables train)")
    version = path.read_text(encoding="utf-8").strip()
    if not (root / task / version).is_dir():
        raise ModelNotFound(f"{path} names {version!r} but {root / task / version} does not exist")
    return version


def version_dir(task: str, version: str, models_dir: Path | str | None = None) -> Path:
    """``<models>/<task>/<version>``."""
    _check_task(task)
    return resolve_models_dir(models_dir) / task / version


def load_version(task: str, version: str, models_dir: Path | str | None = None) -> TaskHead:
    """Load one version of a task's head; raises :class:`ModelNotFound`."""
    folder = version_dir(task, version, models_dir)
    if not folder.is_dir():
        raise ModelNotFound(f"no {task} model {version} at {folder}")
    head = load_head(folder)
    head.extra.setdefault("version", version)
    return head


def load_head(folder: Path):
    """A :class:`.heads.TaskHead`, :class:`.hybrid.HybridHead` or
    :class:`.tuned_head.TunedHead`, per ``meta.json``'s ``format``."""
    from .hybrid import FORMAT, HybridHead
    from .tuned_head import FORMAT as TUNED, TunedHead

    try:
        fmt = json.loads((Path(folder) / "meta.json").read_text(encoding="utf-8")).get("format")
    except (OSError, ValueError):
        fmt = None
    if fmt == TUNED:
        return TunedHead.load(folder)
    return HybridHead.load(folder) if fmt == FORMAT else TaskHead.load(folder)


def load_default(task: str, models_dir: Path | str | None = None) -> TaskHead:
    """Load the default version of ``task``'s head (see :func:`default_version`)."""
    version = default_version(task, models_dir)
    return load_version(task, version, models_dir)


def next_version(task: str, models_dir: Path | str | None = None) -> str:
    """The version a new training run gets: one past the highest on disk."""
    versions = list_versions(task, models_dir)
    return f"v{int(versions[-1][1:]) + 1 if versions else 1}"


def set_default(task: str, version: str, models_dir: Path | str | None = None) -> None:
    """Point ``models/<task>/DEFAULT`` at ``version`` (atomic rename)."""
    folder = version_dir(task, version, models_dir)
    if not folder.is_dir():
        raise ModelNotFound(f"cannot make {version} the default: {folder} does not exist")
    _write_atomic(folder.parent / DEFAULT_FILE, version + "\n")


def publish(
    head: TaskHead,
    metrics: dict[str, Any],
    card: str,
    models_dir: Path | str | None = None,
    version: str | None = None,
    make_default: bool = True,
    extra_files: dict[str, bytes] | None = None,
) -> Path:
    """Write a new version folder for ``head.task`` and (by default) make it the default.

    The folder is assembled under a temporary name and renamed into place, so
    a reader never sees half a model.  Raises ``FileExistsError`` when the
    version exists.  Returns the folder.
    """
    task = head.task
    root = resolve_models_dir(models_dir)
    version = version or next_version(task, root)
    final = version_dir(task, version, root)
    if final.exists():
        raise FileExistsError(final)
    final.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(dir=final.parent, prefix=f".{version}-"))
    try:
        head.extra["version"] = version
        head.save(tmp)
        (tmp / "metrics.json").write_text(json.dumps(metrics, indent=2) + "\n", encoding="utf-8")
        (tmp / "MODEL_CARD.md").write_text(card, encoding="utf-8")
        for name, blob in (extra_files or {}).items():
            (tmp / Path(name).name).write_bytes(blob)
        tmp.chmod(0o755)  # mkdtemp makes 0700; models are shared read-only files
        for f in tmp.iterdir():
            f.chmod(0o644)
        os.replace(tmp, final)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    if make_default:
        set_default(task, version, root)
    log.info("published %s %s at %s", task, version, final)
    return final


def _write_atomic(path: Path, text: str) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}-")
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(text)
    os.chmod(tmp, 0o644)
    os.replace(tmp, path)
