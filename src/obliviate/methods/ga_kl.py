"""Gradient ascent with a KL term to the original model on the retain set (TOFU).

Maini et al. 2024 (TOFU) regularize gradient ascent by keeping the model's output
distribution on retain data close to the original's: L = -NLL(forget) +
retain_weight * KL(p_original || p_theta) on retain answer tokens. Matching whole
distributions preserves more than the retain NLL of grad_diff (which only keeps
the top answer), at the cost of a frozen reference copy of the model, which the
training core builds for ``retain_loss="kl"``.
"""

from __future__ import annotations

from dataclasses import dataclass

from obliviate.methods.base import GradientConfig, GradientMethod, nll
from obliviate.methods.registry import Intention, register


@dataclass
class GAKLConfig(GradientConfig):
    lr: float = 5e-4
    epochs: int = 10
    retain_loss: str = "kl"
    retain_weight: float = 3.0


@register("ga_kl", intention=Intention.REMOVAL, family="gradient ascent",
          reference="Maini et al. 2024, TOFU: A Task of Fictitious Unlearning for LLMs")
class GAKL(GradientMethod):
    """Loss = -NLL(forget) + retain_weight * KL(original || model) on retain."""

    Config = GAKLConfig

    def forget_loss(self, model, batch, ctx):
        return -nll(model, batch)
