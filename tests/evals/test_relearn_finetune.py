"""The relearning attacks' fine-tune runs on the training core (training.finetune).

Checked here: the batch stream it draws (every example equally often, full batches
across passes), that a fine-tuned copy is seeded and never touches the model it copies,
that it learns, and that the model's inference-time hooks are active while it trains.
"""

from __future__ import annotations

import dataclasses
import random
from collections import Counter

import torch

from obliviate.evals.attacks.relearn import finetune_copy
from obliviate.training import Encoded, cycled_batches, encode_pairs, labelled_loss, collate, qa_pairs


def _examples(n: int) -> list[Encoded]:
    # Example k is recognizable by its first token (k + 1; 0 is the pad id), lengths 1-3.
    return [Encoded([k + 1] * (k % 3 + 1), [k + 1] * (k % 3 + 1)) for k in range(n)]


def test_cycled_batches_draw_every_example_once_per_pass_in_full_batches():
    stream = cycled_batches(_examples(10), 4, 0, random.Random(0))
    drawn = [next(stream) for _ in range(5)]   # 20 rows: two passes over 10 examples, 4 per batch
    assert [b["input_ids"].shape[0] for b in drawn] == [4] * 5    # the 3rd batch spans both passes
    rows = [int(r[0]) - 1 for b in drawn for r in b["input_ids"]]
    assert sorted(rows[:10]) == list(range(10)) and sorted(rows[10:]) == list(range(10))
    assert rows[:10] != rows[10:]              # each pass is shuffled afresh
    again = cycled_batches(_examples(10), 4, 0, random.Random(0))
    assert [int(r[0]) - 1 for _ in range(5) for r in next(again)["input_ids"]] == rows   # seeded
    # Fewer examples than a batch: each batch holds what one pass leaves plus one new pass.
    small = cycled_batches(_examples(3), 8, 0, random.Random(1))
    assert Counter(int(r[0]) for r in next(small)["input_ids"]) == {1: 1, 2: 1, 3: 1}


def _loss(lm, pairs) -> float:
    examples = encode_pairs(lm.tokenizer, pairs)
    with torch.no_grad():
        return float(labelled_loss(lm.model, collate(examples, lm.tokenizer.pad_token_id)))


def test_finetune_copy_is_seeded_learns_and_leaves_the_model_alone(original, splits):
    pairs = qa_pairs(splits["holdout"][:24])   # people the model never saw
    before = {k: v.clone() for k, v in original.model.state_dict().items()}
    a = finetune_copy(original, pairs, steps=6, lr=5e-4, batch_size=8, seed=0)
    b = finetune_copy(original, pairs, steps=6, lr=5e-4, batch_size=8, seed=0)
    c = finetune_copy(original, pairs, steps=6, lr=5e-4, batch_size=8, seed=1)
    sa, sb, sc = (m.model.state_dict() for m in (a, b, c))
    assert all(torch.equal(sa[k], sb[k]) for k in sa), "the same seed gave other weights"
    assert any(not torch.equal(sa[k], sc[k]) for k in sa), "another seed drew the same batches"
    assert all(torch.equal(v, original.model.state_dict()[k]) for k, v in before.items())
    assert not a.model.training and a.model is not original.model
    assert _loss(a, pairs) < _loss(original, pairs) - 0.5


def test_finetune_copy_trains_through_the_models_hooks(original, splits):
    """A hook that replaces layer 1's MLP output cuts that MLP out of the graph: trained with
    the hook installed, its weights get no gradient and stay as they were."""
    def cut_mlp(model):
        mlp = model.model.layers[1].mlp
        return [mlp.register_forward_hook(lambda module, args, out: torch.zeros_like(out))]

    pairs = qa_pairs(splits["forget"][:16])
    hooked = dataclasses.replace(original, hooks=[cut_mlp])
    mlp_before = original.model.model.layers[1].mlp.down_proj.weight.clone()
    with_hook = finetune_copy(hooked, pairs, steps=3, lr=2e-3, batch_size=8, seed=0)
    without = finetune_copy(original, pairs, steps=3, lr=2e-3, batch_size=8, seed=0)
    assert torch.equal(with_hook.model.model.layers[1].mlp.down_proj.weight, mlp_before)
    assert not torch.equal(without.model.model.layers[1].mlp.down_proj.weight, mlp_before)
    assert not with_hook.model.model.layers[1].mlp._forward_hooks, "a training hook was left installed"
    assert with_hook.hooks == hooked.hooks   # the copy keeps the hooks for scoring
