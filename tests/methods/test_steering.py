"""steering: suppresses forget answers at inference; the weights still hold them."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
import torch

from obliviate.api import unlearn
from obliviate.errors import ObliviateError
from obliviate.evals.metrics import mcq_accuracy, option_scores
from obliviate.models.load import load_model


@pytest.fixture(scope="module")
def steered(unlearned):
    result = unlearned("steering")
    return result, result.run_dir


def test_forget_multiple_choice_drops_too(steered, baseline, splits):
    # Generation is the suppression bound (test_acceptance); the MCQ drops as well, so the
    # direct-question audit sees no knowledge.
    assert mcq_accuracy(steered[0].model, splits["forget"]) <= baseline.gold_forget_mcq + 0.15


def test_weights_untouched_so_knowledge_is_still_there(steered, original, baseline, splits):
    result, _ = steered
    for (name, a), b in zip(result.model.model.state_dict().items(), original.model.state_dict().values()):
        assert torch.equal(a, b), name
    bare = dataclasses.replace(result.model, hooks=[])
    assert mcq_accuracy(bare, splits["forget"]) == pytest.approx(baseline.original_forget_mcq)


def test_saved_wrapper_reloads_with_the_same_behaviour(steered, splits, retain_sample):
    result, out = steered
    assert (out / "model" / "obliviate_wrapper.json").is_file()
    reloaded = load_model(out / "model")
    items = splits["forget"][:12] + retain_sample[:12]
    np.testing.assert_allclose(option_scores(reloaded, items), option_scores(result.model, items), atol=1e-5)
    prompts = [f"Question: {i.question}\nAnswer:" for i in items]
    assert reloaded.generate(prompts) == result.model.generate(prompts)


def test_bad_inputs(original, splits, retain_sample):
    forget = splits["forget"][:6]
    with pytest.raises(ObliviateError, match="entity"):
        unlearn(original, [dataclasses.replace(i, entity="") for i in forget], retain_sample, method="steering")
    with pytest.raises(ObliviateError, match="retain"):
        unlearn(original, forget, [], method="steering")
    with pytest.raises(ObliviateError, match="layer"):
        unlearn(original, forget, retain_sample, method="steering", layer=99)
    # A derived label (TOFU files without entities) that no question names: steering would gate
    # on nothing and silently change nothing, so it refuses.
    derived = [dataclasses.replace(i, entity=f"forget01 author {k // 3 + 1}") for k, i in enumerate(forget)]
    with pytest.raises(ObliviateError, match="2 entities are never named in their own questions"):
        unlearn(original, derived, retain_sample, method="steering")
