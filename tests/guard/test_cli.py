"""`obliviate guard eval` on a run directory, and its errors."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from typer.testing import CliRunner

from obliviate.cli import app
from obliviate.data.formats import write_jsonl
from obliviate.guard.evaluate import FORGET_KINDS, OTHER_KINDS


def _run_dir(tmp_path, splits):
    """A run directory with the files guard eval reads (the model is not needed)."""
    run = tmp_path / "run"
    run.mkdir()
    write_jsonl(run / "forget.jsonl", splits["forget"])
    write_jsonl(run / "retain.jsonl", splits["retain"])
    (run / "run.json").write_text(json.dumps({"method": "npo", "intention": "removal",
                                              "original": {"path": str(tmp_path / "missing")}}))
    return run


def test_guard_eval_writes_guard_json_and_report(tmp_path, splits):
    run = _run_dir(tmp_path, splits)
    result = CliRunner().invoke(app, ["guard", "eval", str(run), "--no-semantic"])
    assert result.exit_code == 0, result.output
    data = json.loads((run / "guard.json").read_text())
    assert set(data["block_rate"]) == set(FORGET_KINDS)
    assert set(data["false_positive_rate"]) == set(OTHER_KINDS)  # holdout: the world was recognised
    assert min(data["block_rate"].values()) >= 0.99
    report = json.loads((run / "report.json").read_text())
    assert report["guard"]["block_rate"] == data["block_rate"]
    assert "Guard (content filter)" in (run / "report.html").read_text()


def test_guard_eval_on_a_missing_run_is_a_clear_error(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "obliviate", "guard", "eval", str(tmp_path / "nope")],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2
    assert "run.json not found" in " ".join((proc.stderr + proc.stdout).split())


def test_guard_eval_rejects_a_bad_threshold(tmp_path, splits):
    run = _run_dir(tmp_path, splits)
    proc = subprocess.run([sys.executable, "-m", "obliviate", "guard", "eval", str(run), "--threshold", "1.5"],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2 and "--threshold must be" in " ".join((proc.stderr + proc.stdout).split())


def test_guard_serve_refuses_a_public_bind_without_a_key_before_loading_anything(tmp_path, capsys, monkeypatch):
    from obliviate.cli import main

    monkeypatch.delenv("OBLIVIATE_GUARD_API_KEY", raising=False)
    for host in ("0.0.0.0", "192.168.1.20"):
        with pytest.raises(SystemExit) as exit_info:
            main(["guard", "serve", "--run", str(tmp_path / "nope"), "--host", host])
        assert exit_info.value.code == 2
        out = " ".join(capsys.readouterr().err.split())
        assert "without an API key" in out and "Traceback" not in out


def test_guard_opaque_flag_is_checked_before_any_work(tmp_path, capsys):
    from obliviate.cli import main

    for command in (["guard", "eval", str(tmp_path / "nope")], ["guard", "serve", "--run", str(tmp_path / "nope")]):
        with pytest.raises(SystemExit) as exit_info:
            main([*command, "--opaque", "maybe", "--no-semantic"])
        assert exit_info.value.code == 2
        out = " ".join(capsys.readouterr().err.split())
        assert "--opaque must be 'block' or 'allow'" in out and "Traceback" not in out


def test_guard_eval_passes_the_opaque_policy_to_the_guard(tmp_path, splits, monkeypatch):
    import obliviate.guard.evaluate as guard_eval

    seen = []

    def capture(run, config=None, seed=0):
        seen.append(config.opaque)
        return {"mode": "lexical", "block_rate": {}, "false_positive_rate": {}, "n_queries": {}, "goal": {"met": True}}

    monkeypatch.setattr(guard_eval, "run_guard_eval", capture)
    run = _run_dir(tmp_path, splits)
    for args, policy in (([], "block"), (["--opaque", "allow"], "allow"), (["--opaque", "block"], "block")):
        result = CliRunner().invoke(app, ["guard", "eval", str(run), "--no-semantic", *args])
        assert result.exit_code == 0, result.output
    assert seen == ["block", "allow", "block"]
