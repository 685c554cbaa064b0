"""Gradient ascent with a KL term to the original model on the retain set (TOFU).

Maini et al. 2024 (TOFU) regularize gradient ascent by keeping the model's output
distribution on retain data close to the original's: L = -NLL(forget) +
retain_weight * KL(p_original || p_theta) on retain answer tokens. Matching whole
distributions preserves more than the retain NLL of grad_diff (which only keeps
the top answer), at the cost of a frozen reference copy of the model.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass

import torch

from obliviate.methods.base import GradientConfig, GradientMethod, nll
from obliviate.methods.registry import Intention, register
from obliviate.training import IGNORE


@dataclass
class GAKLConfig(GradientConfig):
    """Defaults measured on the embedded world (forget10, retain every 5th item): forget
    MCQ 0.98 -> 0.17 (gold 0.18), retain 0.95 -> 0.90 on the recipe-3 models; 1.00 ->
    0.25, 0.96 -> 0.89 on the recipe-2 models, where lr 5e-4 with retain weight 1
    kept only 0.82; lr 1e-3 (the earlier default) 0.78."""

    lr: float = 5e-4
    epochs: int = 10
    retain_weight: float = 3.0


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


@register("ga_kl", intention=Intention.REMOVAL, family="gradient ascent",
          reference="Maini et al. 2024, TOFU: A Task of Fictitious Unlearning for LLMs")
class GAKL(GradientMethod):
    """Loss = -NLL(forget) + retain_weight * KL(original || model) on retain."""

    Config = GAKLConfig

    def prepare(self, model, forget_batches):
        # A frozen copy of the model before any update: the KL anchor.
        self.reference = copy.deepcopy(model).eval()
        for p in self.reference.parameters():
            p.requires_grad_(False)

    def loss(self, model, forget, retain, step):
        loss = -nll(model, forget)
        if retain is not None:
            loss = loss + self.config.retain_weight * kl_to_reference(model, self.reference, retain)
        return loss
