"""sisa: only the shards that held a forget person are retrained; the result is exact."""

from __future__ import annotations

import numpy as np
import pytest

from obliviate.errors import ObliviateError
from obliviate.evals.metrics import option_scores
from obliviate.methods.registry import build_config, get_method
from obliviate.methods.sisa import shard_of
from obliviate.models.load import load_model

QUICK = {"epochs": 1, "reading_per_epoch": 0, "shards": 3}


def _sisa(zoo, **overrides):
    info = get_method("sisa")
    return info.cls(build_config(info, {"base_model": str(zoo.base), **QUICK, **overrides}))


def test_only_affected_shards_are_retrained(zoo, splits, retain_sample, original, tmp_home):
    shards = QUICK["shards"]
    person_a = splits["forget"][0].entity
    person_b = next(i.entity for i in splits["forget"] if shard_of(i.entity, shards) != shard_of(person_a, shards))
    items_a = [i for i in splits["forget"] if i.entity == person_a]
    items_b = [i for i in splits["forget"] if i.entity == person_b]
    # Deletion 1: A leaves; B is still part of the training data.
    first = _sisa(zoo)
    first.run(original, items_a, [*retain_sample, *items_b])
    assert first.last_trained_before == [0, 1, 2]   # the "before" ensemble, trained once
    assert first.last_retrained == [shard_of(person_a, shards)]
    # The same deletion again: every shard comes from the cache, nothing is retrained.
    again = _sisa(zoo)
    again.run(original, items_a, [*retain_sample, *items_b])
    assert again.last_trained_before == [] and again.last_retrained == []
    # Deletion 2: B leaves (A is already gone): only B's shard is retrained.
    second = _sisa(zoo)
    second.run(original, items_b, retain_sample)
    assert second.last_trained_before == []
    assert second.last_retrained == [shard_of(person_b, shards)]


def test_saved_ensemble_reloads(zoo, splits, retain_sample, original, tmp_home, tmp_path):
    from obliviate.api import unlearn

    result = unlearn(original, splits["forget"][:6], retain_sample, method="sisa", out=tmp_path / "run",
                     base_model=str(zoo.base), **QUICK)
    reloaded = load_model(tmp_path / "run" / "model")
    items = splits["forget"][:6] + retain_sample[:6]
    np.testing.assert_allclose(option_scores(reloaded, items), option_scores(result.model, items), atol=1e-5)
    assert reloaded.generate(["Question: Where was X born?\nAnswer:"]) == \
        result.model.generate(["Question: Where was X born?\nAnswer:"])


def test_bad_inputs(zoo, original, splits, retain_sample):
    with pytest.raises(ObliviateError, match="shards"):
        _sisa(zoo, shards=0).run(original, splits["forget"][:6], retain_sample)
    with pytest.raises(ObliviateError, match="base_model"):
        get_method("sisa").cls().run(original, splits["forget"][:6], retain_sample)
