"""The training core: the edge checks, the retain term and the per-batch retain tokenization."""

from __future__ import annotations

import pytest
import torch

from obliviate.api import unlearn
from obliviate.errors import EmptySplitError, ObliviateError
from obliviate.methods import get_method
from obliviate.methods.base import nll
from obliviate.training import collate, encode_pairs, qa_pairs


def test_empty_forget_set_is_an_error(original):
    with pytest.raises(EmptySplitError):
        unlearn(original, [], [], method="ga")


def test_unknown_option_is_an_error(original, splits):
    with pytest.raises(ObliviateError, match="learning_rate"):
        unlearn(original, splits["forget"][:6], [], method="ga", learning_rate=1e-3)


def test_unknown_retain_loss_is_an_error_before_training(original, splits, retain_sample):
    with pytest.raises(ObliviateError, match="retain_loss"):
        unlearn(original, splits["forget"][:6], retain_sample[:6], method="npo", retain_loss="hidden")


def test_retain_loss_kl_anchors_retain_answers_more_than_none(original, splits, retain_sample):
    """The core's KL term (to a frozen copy) keeps retain log-probs where no retain term does not."""
    forget, retain = splits["forget"][:16], retain_sample[:32]
    batch = collate(encode_pairs(original.tokenizer, qa_pairs(retain)), original.tokenizer.pad_token_id)

    def retain_nll(**options) -> float:
        lm = unlearn(original, forget, retain, method="grad_diff", epochs=4, lr=1e-3, **options).model
        with torch.no_grad():
            return float(nll(lm.model, batch))

    free = retain_nll(retain_weight=0.0)
    anchored = retain_nll(retain_loss="kl", retain_weight=3.0)
    with torch.no_grad():
        start = float(nll(original.model, batch))
    assert anchored - start < 0.5 * (free - start), (start, anchored, free)


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


def test_wga_weights_each_token_by_its_probability(original, splits):
    """WGA's loss is -mean_t p_t^beta * nll_t over answer tokens; beta=0 is gradient ascent."""
    info = get_method("wga")
    model = original.model
    batch = collate(encode_pairs(original.tokenizer, qa_pairs(splits["forget"][:8])), original.tokenizer.pad_token_id)
    with torch.no_grad():
        logits = model(input_ids=batch["input_ids"], attention_mask=batch["attention_mask"]).logits[:, :-1]
        labels = batch["labels"][:, 1:]
        keep = labels != -100
        token_nll = -torch.log_softmax(logits.float(), -1)[keep].gather(-1, labels[keep][:, None])[:, 0]
        for beta in (0.0, 1.0, 2.0):
            loss = info.cls(info.cls.Config(beta=beta)).forget_loss(model, batch, None)
            expected = -(torch.exp(-token_nll) ** beta * token_nll).mean()
            assert torch.allclose(loss, expected, atol=1e-5), (beta, loss, expected)
        assert torch.allclose(info.cls(info.cls.Config(beta=0.0)).forget_loss(model, batch, None),
                              -nll(model, batch), atol=1e-5)
