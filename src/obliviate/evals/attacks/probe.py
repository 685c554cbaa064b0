"""Linear-probe attack: is the forget answer still linearly readable from hidden states?

A scikit-learn logistic-regression probe is trained on *retain* people's questions to
tell the true option from the perturbed ones, from the model's own hidden states, and
tested on *forget* people (Belinkov 2022, "Probing classifiers"; Patil et al. 2024;
Lynch et al. 2024). The probe never sees a forget answer, so it can only succeed if
the model still represents it.

Features of a (question, option) pair at layer l: the state at the last prompt token
times the option's input embedding (elementwise: a diagonal bilinear score, the shape
of a tied unembedding), concatenated with the state at the option's last token.
"""

from __future__ import annotations

import warnings

import numpy as np

from obliviate.data.schema import QAItem
from obliviate.data.world import qa_prompt
from obliviate.evals.attacks.base import AttackConfig, AttackOutput, cross_fit_layers, option_credit
from obliviate.evals.attacks.hidden import LayerViews, layer_views
from obliviate.models.load import LanguageModel


def _features(views: LayerViews, layer: int) -> np.ndarray:
    return np.concatenate([views.prompt_state[layer] * views.completion_embedding,
                           views.completion_state[layer]], axis=1)


def _views(lm: LanguageModel, items: list[QAItem]) -> LayerViews:
    return layer_views(lm, [(qa_prompt(i.question), " " + o) for i in items for o in i.options])


def probe_correct(lm: LanguageModel, train: list[QAItem], test: list[QAItem],
                  config: AttackConfig) -> np.ndarray:
    """[layers, test items] correctness of per-layer probes trained on ``train``
    (row 0, the embedding layer, is left at 0: it is never a candidate)."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    train_views, test_views = _views(lm, train), _views(lm, test)
    labels = np.array([float(k == 0) for i in train for k in range(len(i.options))])
    sizes = [len(i.options) for i in test]
    starts = np.cumsum([0, *sizes[:-1]])
    out = np.zeros((train_views.prompt_state.shape[0], len(test)))
    for layer in range(1, out.shape[0]):
        probe = make_pipeline(StandardScaler(), LogisticRegression(
            C=config.probe_c, max_iter=2000, class_weight="balanced", random_state=config.seed))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # convergence chatter on near-separable layers
            probe.fit(_features(train_views, layer), labels)
        scores = probe.decision_function(_features(test_views, layer))
        out[layer] = [option_credit(scores[s:s + n]) for s, n in zip(starts, sizes)]
    return out


def probe_attack(lm: LanguageModel, forget: list[QAItem], retain: list[QAItem],
                 config: AttackConfig) -> AttackOutput:
    """Correctness of a probe trained on retain people, at a layer chosen on held-out
    forget people (cross-fit, embeddings excluded; as in the logit lens)."""
    if not retain:
        from obliviate.errors import ObliviateError

        raise ObliviateError("the probe attack trains on retain items; the retain set is empty")
    step = max(1, len(retain) // config.probe_train_items)
    per_layer = probe_correct(lm, retain[::step], forget, config)
    correct, chosen = cross_fit_layers(per_layer, forget, config.block_size)
    return AttackOutput(correct, np.arange(len(forget)),
                        {**chosen, "per_layer": [float(a) for a in per_layer.mean(axis=1)],
                         "train_items": len(retain[::step])})
