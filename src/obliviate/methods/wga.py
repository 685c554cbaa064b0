"""Weighted gradient ascent (Wang et al. 2025, Rethinking LLM Unlearning Objectives).

Gradient ascent weighted per token by the model's own (detached) probability of that
token raised to beta: L = -mean_t p(y_t)^beta * (-log p(y_t)). Tokens the model no
longer predicts stop pushing, which slows GA's collapse. As in the reference code
(tmlr-group/G-effect, ``loss_type == "wga"``), plus the core's retain term.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
import torch.nn.functional as F

from obliviate.methods.base import GradientConfig, GradientMethod
from obliviate.methods.registry import Intention, register
from obliviate.training import IGNORE


@dataclass
class WGAConfig(GradientConfig):
    beta: float = 0.5            # exponent of the token-probability weight (0: plain GA)
    lr: float = 4e-4
    epochs: int = 10


@register("wga", intention=Intention.REMOVAL, family="gradient ascent",
          reference="Wang et al. 2025, Rethinking LLM Unlearning Objectives: A Gradient Perspective and Go Beyond")
class WGA(GradientMethod):
    Config = WGAConfig

    def forget_loss(self, model, batch, ctx):
        logits = model(input_ids=batch["input_ids"], attention_mask=batch["attention_mask"]).logits[:, :-1]
        labels = batch["labels"][:, 1:]
        keep = labels != IGNORE
        token_nll = F.cross_entropy(logits[keep].float(), labels[keep], reduction="none")
        weights = torch.exp(-token_nll).detach() ** self.config.beta
        return -(weights * token_nll).mean()
