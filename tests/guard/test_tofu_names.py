"""The guard on TOFU's own files, which carry no entity: each person's name is taken from
the text of their items ("Hsiao Yun-Hwa" in 20 of 20), not from the derived label
("forget10_first300 author 1", which no text names). Read where the files are
(../shared/data/tofu); skipped when they are not there."""

from __future__ import annotations

from pathlib import Path

import pytest

from obliviate.data.benchmarks import load_unlearning_file
from obliviate.data.schema import QAItem
from obliviate.data.world import qa_prompt
from obliviate.errors import ObliviateError
from obliviate.guard import Guard, GuardConfig
from obliviate.guard.lexical import entity_names

TOFU = Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "tofu" / "qa"
FORGET = TOFU / "forget10_first300.jsonl"
RETAIN = TOFU / "retain_sample300.jsonl"
pytestmark = pytest.mark.skipif(not (FORGET.is_file() and RETAIN.is_file()), reason="the shared TOFU files are not here")


@pytest.fixture(scope="module")
def tofu():
    return load_unlearning_file(FORGET)[0], load_unlearning_file(RETAIN)[0]


def test_each_derived_person_gets_the_name_their_items_use(tofu):
    forget, _ = tofu
    names = entity_names(forget)
    assert names["forget10_first300 author 1"] == "Hsiao Yun-Hwa"
    assert names["forget10_first300 author 3"] == "Elvin Mammadov"
    assert len(set(names.values())) == len({i.entity for i in forget})  # one name per person
    retain_names = entity_names(tofu[1])
    assert retain_names["retain_sample300 author 6"] == "Aurelio Beltrán"  # accented letters kept


def test_the_lexical_guard_on_tofu_blocks_forget_questions_and_passes_retain_ones(tofu):
    """Before the names were derived, the labels' tokens blocked 177 of these 300 retain
    questions (and 203 of the 300 forget ones were blocked)."""
    forget, retain = tofu
    guard = Guard.from_items(forget, retain, GuardConfig(semantic=False))
    blocked = [guard.check(qa_prompt(i.question)).blocked for i in forget]
    passed_retain = [not guard.check(qa_prompt(i.question)).blocked for i in retain]
    assert sum(blocked) / len(blocked) >= 0.9
    assert sum(passed_retain) / len(passed_retain) >= 0.98


def test_labels_no_text_names_are_a_clear_error():
    items = [QAItem(f"What did this writer publish in {1990 + k}?", "a novel", "a book", ["a poem"],
                    entity="some file author 1")
             for k in range(4)]
    with pytest.raises(ObliviateError, match="named in its items"):
        Guard.from_items(items, [], GuardConfig(semantic=False))
