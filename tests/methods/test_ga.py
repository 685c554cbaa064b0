"""ga: gradient ascent meets the acceptance criteria of its intention on the tiny world."""

from __future__ import annotations

import pytest
from conftest import assert_removed

from obliviate.api import unlearn
from obliviate.methods import get_method
from obliviate.models.load import directory_hash


@pytest.fixture(scope="module")
def result(zoo, splits, retain_sample):
    before = directory_hash(zoo.original)
    out = unlearn(zoo.original, splits["forget"], retain_sample, method="ga", seed=0)
    assert directory_hash(zoo.original) == before, "the original model directory was modified"
    return out


def test_acceptance(result, baseline, splits, retain_sample):
    assert result.intention == get_method("ga").intention.value
    assert_removed(result.model, baseline, splits, retain_sample)


def test_empty_forget_set_is_an_error(original):
    from obliviate.errors import EmptySplitError

    with pytest.raises(EmptySplitError):
        unlearn(original, [], [], method="ga")


def test_unknown_option_is_an_error(original, splits):
    from obliviate.errors import ObliviateError

    with pytest.raises(ObliviateError, match="no option"):
        unlearn(original, splits["forget"][:6], [], method="ga", learning_rate=1e-3)
