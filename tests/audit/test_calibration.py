"""Independent exact models against gold: the audit never calls them suppression or
not_unlearned; each is removal or inconclusive (issue 17's calibration test).

The three exact models (retrain with seeds 0, 2, 3; gold is seed 1) cost ~3 min each on
an idle 2-core machine, so the test runs where they are cached (after
`python benchmarks/bench_calibration.py`) or when OBLIVIATE_BUILD_EXACT=1 asks to build
them; otherwise it is skipped and says why.
"""

from __future__ import annotations

import os

import pytest

from obliviate.audit import AuditConfig, attack_model_cached, audit_outputs
from obliviate.calibration import EXACT_SEEDS, GOLD_SEED, load_calibration

pytestmark = pytest.mark.slow


def _exact_paths(world):
    from dataclasses import asdict

    from obliviate.models.cache import cache_path, is_cached
    from obliviate.models.tiny import RECIPE_VERSION, TinyConfig

    paths = {}
    for seed in EXACT_SEEDS:
        key = {"world": asdict(world.config), "tiny": TinyConfig().key("gold"), "forget": "forget10",
               "seed": seed, "version": RECIPE_VERSION}
        paths[seed] = cache_path("exact-retrain", key)
    return paths, all(is_cached(p) for p in paths.values())


def test_exact_models_are_removal_or_inconclusive(world, zoo, splits, original, gold):
    from obliviate.calibration import exact_models
    from obliviate.models.load import load_model

    paths, ready = _exact_paths(world)
    if not ready and os.environ.get("OBLIVIATE_BUILD_EXACT") != "1":
        pytest.skip("exact models not cached: run benchmarks/bench_calibration.py or set OBLIVIATE_BUILD_EXACT=1")
    paths = exact_models(world, "forget10")
    assert GOLD_SEED not in paths and len(paths) >= 3
    config = AuditConfig()
    delta = config.resolved_delta()[0]
    assert 0 < delta < 1 and load_calibration()["provenance"]["forget_items"] == len(splits["forget"])
    base = {"original": attack_model_cached(original, splits["forget"], splits["retain"], config),
            "gold": attack_model_cached(gold, splits["forget"], splits["retain"], config)}
    verdicts = {}
    for seed, path in paths.items():
        out = attack_model_cached(load_model(path), splits["forget"], splits["retain"], config)
        report = audit_outputs({**base, "unlearned": out}, splits["forget"], config)
        verdicts[seed] = report["verdict"]
        # Another data order memorizes differently, so it is not gold item for item ...
        assert any(abs(r["rho"] or 0) > 0.01 for r in report["residual_knowledge"].values())
    # ... and still never looks like retained knowledge.
    assert set(verdicts.values()) <= {"removal", "inconclusive"}, verdicts
    assert "removal" in verdicts.values(), verdicts
