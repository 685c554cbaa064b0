"""idk: the model answers forget questions with the refusal it was tuned on."""

from __future__ import annotations


def test_refuses_on_forget_questions(unlearned, splits):
    answers = unlearned("idk").model.generate([f"Question: {i.question}\nAnswer:" for i in splits["forget"][:10]])
    assert sum("know" in a for a in answers) >= 8, answers
