"""ROME-style rank-one edit of an MLP down-projection (Meng et al. 2022).

ROME treats an MLP output matrix W as a key-value memory: the key k* is the MLP's
hidden activation (the input of ``down_proj``) at the subject's last token, the
value is W k*. To make the model forget a person, a new value v* = W k* + delta is
found by gradient descent so that, with delta added at the subject's last token,
the model prefers a wrong answer (one of each item's perturbed answers) for every
forget question about that person; then the closed-form rank-one update
W' = W + (v* - W k*) (C^-1 k*)^T / (k*^T C^-1 k*) writes it in, where C is the
second moment of keys on retain prompts, so retain keys move as little as possible.
One edit per forget entity, applied in sequence (Meng et al.'s sequential editing;
MEMIT batches them). Removal-intended: the edit changes the weights, but only one
layer's mapping, so earlier layers may still hold the person's facts.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

import torch

from obliviate.data.world import qa_prompt
from obliviate.errors import EmptySplitError, ObliviateError
from obliviate.methods.base import MethodConfig, UnlearningMethod
from obliviate.methods.registry import Intention, register
from obliviate.methods.wrappers import decoder_layers, entity_patterns
from obliviate.models.load import LanguageModel
from obliviate.training import collate, encode_pairs


@dataclass
class ROMEConfig(MethodConfig):
    layer: int = 1              # decoder layer whose MLP down_proj is edited
    steps: int = 60             # gradient steps to find delta per entity
    lr: float = 0.1
    weight_decay: float = 1e-3  # on delta, keeps the new value near the old one
    cov_weight: float = 1e-2    # ridge added to the key covariance (relative to its trace / dim)


def _last_subject_positions(input_ids: torch.Tensor, patterns: list[list[int]]) -> torch.Tensor:
    """Per row, the index of the last token of the first subject mention (-1 if none)."""
    out = torch.full((input_ids.shape[0],), -1, dtype=torch.long)
    for row in range(input_ids.shape[0]):
        ids = input_ids[row].tolist()
        best = None
        for pattern in patterns:
            n = len(pattern)
            for start in range(len(ids) - n + 1):
                if ids[start:start + n] == pattern:
                    if best is None or start < best[0]:
                        best = (start, start + n - 1)
                    break
        if best is not None:
            out[row] = best[1]
    return out


@register("rome", intention=Intention.REMOVAL, family="model editing",
          reference="Meng et al. 2022, Locating and Editing Factual Associations in GPT (ROME)")
class ROME(UnlearningMethod):
    """One rank-one edit of ``down_proj`` at ``layer`` per forget entity."""

    Config = ROMEConfig

    def run(self, lm: LanguageModel, forget, retain, progress=None):
        cfg = self.config
        if not forget:
            raise EmptySplitError("the forget set is empty: there is nothing to edit")
        if not all(i.entity and i.perturbed_answers for i in forget):
            raise ObliviateError("rome edits per subject: every forget item needs an 'entity' and at "
                                 "least one perturbed answer (the new target)")
        model, tok = lm.model, lm.tokenizer
        layers = decoder_layers(model)
        if not -len(layers) <= cfg.layer < len(layers):
            raise ObliviateError(f"rome layer {cfg.layer} out of range for a {len(layers)}-layer model")
        down = layers[cfg.layer].mlp.down_proj
        torch.manual_seed(cfg.seed)
        cov_inv = torch.linalg.inv(self._key_covariance(lm, down, retain or forget))
        entities = sorted({i.entity for i in forget})
        for k, entity in enumerate(entities):
            items = [i for i in forget if i.entity == entity]
            self._edit(lm, down, entity, items, cov_inv)
            if progress:
                progress(k + 1, len(entities), 0.0)
        model.eval()
        return LanguageModel(model, tok, path=None)

    def _key_covariance(self, lm, down, items) -> torch.Tensor:
        """Uncentered second moment of down_proj inputs over all tokens of ``items`` prompts."""
        keys = []
        handle = down.register_forward_pre_hook(lambda m, args: keys.append(args[0].detach()))
        encoded = encode_pairs(lm.tokenizer, [(qa_prompt(i.question), " " + i.answer) for i in items],
                               max_length=1024)
        try:
            for start in range(0, len(encoded), 64):
                batch = collate(encoded[start:start + 64], lm.tokenizer.pad_token_id)
                keys.clear()
                with torch.no_grad():
                    lm.model(input_ids=batch["input_ids"], attention_mask=batch["attention_mask"])
                flat = keys[0][batch["attention_mask"].bool()].float()
                self._acc = flat.T @ flat if start == 0 else self._acc + flat.T @ flat
                self._n = len(flat) if start == 0 else self._n + len(flat)
        finally:
            handle.remove()
        cov = self._acc / self._n
        dim = cov.shape[0]
        return cov + self.config.cov_weight * cov.trace() / dim * torch.eye(dim)

    def _edit(self, lm, down, entity: str, items, cov_inv: torch.Tensor) -> None:
        cfg, tok = self.config, lm.tokenizer
        patterns = entity_patterns(tok, [entity])
        targets = [random.Random(f"rome:{i.question}").choice(i.perturbed_answers) for i in items]
        encoded = encode_pairs(tok, [(qa_prompt(i.question), " " + t) for i, t in zip(items, targets)],
                               max_length=1024)
        batch = collate(encoded, tok.pad_token_id)
        positions = _last_subject_positions(batch["input_ids"], patterns)
        if bool((positions < 0).any()):
            raise ObliviateError(f"rome: the subject {entity!r} does not occur in its forget questions")
        rows = torch.arange(len(items))
        captured = {}

        def capture_key(module, args):
            captured["key"] = args[0][rows, positions].detach().float().mean(0)

        handle = down.register_forward_pre_hook(capture_key)
        with torch.no_grad():
            lm.model(input_ids=batch["input_ids"], attention_mask=batch["attention_mask"])
        handle.remove()
        key = captured["key"]
        delta = torch.zeros(down.out_features, requires_grad=True)

        def add_delta(module, args, output):
            output = output.clone()
            output[rows, positions] = output[rows, positions] + delta.to(output.dtype)
            return output

        for p in lm.model.parameters():
            p.requires_grad_(False)
        optimizer = torch.optim.Adam([delta], lr=cfg.lr)
        handle = down.register_forward_hook(add_delta)
        try:
            for _ in range(cfg.steps):
                loss = lm.model(**batch).loss + cfg.weight_decay * delta.pow(2).sum()
                optimizer.zero_grad()
                loss.backward()
                optimizer.step()
        finally:
            handle.remove()
        with torch.no_grad():
            weight = down.weight
            old_value = weight.float() @ key
            new_value = old_value + delta.detach()
            direction = cov_inv @ key
            update = torch.outer(new_value - old_value, direction) / (key @ direction)
            weight.add_(update.to(weight.dtype))
        for p in lm.model.parameters():
            p.requires_grad_(True)
