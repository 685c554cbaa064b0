"""retrain: exact unlearning from the reading base, which never saw a world person.

Retraining on the full retain set costs as much as building the gold model, so the
test retrains on the retain sample and checks the sample (what it trained on). With
4x fewer facts an epoch has 4x fewer steps, and memorizing needs a fixed number of
steps (measured: 80 epochs -> retain MCQ 0.78), so the test trains 160 epochs.
"""

from __future__ import annotations

import pytest
from conftest import assert_removed

from obliviate.api import unlearn
from obliviate.errors import ObliviateError


@pytest.fixture(scope="module")
def result(zoo, splits, retain_sample):
    return unlearn(zoo.original, splits["forget"], retain_sample, method="retrain",
                   base_model=str(zoo.base), epochs=160)


def test_acceptance(result, baseline, splits, retain_sample):
    assert result.intention == "exact"
    assert_removed(result.model, baseline, splits, retain_sample)


def test_base_model_is_required(original, splits, retain_sample):
    with pytest.raises(ObliviateError, match="base_model"):
        unlearn(original, splits["forget"][:6], retain_sample, method="retrain")
