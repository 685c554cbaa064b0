"""Fixtures of the CLI tests (the in-process `cli` and the random model live in tests/conftest.py).

``cli(*args)`` calls :func:`obliviate.cli.main` with ``args`` and returns its exit code
and captured output; only the interrupt test starts a real process.
"""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(scope="session")
def tiny_model(random_model) -> Path:
    """The shared random 2-layer Llama (tests/conftest.py)."""
    return random_model


@pytest.fixture
def data_files(tmp_path, splits) -> tuple[Path, Path]:
    """A forget file of 4 items and a retain file of 4 other items."""
    from obliviate.data.formats import write_jsonl

    return (write_jsonl(tmp_path / "forget.jsonl", splits["forget"][:4]),
            write_jsonl(tmp_path / "retain.jsonl", splits["retain"][:4]))


def _tree(path: Path) -> dict[str, bytes]:
    path = Path(path)
    if path.is_file():
        return {path.name: path.read_bytes()}
    return {str(p.relative_to(path)): p.read_bytes() for p in sorted(path.rglob("*")) if p.is_file()}


@pytest.fixture
def tree():
    """``tree(path)``: every file under ``path`` (relative name -> bytes), to assert nothing changed."""
    return _tree
