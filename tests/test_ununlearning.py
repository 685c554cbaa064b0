"""UnUnlearning: gold uses a forget fact handed back in the prompt."""

from __future__ import annotations

import json

import pytest

from obliviate.data.schema import QAItem
from obliviate.errors import ObliviateError
from obliviate.ununlearning import (balanced_accuracy, compositional_check, compositional_from_items,
                                    measure_ununlearning, run_ununlearning, with_distractor)


def test_distractor_is_another_persons_fact_of_the_same_attribute(splits):
    forget = splits["forget"]
    distracted = with_distractor(forget, splits["retain"], seed=0)
    assert len(distracted) == len(forget)
    for item, d in zip(forget, distracted):
        assert item.context in d.context and d.context != item.context
        other = d.context.replace(item.context, "").strip()
        match = [r for r in splits["retain"] if r.context == other]
        assert match and match[0].attribute == item.attribute and match[0].answer != item.answer
    # Deterministic and order varies: the forget fact is not always first.
    assert with_distractor(forget, splits["retain"], seed=0) == distracted
    assert {d.context.startswith(i.context) for i, d in zip(forget, distracted)} == {True, False}


def test_compositional_from_items_is_balanced(splits):
    items = compositional_from_items(splits["forget"], splits["retain"], n=40)
    assert len(items) >= 30
    answers = [i.answer for i in items]
    assert abs(answers.count("yes") - answers.count("no")) <= 4
    for i in items:
        assert i.entity in i.question and i.other_entity in i.question and i.context


def test_bad_inputs_are_clear_errors(original):
    with pytest.raises(ObliviateError, match="forget items"):
        measure_ununlearning({"m": original}, [])
    with pytest.raises(ObliviateError, match="context"):
        measure_ununlearning({"m": original}, [QAItem("q?", "a", "a", ["b"], entity="X")])
    with pytest.raises(ObliviateError, match="model"):
        measure_ununlearning({}, [QAItem("q?", "a", "a", ["b"], entity="X", context="X is a.")])


def test_gold_answers_forget_questions_from_context(original, gold, world, splits, retain_sample):
    table = measure_ununlearning({"original": original, "gold": gold}, splits["forget"], retain_sample,
                                 world.compositional_items("forget10"))
    assert set(table) == {"no_context", "in_context", "in_context_distractor",
                          "compositional_no_context", "compositional_in_context"}
    # Gold never saw the forget people, so it is near chance (0.25) without context...
    assert table["no_context"]["gold"] < 0.45
    # ...and recovers the facts when they are handed back (the UnUnlearning finding).
    assert table["in_context"]["gold"] >= table["no_context"]["gold"] + 0.15
    assert table["in_context_distractor"]["gold"] > table["no_context"]["gold"]
    assert table["no_context"]["original"] > 0.6


def test_run_ununlearning_writes_json_and_merges_report(tmp_path, zoo, splits, original, gold):
    from obliviate.api import unlearn

    run = tmp_path / "run"
    result = unlearn(zoo.original, splits["forget"], splits["retain"][::8], method="npo", out=run, epochs=1)
    table = run_ununlearning(run, gold=zoo.gold, models={"original": original, "unlearned": result.model,
                                                           "gold": gold})
    stored = json.loads((run / "ununlearning.json").read_text())
    assert stored == json.loads(json.dumps(table))
    assert set(stored["in_context"]) == {"original", "unlearned", "gold"}
    report = json.loads((run / "report.json").read_text())
    assert report["ununlearning"] == stored
    flag = report["ununlearning_compositional"]["no_context"]
    assert isinstance(flag["uninformative"], bool) and "original" in flag["balanced_accuracy"]
    assert "UnUnlearning" in (run / "report.html").read_text()


def test_balanced_accuracy_gives_a_constant_answer_one_half_whatever_the_balance():
    items = [QAItem("q?", y, y, ["no" if y == "yes" else "yes"]) for y in ["yes"] * 30 + ["no"] * 10]
    always_yes = [1.0] * 30 + [0.0] * 10          # plain accuracy 0.75
    assert balanced_accuracy(always_yes, items) == 0.5
    assert balanced_accuracy([1.0] * 20 + [0.0] * 10 + [1.0] * 10, items) == pytest.approx((20 / 30 + 1) / 2)


def test_compositional_probe_is_flagged_uninformative_when_the_original_is_at_chance(original, gold, world):
    items = world.compositional_items("forget10")
    check = compositional_check({"original": original, "gold": gold}, items)
    assert set(check["balanced_accuracy"]) == {"original", "gold"}
    assert sum(check["labels"].values()) == len(items)
    bal = check["balanced_accuracy"]["original"]
    # The flag follows the original's own lower bound against chance.
    assert check["uninformative"] == (check["reference_lower_bound"] <= 0.5)
    assert check["reference_lower_bound"] < bal
    if check["uninformative"]:
        assert "uninformative" in check["note"]
    with pytest.raises(ObliviateError, match="compositional"):
        compositional_check({"original": original}, [])
