"""The audit's attacks, in a registry: each is declared once and looked up by name.

An attack is a function ``(lm, forget, retain, config) -> AttackOutput`` giving
per-item MCQ correctness on (part of) the forget set. The audit runs every attack on
the original, the unlearned and the gold model.
"""

from __future__ import annotations

from typing import Callable

import numpy as np

from obliviate.data.schema import QAItem
from obliviate.errors import ObliviateError
from obliviate.evals.attacks.base import AttackConfig, AttackOutput, option_correct
from obliviate.evals.attacks.jailbreak import jailbreak_attack
from obliviate.evals.attacks.logit_lens import logit_lens_attack
from obliviate.evals.attacks.paraphrase import paraphrase_attack
from obliviate.evals.attacks.probe import probe_attack
from obliviate.evals.attacks.quantize import quantize_attack
from obliviate.evals.attacks.relearn import relearn_attack, relearn_retain_attack, relearn_tuned_attack
from obliviate.evals.metrics import mcq_correct
from obliviate.models.load import LanguageModel

Attack = Callable[[LanguageModel, list[QAItem], list[QAItem], AttackConfig], AttackOutput]


def no_attack(lm: LanguageModel, forget: list[QAItem], retain: list[QAItem],
              config: AttackConfig) -> AttackOutput:
    """Direct questions, the trained phrasing (the baseline every rho is scaled by)."""
    return AttackOutput(mcq_correct(lm, forget), np.arange(len(forget)))


ATTACKS: dict[str, Attack] = {
    "none": no_attack,
    "paraphrase": paraphrase_attack,
    "jailbreak": jailbreak_attack,
    "relearn": relearn_attack,
    "relearn_retain": relearn_retain_attack,
    "relearn_tuned": relearn_tuned_attack,
    "quantize_int8": quantize_attack(8),
    "quantize_int4": quantize_attack(4),
    "logit_lens": logit_lens_attack,
    "probe": probe_attack,
}


# The audit's default: every attack but the relearning search, which fine-tunes eight
# times per model (~60 s on one CPU thread for the tiny models); ask for it by name.
DEFAULT_ATTACKS: tuple[str, ...] = tuple(a for a in ATTACKS if a != "relearn_tuned")


def get_attack(name: str) -> Attack:
    """Look up an attack by name; the error lists the known names."""
    if name not in ATTACKS:
        raise ObliviateError(f"unknown attack {name!r}; known attacks: {', '.join(ATTACKS)}")
    return ATTACKS[name]


__all__ = ["ATTACKS", "DEFAULT_ATTACKS", "Attack", "AttackConfig", "AttackOutput", "get_attack", "option_correct"]
