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
from dataclasses import dataclass, field
from typing import Callable

from obliviate.data.world import CONTEXT_PREFIX, QUESTION_PREFIX
from obliviate.errors import EmptySplitError, ObliviateError
from obliviate.methods.base import MethodConfig, UnlearningMethod
from obliviate.methods.registry import Intention, register
from obliviate.methods.wrappers import make_wrapper, wrapper_kind
from obliviate.models.load import LanguageModel


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


@dataclass
class ICULModel(LanguageModel):
    """A language model whose prompts get flipped forget facts as context."""

    rewrite: Callable[[str], str] | None = field(default=None, repr=False)

    def format_prompt(self, prompt: str) -> str:
        prompt = super().format_prompt(prompt)
        return self.rewrite(prompt) if self.rewrite else prompt

    def white_box(self) -> LanguageModel:
        """The same weights, prompt format and hooks, without the flipped-fact context."""
        return LanguageModel(self.model, self.tokenizer, path=self.path, prompt_prefix=self.prompt_prefix,
                             hooks=list(self.hooks), wrapper=self.wrapper)


def make_rewriter(state: dict) -> Callable[[str], str]:
    """The prompt transform of an ICUL wrapper state."""
    by_question = state["by_question"]
    by_entity = state["by_entity"]
    max_facts = int(state["max_facts"])
    # Longest names first so "Ann Lee-Smith" wins over "Ann Lee".
    names = sorted(by_entity, key=len, reverse=True)

    def rewrite(prompt: str) -> str:
        start = prompt.rfind(QUESTION_PREFIX)
        question = prompt[start + len(QUESTION_PREFIX):].split("\n", 1)[0].strip() if start >= 0 else prompt
        facts = by_question.get(question)
        if facts is None:
            name = next((n for n in names if n in prompt), None)
            if name is None:
                return prompt
            facts = by_entity[name][:max_facts]
        else:
            facts = [facts]
        context = " ".join(facts)
        if prompt.startswith(CONTEXT_PREFIX):
            return CONTEXT_PREFIX + context + " " + prompt[len(CONTEXT_PREFIX):]
        return f"{CONTEXT_PREFIX}{context}\n{prompt}"

    return rewrite


@register("icul", intention=Intention.SUPPRESSION, family="in-context unlearning",
          reference="Pawelczyk et al. 2023, In-Context Unlearning")
class ICUL(UnlearningMethod):
    """Prompt-only: forget facts with flipped answers are put in the query's context."""

    Config = ICULConfig

    def run(self, lm, forget, retain, progress=None):
        if not forget:
            raise EmptySplitError("the forget set is empty: there is nothing to unlearn")
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
        return build_icul(lm, make_wrapper("icul", "icul", self.config, state))


@wrapper_kind("icul")
def build_icul(base: LanguageModel, wrapper: dict, root=None) -> LanguageModel:
    """The base model with the ICUL prompt transform of ``wrapper``."""
    return ICULModel(base.model, base.tokenizer, path=base.path, prompt_prefix=base.prompt_prefix,
                     hooks=list(base.hooks), wrapper=wrapper, rewrite=make_rewriter(wrapper["state"]))
