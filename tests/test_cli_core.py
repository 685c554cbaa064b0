"""The command line: clear errors without tracebacks, the demo report.

In-process (``obliviate.cli.main`` with ``sys.argv``) except the demo, which runs as
the real console command once.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys

import pytest


def run_cli(*args, **kwargs):
    env = {**os.environ, "OBLIVIATE_PROGRESS": "0"}
    return subprocess.run([sys.executable, "-m", "obliviate", *map(str, args)], capture_output=True,
                          text=True, env=env, timeout=kwargs.get("timeout", 600))


def test_methods_json_lists_registry(cli):
    proc = cli("methods", "--json")
    assert proc.returncode == 0, proc.stderr
    rows = json.loads(proc.stdout)
    names = {r["name"] for r in rows}
    assert {"ga", "grad_diff", "npo"} <= names
    assert all(set(r) >= {"name", "intention", "family", "reference"} for r in rows)
    assert {r["intention"] for r in rows} <= {"removal", "suppression", "exact"}


def test_missing_model_is_a_clear_error(tmp_path, cli):
    forget = tmp_path / "f.jsonl"
    forget.write_text('{"question": "q?", "answer": "a"}\n')
    proc = cli("unlearn", "--model", tmp_path / "nope", "--forget", forget, "--out", tmp_path / "run")
    assert proc.returncode == 2
    assert "does not exist" in proc.stderr and "Traceback" not in proc.stderr


def test_malformed_forget_file_is_a_clear_error(tmp_path, zoo, cli):
    forget = tmp_path / "f.jsonl"
    forget.write_text('{"question": "q?", "answer": "a"}\n{"question": "q?"}\n')
    proc = cli("unlearn", "--model", zoo.original, "--forget", forget, "--out", tmp_path / "run")
    assert proc.returncode == 2
    assert "f.jsonl:2: missing required field 'answer'" in proc.stderr
    assert "Traceback" not in proc.stderr and not (tmp_path / "run").exists()


def test_world_export_writes_jsonl(tmp_path, cli):
    proc = cli("world", "export", "--out", tmp_path, "--people", 20)
    assert proc.returncode == 0, proc.stderr
    lines = (tmp_path / "forget.jsonl").read_text().splitlines()
    assert lines and all("question" in json.loads(line) for line in lines)


@pytest.mark.slow
def test_demo_writes_report_with_required_fields(tmp_path, zoo):
    out = tmp_path / "demo"
    proc = run_cli("demo", "--out", out)
    assert proc.returncode == 0, proc.stderr[-3000:]
    report = json.loads((out / "report.json").read_text())
    for key in ("method", "intention", "forget_split", "forget_quality", "timings_s"):
        assert key in report
    for model in ("original", "unlearned", "gold"):
        assert report["models"][model]["sha256"]
        assert report["model_utility"][model] is not None
        for split in ("forget", "retain", "holdout", "neighbor"):
            assert set(report["metrics"][split][model]) >= {"mcq_accuracy", "generation_accuracy", "truth_ratio"}
    forget = report["metrics"]["forget"]
    assert forget["unlearned"]["mcq_accuracy"] <= forget["gold"]["mcq_accuracy"] + 0.10
    retain = report["metrics"]["retain"]
    assert retain["unlearned"]["mcq_accuracy"] >= 0.9 * retain["original"]["mcq_accuracy"]
    html = (out / "report.html").read_text()
    assert "data:image/png;base64," in html
    assert not re.search(r'(src|href)="(https?:)?//', html)  # self-contained
    assert "MCQ accuracy" in proc.stdout
