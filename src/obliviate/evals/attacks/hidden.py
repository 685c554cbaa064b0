"""Per-layer views of a model on (prompt, completion) pairs, for logit lens and probes.

Everything goes through ``lm.logits(..., output_hidden_states=True)``, so the prompt
format and hooks of ``lm`` apply (the audit passes ``lm.white_box()``, without an
unlearning method's prompt rewrite). In transformers' Llama, ``hidden_states[l]``
for l >= 1 is recorded at the output of decoder layer l-1 *before* forward hooks
added later (such as a steering hook) change it, and the last entry is after the
final norm. Reading layers below or at a steered layer therefore sees the
representation the suppression acts on.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from obliviate.models.load import LanguageModel
from obliviate.training import IGNORE, collate, encode_pairs


def final_norm(model) -> torch.nn.Module:
    """The final normalization before the unembedding (Llama/Mistral/Qwen, GPT-2, GPT-NeoX)."""
    for path in ("model.norm", "transformer.ln_f", "gpt_neox.final_layer_norm", "model.final_layernorm"):
        obj = model
        for part in path.split("."):
            obj = getattr(obj, part, None)
            if obj is None:
                break
        if obj is not None:
            return obj
    return torch.nn.Identity()


@dataclass
class LayerViews:
    """Per-pair, per-layer quantities (layer axis first; index 0 = embeddings)."""

    logprob_sums: np.ndarray      # [layers, pairs]: completion log-likelihood decoded at each layer
    counts: np.ndarray            # [pairs]: completion length in tokens
    prompt_state: np.ndarray      # [layers, pairs, hidden]: state at the last prompt token
    completion_state: np.ndarray  # [layers, pairs, hidden]: state at the last completion token
    completion_embedding: np.ndarray  # [pairs, hidden]: input embedding of the first completion token


def layer_views(lm: LanguageModel, pairs: list[tuple[str, str]], batch_size: int = 128) -> LayerViews:
    """Run every pair once and collect logit-lens scores and hidden states at every layer."""
    model = lm.model
    norm = final_norm(model)
    head = model.get_output_embeddings()
    embed = model.get_input_embeddings()
    encoded = encode_pairs(lm.tokenizer, [(lm.format_prompt(p), c) for p, c in pairs],
                           max_length=1024, add_eos=False)
    pad = lm.tokenizer.pad_token_id
    n = len(encoded)
    sums = counts = prompt_state = completion_state = completion_emb = None
    for start in range(0, n, batch_size):
        chunk = list(range(start, min(n, start + batch_size)))
        batch = collate([encoded[i] for i in chunk], pad)
        out = lm.logits(batch["input_ids"], batch["attention_mask"], output_hidden_states=True)
        states = out.hidden_states
        labels = batch["labels"].to(out.logits.device)
        first = (labels != IGNORE).float().argmax(dim=1)          # first completion token
        last = batch["attention_mask"].sum(dim=1).to(first.device) - 1
        rows = torch.arange(len(chunk), device=first.device)
        shift_labels = labels[:, 1:]
        mask = shift_labels != IGNORE
        with torch.no_grad():
            layer_sums = []
            for l, h in enumerate(states):
                # The last entry is already normalized: its logits are the model's own.
                logits = out.logits if l == len(states) - 1 else head(norm(h))
                logp = torch.log_softmax(logits[:, :-1].float(), -1)
                logp = logp.gather(-1, shift_labels.clamp(min=0).unsqueeze(-1)).squeeze(-1)
                layer_sums.append((logp * mask).sum(-1))
            emb = embed(batch["input_ids"].to(first.device))[rows, first]
        if sums is None:
            L, d = len(states), states[0].shape[-1]
            sums = np.zeros((L, n))
            prompt_state = np.zeros((L, n, d), dtype=np.float32)
            completion_state = np.zeros((L, n, d), dtype=np.float32)
            completion_emb = np.zeros((n, d), dtype=np.float32)
            counts = np.zeros(n)
        sel = np.array(chunk)
        sums[:, sel] = torch.stack(layer_sums).cpu().numpy()
        counts[sel] = mask.sum(-1).cpu().numpy()
        for l, h in enumerate(states):
            prompt_state[l, sel] = h[rows, first - 1].float().cpu().numpy()
            completion_state[l, sel] = h[rows, last].float().cpu().numpy()
        completion_emb[sel] = emb.float().cpu().numpy()
    return LayerViews(sums, counts, prompt_state, completion_state, completion_emb)
