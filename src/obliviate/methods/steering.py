"""Inference-time activation steering, gated on forget entities (suppression).

Activation addition (Turner et al. 2023) and representation engineering (Zou et al.
2023) change what a model says by adding a direction to its residual stream at
inference. Here the direction is the difference of mean activations between retain
and forget prompts at one decoder layer, scaled to a multiple of the typical residual
norm, and it is added only from the first mention of a forget entity on. The weights
are untouched: the layers before the steered one still compute the forgotten facts,
which is why this method is *suppression* (a probe on earlier layers, or simply
loading the weights without the wrapper, recovers them).
"""

from __future__ import annotations

from dataclasses import dataclass

import torch

from obliviate.data.world import qa_prompt
from obliviate.methods.base import MethodConfig, UnlearningMethod
from obliviate.methods.registry import Intention, register
from obliviate.models.artifact import decoder_layers, make_wrapper, wrap
from obliviate.models.load import LanguageModel
from obliviate.training import collate, encode_pairs


@dataclass
class SteeringConfig(MethodConfig):
    """Where and how strongly to steer."""

    layer: int = -2          # decoder layer whose output is steered (negative counts from the end)
    scale: float = 8.0       # vector norm as a multiple of the mean residual norm
    batch_size: int = 64     # prompts per forward pass when measuring activations


def _layer_activations(lm: LanguageModel, prompts: list[str], layer: int, batch_size: int) -> torch.Tensor:
    """Output of decoder ``layer`` at each prompt's last token, ``[n, hidden]``."""
    captured: list[torch.Tensor] = []
    layers = decoder_layers(lm.model)

    def grab(module, args, output):
        captured.append((output[0] if isinstance(output, tuple) else output).detach())

    rows = []
    handle = layers[layer].register_forward_hook(grab)
    try:
        encoded = encode_pairs(lm.tokenizer, [(p, "") for p in prompts], max_length=1024, add_eos=False)
        for start in range(0, len(encoded), batch_size):
            chunk = encoded[start:start + batch_size]
            batch = collate(chunk, lm.tokenizer.pad_token_id)
            captured.clear()
            with torch.no_grad():
                lm.model(input_ids=batch["input_ids"].to(lm.device),
                         attention_mask=batch["attention_mask"].to(lm.device))
            last = batch["attention_mask"].sum(1) - 1
            rows.append(captured[0][torch.arange(len(chunk)), last.to(lm.device)].float())
    finally:
        handle.remove()
    return torch.cat(rows)


@register("steering", intention=Intention.SUPPRESSION, family="activation steering",
          reference="Turner et al. 2023, Activation Addition; Zou et al. 2023, Representation Engineering")
class Steering(UnlearningMethod):
    """Add a (retain - forget) mean-activation direction after forget-entity mentions."""

    Config = SteeringConfig

    def run(self, lm, forget, retain, progress=None, checkpoint=None):
        from obliviate.errors import ObliviateError

        cfg = self.config
        if not retain:
            raise ObliviateError("steering needs a retain set: the direction is the difference of "
                                 "mean activations between retain and forget prompts")
        if not all(i.entity for i in forget):
            raise ObliviateError("steering gates on the forget entities: every forget item needs an "
                                 "'entity' field (the name the question is about)")
        unnamed = sorted({i.entity for i in forget} - {i.entity for i in forget if i.entity in i.question})
        if unnamed:
            raise ObliviateError(
                f"steering gates on the forget entity's name in the prompt, but {len(unnamed)} entit"
                f"{'y is' if len(unnamed) == 1 else 'ies are'} never named in their own questions "
                f"(e.g. {unnamed[0]!r}: a derived label such as TOFU's '<file> author <n>'?); give each item "
                "the name its questions use as 'entity'")
        n_layers = len(decoder_layers(lm.model))
        if not -n_layers <= cfg.layer < n_layers:
            raise ObliviateError(f"steering layer {cfg.layer} out of range for a {n_layers}-layer model")
        layer = cfg.layer % n_layers
        forget_acts = _layer_activations(lm, [qa_prompt(i.question) for i in forget], layer, cfg.batch_size)
        retain_acts = _layer_activations(lm, [qa_prompt(i.question) for i in retain], layer, cfg.batch_size)
        direction = retain_acts.mean(0) - forget_acts.mean(0)
        norm = torch.cat([forget_acts, retain_acts]).norm(dim=-1).mean()
        vector = direction / direction.norm().clamp(min=1e-8) * norm * cfg.scale
        names = sorted({i.entity for i in forget})
        if progress:
            progress(1, 1, 0.0)
        state = {"layer": layer, "vector": vector.tolist(), "entities": names}
        wrapper = make_wrapper("steering", "steering", cfg, state)
        return wrap(lm, wrapper)
