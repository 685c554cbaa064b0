"""Gradient difference: ascend on forget, descend on retain (Liu et al. 2022; TOFU)."""

from __future__ import annotations

from dataclasses import dataclass

from obliviate.methods.base import GradientConfig, GradientMethod, nll
from obliviate.methods.registry import Intention, register


@dataclass
class GradDiffConfig(GradientConfig):
    lr: float = 4e-4
    epochs: int = 10


@register("grad_diff", intention=Intention.REMOVAL, family="gradient ascent",
          reference="Liu et al. 2022, Continual Learning and Private Unlearning; Maini et al. 2024 (TOFU)")
class GradDiff(GradientMethod):
    """Loss = -NLL(forget) + retain_weight * NLL(retain) (the core's retain term)."""

    Config = GradDiffConfig

    def forget_loss(self, model, batch, ctx):
        return -nll(model, batch)
