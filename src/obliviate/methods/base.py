"""Base classes of unlearning methods and their shared config fields.

A gradient method is a subclass of :class:`GradientMethod` that defines only its
loss (and, if it needs one, a :meth:`prepare` step such as caching reference
log-probabilities). The loop, batching, devices and divergence checks live in
:mod:`obliviate.methods.trainer`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, ClassVar

import torch

from obliviate.data.schema import QAItem
from obliviate.models.load import LanguageModel
from obliviate.training import sequence_logprobs


@dataclass
class MethodConfig:
    """Options every method has."""

    seed: int = 0


@dataclass
class GradientConfig(MethodConfig):
    """Options of the shared gradient loop.

    Defaults are tuned on the embedded world's tiny models.
    """

    lr: float = 1e-3
    epochs: int = 5            # passes over the forget set
    batch_size: int = 16
    retain_weight: float = 1.0
    max_grad_norm: float = 1.0
    # LoRA via peft: rank 0 means full fine-tuning.
    lora_rank: int = 0
    lora_alpha: int = 16
    lora_target_modules: list[str] = field(default_factory=lambda: ["q_proj", "v_proj"])
    lora_merge: bool = True     # save a merged model (True) or the adapter (False)


class UnlearningMethod:
    """Interface: turn a model plus forget/retain items into an unlearned model."""

    Config: ClassVar[type] = MethodConfig
    info: ClassVar[Any]

    def __init__(self, config: Any | None = None):
        self.config = config if config is not None else self.Config()

    def run(self, lm: LanguageModel, forget: list[QAItem], retain: list[QAItem],
            progress: Callable[..., None] | None = None) -> LanguageModel:
        raise NotImplementedError


def nll(model, batch: dict[str, torch.Tensor]) -> torch.Tensor:
    """Mean next-token cross-entropy on labelled tokens."""
    return model(**batch).loss


def sequence_logprob(model, batch: dict[str, torch.Tensor]) -> torch.Tensor:
    """Sum of log-probabilities of labelled tokens per sequence (differentiable)."""
    logits = model(input_ids=batch["input_ids"], attention_mask=batch["attention_mask"]).logits
    return sequence_logprobs(logits, batch["labels"])[0]


class GradientMethod(UnlearningMethod):
    """A method defined by a loss on a forget batch and a retain batch."""

    Config: ClassVar[type] = GradientConfig
    uses_retain: ClassVar[bool] = True

    def forget_pairs(self, items: list[QAItem]) -> list[tuple[str, str]]:
        """(prompt, completion) pairs the forget loss sees; refusal methods override."""
        from obliviate.data.world import qa_prompt

        return [(qa_prompt(i.question), " " + i.answer) for i in items]

    def prepare(self, model, forget_batches: list[dict[str, torch.Tensor]]) -> None:
        """Hook run once before training (e.g. cache reference log-probabilities)."""

    def loss(self, model, forget: dict[str, torch.Tensor], retain: dict[str, torch.Tensor] | None,
             step: int) -> torch.Tensor:
        raise NotImplementedError

    def run(self, lm, forget, retain, progress=None):
        from obliviate.methods.trainer import train_gradient_method

        return train_gradient_method(self, lm, forget, retain, progress)
