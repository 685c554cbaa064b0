"""Held-out sets 7, 8, 9 and 10: every kind hides the name of every forget person of world seed 0."""

import pytest

from obliviate.data.world import World, WorldConfig
from obliviate.guard.obfuscate import HELDOUT7_KINDS, HELDOUT8_KINDS, HELDOUT9_KINDS, HELDOUT10_KINDS, obfuscate


@pytest.mark.parametrize("kinds", [HELDOUT7_KINDS, HELDOUT8_KINDS, HELDOUT9_KINDS, HELDOUT10_KINDS],
                         ids=["heldout7", "heldout8", "heldout9", "heldout10"])
def test_heldout_kinds_hide_every_forget_name(kinds):
    forget = World(WorldConfig(seed=0)).splits("forget10")["forget"]
    people = {}
    for item in forget:
        people.setdefault(item.entity, item)
    assert 12 <= len(kinds) <= 18
    for kind in kinds:
        for name, item in people.items():
            last = name.split()[-1]
            for question, shown in ((item.question, name), (item.question.replace(name, last), last)):
                assert shown in question
                for seed in (0, 1):
                    out = obfuscate(question, shown, kind, seed)
                    assert out != question, (kind, shown)
                    assert shown.lower() not in out.lower(), (kind, shown, out)
                    assert out == obfuscate(question, shown, kind, seed)  # deterministic per seed


def test_heldout8_kinds_are_new():
    from obliviate.guard import obfuscate as ob
    earlier = {*ob.TUNED_KINDS, *ob.HELDOUT_KINDS, *ob.HELDOUT2_KINDS, *ob.HELDOUT3_KINDS, *ob.HELDOUT4_KINDS,
               *ob.HELDOUT5_KINDS, *ob.HELDOUT6_KINDS, *ob.HELDOUT7_KINDS}
    assert not earlier & set(HELDOUT8_KINDS)
    assert len(set(HELDOUT8_KINDS)) == len(HELDOUT8_KINDS)


def test_heldout9_kinds_are_new():
    from obliviate.guard import obfuscate as ob
    earlier = {*ob.TUNED_KINDS, *ob.HELDOUT_KINDS, *ob.HELDOUT2_KINDS, *ob.HELDOUT3_KINDS, *ob.HELDOUT4_KINDS,
               *ob.HELDOUT5_KINDS, *ob.HELDOUT6_KINDS, *ob.HELDOUT7_KINDS, *ob.HELDOUT8_KINDS}
    assert not earlier & set(HELDOUT9_KINDS)
    assert len(set(HELDOUT9_KINDS)) == len(HELDOUT9_KINDS)


def test_heldout10_kinds_are_new():
    from obliviate.guard import obfuscate as ob
    earlier = {*ob.TUNED_KINDS, *ob.HELDOUT_KINDS, *ob.HELDOUT2_KINDS, *ob.HELDOUT3_KINDS, *ob.HELDOUT4_KINDS,
               *ob.HELDOUT5_KINDS, *ob.HELDOUT6_KINDS, *ob.HELDOUT7_KINDS, *ob.HELDOUT8_KINDS, *ob.HELDOUT9_KINDS}
    assert not earlier & set(HELDOUT10_KINDS)
    assert len(set(HELDOUT10_KINDS)) == len(HELDOUT10_KINDS)


def test_heldout10_kinds_hide_every_forget_name_of_world_seed_1():
    forget = World(WorldConfig(seed=1)).splits("forget10")["forget"]
    people = {}
    for item in forget:
        people.setdefault(item.entity, item)
    for kind in HELDOUT10_KINDS:
        for name, item in people.items():
            last = name.split()[-1]
            for question, shown in ((item.question, name), (item.question.replace(name, last), last)):
                out = obfuscate(question, shown, kind, 0)
                assert out != question and shown.lower() not in out.lower(), (kind, shown, out)
