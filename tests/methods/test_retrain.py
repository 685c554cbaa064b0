"""retrain: exact unlearning from the reading base, which never saw a world person.

Retraining on the full retain set costs as much as building the gold model, so the
test retrains on the retain sample and checks the sample (what it trained on). With
the recipe-2 defaults (lr 8e-4, labelled-only loss) the sample is memorized within 48
epochs (measured on one thread: retain sample 0.99 at 48, 64, 80 and 110 epochs;
forget MCQ, which never saw training, 0.13 / 0.32 / 0.28 / 0.18 against the bound
0.37). The test trains 80 epochs; recipe 1 (lr 2e-3) needed 160.
"""

from __future__ import annotations

import pytest
from conftest import assert_removed

from obliviate.api import unlearn
from obliviate.errors import ObliviateError


@pytest.fixture(scope="module")
def result(zoo, splits, retain_sample):
    return unlearn(zoo.original, splits["forget"], retain_sample, method="retrain",
                   base_model=str(zoo.base), epochs=80)


def test_acceptance(result, baseline, splits, retain_sample):
    assert result.intention == "exact"
    assert_removed(result.model, baseline, splits, retain_sample)


def test_base_model_is_required(original, splits, retain_sample):
    with pytest.raises(ObliviateError, match="base_model"):
        unlearn(original, splits["forget"][:6], retain_sample, method="retrain")
