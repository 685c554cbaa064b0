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
from obliviate.evals.attacks.base import AttackConfig, AttackOutput, cross_fit_layers, option_credit
from obliviate.evals.attacks.hidden import layer_views
from obliviate.models.load import LanguageModel


def logit_lens_correct(lm: LanguageModel, items: list[QAItem]) -> np.ndarray:
    """[layers, items] MCQ credit (1/k on ties) when options are scored at each layer
    (row 0: the embedding output, row -1: the model's own output)."""
    pairs = [(qa_prompt(i.question), " " + o) for i in items for o in i.options]
    views = layer_views(lm, pairs)
    scores = views.logprob_sums / np.maximum(views.counts, 1)
    out = np.zeros((scores.shape[0], len(items)))
    k = 0
    for j, item in enumerate(items):
        n = len(item.options)
        out[:, j] = [option_credit(row) for row in scores[:, k:k + n]]
        k += n
    return out


def logit_lens_attack(lm: LanguageModel, forget: list[QAItem], retain: list[QAItem],
                      config: AttackConfig) -> AttackOutput:
    """Correctness at a decoder layer chosen on held-out forget people (cross-fit on two
    halves of the people; the embedding layer, which has no context, is never a
    candidate): the attacker looks for the layer where the knowledge reads out, and the
    choice is not fitted on the items it scores, for gold as for the unlearned model."""
    per_layer = logit_lens_correct(lm, forget)
    correct, chosen = cross_fit_layers(per_layer, forget, config.block_size)
    return AttackOutput(correct, np.arange(len(forget)),
                        {**chosen, "per_layer": [float(a) for a in per_layer.mean(axis=1)]})
