"""The QA item schema shared by the embedded world and by TOFU / MUSE / WMDP loaders."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass
class QAItem:
    """One question about one entity.

    Fields follow TOFU (Maini et al. 2024): ``answer`` is the ground truth,
    ``paraphrased_answer`` a rewording of it and ``perturbed_answers`` wrong but
    plausible answers (at least one; the embedded world gives three or more).
    ``perturbed_answers`` have the surface form of ``answer`` (used for MCQ accuracy);
    when ``answer`` occurs inside ``paraphrased_answer``, the truth ratio substitutes
    each perturbed answer there so that both sides of the ratio have the same form.
    """

    question: str
    answer: str
    paraphrased_answer: str
    perturbed_answers: list[str]
    entity: str = ""
    attribute: str = ""
    split: str = ""
    # Held-out rewordings of the question (never trained on): the paraphrase attack.
    paraphrased_questions: list[str] = field(default_factory=list)
    # A sentence stating the fact: handed back in the prompt for in-context reintroduction.
    context: str = ""
    # A second entity, for compositional questions.
    other_entity: str = ""

    def to_dict(self) -> dict[str, Any]:
        """The item as a JSON-ready dict."""
        return asdict(self)

    @property
    def options(self) -> list[str]:
        """Answer options for MCQ scoring; index 0 is correct."""
        return [self.answer, *self.perturbed_answers]

    def perturbed_paraphrases(self) -> list[str]:
        """Perturbed answers in the surface form of ``paraphrased_answer`` (truth ratio)."""
        if self.answer and self.answer in self.paraphrased_answer:
            return [self.paraphrased_answer.replace(self.answer, p) for p in self.perturbed_answers]
        return list(self.perturbed_answers)
