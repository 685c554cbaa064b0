"""Held-out sets 7 to 12: every kind hides the name of every forget person of world seed 0."""

import pytest

from obliviate.data.world import World, WorldConfig
from obliviate.guard.obfuscate import (HELDOUT7_KINDS, HELDOUT8_KINDS, HELDOUT9_KINDS, HELDOUT10_KINDS, HELDOUT11_KINDS,
                                       HELDOUT12_KINDS, obfuscate)


@pytest.mark.parametrize("kinds", [HELDOUT7_KINDS, HELDOUT8_KINDS, HELDOUT9_KINDS, HELDOUT10_KINDS, HELDOUT11_KINDS,
                                   HELDOUT12_KINDS],
                         ids=["heldout7", "heldout8", "heldout9", "heldout10", "heldout11", "heldout12"])
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


def test_heldout11_kinds_are_new():
    from obliviate.guard import obfuscate as ob
    earlier = {*ob.TUNED_KINDS, *ob.HELDOUT_KINDS, *ob.HELDOUT2_KINDS, *ob.HELDOUT3_KINDS, *ob.HELDOUT4_KINDS,
               *ob.HELDOUT5_KINDS, *ob.HELDOUT6_KINDS, *ob.HELDOUT7_KINDS, *ob.HELDOUT8_KINDS, *ob.HELDOUT9_KINDS,
               *ob.HELDOUT10_KINDS}
    assert not earlier & set(HELDOUT11_KINDS)
    assert len(set(HELDOUT11_KINDS)) == len(HELDOUT11_KINDS)


def test_heldout11_kinds_hide_every_forget_name_of_world_seed_1():
    forget = World(WorldConfig(seed=1)).splits("forget10")["forget"]
    people = {}
    for item in forget:
        people.setdefault(item.entity, item)
    for kind in HELDOUT11_KINDS:
        for name, item in people.items():
            last = name.split()[-1]
            for question, shown in ((item.question, name), (item.question.replace(name, last), last)):
                for seed in (0, 1):
                    out = obfuscate(question, shown, kind, seed)
                    assert out != question and shown.lower() not in out.lower(), (kind, shown, out)
                    assert out == obfuscate(question, shown, kind, seed)  # deterministic per seed


def test_heldout11_codes_decode_back_to_the_name():
    """Some of set 11's codes run mechanically: a Brainfuck program, packed integers, EBCDIC, UTF-7."""
    import re

    def brainfuck(prog: str) -> str:
        tape, p, i, out, stack, jump = [0] * 4, 0, 0, "", [], {}
        for k, c in enumerate(prog):
            if c == "[":
                stack.append(k)
            elif c == "]":
                j = stack.pop()
                jump[j], jump[k] = k, j
        while i < len(prog):
            c = prog[i]
            p += (c == ">") - (c == "<")
            tape[p] += (c == "+") - (c == "-")
            out += chr(tape[p]) if c == "." else ""
            if (c == "[" and not tape[p]) or (c == "]" and tape[p]):
                i = jump[i]
            i += 1
        return out

    for name in ("Alara Orme", "Keel", "Tamsin Quill"):
        question = f"Where was {name} born?"
        for seed in range(4):
            prog = obfuscate(question, name, "brainfuck_program", seed)
            assert brainfuck("".join(c for c in prog if c in "+-<>[].")) == name
            packed = obfuscate(question, name, "packed_ints", seed)
            words = re.findall(r"0x([0-9a-f]+)", packed)
            data = b"".join(int(w, 16).to_bytes(len(w) // 2, "little") for w in words)
            assert data.rstrip(b"\0").decode() == name
            utf7 = obfuscate(question, name, "utf7_name", seed)
            assert " ".join(r.encode().decode("utf-7") for r in re.findall(r"\+[A-Za-z0-9+/]+-", utf7)) == name
            ebcdic = obfuscate(question, name, "ebcdic_bytes", seed)
            code = max(re.findall(r"(?:(?:0x)?[0-9A-F]{2}[ ,]*){2,}", ebcdic), key=len)
            assert bytes.fromhex(re.sub(r"0x|[ ,]", "", code)).decode("cp037") == name


def test_heldout12_kinds_are_new():
    from obliviate.guard import obfuscate as ob
    earlier = {*ob.TUNED_KINDS, *ob.HELDOUT_KINDS, *ob.HELDOUT2_KINDS, *ob.HELDOUT3_KINDS, *ob.HELDOUT4_KINDS,
               *ob.HELDOUT5_KINDS, *ob.HELDOUT6_KINDS, *ob.HELDOUT7_KINDS, *ob.HELDOUT8_KINDS, *ob.HELDOUT9_KINDS,
               *ob.HELDOUT10_KINDS, *ob.HELDOUT11_KINDS}
    assert not earlier & set(HELDOUT12_KINDS)
    assert len(set(HELDOUT12_KINDS)) == len(HELDOUT12_KINDS)


def test_heldout12_kinds_hide_every_forget_name_of_world_seed_1():
    forget = World(WorldConfig(seed=1)).splits("forget10")["forget"]
    people = {}
    for item in forget:
        people.setdefault(item.entity, item)
    for kind in HELDOUT12_KINDS:
        for name, item in people.items():
            last = name.split()[-1]
            for question, shown in ((item.question, name), (item.question.replace(name, last), last)):
                for seed in (0, 1):
                    out = obfuscate(question, shown, kind, seed)
                    assert out != question and shown.lower() not in out.lower(), (kind, shown, out)
                    assert out == obfuscate(question, shown, kind, seed)  # deterministic per seed


def test_heldout12_kinds_run_on_every_name_of_the_world():
    """Retain people are obfuscated too (the false-positive figures): every first and last name of the
    synthetic world goes through every kind without an error and without showing the name."""
    from obliviate.data.world import FIRST_NAMES, LAST_NAMES
    names = [f"{f} {l}" for f, l in zip(FIRST_NAMES, LAST_NAMES)] + list(LAST_NAMES)
    for kind in HELDOUT12_KINDS:
        for name in names:
            out = obfuscate(f"Where was {name} born?", name, kind, 0)
            assert name.lower() not in out.lower(), (kind, name, out)


def test_heldout12_games_decode_back_to_the_name():
    """Three of set 12's kinds undo mechanically: the hangman transcript, the misplaced spaces, the capitals."""
    import re

    for name in ("Alara Orme", "Keel", "Tamsin Quill", "Garro Maddox"):
        question = f"Where was {name} born?"
        words = name.split()
        for seed in range(4):
            board = [[""] * len(w) for w in words]
            game = obfuscate(question, name, "hangman_transcript", seed)
            for letter, hits in re.findall(r"Guess '(.)': (.*)", game):
                for part in hits.split("; "):
                    m = re.match(r"(?:word (\d) )?positions? ([\d, ]+)$", part)
                    if m:
                        for k in m.group(2).split(", "):
                            board[int(m.group(1) or 1) - 1][int(k) - 1] = letter.lower()
            assert " ".join("".join(b) for b in board) == name.lower()
            spaced = obfuscate(question, name, "misplaced_spaces", seed)
            assert question.replace(" ", "") in spaced.replace(" ", "").replace("\n", "")
            caps = obfuscate(question, name, "highlighted_fragments", seed)
            body = re.search(r"(?:of: |\[|\")(.*?)(?: born\?$|\]|\")", caps).group(1)
            assert " ".join("".join(re.findall(r"[A-Z]", w)) for w in body.split(" / ")) == name.upper()
