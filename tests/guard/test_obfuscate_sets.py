"""Held-out set 7: every kind hides the name of every forget person of world seed 0."""

from obliviate.data.world import World, WorldConfig
from obliviate.guard.obfuscate import HELDOUT7_KINDS, obfuscate


def test_heldout7_kinds_hide_every_forget_name():
    forget = World(WorldConfig(seed=0)).splits("forget10")["forget"]
    people = {}
    for item in forget:
        people.setdefault(item.entity, item)
    assert len(HELDOUT7_KINDS) >= 14
    for kind in HELDOUT7_KINDS:
        for name, item in people.items():
            last = name.split()[-1]
            for question, shown in ((item.question, name), (item.question.replace(name, last), last)):
                assert shown in question
                for seed in (0, 1):
                    out = obfuscate(question, shown, kind, seed)
                    assert out != question, (kind, shown)
                    assert shown.lower() not in out.lower(), (kind, shown, out)
                    assert out == obfuscate(question, shown, kind, seed)  # deterministic per seed
