"""Paraphrase attack: ask each forget fact with held-out rewordings of the question.

Unlearning that keys on the trained phrasing (a refusal trigger, a memorized
string) fails here (Lynch et al. 2024, "Eight methods to evaluate robust unlearning").
"""

from __future__ import annotations

import numpy as np

from obliviate.data.schema import QAItem
from obliviate.data.world import qa_prompt
from obliviate.evals.attacks.base import AttackConfig, AttackOutput, option_correct
from obliviate.models.load import LanguageModel


def paraphrase_attack(lm: LanguageModel, forget: list[QAItem], retain: list[QAItem],
                      config: AttackConfig) -> AttackOutput:
    """Per item, the mean MCQ correctness over its paraphrased questions.

    Items without paraphrases fall back to the trained question, so every item counts.
    """
    rows, prompts, items = [], [], []
    for k, item in enumerate(forget):
        for question in item.paraphrased_questions or [item.question]:
            rows.append(k)
            prompts.append(qa_prompt(question))
            items.append(item)
    correct = option_correct(lm, items, prompts)
    per_item = np.bincount(rows, weights=correct, minlength=len(forget)) / np.bincount(rows, minlength=len(forget))
    return AttackOutput(per_item, np.arange(len(forget)), {"prompts_per_item": len(prompts) / max(1, len(forget))})
