"""retrain: exact unlearning needs a checkpoint that never saw the forget data."""

from __future__ import annotations

import pytest

from obliviate.api import unlearn
from obliviate.errors import ObliviateError


def test_base_model_is_required(original, splits, retain_sample):
    with pytest.raises(ObliviateError, match="base_model"):
        unlearn(original, splits["forget"][:6], retain_sample, method="retrain")


def _epoch_pair_counts(monkeypatch, base_model, **config):
    """Pairs per epoch that retrain's training would see (the training loop is replaced)."""
    from obliviate.methods import retrain

    seen = []
    monkeypatch.setattr(retrain, "_run_epochs",
                        lambda model, tok, epoch_pairs, epochs, *a: seen.extend(
                            len(epoch_pairs(e)) for e in range(epochs)))
    cfg = retrain.RetrainConfig(base_model=str(base_model), epochs=2, **config)
    retrain.train_on_pairs(None, None, [("Q", " A")] * 3, cfg)
    return seen


def test_reading_texts_only_for_the_worlds_own_reading_base(zoo, tmp_path, monkeypatch):
    # A user's own base model is not fed the embedded world's synthetic reading texts ...
    assert _epoch_pair_counts(monkeypatch, tmp_path) == [3, 3]
    assert _epoch_pair_counts(monkeypatch, zoo.original) == [3, 3]   # cached, but not the reading base
    # ... the world's reading base keeps the recipe's 100 per epoch (gold's weights unchanged) ...
    assert _epoch_pair_counts(monkeypatch, zoo.base) == [103, 103]
    # ... and an explicit count is honoured either way.
    assert _epoch_pair_counts(monkeypatch, tmp_path, reading_per_epoch=5) == [8, 8]
    assert _epoch_pair_counts(monkeypatch, zoo.base, reading_per_epoch=0) == [3, 3]


def test_negative_reading_count_is_a_clear_error(tmp_path):
    from obliviate.methods.retrain import RetrainConfig, resolve_reading

    with pytest.raises(ObliviateError, match="reading_per_epoch"):
        resolve_reading(RetrainConfig(base_model=str(tmp_path), reading_per_epoch=-1))
