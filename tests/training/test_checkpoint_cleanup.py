"""Resume checkpoints do not pile up: a finished or diverged run removes its own, a new run
removes other runs' checkpoints left unused for $OBLIVIATE_CHECKPOINT_DAYS days (never
the one it resumes), and `obliviate checkpoints list|clear` shows and removes them."""

from __future__ import annotations

import json
import os
import time

import pytest

from obliviate.api import unlearn
from obliviate.errors import ObliviateError, TrainingDivergedError
from obliviate.models.cache import checkpoint_max_age_days, list_checkpoints, prune_checkpoints

QUICK = {"epochs": 3, "batch_size": 8}   # 16 forget items: 6 steps
DAY = 86400.0


def _fake(root, name: str, age_days: float, step: int | None = 5, method: str = "npo"):
    """A checkpoint directory last saved ``age_days`` ago (``step`` None: its first save never finished)."""
    d = root / name
    d.mkdir(parents=True)
    (d / f"model-{step}.safetensors").write_bytes(b"x" * 100)
    if step is not None:
        (d / "state.json").write_text(json.dumps({"step": step, "meta": {"method": method, "key": name}}))
    _age(d, age_days)
    return d


def _age(directory, days: float) -> None:
    when = time.time() - days * DAY
    for p in [*directory.iterdir(), directory]:
        os.utime(p, (when, when))



def test_prune_removes_what_was_not_saved_to_for_long_enough(tmp_path):
    root = tmp_path / "checkpoints"
    old, fresh = _fake(root, "unlearn-old", 8), _fake(root, "unlearn-fresh", 1)
    unfinished = _fake(root, "unlearn-unfinished", 9, step=None)
    resumed = _fake(root, "unlearn-resumed", 30)
    assert [c["path"].name for c in list_checkpoints(root)] == [
        "unlearn-resumed", "unlearn-unfinished", "unlearn-old", "unlearn-fresh"]
    assert list_checkpoints(root)[1]["step"] is None and list_checkpoints(root)[3]["method"] == "npo"
    removed = prune_checkpoints(7, keep=resumed, root=root)
    assert sorted(c["path"].name for c in removed) == ["unlearn-old", "unlearn-unfinished"]
    assert not old.exists() and not unfinished.exists() and fresh.exists() and resumed.exists()
    assert [c["path"] for c in prune_checkpoints(0, root=root)] == [resumed, fresh]   # 0 days: all
    assert prune_checkpoints(7, root=tmp_path / "none") == []


def test_the_period_comes_from_the_environment(monkeypatch):
    monkeypatch.delenv("OBLIVIATE_CHECKPOINT_DAYS", raising=False)
    assert checkpoint_max_age_days() == 7
    monkeypatch.setenv("OBLIVIATE_CHECKPOINT_DAYS", "0.5")
    assert checkpoint_max_age_days() == 0.5
    monkeypatch.setenv("OBLIVIATE_CHECKPOINT_DAYS", "inf")
    assert checkpoint_max_age_days() == float("inf")
    for bad in ("-1", "nan", "a week"):
        monkeypatch.setenv("OBLIVIATE_CHECKPOINT_DAYS", bad)
        with pytest.raises(ObliviateError, match="OBLIVIATE_CHECKPOINT_DAYS"):
            checkpoint_max_age_days()


def test_a_run_removes_stale_checkpoints_resumes_its_own_and_leaves_none(stop_at, original, splits, tmp_home,
                                                                         monkeypatch):
    forget, retain = splits["forget"][:16], splits["retain"][:32]
    root = tmp_home / "checkpoints"
    with monkeypatch.context() as patch:
        stop_at(patch, 4, KeyboardInterrupt)
        with pytest.raises(KeyboardInterrupt):
            unlearn(original, forget, retain, method="npo", checkpoint_every=3, **QUICK)
    (own,) = root.iterdir()
    _age(own, 30)   # older than the period, but the same command resumes it
    _fake(root, "unlearn-stale", 8)
    fresh = _fake(root, "unlearn-fresh", 1)
    with pytest.warns(UserWarning, match=r"removed 1 checkpoint\(s\) of stopped runs not resumed for 7 days"):
        result = unlearn(original, forget, retain, method="npo", **QUICK)
    assert result.resumed_from_step == 4
    assert [p.name for p in root.iterdir()] == [fresh.name], "the finished run or the stale one is still there"


def test_a_diverged_run_leaves_no_checkpoint(stop_at, original, splits, tmp_home, monkeypatch):
    """Resuming it would diverge at the same step again (the resume is exact)."""
    forget, retain = splits["forget"][:16], splits["retain"][:32]
    stop_at(monkeypatch, 4, TrainingDivergedError)   # after the save at step 3
    with pytest.raises(TrainingDivergedError):
        unlearn(original, forget, retain, method="npo", checkpoint_every=3, **QUICK)
    assert not any((tmp_home / "checkpoints").iterdir())


def test_cli_lists_and_clears_checkpoints(cli, tmp_home, monkeypatch):
    root = tmp_home / "checkpoints"
    _fake(root, "unlearn-old", 10, method="ga")
    _fake(root, "unlearn-new", 0.5, step=None)
    r = cli("checkpoints", "list", "--json")
    rows = json.loads(r.out)
    assert r.code == 0 and [(x["method"], x["step"]) for x in rows] == [("ga", 5), (None, None)]
    assert rows[0]["age_days"] == pytest.approx(10, abs=0.01) and rows[0]["bytes"] > 0
    r = cli("checkpoints", "list")
    assert r.code == 0 and "unlearn-old" in r.out and "unfinished" in r.out
    r = cli("checkpoints", "clear", "--older-than", "2")
    assert r.code == 0 and "removed 1 checkpoint(s)" in r.out and [p.name for p in root.iterdir()] == ["unlearn-new"]
    assert cli("checkpoints", "clear", "--older-than", "-1").code == 2
    r = cli("checkpoints", "clear")
    assert r.code == 0 and not any(root.iterdir())
    assert "no checkpoints" in cli("checkpoints", "list").out
    monkeypatch.setenv("OBLIVIATE_CHECKPOINT_DAYS", "soon")
    r = cli("checkpoints", "list")
    assert r.code == 2 and "OBLIVIATE_CHECKPOINT_DAYS" in r.err and "Traceback" not in r.output
