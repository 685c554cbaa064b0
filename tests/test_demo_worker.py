"""The demo's second process: the same results as in this process, and a clear fallback."""

from __future__ import annotations

import json
from dataclasses import asdict

import pytest

from obliviate.demo_worker import DemoWorker, guard_report


def test_demo_worker_evaluates_the_guard_as_this_process_does(world, tmp_path, monkeypatch):
    from obliviate.guard.semantic import SemanticUnavailable

    # No sentence encoder: the guard runs lexical-only, which keeps this test quick.
    monkeypatch.setenv("OBLIVIATE_EMBEDDER", str(tmp_path / "no-encoder"))
    worker = DemoWorker({"world_config": asdict(world.config), "forget": "forget01", "original": None,
                         "audit": False, "guard": True})
    out = worker.result()
    with pytest.warns(SemanticUnavailable):
        expected = guard_report(world, "forget01")
    assert out["guard"] == json.loads(json.dumps(expected))
    assert out["guard"]["mode"] == "lexical" and out["guard"]["block_rate"]["direct"] == 1.0
    assert set(out["seconds"]) == {"guard", "wall"}


def test_failed_demo_worker_warns_and_leaves_its_steps_to_this_process(world, tmp_path):
    worker = DemoWorker({"world_config": asdict(world.config), "forget": "forget01",
                         "original": str(tmp_path / "no-model"), "audit": True, "guard": False})
    with pytest.warns(RuntimeWarning, match="second process failed .* run in this process instead"):
        assert worker.result() is None
