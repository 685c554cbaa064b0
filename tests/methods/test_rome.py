"""rome: ROME rank-one edits meets the acceptance criteria of its intention on the tiny world."""

from __future__ import annotations

import pytest
from conftest import assert_removed

from obliviate.api import unlearn
from obliviate.methods import get_method
from obliviate.files import directory_hash


@pytest.fixture(scope="module")
def result(zoo, splits, retain_sample):
    before = directory_hash(zoo.original)
    out = unlearn(zoo.original, splits["forget"], retain_sample, method="rome", seed=0)
    assert directory_hash(zoo.original) == before, "the original model directory was modified"
    return out


def test_acceptance(result, baseline, splits, retain_sample):
    assert result.intention == get_method("rome").intention.value
    assert_removed(result.model, baseline, splits, retain_sample)


def test_only_one_matrix_changes(result, original):
    changed = [n for (n, a), b in zip(result.model.model.state_dict().items(), original.model.state_dict().values())
               if not (a == b).all()]
    assert changed == ["model.layers.1.mlp.down_proj.weight"], changed
