"""obliviate.rundir: the run directory reader/writer and the output rules, on their own."""

from __future__ import annotations

import os

import pytest

from obliviate.errors import RunNotFoundError
from obliviate.rundir import OutputError, RunDir, check_output_file, check_outputs


def test_run_dir_reads_and_merges_atomically(tmp_path):
    run = RunDir(tmp_path)
    with pytest.raises(RunNotFoundError, match="run.json not found"):
        run.read_run()
    (tmp_path / "run.json").write_text("{not json")
    with pytest.raises(RunNotFoundError, match="not a valid JSON file"):
        run.read_run()
    run.write_run({"method": "npo"})
    assert run.read_run() == {"method": "npo"}
    assert run.merge_report({"a": 1}) == {"a": 1}
    assert run.merge_report({"b": 2}) == {"a": 1, "b": 2} == run.read_report()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no temp files left


def test_create_swaps_in_only_a_complete_run(tmp_path):
    out = tmp_path / "run"
    with pytest.raises(RuntimeError):
        with RunDir.create(out) as run:
            run.write_run({"half": True})
            raise RuntimeError("crash while writing")
    assert not out.exists() and list(tmp_path.iterdir()) == []
    with RunDir.create(out) as run:
        run.write_run({"whole": True})
        assert run.staging != out and run.root == out
    assert RunDir(out).read_run() == {"whole": True} and list(tmp_path.iterdir()) == [out]


def test_same_file_through_a_hard_link_is_the_input(tmp_path):
    data = tmp_path / "forget.jsonl"
    data.write_text("x")
    link = tmp_path / "other_name.jsonl"
    os.link(data, link)
    with pytest.raises(OutputError, match="same file"):
        check_outputs([("--forget", data)], [("--out", link)])
    with pytest.raises(OutputError, match="exists; pass --overwrite"):
        check_output_file(tmp_path / "other_name.jsonl")
    check_outputs([("--forget", data)], [("--out", tmp_path / "elsewhere")])  # no conflict
