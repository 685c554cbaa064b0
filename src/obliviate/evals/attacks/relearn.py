"""Relearning attack: a few fine-tuning steps on some forget facts bring back the others?

Fine-tune for k steps on half A of the forget facts, then measure MCQ accuracy on the
disjoint half B. If B comes back, the knowledge of B was still in the weights
(Lynch et al. 2024; Deeb & Roger 2024, "Do unlearning methods remove information from
language model weights?"). The gold model is the control: it never learned B, so
training on A must not raise its accuracy on B.
"""

from __future__ import annotations

import copy
import dataclasses
import random

import numpy as np
import torch

from obliviate.data.schema import QAItem
from obliviate.data.world import qa_prompt
from obliviate.errors import ObliviateError
from obliviate.evals.attacks.base import AttackConfig, AttackOutput
from obliviate.evals.metrics import mcq_correct
from obliviate.models.load import LanguageModel
from obliviate.training import collate, encode_pairs


def relearn_split(items: list[QAItem], by: str = "person") -> tuple[list[int], list[int]]:
    """Deterministic halves (A, B) of ``items`` as index lists.

    ``by="person"``: people in order of first appearance alternate between A and B, so
    no fact of a B person is trained on; items without an entity fall back to ``"item"``
    (alternate items).
    """
    if by not in ("person", "item"):
        raise ObliviateError(f"relearn_split must be 'person' or 'item', got {by!r}")
    people = list(dict.fromkeys(i.entity for i in items))
    if by == "person" and len(people) >= 2 and all(i.entity for i in items):
        half_a = set(people[::2])
        a = [k for k, i in enumerate(items) if i.entity in half_a]
    else:
        a = list(range(0, len(items), 2))
    b = [k for k in range(len(items)) if k not in set(a)]
    if not a or not b:
        raise ObliviateError(f"the relearn attack needs at least 2 forget items (found {len(items)})")
    return a, b


def finetune_copy(lm: LanguageModel, pairs: list[tuple[str, str]], steps: int, lr: float,
                  batch_size: int, seed: int) -> LanguageModel:
    """A fine-tuned copy of ``lm``; its prompt format and hooks stay in place during training
    and after (the audit passes ``lm.white_box()``: no unlearning prompt rewrite)."""
    torch.manual_seed(seed)
    rng = random.Random(seed)
    work = dataclasses.replace(lm, model=copy.deepcopy(lm.model), hooks=list(lm.hooks))
    examples = encode_pairs(work.tokenizer, [(work.format_prompt(p), c) for p, c in pairs])
    pad = work.tokenizer.pad_token_id
    optimizer = torch.optim.AdamW([p for p in work.model.parameters() if p.requires_grad], lr=lr,
                                  weight_decay=0.0)
    work.model.train()
    order: list[int] = []
    for _ in range(steps):
        if len(order) < batch_size:
            fresh = list(range(len(examples)))
            rng.shuffle(fresh)
            order += fresh
        batch = collate([examples[i] for i in order[:batch_size]], pad)
        order = order[batch_size:]
        with work.interventions():
            loss = work.model(**{k: v.to(work.device) for k, v in batch.items()}).loss
        loss.backward()
        torch.nn.utils.clip_grad_norm_(work.model.parameters(), 1.0)
        optimizer.step()
        optimizer.zero_grad(set_to_none=True)
    work.model.eval()
    return work


def relearn_attack(lm: LanguageModel, forget: list[QAItem], retain: list[QAItem],
                   config: AttackConfig) -> AttackOutput:
    """MCQ correctness on half B after fine-tuning on half A (detail: accuracy on B before)."""
    a, b = relearn_split(forget, config.relearn_split)
    half_a = [forget[k] for k in a]
    half_b = [forget[k] for k in b]
    before = mcq_correct(lm, half_b)
    pairs = [(qa_prompt(i.question), " " + i.answer) for i in half_a]
    tuned = finetune_copy(lm, pairs, config.relearn_steps, config.relearn_lr,
                          config.relearn_batch_size, config.seed)
    after = mcq_correct(tuned, half_b)
    after_a = float(mcq_correct(tuned, half_a).mean())
    return AttackOutput(after, np.array(b), {
        "half_a_items": len(a), "half_b_items": len(b), "split": config.relearn_split,
        "accuracy_b_before": float(before.mean()), "accuracy_b_after": float(after.mean()),
        "gain_b": float(after.mean() - before.mean()), "accuracy_a_after": after_a,
        "steps": config.relearn_steps, "lr": config.relearn_lr})
