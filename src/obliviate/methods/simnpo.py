"""SimNPO: reference-free, length-normalized NPO (Fan et al. 2024).

Fan et al. 2024 (Simplicity Prevails) drop NPO's reference model: the forget
"reward" is the length-normalized log-likelihood (beta/|y|) log pi(y|x), shifted by
a margin gamma: L = -(2/beta) E[log sigmoid(-(beta/|y|) log pi(y|x) - gamma)].
Normalizing by length stops short answers from being over- or under-unlearned; no
reference forward pass is needed.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch.nn.functional as F

from obliviate.methods.base import GradientConfig, GradientMethod, sequence_logprob
from obliviate.methods.registry import Intention, register
from obliviate.training import IGNORE


@dataclass
class SimNPOConfig(GradientConfig):
    beta: float = 0.5      # inverse temperature of the preference loss
    gamma: float = 0.0     # reward margin
    lr: float = 2e-3
    epochs: int = 10
    retain_weight: float = 3.0


@register("simnpo", intention=Intention.REMOVAL, family="preference optimization",
          reference="Fan et al. 2024, Simplicity Prevails: Rethinking Negative Preference Optimization")
class SimNPO(GradientMethod):
    """SimNPO on the forget set plus the retain term."""

    Config = SimNPOConfig

    def forget_loss(self, model, batch, ctx):
        length = (batch["labels"][:, 1:] != IGNORE).sum(-1).clamp(min=1)
        logp = sequence_logprob(model, batch) / length
        beta = self.config.beta
        return -(2.0 / beta) * F.logsigmoid(-beta * logp - self.config.gamma).mean()
