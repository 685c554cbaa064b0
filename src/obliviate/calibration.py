"""Independent exact models and the audit's equivalence margin delta.

An *exact* model is retrained from the reading base on the retain split alone, like
gold, but with another seed (another data order): it never saw a forget person, so
any residual knowledge the audit finds in it against gold is noise of the audit and
of training. The margin delta of the ``removal`` claim is calibrated on such models
(:func:`calibrate_delta`), and stored with its provenance in ``audit_calibration.json``
beside this module (the shipped default) or in ``$OBLIVIATE_HOME/calibration.json``
(a recalibration, which then takes precedence).

Gold is ``retrain`` with seed 1 (``models.tiny.train_memorize`` uses ``seed + 1``):
the same base, order and seed, bit for bit, so it is never one of the independent
exact models. Seeds 0, 2, 3 are.
"""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path
from typing import Any

import numpy as np

from obliviate.errors import ObliviateError

GOLD_SEED = 1
EXACT_SEEDS = (0, 2, 3)
SHIPPED = Path(__file__).with_name("audit_calibration.json")


def exact_models(world, forget: str = "forget10", seeds: tuple[int, ...] = EXACT_SEEDS,
                 tiny_config=None, threads: int = 1) -> dict[int, Path]:
    """Retrained exact models (``retrain`` from the reading base, one per seed), cached
    under ``$OBLIVIATE_HOME/models/exact-retrain-*``; a seed equal to gold's is refused."""
    import torch

    from obliviate.api import unlearn
    from obliviate.models.cache import cached
    from obliviate.models.tiny import RECIPE_VERSION, TinyConfig, build_world_models

    if GOLD_SEED in seeds:
        raise ObliviateError(f"seed {GOLD_SEED} retrains gold bit for bit; it is not an independent exact model")
    config = tiny_config or TinyConfig()
    zoo = build_world_models(world, forget, config)
    splits = world.splits(forget)
    out = {}
    for seed in seeds:
        key = {"world": asdict(world.config), "tiny": config.key("gold"), "forget": forget, "seed": seed,
               "version": RECIPE_VERSION}

        def build(tmp: Path, seed=seed) -> None:
            before = torch.get_num_threads()
            torch.set_num_threads(threads)
            try:
                result = unlearn(zoo.original, splits["forget"], splits["retain"], method="retrain",
                                 base_model=str(zoo.base), seed=seed)
            finally:
                torch.set_num_threads(before)
            result.model.model.save_pretrained(tmp, safe_serialization=True)
            result.model.tokenizer.save_pretrained(tmp)

        out[seed], _ = cached("exact-retrain", key, build)
    return out


def calibrate_delta(max_abs_rho_draws: np.ndarray, quantile: float = 0.95) -> float:
    """delta: the ``quantile`` of max over attacks of |rho| across exact models and their
    hierarchical bootstrap draws (``max_abs_rho_draws``: any shape, NaN ignored)."""
    draws = np.asarray(max_abs_rho_draws, dtype=float).ravel()
    draws = draws[np.isfinite(draws)]
    if not len(draws):
        raise ObliviateError("no finite rho draws to calibrate delta on")
    return float(np.quantile(draws, quantile))


def user_calibration_path() -> Path:
    from obliviate.models.cache import obliviate_home

    return obliviate_home() / "calibration.json"


def load_calibration(path: str | Path | None = None) -> dict[str, Any]:
    """The calibration record: ``path``, else ``$OBLIVIATE_HOME/calibration.json``, else the
    shipped default. Holds ``delta`` and its ``provenance``."""
    candidates = [Path(path)] if path else [user_calibration_path(), SHIPPED]
    for candidate in candidates:
        if candidate.is_file():
            try:
                data = json.loads(candidate.read_text())
            except json.JSONDecodeError as err:
                raise ObliviateError(f"{candidate} is not valid JSON ({err.msg})") from err
            if not isinstance(data.get("delta"), (int, float)) or not 0 < data["delta"] < 1:
                raise ObliviateError(f"{candidate} has no delta in (0, 1)")
            return {**data, "source": str(candidate)}
        if path:
            raise ObliviateError(f"calibration file {candidate} not found")
    return {"delta": 0.25, "source": "built-in fallback (no calibration file found)",
            "provenance": {"method": "none: run benchmarks/bench_calibration.py --write"}}


def save_calibration(record: dict[str, Any], path: str | Path) -> Path:
    from obliviate.files import atomic_write_text

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write_text(path, json.dumps(record, indent=2, default=str) + "\n")
    return path
