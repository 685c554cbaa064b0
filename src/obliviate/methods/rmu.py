"""RMU: representation misdirection for unlearning (Li et al. 2024, WMDP).

At one decoder layer l, the hidden states of forget tokens are pushed toward a
fixed random direction u scaled by c, and those of retain tokens are held at the
original model's: L = ||h_l(forget) - c u||^2 + alpha ||h_l(retain) - h_l^orig(retain)||^2.
Only the MLPs of layers l-2..l are updated, as in the paper, so later layers read
noise wherever a forget entity is processed. c is given as a multiple of the mean
hidden-state norm at layer l, so the default carries over between model sizes.

The forget term acts only on forget tokens whose causal prefix occurs in no retain
sequence (from the subject's name on). In QA data, forget and retain share their
template ("Question: What is the occupation of"), and a causal model's hidden states
there are identical for both: misdirecting them while the retain term anchors them is
a direct conflict (docs/methods.md has the measurement).

The retain term is the paper's hidden-state anchor (``retain_loss="hidden"``, against the
frozen reference the core builds); the core's ``nll`` and ``kl`` terms may be chosen instead.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch

from obliviate.methods.base import GradientConfig, GradientMethod
from obliviate.methods.registry import Intention, register


@dataclass
class RMUConfig(GradientConfig):
    layer: int = 2               # decoder layer whose output is misdirected (negative from the end)
    steering_scale: float = 4.0  # c = steering_scale x mean hidden norm at ``layer``
    retain_loss: str = "hidden"  # "hidden": the paper's anchor of layer-l states; or "nll" / "kl"
    retain_weight: float = 10.0  # alpha in the paper
    update_layers: int = 3       # MLPs of layers layer-update_layers+1 .. layer are trained
    lr: float = 3e-3
    epochs: int = 60


def _hidden(model, batch, layer: int) -> torch.Tensor:
    out = model(input_ids=batch["input_ids"], attention_mask=batch["attention_mask"],
                output_hidden_states=True)
    return out.hidden_states[layer + 1]


def token_prefixes(tokenizer, items) -> set[int]:
    """Hashes of every prefix of every tokenized (question, answer) sequence of ``items``.

    Hashes, not the tuples themselves, keep memory linear in the tokens of ``items``.
    """
    from obliviate.training import encode_pairs, qa_pairs

    encoded = encode_pairs(tokenizer, qa_pairs(items)) if items else []
    return {hash(tuple(e.input_ids[:n])) for e in encoded for n in range(1, len(e.input_ids) + 1)}


@register("rmu", intention=Intention.REMOVAL, family="representation misdirection",
          reference="Li et al. 2024, The WMDP Benchmark (RMU)")
class RMU(GradientMethod):
    """Misdirect layer-l activations on forget tokens; anchor them on retain tokens."""

    Config = RMUConfig
    uses_reference = True
    retain_losses = ("hidden", "nll", "kl")

    def prepare(self, model, ctx):
        from obliviate.errors import ObliviateError
        from obliviate.models.artifact import decoder_layers

        cfg = self.config
        layers = decoder_layers(model.get_base_model() if hasattr(model, "get_base_model") else model)
        if not -len(layers) <= cfg.layer < len(layers):
            raise ObliviateError(f"rmu layer {cfg.layer} out of range for a {len(layers)}-layer model")
        self.layer = cfg.layer % len(layers)
        trained = set(range(max(0, self.layer - cfg.update_layers + 1), self.layer + 1))
        if not cfg.lora_rank:
            for name, p in model.named_parameters():
                p.requires_grad_(any(f"layers.{k}.mlp." in name for k in trained))
        self.shared_prefixes = token_prefixes(ctx.tokenizer, ctx.retain_items)
        with torch.no_grad():
            hidden = torch.cat([_hidden(ctx.reference, b, self.layer)[self._forget_mask(b)]
                                for b in ctx.forget_batches])
        if not len(hidden):
            raise ObliviateError("rmu: every forget sequence also occurs in the retain set; "
                                 "there are no forget-specific tokens to misdirect")
        # RMU's random direction: uniform in [0, 1)^d, normalized, then scaled.
        u = torch.rand(hidden.shape[-1], generator=torch.Generator().manual_seed(cfg.seed))
        u = u.to(hidden.device)
        self.target = (u / u.norm()) * hidden.norm(dim=-1).mean() * cfg.steering_scale

    def _forget_mask(self, batch) -> torch.Tensor:
        """Real tokens whose prefix (the token included) starts no retain sequence."""
        mask = batch["attention_mask"].bool().clone()
        for row, ids in enumerate(batch["input_ids"].tolist()):
            # The prefix set is closed under prefixes: the first unshared token ends the run.
            for t in range(len(ids)):
                if hash(tuple(ids[:t + 1])) not in self.shared_prefixes:
                    break
                mask[row, t] = False
        return mask

    def forget_loss(self, model, batch, ctx):
        mask = self._forget_mask(batch)
        h = _hidden(model, batch, self.layer)
        # A batch may hold only rows fully shared with retain: then it has no forget term.
        return ((h - self.target.to(h.device, h.dtype)) ** 2)[mask].mean() if mask.any() else h.sum() * 0

    def retain_loss(self, model, batch, ctx):
        if self.config.retain_loss != "hidden":
            return super().retain_loss(model, batch, ctx)
        rmask = batch["attention_mask"].bool()
        with torch.no_grad():
            ref = _hidden(ctx.reference, batch, self.layer)
        return ((_hidden(model, batch, self.layer) - ref) ** 2)[rmask].mean()
