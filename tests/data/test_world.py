"""The embedded world: determinism, splits, items, export round-trip."""

from __future__ import annotations

import json

import pytest

from obliviate.data.export import export_world
from obliviate.data.formats import read_jsonl
from obliviate.data.world import ATTRIBUTES, World, WorldConfig
from obliviate.errors import ObliviateError


def test_same_seed_same_world_and_other_seed_differs():
    a, b, c = World(WorldConfig(seed=3)), World(WorldConfig(seed=3)), World(WorldConfig(seed=4))
    assert [(p.name, p.facts) for p in a.people] == [(p.name, p.facts) for p in b.people]
    assert a.hash == b.hash != c.hash
    assert [i.to_dict() for i in a.splits()["forget"]] == [i.to_dict() for i in b.splits()["forget"]]
    assert a.reading_texts(7, 50) == b.reading_texts(7, 50)


def test_splits_are_disjoint_by_person_and_nested(world):
    people = world.split_people("forget10")
    forget, retain, holdout = map(set, (people["forget"], people["retain"], people["holdout"]))
    assert not (forget & retain) and not (forget & holdout) and not (retain & holdout)
    assert set(world.forget_people["forget01"]) <= set(world.forget_people["forget05"]) <= forget
    assert len(forget) == 10 and len(holdout) == 10
    # Reading-comprehension people are never world people.
    names = {p.name for p in world.people}
    for prompt, _ in world.reading_texts(0, 200):
        assert not any(n in prompt for n in names)


def test_items_have_answer_paraphrase_and_three_wrong_answers(splits):
    for item in splits["forget"] + splits["retain"][:50]:
        assert len(item.perturbed_answers) >= 3
        assert item.answer not in item.perturbed_answers
        vocab = ATTRIBUTES[item.attribute][0]
        assert item.answer in vocab and all(p in vocab for p in item.perturbed_answers)
        assert item.answer in item.paraphrased_answer and item.entity in item.question
        assert item.paraphrased_questions and item.question not in item.paraphrased_questions


def test_neighbor_items_share_values_with_forget_people(splits):
    forget_values = {(i.attribute, i.answer) for i in splits["forget"]}
    forget_people = {i.entity for i in splits["forget"]}
    assert splits["neighbor"]
    for item in splits["neighbor"]:
        assert (item.attribute, item.answer) in forget_values
        assert item.entity not in forget_people


def test_compositional_items_pair_forget_with_retain(world):
    people = world.split_people("forget10")
    items = world.compositional_items("forget10")
    assert len(items) >= 20
    assert {i.answer for i in items} == {"yes", "no"}
    for item in items:
        assert item.entity in people["forget"] and item.other_entity in people["retain"]
        same = world.person(item.entity).facts[item.attribute] == world.person(item.other_entity).facts[item.attribute]
        assert item.answer == ("yes" if same else "no")


def test_export_round_trip(tmp_path, world):
    export_world(world, tmp_path, "forget10")
    splits = world.splits("forget10")
    for name in ("forget", "retain", "holdout", "neighbor"):
        loaded = read_jsonl(tmp_path / f"{name}.jsonl")
        assert [i.to_dict() for i in loaded] == [i.to_dict() for i in splits[name]]
    record = json.loads((tmp_path / "forget.jsonl").read_text().splitlines()[0])
    assert "perturbed_answer" in record  # TOFU's field name
    assert (tmp_path / "SCHEMA.md").exists()


def test_bad_world_config_is_a_clear_error():
    with pytest.raises(ObliviateError, match="unknown attribute"):
        World(WorldConfig(attributes=("birth_city", "shoe_size")))
    with pytest.raises(ObliviateError, match="n_people"):
        World(WorldConfig(n_people=3))
    with pytest.raises(ObliviateError, match="forget split"):
        World().splits("forget50")
