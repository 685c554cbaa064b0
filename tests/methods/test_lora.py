"""LoRA: gradient methods train a low-rank adapter; saved merged or as an adapter."""

from __future__ import annotations

import numpy as np
import pytest

from obliviate.api import unlearn
from obliviate.evals.metrics import mcq_accuracy, option_scores
from obliviate.models.load import load_model


@pytest.mark.parametrize("merge", [True, False])
def test_lora_unlearns_and_reloads(zoo, splits, retain_sample, baseline, tmp_path, merge):
    out = tmp_path / "run"
    result = unlearn(zoo.original, splits["forget"], retain_sample, method="npo", out=out,
                     lora_rank=8, lora_target_modules=["q_proj", "v_proj", "down_proj"], lora_merge=merge,
                     lr=3e-3)
    files = {p.name for p in (out / "model").iterdir()}
    if merge:
        assert "model.safetensors" in files and "adapter_config.json" not in files
    else:
        assert "adapter_model.safetensors" in files and "model.safetensors" not in files
    assert mcq_accuracy(result.model, splits["forget"]) <= baseline.original_forget_mcq - 0.2
    reloaded = load_model(out / "model")
    items = splits["forget"][:10]
    np.testing.assert_allclose(option_scores(reloaded, items), option_scores(result.model, items), atol=1e-4)


def test_adapter_needs_a_base_path(original, splits):
    import dataclasses

    from obliviate.errors import ObliviateError

    in_memory = dataclasses.replace(original, path=None)   # an adapter must name its base
    with pytest.raises(ObliviateError, match="lora_merge"):
        unlearn(in_memory, splits["forget"][:6], [], method="ga", lora_rank=4, lora_merge=False)
