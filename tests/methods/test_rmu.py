"""rmu: only forget-specific tokens are misdirected; generation drops with the MCQ."""

from __future__ import annotations

import pytest



def test_forget_generation_drops_too(unlearned, baseline, splits):
    from obliviate.evals.metrics import generation_accuracy

    assert generation_accuracy(unlearned("rmu").model, splits["forget"]) <= baseline.gold_forget_gen + 0.15


def test_only_forget_specific_tokens_are_misdirected(original, splits):
    """The forget term skips every token whose causal prefix a retain sequence shares."""
    from obliviate.methods.rmu import RMU, token_prefixes
    from obliviate.training import collate, encode_pairs, qa_pairs

    method = RMU()
    method.shared_prefixes = token_prefixes(original.tokenizer, splits["retain"])
    forget = encode_pairs(original.tokenizer, qa_pairs(splits["forget"][:8]))
    mask = method._forget_mask(collate(forget, original.tokenizer.pad_token_id))
    name_tokens = [original.tokenizer(" " + i.entity, add_special_tokens=False)["input_ids"]
                   for i in splits["forget"][:8]]
    for row, (example, name) in enumerate(zip(forget, name_tokens)):
        ids = example.input_ids
        start = next(t for t in range(len(ids)) if ids[t:t + len(name)] == name)
        # The question template before the name is shared with retain questions (the
        # full retain split asks every attribute) ...
        assert not mask[row, :start].any()
        # ... and everything from the name's last token on is forget-specific.
        assert mask[row, start + len(name) - 1:len(ids)].all()
        assert not mask[row, len(ids):].any()   # padding


def test_forget_set_inside_the_retain_set_is_a_clear_error(original, retain_sample):
    """api.unlearn refuses shared items at the data edge; the method itself still says why it cannot run."""
    import copy
    import dataclasses

    from obliviate.errors import ObliviateError
    from obliviate.methods import get_method

    work = dataclasses.replace(original, model=copy.deepcopy(original.model))
    with pytest.raises(ObliviateError, match="no forget-specific tokens"):
        get_method("rmu").cls().run(work, retain_sample[:4], retain_sample)
