"""Losses the training core and the methods share (no method, no loop: imported by both)."""

from __future__ import annotations

import torch

from obliviate.training import IGNORE, sequence_logprobs


def nll(model, batch: dict[str, torch.Tensor]) -> torch.Tensor:
    """Mean next-token cross-entropy on labelled tokens."""
    return model(**batch).loss


def sequence_logprob(model, batch: dict[str, torch.Tensor]) -> torch.Tensor:
    """Sum of log-probabilities of labelled tokens per sequence (differentiable)."""
    logits = model(input_ids=batch["input_ids"], attention_mask=batch["attention_mask"]).logits
    return sequence_logprobs(logits, batch["labels"])[0]


def kl_to_reference(model, reference, batch: dict[str, torch.Tensor]) -> torch.Tensor:
    """Mean KL(p_reference || p_model) over the labelled (answer) positions of ``batch``."""
    logits = model(input_ids=batch["input_ids"], attention_mask=batch["attention_mask"]).logits[:, :-1]
    with torch.no_grad():
        ref = reference(input_ids=batch["input_ids"], attention_mask=batch["attention_mask"]).logits[:, :-1]
    mask = (batch["labels"][:, 1:] != IGNORE).float()
    ref_logp = torch.log_softmax(ref.float(), -1)
    logp = torch.log_softmax(logits.float(), -1)
    kl = (ref_logp.exp() * (ref_logp - logp)).sum(-1)
    return (kl * mask).sum() / mask.sum().clamp(min=1)


def retain_term(kind: str, model, batch: dict[str, torch.Tensor], reference=None) -> torch.Tensor:
    """The shared retain loss: ``nll`` (keep the answers) or ``kl`` (keep ``reference``'s distribution)."""
    if kind == "kl":
        return kl_to_reference(model, reference, batch)
    return nll(model, batch)
