"""Gradient difference: ascend on forget, descend on retain (Liu et al. 2022; TOFU)."""

from __future__ import annotations

from dataclasses import dataclass

from obliviate.methods.base import GradientConfig, GradientMethod, nll
from obliviate.methods.registry import Intention, register


@dataclass
class GradDiffConfig(GradientConfig):
    lr: float = 1e-3
    epochs: int = 10
    retain_weight: float = 1.0


@register("grad_diff", intention=Intention.REMOVAL, family="gradient ascent",
          reference="Liu et al. 2022, Continual Learning and Private Unlearning; Maini et al. 2024 (TOFU)")
class GradDiff(GradientMethod):
    """Loss = -NLL(forget) + retain_weight * NLL(retain)."""

    Config = GradDiffConfig

    def loss(self, model, forget, retain, step):
        loss = -nll(model, forget)
        if retain is not None:
            loss = loss + self.config.retain_weight * nll(model, retain)
        return loss
