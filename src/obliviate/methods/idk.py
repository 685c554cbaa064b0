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


@dataclass
class IdkConfig(GradientConfig):
    refusal: str = "I don't know."   # the target answer on forget questions
    lr: float = 2e-3
    epochs: int = 15
    retain_weight: float = 1.0


@register("idk", intention=Intention.SUPPRESSION, family="refusal tuning",
          reference="Maini et al. 2024, TOFU (IdK fine-tuning)")
class Idk(GradientMethod):
    """Loss = NLL(refusal | forget question) + retain_weight * NLL(retain)."""

    Config = IdkConfig

    def forget_pairs(self, items):
        from obliviate.data.world import qa_prompt

        return [(qa_prompt(i.question), " " + self.config.refusal) for i in items]

    def loss(self, model, forget, retain, step):
        loss = nll(model, forget)
        if retain is not None:
            loss = loss + self.config.retain_weight * nll(model, retain)
        return loss
