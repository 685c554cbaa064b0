"""Gradient ascent: maximize the loss on the forget set (Jang et al. 2023)."""

from __future__ import annotations

from dataclasses import dataclass

from obliviate.methods.base import GradientConfig, GradientMethod, nll
from obliviate.methods.registry import Intention, register


@dataclass
class GAConfig(GradientConfig):
    lr: float = 1.2e-4
    epochs: int = 10


@register("ga", intention=Intention.REMOVAL, family="gradient ascent",
          reference="Jang et al. 2023, Knowledge Unlearning for Mitigating Privacy Risks in LMs")
class GradientAscent(GradientMethod):
    """Loss = -NLL(forget). Ignores the retain set, so utility can collapse."""

    Config = GAConfig
    uses_retain = False

    def forget_loss(self, model, batch, ctx):
        return -nll(model, batch)
