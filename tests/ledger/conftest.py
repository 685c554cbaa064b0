"""Fixtures of the ledger tests: a small random-init Llama on the world's tokenizer.

Crash/resume, duplicates and hashes do not depend on what the model knows, so these
tests use a model that builds in a second instead of the trained tiny models.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from obliviate.data.formats import write_jsonl


@pytest.fixture(scope="session")
def request_files(tmp_path_factory, splits) -> list[Path]:
    """Four request files of 3 forget items each, and the retain sample file."""
    root = tmp_path_factory.mktemp("requests")
    forget = splits["forget"]
    return [write_jsonl(root / f"req{k}.jsonl", forget[3 * k:3 * k + 3]) for k in range(4)]


@pytest.fixture(scope="session")
def retain_file(tmp_path_factory, splits) -> Path:
    return write_jsonl(tmp_path_factory.mktemp("retain") / "retain.jsonl", splits["retain"][::24])
