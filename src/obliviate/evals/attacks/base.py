"""What every attack shares: its config, its output, and option scoring with any prompt."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from obliviate.data.schema import QAItem
from obliviate.evals.scoring import completion_logprobs
from obliviate.models.load import LanguageModel


@dataclass
class AttackConfig:
    """Knobs of the audit's attacks. Defaults are tuned on the embedded world's tiny models."""

    seed: int = 0
    # relearn: fine-tune on half A of the forget facts for ``relearn_steps`` AdamW steps.
    relearn_steps: int = 25
    relearn_lr: float = 5e-4
    relearn_batch_size: int = 8
    # "person": halves hold disjoint people (no fact of a B person is ever seen);
    # "item": alternate items, so a person's other facts are seen.
    relearn_split: str = "person"
    # probe: at most this many retain items train the probe (every k-th item).
    probe_train_items: int = 240
    probe_c: float = 1.0


@dataclass
class AttackOutput:
    """Per-item correctness of one model under one attack.

    ``indices`` index the forget list the attack was given (relearn measures only
    half B); ``correct`` holds one value in [0, 1] per index (a mean when an attack
    tries several prompts per item). ``detail`` is JSON-ready extra information.
    """

    correct: np.ndarray
    indices: np.ndarray
    detail: dict = field(default_factory=dict)

    @property
    def accuracy(self) -> float:
        return float(self.correct.mean()) if len(self.correct) else float("nan")


def option_correct(lm: LanguageModel, items: list[QAItem], prompts: list[str]) -> np.ndarray:
    """1.0 where the true answer has the highest length-normalized log-likelihood after
    ``prompts[i]`` among the item's options (the MCQ protocol of ``metrics.mcq_accuracy``)."""
    pairs = [(p, " " + o) for item, p in zip(items, prompts) for o in item.options]
    sums, counts = completion_logprobs(lm, pairs)
    out, k = [], 0
    for item in items:
        n = len(item.options)
        scores = [s / max(c, 1) for s, c in zip(sums[k:k + n], counts[k:k + n])]
        out.append(float(int(np.argmax(scores)) == 0))
        k += n
    return np.array(out)
