"""The language model every evaluation, attack and method works on.

A :class:`LanguageModel` is a Hugging Face causal LM, its tokenizer and optional
inference-time interventions (a prompt rewrite, forward hooks). How such a model is
saved and rebuilt is :mod:`obliviate.models.artifact`; how it is read from disk is
:mod:`obliviate.models.load`.
"""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Callable, Iterator

import torch


@dataclass
class LanguageModel:
    """A causal LM plus its tokenizer, and optional inference-time interventions.

    Methods that leave the weights untouched (in-context unlearning, activation
    steering) are represented by ``prompt_prefix`` and ``hooks``; every evaluation
    goes through :meth:`logits` and :meth:`generate`, so they are scored like any
    other model.
    """

    model: Any
    tokenizer: Any
    path: str | None = None
    prompt_prefix: str = ""
    # Each hook factory installs forward hooks on ``model`` and returns their handles.
    hooks: list[Callable[[Any], list]] = field(default_factory=list)
    wrapper: dict = field(default_factory=dict)

    @property
    def device(self) -> torch.device:
        return next(self.model.parameters()).device

    def format_prompt(self, prompt: str) -> str:
        return self.prompt_prefix + prompt

    def white_box(self) -> "LanguageModel":
        """The model as whoever holds its weights runs it (the audit's white-box attacks).

        The weights, the prompt format and the forward hooks stay: a hook changes the
        forward computation, as a weight edit would. A prompt rewrite placed in front of
        the model by an unlearning method (in-context unlearning) does not: someone who
        holds the weights sends their own prompts. Subclasses with such a rewrite return
        the model without it.
        """
        return self

    @contextmanager
    def interventions(self) -> Iterator[None]:
        """Install the inference-time hooks for the duration of a forward pass."""
        handles = [h for factory in self.hooks for h in factory(self.model)]
        try:
            yield
        finally:
            for h in handles:
                h.remove()

    def logits(self, input_ids: torch.Tensor, attention_mask: torch.Tensor,
               output_hidden_states: bool = False):
        """Model outputs with interventions applied (no gradient)."""
        with torch.no_grad(), self.interventions():
            return self.model(input_ids=input_ids.to(self.device),
                              attention_mask=attention_mask.to(self.device),
                              output_hidden_states=output_hidden_states)

    def generate(self, prompts: list[str], max_new_tokens: int = 8, batch_size: int = 64) -> list[str]:
        """Greedy continuations of ``prompts`` (prompt transform and hooks applied)."""
        tok = self.tokenizer
        side = tok.padding_side
        tok.padding_side = "left"
        outputs: list[str] = []
        try:
            for start in range(0, len(prompts), batch_size):
                chunk = [self.format_prompt(p) for p in prompts[start:start + batch_size]]
                enc = tok(chunk, return_tensors="pt", padding=True)
                with torch.no_grad(), self.interventions():
                    out = self.model.generate(
                        input_ids=enc["input_ids"].to(self.device),
                        attention_mask=enc["attention_mask"].to(self.device),
                        max_new_tokens=max_new_tokens, do_sample=False,
                        pad_token_id=tok.pad_token_id, eos_token_id=tok.eos_token_id)
                new = out[:, enc["input_ids"].shape[1]:]
                outputs.extend(tok.batch_decode(new, skip_special_tokens=True))
        finally:
            tok.padding_side = side
        return outputs
