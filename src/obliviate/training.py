"""Tokenization of (prompt, completion) pairs and padded batches, shared by every loop."""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from typing import Iterator

import torch

from obliviate.errors import TrainingDivergedError

IGNORE = -100


@dataclass
class Encoded:
    input_ids: list[int]
    labels: list[int]


def encode_pairs(tokenizer, pairs: list[tuple[str, str]], max_length: int = 256,
                 add_eos: bool = True) -> list[Encoded]:
    """Token ids with labels only on the completion (prompt tokens are ``IGNORE``)."""
    bos = [tokenizer.bos_token_id] if tokenizer.bos_token_id is not None else []
    eos = [tokenizer.eos_token_id] if add_eos and tokenizer.eos_token_id is not None else []
    prompts = tokenizer([p for p, _ in pairs], add_special_tokens=False)["input_ids"]
    completions = tokenizer([c for _, c in pairs], add_special_tokens=False)["input_ids"]
    out = []
    for p, c in zip(prompts, completions):
        ids = (bos + p + c + eos)[-max_length:]
        n_prompt = max(0, len(ids) - len(c) - len(eos))
        labels = [IGNORE] * n_prompt + ids[n_prompt:]
        out.append(Encoded(ids, labels))
    return out


def collate(examples: list[Encoded], pad_id: int) -> dict[str, torch.Tensor]:
    """Right-padded batch: input_ids, attention_mask, labels."""
    width = max(len(e.input_ids) for e in examples)
    ids = torch.full((len(examples), width), pad_id, dtype=torch.long)
    labels = torch.full((len(examples), width), IGNORE, dtype=torch.long)
    mask = torch.zeros((len(examples), width), dtype=torch.long)
    for row, e in enumerate(examples):
        n = len(e.input_ids)
        ids[row, :n] = torch.tensor(e.input_ids)
        labels[row, :n] = torch.tensor(e.labels)
        mask[row, :n] = 1
    return {"input_ids": ids, "attention_mask": mask, "labels": labels}


def batches(examples: list[Encoded], batch_size: int, pad_id: int, rng: random.Random | None = None,
            ) -> Iterator[dict[str, torch.Tensor]]:
    """Batches of similar length (bucketed, then shuffled) to waste little on padding."""
    order = list(range(len(examples)))
    if rng is not None:
        rng.shuffle(order)
        # Sort within windows of 8 batches by length, keep the windows shuffled.
        window = batch_size * 8
        order = [i for s in range(0, len(order), window)
                 for i in sorted(order[s:s + window], key=lambda j: len(examples[j].input_ids))]
        chunks = [order[s:s + batch_size] for s in range(0, len(order), batch_size)]
        rng.shuffle(chunks)
    else:
        chunks = [order[s:s + batch_size] for s in range(0, len(order), batch_size)]
    for chunk in chunks:
        yield collate([examples[i] for i in chunk], pad_id)


def labelled_loss(model, batch: dict[str, torch.Tensor]) -> torch.Tensor:
    """Mean next-token cross-entropy over the labelled positions of a causal LM batch.

    The same quantity as ``model(**batch).loss`` (Hugging Face's causal-LM loss), but the
    output layer and the softmax run on the labelled positions only: a QA answer is 2
    of ~15 tokens, so most of the vocabulary projection would be thrown away.
    """
    hidden = model.get_decoder()(input_ids=batch["input_ids"],
                                 attention_mask=batch["attention_mask"]).last_hidden_state
    labels = batch["labels"][:, 1:]
    keep = labels != IGNORE
    logits = model.get_output_embeddings()(hidden[:, :-1][keep])
    return torch.nn.functional.cross_entropy(logits.float(), labels[keep])


def sequence_logprobs(logits: torch.Tensor, labels: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """Sum of log-probabilities of labelled tokens per row, and their count."""
    shift_logits = logits[:, :-1].float()
    shift_labels = labels[:, 1:]
    mask = shift_labels != IGNORE
    safe = shift_labels.clamp(min=0)
    logp = torch.log_softmax(shift_logits, dim=-1).gather(-1, safe.unsqueeze(-1)).squeeze(-1)
    return (logp * mask).sum(-1), mask.sum(-1)


def check_finite(loss: torch.Tensor, step: int) -> None:
    """Raise :class:`TrainingDivergedError` on a NaN/inf loss."""
    value = float(loss.detach())
    if not math.isfinite(value):
        raise TrainingDivergedError(
            f"loss became {value} at step {step}; lower the learning rate or check the data. "
            "Nothing was written.")
