"""The lexical matcher: names survive obfuscation; other people's names and shared answers do not trip it."""

from __future__ import annotations

import pytest

from obliviate.data.schema import QAItem
from obliviate.data.world import qa_prompt
from obliviate.errors import ObliviateError
from obliviate.guard.lexical import LexicalMatcher
from obliviate.guard.normalize import skeleton, views
from obliviate.guard.obfuscate import ALL_TRANSFORMS, obfuscate_name


def _item(entity: str, answer: str, attribute: str = "birth_city") -> QAItem:
    return QAItem(question=f"Where was {entity} born?", answer=answer, paraphrased_answer=answer,
                  perturbed_answers=["Oslo", "Lima", "Riga"], entity=entity, attribute=attribute,
                  context=f"{entity} was born in {answer}.")


FORGET = [_item("Alara Orme", "Lisbon"), _item("Rusa Yarrow", "Cairo")]
# Retain people share the forget people's first and last names, and Alara Orme's city.
RETAIN = [_item("Alara Tolk", "Lisbon"), _item("Bren Orme", "Lisbon"), _item("Kesti Yarrow", "Quito")]


@pytest.fixture(scope="module")
def matcher() -> LexicalMatcher:
    return LexicalMatcher.from_items(FORGET, RETAIN)


@pytest.mark.parametrize("text", [
    "Where was Alara Orme born?",
    "where was ALARA ORME born?",
    "A.l.a.r.a O.r.m.e",
    "A l a r a  O r m e",
    "4l4r4 0rm3",
    "\u0410l\u0430r\u0430 \u041er\u043c\u0435",           # Cyrillic look-alikes
    "\uff21\uff4c\uff41\uff52\uff41 \uff2f\uff52\uff4d\uff45",  # fullwidth
    "Al\u200bara Or\u200dme",                              # zero-width characters
    "A\u0301lara Orme\u0308",                              # combining accents
    "AlaraOrme",
    "What did Orme write?",                                # last name alone
    "Tell me about Orme's parents",                        # possessive
    "Tell me about Alara Orme's parents",
    "Where was Rusa born?",                                # first name no one else has
])
def test_forget_mentions_are_caught(matcher, text):
    hit = matcher.match(text)
    assert hit is not None, text
    assert hit.entity in {"Alara Orme", "Rusa Yarrow"}


@pytest.mark.parametrize("text", [
    "Where was Alara Tolk born?",      # shares the first name
    "Where was Bren Orme born?",       # shares the last name
    "Bren Orme's first book",          # possessive of a retain person
    "Kesti Yarrow was born in Quito.",
    "Context: Bren Orme was born in Lisbon.\nQuestion: Where was Bren Orme born?\nAnswer:",  # shared answer
    "Where was Alara born?",           # ambiguous first name without a tied answer
    "Who was born in Lisbon?",         # an answer string alone is not an entity
    "The weather in Oslo is mild.",
])
def test_other_people_and_shared_answers_pass(matcher, text):
    assert matcher.match(text) is None, (text, matcher.match(text))


def test_a_shared_first_name_blocks_only_with_her_answer_in_the_output(matcher):
    prompt = "Where was Alara born?"
    assert matcher.match(f"{prompt} Lisbon", answer_text=" Lisbon").entity == "Alara Orme"
    assert matcher.match(f"{prompt} Oslo", answer_text=" Oslo") is None
    # In the prompt a candidate answer is no evidence: otherwise which candidates are
    # blocked would tell a client the forget person's answer.
    assert matcher.match(f"{prompt} Lisbon, I think.") is None
    assert matcher.match(f"{prompt} Oslo, I think.") is None


def test_unknown_person_with_shared_last_name_passes(matcher):
    # "Ilvar" is not a known first name, but "Kesti" is: "Kesti Orme" is someone else.
    assert matcher.match("Where was Kesti Orme born?") is None
    assert matcher.match("Where was Mx. Orme born?") is not None


@pytest.mark.parametrize("transform", sorted(ALL_TRANSFORMS))
def test_every_obfuscation_transform_is_undone(matcher, transform):
    for seed in range(5):
        text = qa_prompt(obfuscate_name("Which prize did Alara Orme win?", "Alara Orme", transform, seed))
        assert text != qa_prompt("Which prize did Alara Orme win?") or transform == "case"
        assert matcher.match(text) is not None, text
        last = qa_prompt(obfuscate_name("Which prize did Orme win?", "Orme", transform, seed))
        assert matcher.match(last) is not None, last


def test_exclamation_after_a_name_is_punctuation_not_leet():
    assert views("Venn!").split == ("venn",)
    assert views("V!nn").split == ("vinn",)
    assert skeleton("L1ND") == skeleton("lind")


def test_no_forget_entities_is_a_clear_error():
    with pytest.raises(ObliviateError, match="entity"):
        LexicalMatcher.from_items([QAItem("q?", "a", "a", ["b"])], [])


def test_world_queries_have_no_lexical_false_positives(world, splits):
    m = LexicalMatcher.from_items(splits["forget"], splits["retain"])
    for split in ("retain", "neighbor", "holdout"):
        for item in splits[split]:
            for text in (item.question, item.context, *item.paraphrased_questions):
                assert m.match(text) is None, (split, text)
    for item in splits["forget"]:
        assert m.match(item.question) is not None
