"""task_vector: task-vector negation meets the acceptance criteria of its intention on the tiny world."""

from __future__ import annotations

import pytest
from conftest import assert_removed

from obliviate.api import unlearn
from obliviate.methods import get_method
from obliviate.files import directory_hash


@pytest.fixture(scope="module")
def result(zoo, splits, retain_sample):
    before = directory_hash(zoo.original)
    out = unlearn(zoo.original, splits["forget"], retain_sample, method="task_vector", seed=0)
    assert directory_hash(zoo.original) == before, "the original model directory was modified"
    return out


@pytest.mark.xfail(strict=True, reason="measured on the all-attribute retain sample: alpha 2 gives forget MCQ "
                   "0.12 but retain 0.43 (bound 0.81 = 0.85 x 0.95; recipe-3 models; 0.17 / 0.64 on recipe 2). "
                   "On the earlier models "
                   "alpha 2 gave 0.35 / 0.74 (bound 0.78), 1.5: 0.45 / 0.82, 1.75: 0.42 / 0.76, 5 fine-tune "
                   "epochs: 0.40 / 0.77. It passed only on the old every-4th sample (3 of 6 attributes)")
def test_acceptance(result, baseline, splits, retain_sample):
    assert result.intention == get_method("task_vector").intention.value
    assert_removed(result.model, baseline, splits, retain_sample)
