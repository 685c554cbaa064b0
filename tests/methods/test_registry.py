"""Lists of method names are derived from the registry, never typed again: README's table is checked."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from obliviate.methods import all_methods

README = Path(__file__).resolve().parents[2] / "README.md"


def readme_method_table() -> list[dict]:
    text = README.read_text()
    section = text[text.index("## Methods"):]
    rows = re.findall(r"^\| `(\w+)` \| ([^|]+) \| ([^|]+) \| ([^|]+) \|$", section, flags=re.M)
    return [{"name": n, "family": f.strip(), "intention": i.strip(), "reference": r.strip()} for n, f, i, r in rows]


def test_readme_table_matches_obliviate_methods(capsys):
    from obliviate.cli import main

    with pytest.raises(SystemExit) as exit_:
        main(["methods", "--json"])
    assert exit_.value.code == 0
    listed = json.loads(capsys.readouterr().out)
    assert readme_method_table() == listed, "README's method table differs from `obliviate methods --json`"
    assert [m["name"] for m in listed] == [m.name for m in all_methods()]


def test_every_method_is_described_in_docs():
    docs = (README.parent / "docs" / "methods.md").read_text()
    described = re.findall(r"^\*\*`(\w+)` — ", docs, flags=re.M)
    assert described == [m.name for m in all_methods()], "docs/methods.md describes other methods than the registry"
