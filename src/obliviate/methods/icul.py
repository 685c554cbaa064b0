"""In-context unlearning: prompt-only, the weights are untouched (suppression).

Pawelczyk et al. 2023 (In-Context Unlearning) put the forget points in the prompt
with flipped labels, so the model answers the query as if it had learned the wrong
label. Here a query that mentions a forget entity gets a context line stating that
entity's forget facts with a wrong answer (one of the item's perturbed answers) in
the prompt format the model reads, ``Context: ...``. When the query matches a forget
question (or one of its paraphrases) only that fact is given; otherwise the entity's
facts are, up to ``max_facts``, so the prompt stays inside small context windows.
Queries about anyone else are unchanged, so retain behaviour is exactly the
original's. A model that stops reading its context, or a user who removes the
prompt, gets the knowledge back: this is suppression.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from obliviate.errors import ObliviateError
from obliviate.methods.base import MethodConfig, UnlearningMethod
from obliviate.methods.registry import Intention, register
from obliviate.models.artifact import make_wrapper, wrap


@dataclass
class ICULConfig(MethodConfig):
    """How much flipped-label context a query gets."""

    max_facts: int = 3       # flipped facts per query when the question itself is not matched


def flipped_fact(item) -> str:
    """The item's fact stated with a wrong answer (seeded choice among perturbed answers)."""
    wrong = random.Random(f"icul:{item.question}").choice(item.perturbed_answers)
    if item.context and item.answer in item.context:
        return item.context.replace(item.answer, wrong)
    return f"{item.question} {wrong}."


@register("icul", intention=Intention.SUPPRESSION, family="in-context unlearning",
          reference="Pawelczyk et al. 2023, In-Context Unlearning")
class ICUL(UnlearningMethod):
    """Prompt-only: forget facts with flipped answers are put in the query's context."""

    Config = ICULConfig

    def run(self, lm, forget, retain, progress=None, checkpoint=None):
        if self.config.max_facts < 1:
            raise ObliviateError(f"icul max_facts must be >= 1, got {self.config.max_facts}")
        missing = [i.question for i in forget if not i.perturbed_answers]
        if missing:
            raise ObliviateError(f"icul needs a wrong answer per forget item; {len(missing)} items have no "
                                 f"perturbed_answers (first: {missing[0]!r})")
        by_question: dict[str, str] = {}
        by_entity: dict[str, list[str]] = {}
        for item in forget:
            fact = flipped_fact(item)
            for q in [item.question, *item.paraphrased_questions]:
                by_question[q.strip()] = fact
            if item.entity:
                by_entity.setdefault(item.entity, []).append(fact)
        state = {"by_question": by_question, "by_entity": by_entity, "max_facts": self.config.max_facts}
        if progress:
            progress(1, 1, 0.0)
        return wrap(lm, make_wrapper("icul", "icul", self.config, state))
