"""Base classes of unlearning methods and their shared config fields.

A gradient method is a subclass of :class:`GradientMethod` that defines only its forget
loss (and, if it needs one, a :meth:`~GradientMethod.prepare` step such as caching
reference log-probabilities). The loop, batching, devices, LoRA, the frozen reference
model and checkpoints live in :mod:`obliviate.methods.trainer`; the shared losses (NLL,
the KL retain term) in :mod:`obliviate.methods.losses`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, ClassVar

import torch

from obliviate.data.schema import QAItem
from obliviate.models.load import LanguageModel
from obliviate.methods.losses import nll, retain_term, sequence_logprob  # noqa: F401  (methods import them here)
from obliviate.training import Checkpoint, Progress, qa_pairs


@dataclass
class MethodConfig:
    """Options every method has."""

    seed: int = 0                # seeds the batch order and every random choice of the method


@dataclass
class GradientConfig(MethodConfig):
    """Options of the shared gradient loop."""

    lr: float = 1e-3             # AdamW learning rate (no weight decay)
    epochs: int = 5              # passes over the forget set; steps = epochs x forget batches
    batch_size: int = 16         # forget (and retain) examples per step
    retain_loss: str = "nll"     # retain term: "nll" (answers) or "kl" (the original's distribution)
    retain_weight: float = 1.0   # weight of the retain term
    max_grad_norm: float = 1.0   # gradient clipping (0: none)
    lora_rank: int = 0           # LoRA rank via peft; 0 means full fine-tuning
    lora_alpha: int = 16         # LoRA scaling numerator
    lora_target_modules: list[str] = field(default_factory=lambda: ["q_proj", "v_proj"])  # adapted modules
    lora_merge: bool = True      # save a merged model (True) or the adapter alone (False)


class UnlearningMethod:
    """Interface: turn a model plus forget/retain items into an unlearned model.

    The forget set is never empty here: :func:`obliviate.api.unlearn` checks it at the edge.
    """

    Config: ClassVar[type] = MethodConfig
    info: ClassVar[Any]
    checkpoints: ClassVar[bool] = False   # whether run() saves and resumes a checkpoint

    def __init__(self, config: Any | None = None):
        self.config = config if config is not None else self.Config()

    def run(self, lm: LanguageModel, forget: list[QAItem], retain: list[QAItem],
            progress: Progress | None = None, checkpoint: Checkpoint | None = None) -> LanguageModel:
        """The unlearned model; ``checkpoint`` lets long runs save and resume (ignored by quick ones)."""
        raise NotImplementedError


class GradientMethod(UnlearningMethod):
    """A method defined by a loss on forget batches; the core adds the retain term."""

    Config: ClassVar[type] = GradientConfig
    checkpoints: ClassVar[bool] = True
    uses_retain: ClassVar[bool] = True        # draw retain batches and add the retain term
    uses_reference: ClassVar[bool] = False    # the core builds ``ctx.reference`` (a frozen copy)
    retain_losses: ClassVar[tuple[str, ...]] = ("nll", "kl")   # accepted ``retain_loss`` values

    def forget_pairs(self, items: list[QAItem]) -> list[tuple[str, str]]:
        """(prompt, completion) pairs the forget loss sees; refusal methods override."""
        return qa_pairs(items)

    def prepare(self, model, ctx) -> None:
        """Hook run once before training, on the model before any update (``ctx``: TrainingContext)."""

    def forget_loss(self, model, batch: dict[str, torch.Tensor], ctx) -> torch.Tensor:
        """The method's loss on one forget batch."""
        raise NotImplementedError

    def retain_loss(self, model, batch: dict[str, torch.Tensor], ctx) -> torch.Tensor:
        """The retain term on one retain batch: the core's NLL or KL, as ``config.retain_loss`` says."""
        return retain_term(self.config.retain_loss, model, batch, ctx.reference)

    def run(self, lm, forget, retain, progress=None, checkpoint=None):
        from obliviate.methods.trainer import train_gradient_method

        return train_gradient_method(self, lm, forget, retain, progress, checkpoint)
