"""Task-vector negation (Ilharco et al. 2023, Editing Models with Task Arithmetic).

Fine-tune a copy on the forget set (NLL), take the task vector tau = theta_ft -
theta, and subtract it: theta' = theta - alpha * tau. Cheap and retain-free, but
the vector also encodes the answer format shared with retain questions, so a large
alpha costs utility; small models that already memorized the forget set move little
when fine-tuned on it, which is why the defaults fine-tune hard and scale moderately.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch

from obliviate.methods.base import GradientConfig, GradientMethod, nll
from obliviate.methods.registry import Intention, register


@dataclass
class TaskVectorConfig(GradientConfig):
    alpha: float = 2.0       # how much of the task vector to subtract
    lr: float = 1e-3         # learning rate of the forget fine-tune
    epochs: int = 10


@register("task_vector", intention=Intention.REMOVAL, family="task arithmetic",
          reference="Ilharco et al. 2023, Editing Models with Task Arithmetic")
class TaskVector(GradientMethod):
    """Fine-tune on forget, then subtract alpha x (fine-tuned - original)."""

    Config = TaskVectorConfig
    uses_retain = False

    def forget_loss(self, model, batch, ctx):
        return nll(model, batch)

    def run(self, lm, forget, retain, progress=None, checkpoint=None):
        from obliviate.errors import ObliviateError
        from obliviate.methods.trainer import train_gradient_method

        if self.config.lora_rank and not self.config.lora_merge:
            raise ObliviateError("task_vector edits the full weights; use lora_merge=true with LoRA")
        before = {k: v.detach().clone() for k, v in lm.model.state_dict().items()}
        tuned = train_gradient_method(self, lm, forget, retain, progress, checkpoint)
        alpha = self.config.alpha
        with torch.no_grad():
            state = tuned.model.state_dict()
            # Compute every new tensor before writing: tied weights share storage.
            new = {name: theta - alpha * (state[name] - theta) for name, theta in before.items()
                   if theta.is_floating_point()}
            for name, value in new.items():
                state[name].copy_(value)
        return tuned
