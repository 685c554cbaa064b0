"""Content-addressed cache of built artifacts under ``$OBLIVIATE_HOME``."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from pathlib import Path
from typing import Callable

from obliviate.files import replace_dir

MARKER = "obliviate_cache.json"


def obliviate_home() -> Path:
    """``$OBLIVIATE_HOME``, default ``~/.cache/obliviate``."""
    return Path(os.environ.get("OBLIVIATE_HOME", Path.home() / ".cache" / "obliviate"))


def cache_key(parts: dict) -> str:
    return hashlib.sha256(json.dumps(parts, sort_keys=True, default=str).encode()).hexdigest()[:16]


def cache_path(kind: str, parts: dict) -> Path:
    """Where :func:`cached` keeps the artifact of ``kind`` built from ``parts``."""
    return obliviate_home() / "models" / f"{kind}-{cache_key(parts)}"


def is_cached(path: Path) -> bool:
    """Whether a finished artifact is at ``path`` (its marker is written last)."""
    return (path / MARKER).exists()


def cached_kind(path: str | os.PathLike) -> str | None:
    """The kind an artifact at ``path`` was cached as (e.g. ``"reading-base"``), else None.

    Lets a caller tell the embedded world's own models (built here) from a user's.
    """
    try:
        kind = json.loads((Path(path) / MARKER).read_text()).get("kind")
    except (OSError, ValueError, AttributeError):
        return None
    return kind if isinstance(kind, str) else None


def _alive(pid: int) -> bool:
    if os.name == "nt":   # os.kill(pid, 0) would end the process there: assume it runs
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:       # exists, owned by someone else
        return True
    return True


def _remove_stale_builds(path: Path) -> None:
    """Delete the temp dirs of builds of ``path`` whose process is gone (killed mid-build).

    A build's temp dir is named ``.<name>.tmp-<pid>-<random>``; one whose process still
    runs (a concurrent build of the same artifact) is left alone.
    """
    for tmp in path.parent.glob(f".{path.name}.tmp-*"):
        pid = tmp.name[len(f".{path.name}.tmp-"):].split("-", 1)[0]
        if pid.isdigit() and not _alive(int(pid)):
            shutil.rmtree(tmp, ignore_errors=True)


def cached(kind: str, parts: dict, build: Callable[[Path], None]) -> tuple[Path, bool]:
    """Return (path, was_cached). ``build(tmp_dir)`` fills a temp dir, renamed on success.

    The marker file is written last, so a half-built entry (killed process) is
    rebuilt rather than trusted, and the temp dir such a process left is deleted.
    """
    path = cache_path(kind, parts)
    if is_cached(path):
        return path, True
    root = path.parent
    root.mkdir(parents=True, exist_ok=True)
    _remove_stale_builds(path)
    tmp = Path(tempfile.mkdtemp(prefix=f".{path.name}.tmp-{os.getpid()}-", dir=root))
    try:
        build(tmp)
        (tmp / MARKER).write_text(json.dumps({"kind": kind, **parts}, indent=2, default=str))
        replace_dir(tmp, path)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return path, False


# ---- resume checkpoints of stopped training runs ---------------------------------------------
CHECKPOINT_DAYS_ENV = "OBLIVIATE_CHECKPOINT_DAYS"
DEFAULT_CHECKPOINT_DAYS = 7.0


def checkpoints_root() -> Path:
    """Where training runs keep their resume checkpoints: ``$OBLIVIATE_HOME/checkpoints``."""
    return obliviate_home() / "checkpoints"


def checkpoint_max_age_days() -> float:
    """How long a stopped run's checkpoint is kept unused: ``$OBLIVIATE_CHECKPOINT_DAYS``
    (default 7; ``inf`` keeps them until ``obliviate checkpoints clear``)."""
    from obliviate.errors import ObliviateError

    raw = os.environ.get(CHECKPOINT_DAYS_ENV, "").strip()
    if not raw:
        return DEFAULT_CHECKPOINT_DAYS
    try:
        days = float(raw)
    except ValueError:
        days = float("nan")
    if not days >= 0:   # NaN and negative numbers too
        raise ObliviateError(f"{CHECKPOINT_DAYS_ENV} must be a number of days >= 0 or 'inf', got {raw!r}")
    return days


def list_checkpoints(root: Path | None = None) -> list[dict]:
    """The checkpoints under ``root`` (default :func:`checkpoints_root`), oldest first: ``path``,
    ``method`` and ``step`` (None until the first save is complete), ``bytes`` and ``saved``
    (Unix time of the newest file: the run's last save)."""
    root = checkpoints_root() if root is None else Path(root)
    found = []
    for directory in (root.iterdir() if root.is_dir() else []):
        if directory.is_symlink() or not directory.is_dir():
            continue
        files = [f for f in directory.iterdir() if f.is_file() and not f.is_symlink()]
        try:
            state = json.loads((directory / "state.json").read_text())
        except (OSError, ValueError):
            state = {}
        meta = state.get("meta") if isinstance(state, dict) and isinstance(state.get("meta"), dict) else {}
        found.append({"path": directory, "method": meta.get("method"),
                      "step": state.get("step") if isinstance(state, dict) else None,
                      "bytes": sum(f.stat().st_size for f in files),
                      "saved": max([directory.stat().st_mtime, *(f.stat().st_mtime for f in files)])})
    return sorted(found, key=lambda c: (c["saved"], c["path"].name))


def prune_checkpoints(max_age_days: float, keep: Path | None = None, root: Path | None = None,
                      now: float | None = None) -> list[dict]:
    """Remove the checkpoints last saved ``max_age_days`` or more ago (0: all), except ``keep``;
    returns the removed ones (as :func:`list_checkpoints` lists them).

    A live run saves at least every 10 minutes (``Checkpoint.every_seconds``), so only
    the checkpoints of stopped runs grow old; ``keep`` is the one the current run resumes.
    """
    import time

    now = time.time() if now is None else now
    keep = Path(keep).resolve() if keep is not None else None
    removed = []
    for c in list_checkpoints(root):
        if c["path"].resolve() != keep and now - c["saved"] >= max_age_days * 86400:
            shutil.rmtree(c["path"], ignore_errors=True)
            removed.append(c)
    return removed
