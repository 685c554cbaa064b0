"""grad_diff: gradient difference meets the acceptance criteria of its intention on the tiny world."""

from __future__ import annotations

import pytest
from conftest import assert_removed

from obliviate.api import unlearn
from obliviate.methods import get_method
from obliviate.files import directory_hash


@pytest.fixture(scope="module")
def result(zoo, splits, retain_sample):
    before = directory_hash(zoo.original)
    out = unlearn(zoo.original, splits["forget"], retain_sample, method="grad_diff", seed=0)
    assert directory_hash(zoo.original) == before, "the original model directory was modified"
    return out


def test_acceptance(result, baseline, splits, retain_sample):
    assert result.intention == get_method("grad_diff").intention.value
    assert_removed(result.model, baseline, splits, retain_sample)


def test_only_the_retain_batches_drawn_are_tokenized(original, splits, monkeypatch):
    """Unlearning cost must not grow with the retain set: it tokenizes what it draws."""
    import obliviate.methods.trainer as trainer

    encoded: list[int] = []
    real = trainer.encode_pairs

    def counting(tokenizer, pairs, *args, **kwargs):
        encoded.append(len(pairs))
        return real(tokenizer, pairs, *args, **kwargs)

    monkeypatch.setattr(trainer, "encode_pairs", counting)
    forget, retain = splits["forget"][:8], splits["retain"]
    unlearn(original, forget, retain, method="grad_diff", epochs=1, batch_size=4)
    steps = 2   # 1 epoch x 8 forget items / batch 4
    assert len(retain) > 100
    # The forget set once, then the retain batches drawn (accelerate's loader reads one ahead).
    assert sum(encoded) <= len(forget) + (steps + 1) * 4
