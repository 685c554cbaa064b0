"""Gradient ascent: maximize the loss on the forget set (Jang et al. 2023)."""

from __future__ import annotations

from dataclasses import dataclass

from obliviate.methods.base import GradientConfig, GradientMethod, nll
from obliviate.methods.registry import Intention, register


@dataclass
class GAConfig(GradientConfig):
    """Measured on the embedded world (forget10, retain every 5th item): forget MCQ
    0.98 -> 0.20 (gold 0.18), retain 0.95 -> 0.53 on the recipe-3 models; 1.00 -> 0.40,
    0.96 -> 0.65 on the recipe-2 models, where without a retain term every setting
    trades retain for forget: lr 1e-4 0.57 / 0.72, 1.5e-4 0.37 / 0.54, 3e-4 (the
    default before recipe version 2) 0.13 / 0.33."""

    lr: float = 1.2e-4
    epochs: int = 10


@register("ga", intention=Intention.REMOVAL, family="gradient ascent",
          reference="Jang et al. 2023, Knowledge Unlearning for Mitigating Privacy Risks in LMs")
class GradientAscent(GradientMethod):
    """Loss = -NLL(forget). Ignores the retain set, so utility can collapse."""

    Config = GAConfig
    uses_retain = False

    def loss(self, model, forget, retain, step):
        return -nll(model, forget)
