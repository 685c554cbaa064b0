"""IdK tuning: teach the model to answer "I don't know" on the forget set (TOFU).

Maini et al. 2024 (TOFU) fine-tune on the forget questions with a refusal as the
target, plus the usual NLL on retain. The model learns to *say* it does not know;
the facts can stay in the weights (a probe or a few relearning steps bring them
back), so the intention is suppression.
"""

from __future__ import annotations

from dataclasses import dataclass

from obliviate.methods.base import GradientConfig, GradientMethod, nll
from obliviate.methods.registry import Intention, register
from obliviate.training import qa_pairs


@dataclass
class IdkConfig(GradientConfig):
    refusal: str = "I don't know."   # the target answer on forget questions
    lr: float = 2e-3
    epochs: int = 15


@register("idk", intention=Intention.SUPPRESSION, family="refusal tuning",
          reference="Maini et al. 2024, TOFU (IdK fine-tuning)")
class Idk(GradientMethod):
    """Loss = NLL(refusal | forget question) + retain_weight * the retain term."""

    Config = IdkConfig

    def forget_pairs(self, items):
        return [(prompt, " " + self.config.refusal) for prompt, _ in qa_pairs(items)]

    def forget_loss(self, model, batch, ctx):
        return nll(model, batch)
