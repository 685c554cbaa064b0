"""DPO with a refusal as the preferred answer on the forget set (Rafailov et al. 2023; TOFU).

Direct Preference Optimization with y_w = a refusal and y_l = the true answer:
L = -log sigmoid(beta * [log pi(y_w|x)/pi_ref(y_w|x) - log pi(y_l|x)/pi_ref(y_l|x)]),
plus the retain term. The training core provides pi_ref, a frozen copy of the model
before any update (``uses_reference``). As with IdK the model learns to decline; the knowledge can
remain underneath, so the intention is suppression.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
import torch.nn.functional as F

from obliviate.methods.base import GradientConfig, GradientMethod, sequence_logprob
from obliviate.methods.registry import Intention, register
from obliviate.training import IGNORE


@dataclass
class DPOConfig(GradientConfig):
    beta: float = 0.5                 # inverse temperature of the preference loss
    refusal: str = "I don't know."    # the preferred answer on forget questions
    lr: float = 3e-3
    epochs: int = 10


def swap_completion(batch: dict[str, torch.Tensor], completion: list[int], pad_id: int
                    ) -> dict[str, torch.Tensor]:
    """The same prompts as ``batch`` with ``completion`` (token ids) as every row's answer."""
    rows = []
    for ids, labels, mask in zip(batch["input_ids"], batch["labels"], batch["attention_mask"]):
        n_prompt = int(((labels == IGNORE) & (mask == 1)).sum())
        rows.append((ids[:n_prompt].tolist(), n_prompt))
    width = max(n for _, n in rows) + len(completion)
    out_ids = torch.full((len(rows), width), pad_id, dtype=torch.long)
    out_labels = torch.full((len(rows), width), IGNORE, dtype=torch.long)
    out_mask = torch.zeros((len(rows), width), dtype=torch.long)
    for r, (prompt, n) in enumerate(rows):
        seq = prompt + completion
        out_ids[r, :len(seq)] = torch.tensor(seq)
        out_labels[r, n:len(seq)] = torch.tensor(completion)
        out_mask[r, :len(seq)] = 1
    device = batch["input_ids"].device
    return {"input_ids": out_ids.to(device), "attention_mask": out_mask.to(device),
            "labels": out_labels.to(device)}


@register("dpo", intention=Intention.SUPPRESSION, family="preference optimization",
          reference="Rafailov et al. 2023, Direct Preference Optimization; Maini et al. 2024 (TOFU)")
class DPO(GradientMethod):
    """Refusal preferred over the true answer on forget questions, plus the retain term."""

    Config = DPOConfig
    uses_reference = True

    def forget_loss(self, model, batch, ctx):
        tok = ctx.tokenizer
        refusal = tok(" " + self.config.refusal, add_special_tokens=False)["input_ids"]
        if tok.eos_token_id is not None:
            refusal = refusal + [tok.eos_token_id]
        chosen = swap_completion(batch, refusal, tok.pad_token_id)
        with torch.no_grad():
            ref_chosen = sequence_logprob(ctx.reference, chosen)
            ref_rejected = sequence_logprob(ctx.reference, batch)
        margin = (sequence_logprob(model, chosen) - ref_chosen) - (sequence_logprob(model, batch) - ref_rejected)
        return -F.logsigmoid(self.config.beta * margin).mean()
