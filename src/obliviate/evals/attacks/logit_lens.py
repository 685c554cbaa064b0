"""Logit-lens attack: decode every layer's hidden state through the final norm and the
unembedding, and score the answer options there (nostalgebraist 2020, "interpreting
GPT: the logit lens"; used against unlearning by Patil et al. 2024, "Can sensitive
information be deleted from LLMs?"). Knowledge hidden after some layer, e.g. by a
steering vector or an output-only edit, still reads out at the layers before it.
"""

from __future__ import annotations

import numpy as np

from obliviate.data.schema import QAItem
from obliviate.data.world import qa_prompt
from obliviate.evals.attacks.base import AttackConfig, AttackOutput
from obliviate.evals.attacks.hidden import layer_views
from obliviate.models.load import LanguageModel


def logit_lens_correct(lm: LanguageModel, items: list[QAItem]) -> np.ndarray:
    """[layers, items] MCQ correctness when options are scored at each layer."""
    pairs = [(qa_prompt(i.question), " " + o) for i in items for o in i.options]
    views = layer_views(lm, pairs)
    scores = views.logprob_sums / np.maximum(views.counts, 1)
    out = np.zeros((scores.shape[0], len(items)))
    k = 0
    for j, item in enumerate(items):
        n = len(item.options)
        out[:, j] = np.argmax(scores[:, k:k + n], axis=1) == 0
        k += n
    return out


def logit_lens_attack(lm: LanguageModel, forget: list[QAItem], retain: list[QAItem],
                      config: AttackConfig) -> AttackOutput:
    """Correctness at the layer with the best forget accuracy (the auditor's view: the
    gold model gets the same choice, so selecting a layer does not favour either)."""
    per_layer = logit_lens_correct(lm, forget)
    accuracy = per_layer.mean(axis=1)
    best = int(np.argmax(accuracy))
    return AttackOutput(per_layer[best], np.arange(len(forget)),
                        {"best_layer": best, "per_layer": [float(a) for a in accuracy]})
