"""ROME-style rank-one editing of an MLP down-projection (Meng et al. 2022; MEMIT batching).

ROME treats an MLP output matrix W as a key-value memory: a key k is the MLP's hidden
activation (the input of ``down_proj``), its value W k. To make the model forget, a
new value v* = W k + delta is found by gradient descent so that, with delta added at
that position, the model prefers a wrong answer (one of the item's perturbed
answers); the closed-form update then writes all new values at once, MEMIT-style
(Meng et al. 2023): dW = R K^T (lambda C + K K^T)^-1 with R the deltas, K the keys and C
the second moment of keys on retain prompts, so retain keys move as little as possible.

Adaptation to small models: ROME keys the edit at the subject's last token, but in the
4-layer tiny models the fact is assembled at the last prompt token (docs/methods.md has
the measurement). So the key here is taken at the last prompt token of each forget
question (one key per question, not per subject). Removal-intended: the weights change, but only
one layer's mapping, and paraphrased questions produce other keys.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

import torch

from obliviate.errors import ObliviateError
from obliviate.methods.base import MethodConfig, UnlearningMethod
from obliviate.methods.registry import Intention, register
from obliviate.models.artifact import decoder_layers
from obliviate.models.load import LanguageModel
from obliviate.training import IGNORE, collate, encode_pairs, qa_pairs


@dataclass
class ROMEConfig(MethodConfig):
    layer: int = 1              # decoder layer whose MLP down_proj is edited
    steps: int = 100            # gradient steps to find the new values
    lr: float = 2.0             # Adam on the deltas: residual norms are large, steps must be too
    weight_decay: float = 0.0   # on the deltas; the answer-loss gradient is tiny (~1e-3), so keep 0
    cov_weight: float = 10.0    # lambda: weight of the retain keys' second moment (x number of keys)


@register("rome", intention=Intention.REMOVAL, family="model editing",
          reference="Meng et al. 2022, Locating and Editing Factual Associations in GPT (ROME); "
                    "Meng et al. 2023 (MEMIT)")
class ROME(UnlearningMethod):
    """Rank-one edits of ``down_proj`` at ``layer``, one key per forget question, solved jointly."""

    Config = ROMEConfig

    def run(self, lm: LanguageModel, forget, retain, progress=None, checkpoint=None):
        cfg = self.config
        if not all(i.perturbed_answers for i in forget):
            raise ObliviateError("rome needs a new target per forget item: every item needs at least one "
                                 "perturbed answer")
        model, tok = lm.model, lm.tokenizer
        layers = decoder_layers(model)
        if not -len(layers) <= cfg.layer < len(layers):
            raise ObliviateError(f"rome layer {cfg.layer} out of range for a {len(layers)}-layer model")
        down = layers[cfg.layer].mlp.down_proj
        torch.manual_seed(cfg.seed)
        second_moment = self._key_second_moment(lm, down, retain or forget)
        targets = [random.Random(f"rome:{i.question}").choice(i.perturbed_answers) for i in forget]
        encoded = encode_pairs(tok, [(prompt, " " + t) for (prompt, _), t in zip(qa_pairs(forget), targets)],
                               max_length=1024)
        device = lm.device
        batch = {k: v.to(device) for k, v in collate(encoded, tok.pad_token_id).items()}
        # The last prompt token predicts the first answer token: that is where the key is read.
        positions = (batch["labels"] == IGNORE).logical_and(batch["attention_mask"].bool()).sum(1) - 1
        rows = torch.arange(len(forget), device=device)
        captured = {}
        handle = down.register_forward_pre_hook(
            lambda m, args: captured.__setitem__("keys", args[0][rows, positions].detach().float()))
        with torch.no_grad():
            model(input_ids=batch["input_ids"], attention_mask=batch["attention_mask"])
        handle.remove()
        keys = captured["keys"]                                     # [n, d_mlp]
        deltas = torch.zeros(len(forget), down.out_features, device=device, requires_grad=True)

        def add_deltas(module, args, output):
            output = output.clone()
            output[rows, positions] = output[rows, positions] + deltas.to(output.dtype)
            return output

        requires = [p.requires_grad for p in model.parameters()]
        for p in model.parameters():
            p.requires_grad_(False)
        optimizer = torch.optim.Adam([deltas], lr=cfg.lr)
        handle = down.register_forward_hook(add_deltas)
        try:
            for step in range(cfg.steps):
                loss = model(**batch).loss + cfg.weight_decay * deltas.pow(2).sum(-1).mean()
                optimizer.zero_grad()
                loss.backward()
                optimizer.step()
                if progress:
                    progress(step + 1, cfg.steps, float(loss.detach()))
        finally:
            handle.remove()
            for p, r in zip(model.parameters(), requires):
                p.requires_grad_(r)
        with torch.no_grad():
            # MEMIT closed form: W' k_i ~= W k_i + delta_i, retain keys (second moment) preserved.
            system = cfg.cov_weight * len(forget) * second_moment + keys.T @ keys
            update = deltas.detach().T @ keys @ torch.linalg.inv(system)
            down.weight.add_(update.to(down.weight.dtype))
        model.eval()
        return LanguageModel(model, tok, path=None)

    def _key_second_moment(self, lm, down, items) -> torch.Tensor:
        """Uncentered second moment of down_proj inputs over all tokens of ``items`` prompts."""
        keys: list[torch.Tensor] = []
        handle = down.register_forward_pre_hook(lambda m, args: keys.append(args[0].detach()))
        encoded = encode_pairs(lm.tokenizer, qa_pairs(items), max_length=1024)
        total, count = None, 0
        try:
            for start in range(0, len(encoded), 64):
                batch = collate(encoded[start:start + 64], lm.tokenizer.pad_token_id)
                ids, mask = batch["input_ids"].to(lm.device), batch["attention_mask"].to(lm.device)
                keys.clear()
                with torch.no_grad():
                    lm.model(input_ids=ids, attention_mask=mask)
                flat = keys[0][mask.bool()].float()
                total = flat.T @ flat if total is None else total + flat.T @ flat
                count += len(flat)
        finally:
            handle.remove()
        moment = total / count
        # A small ridge keeps the system invertible when keys span a subspace.
        return moment + 1e-4 * moment.trace() / len(moment) * torch.eye(len(moment), device=moment.device)
