"""icul: flipped-label context suppresses forget answers; retain prompts are unchanged."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from obliviate.api import unlearn
from obliviate.errors import ObliviateError
from obliviate.evals.metrics import generations, option_scores
from obliviate.models.load import load_model


@pytest.fixture(scope="module")
def icul_run(unlearned):
    result = unlearned("icul")
    return result, result.run_dir


def test_only_forget_prompts_are_rewritten(icul_run, original, splits, retain_sample):
    lm = icul_run[0].model
    retain_prompt = f"Question: {retain_sample[0].question}\nAnswer:"
    assert lm.format_prompt(retain_prompt) == retain_prompt
    item = splits["forget"][0]
    rewritten = lm.format_prompt(f"Question: {item.paraphrased_questions[0]}\nAnswer:")
    assert rewritten.startswith("Context: ") and item.entity in rewritten and item.answer not in rewritten
    assert option_scores(lm, retain_sample[:20]) == option_scores(original, retain_sample[:20])


def test_saved_wrapper_reloads_with_the_same_behaviour(icul_run, splits):
    result, out = icul_run
    reloaded = load_model(out / "model")
    items = splits["forget"][:12]
    assert generations(reloaded, items) == generations(result.model, items)
    np.testing.assert_allclose(option_scores(reloaded, items), option_scores(result.model, items), atol=1e-5)


def test_bad_inputs(original, splits):
    forget = splits["forget"][:6]
    with pytest.raises(ObliviateError, match="perturbed_answers"):
        unlearn(original, [dataclasses.replace(i, perturbed_answers=[]) for i in forget], [], method="icul")
    with pytest.raises(ObliviateError, match="max_facts"):
        unlearn(original, forget, [], method="icul", max_facts=0)
