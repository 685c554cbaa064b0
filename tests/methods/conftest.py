"""Shared fixtures of the method tests: reference metrics of the original and gold models.

The acceptance criteria of every method (issue 4) compare an unlearned model with
the original and the gold (retrained) model on the forget set and on a fixed retain
sample (every 4th retain item) to keep each test quick.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from obliviate.evals.metrics import generation_accuracy, mcq_accuracy


@dataclass
class Baseline:
    original_forget_mcq: float
    original_retain_mcq: float
    original_forget_gen: float
    gold_forget_mcq: float
    gold_forget_gen: float


@pytest.fixture(scope="session")
def baseline(original, gold, splits, retain_sample) -> Baseline:
    forget = splits["forget"]
    return Baseline(
        original_forget_mcq=mcq_accuracy(original, forget),
        original_retain_mcq=mcq_accuracy(original, retain_sample),
        original_forget_gen=generation_accuracy(original, forget),
        gold_forget_mcq=mcq_accuracy(gold, forget),
        gold_forget_gen=generation_accuracy(gold, forget),
    )


def assert_removed(lm, baseline: Baseline, splits, retain_sample, margin: float = 0.15) -> dict:
    """Removal/exact acceptance: forget MCQ <= gold + margin, retain MCQ >= 0.85 x original."""
    forget = mcq_accuracy(lm, splits["forget"])
    retain = mcq_accuracy(lm, retain_sample)
    assert forget <= baseline.gold_forget_mcq + margin, (
        f"forget MCQ {forget:.3f} > gold {baseline.gold_forget_mcq:.3f} + {margin}")
    assert retain >= 0.85 * baseline.original_retain_mcq, (
        f"retain MCQ {retain:.3f} < 0.85 x original {baseline.original_retain_mcq:.3f}")
    return {"forget_mcq": forget, "retain_mcq": retain}


def assert_suppressed(lm, baseline: Baseline, splits, retain_sample, margin: float = 0.15) -> dict:
    """Suppression acceptance: forget generation accuracy <= gold + margin, retain kept."""
    forget = generation_accuracy(lm, splits["forget"])
    retain = mcq_accuracy(lm, retain_sample)
    assert forget <= baseline.gold_forget_gen + margin, (
        f"forget generation accuracy {forget:.3f} > gold {baseline.gold_forget_gen:.3f} + {margin}")
    assert retain >= 0.85 * baseline.original_retain_mcq, (
        f"retain MCQ {retain:.3f} < 0.85 x original {baseline.original_retain_mcq:.3f}")
    return {"forget_gen": forget, "retain_mcq": retain}
