"""Quantization attack: weight-only round-to-nearest int8 / int4, per output channel.

Unlearning by small weight changes can sit below the quantization step: rounding the
unlearned weights lands them back on the original's grid and the knowledge returns
(Zhang et al. 2024, "Catastrophic failure of LLM unlearning via quantization").
A small own implementation (symmetric, per output channel, fake-quantized back to
float) so it runs on any device; torchao is not needed.
"""

from __future__ import annotations

import copy
import dataclasses

import numpy as np
import torch

from obliviate.data.schema import QAItem
from obliviate.evals.attacks.base import AttackConfig, AttackOutput
from obliviate.evals.metrics import mcq_correct
from obliviate.models.load import LanguageModel


def quantize_weight(weight: torch.Tensor, bits: int) -> torch.Tensor:
    """Symmetric round-to-nearest per output channel (row), returned dequantized."""
    qmax = 2 ** (bits - 1) - 1
    w = weight.detach().float()
    scale = w.abs().amax(dim=1, keepdim=True).clamp(min=1e-12) / qmax
    q = torch.clamp(torch.round(w / scale), -qmax - 1, qmax)
    return (q * scale).to(weight.dtype)


def quantized_copy(lm: LanguageModel, bits: int) -> LanguageModel:
    """A copy of ``lm`` whose every ``nn.Linear`` weight is quantized to ``bits`` bits
    (embeddings stay in float unless tied to the output layer, as in llama.cpp/GPTQ)."""
    model = copy.deepcopy(lm.model)
    with torch.no_grad():
        for module in model.modules():
            if isinstance(module, torch.nn.Linear):
                module.weight.copy_(quantize_weight(module.weight, bits))
    return dataclasses.replace(lm, model=model, hooks=list(lm.hooks))


def quantize_attack(bits: int):
    """The attack function for ``bits``-bit weights."""

    def attack(lm: LanguageModel, forget: list[QAItem], retain: list[QAItem],
               config: AttackConfig) -> AttackOutput:
        correct = mcq_correct(quantized_copy(lm, bits), forget)
        return AttackOutput(correct, np.arange(len(forget)), {"bits": bits, "scheme": "rtn-per-channel"})

    attack.__doc__ = f"MCQ correctness on the forget set after int{bits} weight-only quantization."
    return attack
