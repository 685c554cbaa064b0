"""File helpers every layer uses: atomic writes, directory swaps and content hashes.

This module is the ground floor: it imports nothing from obliviate, so data, models,
methods, evals and the commands can all use it without an import circle.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from pathlib import Path


def replace_dir(src: Path, dst: Path) -> None:
    """Move a finished directory into place, replacing ``dst`` as atomically as the OS allows."""
    if dst.exists():
        old = dst.with_name(f".{dst.name}.old-{os.getpid()}")
        os.replace(dst, old)
        os.replace(src, dst)
        shutil.rmtree(old, ignore_errors=True)
    else:
        os.replace(src, dst)


def directory_hash(path: str | os.PathLike) -> str:
    """SHA-256 over the weight and config files of a model directory (sorted by name)."""
    root = Path(path)
    digest = hashlib.sha256()
    files = sorted(p for p in root.iterdir() if p.is_file() and (
        p.suffix in {".safetensors", ".json"} and not p.name.startswith(".")
        and p.name not in {"run.json", "report.json"}))
    for p in files:
        digest.update(p.name.encode())
        with open(p, "rb") as fh:
            for block in iter(lambda: fh.read(1 << 20), b""):
                digest.update(block)
    return digest.hexdigest()


def atomic_write_text(path: str | os.PathLike, text: str) -> None:
    """Write a file via a temp file and rename, so readers never see half a file."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    with os.fdopen(fd, "w") as fh:
        fh.write(text)
    os.replace(tmp, path)
