"""npo: NPO meets the acceptance criteria of its intention on the tiny world."""

from __future__ import annotations

import pytest
from conftest import assert_removed

from obliviate.api import unlearn
from obliviate.methods import get_method
from obliviate.files import directory_hash


@pytest.fixture(scope="module")
def result(zoo, splits, retain_sample):
    before = directory_hash(zoo.original)
    out = unlearn(zoo.original, splits["forget"], retain_sample, method="npo", seed=0)
    assert directory_hash(zoo.original) == before, "the original model directory was modified"
    return out


def test_acceptance(result, baseline, splits, retain_sample):
    assert result.intention == get_method("npo").intention.value
    assert_removed(result.model, baseline, splits, retain_sample)
