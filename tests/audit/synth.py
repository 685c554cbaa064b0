"""Synthetic per-item attack results with known truth, for the statistical-rule tests."""

from __future__ import annotations

import numpy as np

from obliviate.data.schema import QAItem
from obliviate.evals.attacks import AttackOutput


def synthetic_items(people: int = 10, per_person: int = 6, prefix: str = "P") -> list[QAItem]:
    return [QAItem(question=f"q{p}-{k}?", answer="a", paraphrased_answer="a", perturbed_answers=["b", "c", "d"],
                   entity=f"{prefix}{p}", attribute=f"attr{k}", split="forget")
            for p in range(people) for k in range(per_person)]


def draw(rng: np.random.Generator, p: np.ndarray | float, n: int, reps: int = 1) -> np.ndarray:
    out = (rng.random((reps, n)) < p).astype(float)
    return out[0] if reps == 1 else out


def synthetic_outputs(rng: np.random.Generator, n: int, rho: dict[str, float], original: float = 0.95,
                      gold: float = 0.25, ceilings: dict[str, float] | None = None, reps: dict | None = None,
                      person_effect: float = 0.0, groups: np.ndarray | None = None):
    """Per-item correctness for original, unlearned and gold under every attack in ``rho``:
    the unlearned model's accuracy is gold + rho * (ceiling - gold), item by item.
    ``person_effect`` adds a per-person shift in item difficulty shared by all models."""
    ceilings = ceilings or {}
    reps = reps or {}
    shift = np.zeros(n)
    if person_effect and groups is not None:
        effects = rng.normal(0, person_effect, groups.max() + 1)
        shift = effects[groups]
    out = {"original": {}, "unlearned": {}, "gold": {}}
    idx = np.arange(n)
    for a, r in rho.items():
        top = ceilings.get(a, original)
        k = reps.get(a, 1)
        p_g = np.clip(gold + shift, 0, 1)
        p_o = np.clip(top + shift, 0, 1)
        p_u = np.clip(p_g + r * (p_o - p_g), 0, 1)
        out["original"][a] = AttackOutput(draw(rng, p_o, n, k), idx)
        out["unlearned"][a] = AttackOutput(draw(rng, p_u, n, k), idx)
        out["gold"][a] = AttackOutput(draw(rng, p_g, n, k), idx)
    return out
