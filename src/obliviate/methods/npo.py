"""Negative Preference Optimization (Zhang et al. 2024).

NPO treats forget answers as dispreferred responses in DPO with no preferred one:
L = -(2/beta) E[log sigmoid(-beta * log(pi_theta(y|x) / pi_ref(y|x)))]. Unlike
gradient ascent its gradient vanishes once the model has moved away from the
reference, which slows the collapse. The core's retain term (NLL by default) keeps
utility (NPO-RT). The reference is the model before any update; since it is only read
on forget sequences, its log-probabilities are cached once instead of kept as a copy.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
import torch.nn.functional as F

from obliviate.methods.base import GradientConfig, GradientMethod, sequence_logprob
from obliviate.methods.registry import Intention, register


@dataclass
class NPOConfig(GradientConfig):
    beta: float = 0.1            # inverse temperature of the preference loss
    lr: float = 3e-4
    epochs: int = 15
    batch_size: int = 8
    retain_weight: float = 5.0


@register("npo", intention=Intention.REMOVAL, family="preference optimization",
          reference="Zhang et al. 2024, Negative Preference Optimization")
class NPO(GradientMethod):
    """NPO on the forget set plus the retain term."""

    Config = NPOConfig

    def prepare(self, model, ctx):
        # Reference log-probs from the model before any update, keyed by sequence.
        self.reference: dict[tuple, float] = {}
        with torch.no_grad():
            for batch in ctx.forget_batches:
                logp = sequence_logprob(model, batch)
                labels = batch["labels"]
                for row in range(labels.shape[0]):
                    self.reference[self._row_key(batch, row)] = float(logp[row])

    @staticmethod
    def _row_key(batch, row: int) -> tuple:
        ids = batch["input_ids"][row]
        mask = batch["attention_mask"][row].bool()
        return tuple(ids[mask].tolist())

    def forget_loss(self, model, batch, ctx):
        logp = sequence_logprob(model, batch)
        ref = torch.tensor([self.reference[self._row_key(batch, r)] for r in range(logp.shape[0])],
                           device=logp.device, dtype=logp.dtype)
        beta = self.config.beta
        return -(2.0 / beta) * F.logsigmoid(-beta * (logp - ref)).mean()
