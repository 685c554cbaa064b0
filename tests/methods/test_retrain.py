"""retrain: exact unlearning needs a checkpoint that never saw the forget data."""

from __future__ import annotations

import pytest

from obliviate.api import unlearn
from obliviate.errors import ObliviateError


def test_base_model_is_required(original, splits, retain_sample):
    with pytest.raises(ObliviateError, match="base_model"):
        unlearn(original, splits["forget"][:6], retain_sample, method="retrain")
