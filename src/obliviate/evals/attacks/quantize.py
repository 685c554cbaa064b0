"""Quantization attack: weight-only round-to-nearest int8 / int4, group-wise.

Unlearning by small weight changes can sit below the quantization step: rounding the
unlearned weights lands them back on the original's grid and the knowledge returns
(Zhang et al. 2024, "Catastrophic failure of LLM unlearning via quantization", who used
GPTQ and AWQ with group size 128, and bitsandbytes).

The default backend is an own implementation (symmetric round-to-nearest, one scale per
group of ``group_size`` consecutive input weights of an output channel, fake-quantized
back to float) so it runs on any device and needs no extra package. It quantizes every
``nn.Linear`` and every Hugging Face ``Conv1D`` (GPT-2, GPT-J-style models store their
attention and MLP weights as ``Conv1D`` with the input dimension first); embeddings stay
in float unless tied to the output layer, as in GPTQ / llama.cpp.

``backend="bitsandbytes"`` rounds each weight through bitsandbytes' own 8-bit
(``int8_vectorwise_quant``) or 4-bit NF4 block quantizer (``quantize_4bit``, block 64)
and back, when bitsandbytes is installed. GPTQ needs calibration data and a GPU
toolkit (auto-gptq / gptqmodel) and is not run here.
"""

from __future__ import annotations

import copy
import dataclasses

import numpy as np
import torch

from obliviate.data.schema import QAItem
from obliviate.errors import ObliviateError
from obliviate.evals.attacks.base import AttackConfig, AttackOutput
from obliviate.evals.metrics import mcq_correct
from obliviate.models.load import LanguageModel

DEFAULT_GROUP_SIZE = 128
BACKENDS = ("rtn", "bitsandbytes")


def quantize_weight(weight: torch.Tensor, bits: int, group_size: int | None = DEFAULT_GROUP_SIZE) -> torch.Tensor:
    """Symmetric round-to-nearest of a ``[out, in]`` weight, returned dequantized.

    One scale ``max|w| / (2^(bits-1) - 1)`` per group of ``group_size`` consecutive input
    weights of each output row (``None`` or 0: one scale per row, per-channel).
    """
    qmax = 2 ** (bits - 1) - 1
    w = weight.detach().float()
    rows, cols = w.shape
    g = cols if not group_size or group_size >= cols else group_size
    pad = (-cols) % g
    wp = torch.nn.functional.pad(w, (0, pad)) if pad else w
    grouped = wp.reshape(rows, -1, g)
    scale = grouped.abs().amax(dim=-1, keepdim=True).clamp(min=1e-12) / qmax
    q = torch.clamp(torch.round(grouped / scale), -qmax - 1, qmax) * scale
    return q.reshape(rows, -1)[:, :cols].to(weight.dtype)


def _bnb_roundtrip(weight: torch.Tensor, bits: int) -> torch.Tensor:
    try:
        import bitsandbytes.functional as F
    except ImportError as err:
        raise ObliviateError("quantization backend 'bitsandbytes' needs bitsandbytes (pip install "
                             "bitsandbytes); the default backend 'rtn' needs nothing") from err
    w = weight.detach()
    if bits == 4:
        q, state = F.quantize_4bit(w.float().contiguous(), blocksize=64, quant_type="nf4")
        return F.dequantize_4bit(q, state).to(weight.dtype)
    if bits == 8:
        q, stats, _ = F.int8_vectorwise_quant(w.half().contiguous())
        return F.int8_vectorwise_dequant(q, stats).to(weight.dtype)
    raise ObliviateError(f"bitsandbytes quantizes to 4 or 8 bits, not {bits}")


def quantizable_weights(model: torch.nn.Module) -> list[tuple[str, torch.nn.Module, bool]]:
    """``(name, module, transposed)`` for every ``nn.Linear`` and HF ``Conv1D`` in ``model``."""
    try:
        from transformers.pytorch_utils import Conv1D
    except ImportError:  # pragma: no cover
        Conv1D = ()  # noqa: N806
    out = []
    for name, module in model.named_modules():
        if isinstance(module, torch.nn.Linear):
            out.append((name, module, False))
        elif Conv1D and isinstance(module, Conv1D):
            out.append((name, module, True))
    return out


def quantize_model_(model: torch.nn.Module, bits: int, group_size: int | None = DEFAULT_GROUP_SIZE,
                    backend: str = "rtn") -> int:
    """Quantize ``model``'s Linear / Conv1D weights in place; returns how many were quantized."""
    if backend not in BACKENDS:
        raise ObliviateError(f"unknown quantization backend {backend!r}; choose one of {', '.join(BACKENDS)}")
    modules = quantizable_weights(model)
    with torch.no_grad():
        for _, module, transposed in modules:
            w = module.weight.T if transposed else module.weight
            q = _bnb_roundtrip(w, bits) if backend == "bitsandbytes" else quantize_weight(w, bits, group_size)
            module.weight.copy_(q.T if transposed else q)
    return len(modules)


def quantized_copy(lm: LanguageModel, bits: int, group_size: int | None = DEFAULT_GROUP_SIZE,
                   backend: str = "rtn") -> LanguageModel:
    """A copy of ``lm`` whose Linear and Conv1D weights are quantized to ``bits`` bits."""
    model = copy.deepcopy(lm.model)
    quantize_model_(model, bits, group_size, backend)
    return dataclasses.replace(lm, model=model, hooks=list(lm.hooks))


def quantize_attack(bits: int, group_size: int | None = DEFAULT_GROUP_SIZE):
    """The attack function for ``bits``-bit weights (round-to-nearest, ``group_size`` groups)."""

    def attack(lm: LanguageModel, forget: list[QAItem], retain: list[QAItem],
               config: AttackConfig) -> AttackOutput:
        correct = mcq_correct(quantized_copy(lm, bits, group_size), forget)
        return AttackOutput(correct, np.arange(len(forget)),
                            {"bits": bits, "scheme": f"rtn-symmetric-group{group_size or 'channel'}"})

    attack.__doc__ = (f"MCQ correctness on the forget set after int{bits} weight-only quantization "
                      f"(round-to-nearest, group {group_size}).")
    return attack
