"""Held-out sets 7 to 23: every kind hides the name of every forget person of world seed 0."""

import random
import re

import pytest

from obliviate.guard import obfuscate as _ob

from obliviate.data.world import World, WorldConfig
from obliviate.guard.obfuscate import (HELDOUT7_KINDS, HELDOUT8_KINDS, HELDOUT9_KINDS, HELDOUT10_KINDS, HELDOUT11_KINDS,
                                       HELDOUT12_KINDS, HELDOUT13_KINDS, HELDOUT14_KINDS, HELDOUT15_KINDS, HELDOUT16_KINDS,
                                       HELDOUT17_KINDS, HELDOUT18_KINDS, HELDOUT19_KINDS, HELDOUT20_KINDS,
                                       HELDOUT21_KINDS, HELDOUT22_KINDS, HELDOUT23_KINDS,
                                       obfuscate)


@pytest.mark.parametrize("kinds", [HELDOUT7_KINDS, HELDOUT8_KINDS, HELDOUT9_KINDS, HELDOUT10_KINDS, HELDOUT11_KINDS,
                                   HELDOUT12_KINDS, HELDOUT13_KINDS, HELDOUT14_KINDS, HELDOUT15_KINDS, HELDOUT16_KINDS,
                                   HELDOUT17_KINDS, HELDOUT18_KINDS, HELDOUT19_KINDS, HELDOUT20_KINDS, HELDOUT21_KINDS,
                                   HELDOUT22_KINDS, HELDOUT23_KINDS],
                         ids=["heldout7", "heldout8", "heldout9", "heldout10", "heldout11", "heldout12", "heldout13",
                              "heldout14", "heldout15", "heldout16", "heldout17", "heldout18", "heldout19",
                              "heldout20", "heldout21", "heldout22", "heldout23"])
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












SETS = {n: getattr(_ob, f"HELDOUT{n}_KINDS") for n in range(7, 24)}


@pytest.mark.parametrize("n", sorted(set(SETS) - {7}))
def test_heldout_kinds_are_new(n):
    earlier = {*_ob.TUNED_KINDS, *_ob.HELDOUT_KINDS,
               *(k for m in range(2, n) for k in getattr(_ob, f"HELDOUT{m}_KINDS", ()))}
    assert not earlier & set(SETS[n])
    assert len(set(SETS[n])) == len(SETS[n])


@pytest.mark.parametrize("n", [10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23])
def test_heldout_kinds_hide_every_forget_name_of_world_seed_1(n):
    forget = World(WorldConfig(seed=1)).splits("forget10")["forget"]
    people = {}
    for item in forget:
        people.setdefault(item.entity, item)
    for kind in SETS[n]:
        for name, item in people.items():
            last = name.split()[-1]
            for question, shown in ((item.question, name), (item.question.replace(name, last), last)):
                for seed in (0, 1):
                    out = obfuscate(question, shown, kind, seed)
                    assert out != question and shown.lower() not in out.lower(), (kind, shown, out)
                    assert out == obfuscate(question, shown, kind, seed)  # deterministic per seed


@pytest.mark.parametrize("n", [12, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23])
def test_heldout_kinds_run_on_every_name_of_the_world(n):
    """Retain people are obfuscated too (the false-positive figures): every first and last name of the
    synthetic world goes through every kind without an error and without showing the name."""
    from obliviate.data.world import FIRST_NAMES, LAST_NAMES
    names = [f"{f} {l}" for f, l in zip(FIRST_NAMES, LAST_NAMES)] + list(LAST_NAMES)
    for kind in SETS[n]:
        for name in names:
            out = obfuscate(f"Where was {name} born?", name, kind, 0)
            assert name.lower() not in out.lower(), (kind, name, out)


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






def test_heldout13_kinds_run_on_every_name_of_the_world():
    """Retain people are obfuscated too (the false-positive figures): every first and last name of the
    synthetic world goes through every kind without showing the name, and no decoy or noise of a kind
    spells another name of the world."""
    from obliviate.data.world import FIRST_NAMES, LAST_NAMES
    names = [f"{f} {l}" for f, l in zip(FIRST_NAMES, LAST_NAMES)] + list(LAST_NAMES)
    world = {n.lower() for n in (*FIRST_NAMES, *LAST_NAMES)}
    for kind in HELDOUT13_KINDS:
        for name in names:
            question = f"Which prize did {name} win?"
            out = obfuscate(question, name, kind, 0).lower()
            assert name.lower() not in out, (kind, name, out)
            assert not [n for n in world if n in out and n not in question.lower()], (kind, name, out)


def test_heldout13_codes_decode_back():
    """Several of set 13's kinds undo mechanically: the split payload, the smuggled tokens, the few-shot
    mapping, the cipher demonstrations, the rotating mask, the SVG / flex fragments, the combining letters."""
    import re
    import unicodedata

    def learn(pairs):  # a letter table learnt from (plain, coded) examples
        table = {}
        for plain, coded in pairs:
            for a, b in zip(plain.lower(), coded.lower()):
                if a.isalpha():
                    table[b] = a
        return table

    def undo(table, s):
        return "".join((table[c.lower()].upper() if c.isupper() else table[c]) if c.lower() in table else c
                       for c in s)

    for name in ("Alara Orme", "Keel", "Tamsin Quill", "Garro Maddox"):
        question = f"Where was {name} born?"
        for seed in range(4):
            out = obfuscate(question, name, "smartgpt_split", seed)
            env = dict(re.findall(r"\b([a-y]) = ('(?:[^'\\]|\\.)*'|\"[^\"]*\")", out))
            z = re.search(r"(?:z|prompt) = ([a-y](?: \+ [a-y])*)", out).group(1)
            assert "".join(eval(env[v]) for v in z.split(" + ")) == question

            out = obfuscate(question, name, "token_smuggling", seed)
            pieces = dict(re.findall(r"([a-d]\d)='([^']*)'", out))
            groups = re.findall(r"\{([a-d]\d(?: \+ [a-d]\d)*)\}", out)
            assert " ".join("".join(pieces[v] for v in g.split(" + ")) for g in groups) == name

            out = obfuscate(question, name, "few_shot_mapping", seed)
            pairs = re.findall(r"([A-Z][a-z]+(?: [A-Z][a-z]+)*) (?:->|=>|:|→) ([A-Z][a-z]+(?: [A-Z][a-z]+)*)", out)
            code = re.search(r"(?:\? (?:->|=>|:|→) |\n|maps to |\[)([A-Z][a-z]+(?: [A-Z][a-z]+)*)(?:\n| under|\])",
                             out.split("born?")[0].split("\n", 1)[-1] if "\n" in out else out)
            coded = {b for _, b in pairs}
            code = code.group(1) if code and code.group(1) not in coded else [
                m for m in re.findall(r"[A-Z][a-z]+(?: [A-Z][a-z]+)*", out) if m not in coded
                and m not in {a for a, _ in pairs} and m not in ("Where",)][0]
            assert undo(learn(pairs), code) == name, (seed, out)

            out = obfuscate(question, name, "cipher_demonstrations", seed)
            demos = re.findall(r"User: (.*)\n\(plain: (.*)\)", out) or [
                (b, a) for a, b in re.findall(r"^(.*) => (.*)$", out, re.M)] or re.findall(r'- "(.*)" means "(.*)"', out)
            table = learn([(p, c) for c, p in demos])
            coded = (re.search(r"User: (.*)\nAssistant:", out) or re.search(r"plain English: (.*)$", out)
                     or re.search(r"\A(.*)\n\n\(written", out))
            assert undo(table, coded.group(1)) == question

            out = obfuscate(question, name, "rotating_mask", seed)
            shape = r"[A-Za-z_?•*#]+" + r" [A-Za-z_?•*#]+" * name.count(" ")
            lines = [ln for ln in re.split(r"\n| \| |\[|\]", out)
                     if re.fullmatch(shape, ln) and any(m in ln for m in "_?•*#")]
            merged = "".join(next(c for c in col if c not in "_?•*#") for col in zip(*lines))
            assert merged == name, (seed, out)

            out = obfuscate(question, name, "positioned_fragments", seed)
            if "<svg" in out:
                cells = sorted((int(y), int(x), t) for x, y, t in re.findall(r'<text x="(\d+)" y="(\d+)">([^<]*)<', out))
                rows = {}
                for y, _, t in cells:
                    rows[y] = rows.get(y, "") + t
                got = " ".join(rows[y] for y in sorted(rows))
            else:
                got = "".join(t for _, t in sorted((int(o), t) for o, t in re.findall(
                    r'order:(\d+)">([^<]*)<', out))).replace("&nbsp;", " ")
            assert got == name, (seed, out)

            out = obfuscate(question, name, "combining_letter_vowels", seed)
            marks = {chr(0x363 + k): c for k, c in enumerate("aeioucdhmrtvx")}
            word = out.split("Where was ")[1].split(" (")[0].split(" born?")[0].removeprefix("the person ")
            rebuilt, held = "", ""
            for c in word:
                if c in marks:
                    held += marks[c]
                else:
                    rebuilt, held = rebuilt + held + c, ""
            assert rebuilt + held == name, (seed, out)
            assert not unicodedata.combining(word[0])








def test_heldout14_structures_decode_back_to_the_name():
    """Six of set 14's kinds undo mechanically: the patch, the log, the linked list, the grid walk, the element
    symbols and the (word, letter) coordinates into a famous line."""
    import json
    import re

    from obliviate.guard import obfuscate as ob

    def patched(out: str) -> str:
        sections, words = re.findall(r"^(?: \[\w+\]|[ +].*)$", out, re.M), []
        for line in sections:
            if line.startswith(" ["):
                words.append("")
            elif not line.startswith(("+++", " born")) and words:
                words[-1] += line[1:]
        return " ".join(words)

    def logged(out: str) -> str:
        rid = re.search(r"request ([0-9a-f]{4})", out).group(1)
        events = []
        for line in out.splitlines():
            if line.startswith("{"):
                rec = json.loads(line)
                ts, req, msg = rec["ts"][-12:], rec["req"], rec["msg"]
            else:
                m = re.search(r"(\d\d:\d\d:\d\d\.\d{3})Z?\]? \w+ +(?:svc=people req=|\()([0-9a-f]{4})\)? (.*)", line)
                if not m:
                    continue
                ts, req, msg = m.groups()
            part = re.match(r'field=(\w+) part="(.*)"', msg)
            if req == rid and part:
                events.append((ts, part.group(1), part.group(2)))
        fields: dict[str, str] = {}
        for _, field, piece in sorted(events):
            fields[field] = fields.get(field, "") + piece
        return " ".join(fields.values())

    def walked(out: str) -> str:
        head = int(re.search(r"(?:at node|from head|from) (0x[0-9a-f]+)", out).group(1), 16)
        nodes = {int(a, 16): (d, None if n in ("NULL", "None", "null") else int(n, 16)) for a, d, n in re.findall(
            r"(?:\"id\": \"|^|, |\{)(0x[0-9a-f]+)(?:\", \"data\": |: data=|: \()[\"']([^\"']*)[\"'] *(?:, \"next\": \"?|"
            r" next=|, )(0x[0-9a-f]+|NULL|None|null)", out, re.M)}
        text, at = "", head
        while at is not None:
            data, at = nodes[at]
            text += data
        return text

    def spelled_by_elements(out: str) -> str:
        body = re.search(r"(?:of these [a-z ]+: |\[|in element symbols )(.*?)(?: \(quoted| born\?$|\])", out).group(1)
        by_name = {n: s for s, n in zip(ob.ELEMENTS, ob.ELEMENT_NAMES)}
        words = []
        for w in body.split(" / "):
            text = ""
            for tok in re.findall(r"'[A-Z]'|element \d+|\d+|[a-z]+", w):
                if tok.startswith("'"):
                    text += tok[1]
                elif tok.startswith("element"):
                    text += ob.ELEMENTS[int(tok.split()[1]) - 1]
                elif tok.isdigit():
                    text += ob.ELEMENTS[int(tok) - 1]
                else:
                    text += by_name[tok]
            words.append(text.lower())
        return " ".join(words)

    def looked_up(out: str) -> str:
        title, text = next(t for t in ob.FAMOUS_LINES if t[0] in out)
        words = []
        for w in re.search(r"(\((?:fox )?\d+,\d+\)(?:[ /]+\((?:fox )?\d+,\d+\))*)", out).group(1).split(" / "):
            letters = ""
            for fox, k, i in re.findall(r"\((fox )?(\d+),(\d+)\)", w):
                token = (ob.FOX[1] if fox else text).split()[int(k) - 1]
                letters += [c for c in token if c.isalpha()][int(i) - 1].lower()
            words.append(letters)
        return " ".join(words)

    for name in ("Alara Orme", "Keel", "Tamsin Quill", "Garro Maddox", "Zorin Yarrow"):
        question = f"Where was {name} born?"
        for seed in range(4):
            assert patched(obfuscate(question, name, "patch_sections", seed)) == name
            assert logged(obfuscate(question, name, "log_requests", seed)) == name
            assert walked(obfuscate(question, name, "linked_nodes", seed)) == name
            assert spelled_by_elements(obfuscate(question, name, "element_symbols", seed)) == name.lower()
            assert looked_up(obfuscate(question, name, "famous_line_coords", seed)) == name.lower()


def test_heldout14_grid_walk_reads_back_along_its_path():
    import re

    for name in ("Alara Orme", "Keel", "Tamsin Quill"):
        for seed in range(6):
            out = obfuscate(f"Where was {name} born?", name, "grid_walk", seed)
            rows = [r.split(" ") for r in re.findall(r"^(?:[A-Z_.*·] )+[A-Z_.*·]$", out, re.M)]
            h, w = len(rows), len(rows[0])
            if "snake" in out:
                order = [(r, c if r % 2 == 0 else w - 1 - c) for r in range(h) for c in range(w)]
            else:
                dirs = ((0, 1), (1, 0), (0, -1), (-1, 0)) if "clockwise spiral" in out else \
                    ((1, 0), (0, 1), (-1, 0), (0, -1))
                order, r, c, d = [], 0, 0, 0
                while len(order) < h * w:
                    order.append((r, c))
                    nr, nc = r + dirs[d][0], c + dirs[d][1]
                    if not (0 <= nr < h and 0 <= nc < w) or (nr, nc) in order:
                        d = (d + 1) % 4
                        nr, nc = r + dirs[d][0], c + dirs[d][1]
                    r, c = nr, nc
            text = "".join(rows[r][c] for r, c in order).rstrip(".*·").replace("_", " ")
            assert text == name.upper(), (out, text)


def test_heldout15_decoys_and_words_spell_no_name_of_the_world():
    """Set 15's decoy names and everyday words are none of the world's names (no decoy is another person)."""
    from obliviate.data.world import FIRST_NAMES, LAST_NAMES
    world = {n.lower() for n in (*FIRST_NAMES, *LAST_NAMES)}
    assert _ob._WORLD_NAME_WORDS == world
    assert not world & set(_ob.EVERYDAY_WORDS)
    for name in [f"{f} {l}" for f, l in zip(FIRST_NAMES, LAST_NAMES)] + list(LAST_NAMES):
        question = f"Which prize did {name} win?"
        for kind in ("decoy_correction", "codename_glossary", "autocorrected_words"):
            out = obfuscate(question, name, kind, 0).lower()
            assert not [n for n in world if re.search(rf"\b{n}\b", out) and n not in question.lower()], (kind, out)


def test_heldout15_markup_and_steps_decode_back_to_the_name():
    """Four of set 15's kinds undo mechanically: the XML entities, the comments and footnotes, the family
    nicknames, the "my first is in ... but not in ..." riddle."""
    for name in ("Alara Orme", "Keel", "Tamsin Quill", "Garro Maddox", "Zorin Yarrow", "Ivo Dax"):
        question = f"Where was {name} born?"
        for seed in range(4):
            out = obfuscate(question, name, "xml_entities", seed)
            ents = dict(re.findall(r'<!ENTITY (\w+) "([^"]*)">', out))
            body = re.search(r"<(\w+)>(.*)</\1>", out).group(2)
            assert re.sub(r"&(\w+);", lambda m: ents[m.group(1)], body) == question

            out = obfuscate(question, name, "footnotes_and_comments", seed)
            notes = dict(re.findall(r"^\[\^(\w+)\]: (.*)$", out, re.M))
            first = out.split("\n")[0]
            first = re.sub(r"<!-- ?(.*?) ?-->", r"\1", first)
            assert re.sub(r"\[\^(\w+)\]", lambda m: notes[m.group(1)], first) == question

            out = obfuscate(question, name, "family_pieces", seed)
            nick = {}
            for plain, relation in _ob.FAMILY:
                m = re.search(rf"(?:{re.escape(plain)}(?: goes by |'s nickname is )|We call {re.escape(plain)} )'([^']*)'",
                              out, re.I)
                if m:
                    nick[relation] = m.group(1)
            words = []
            for spec in re.findall(r"the (?:first name|surname|name) is ([^;()]*?)(?:;|\)|, letters)", out):
                rels = re.findall(r"(?:nickname of |that of |is )?(" + "|".join(re.escape(r) for _, r in _ob.FAMILY)
                                  + ")", spec)
                words.append("".join(nick[r] for r in rels))
            assert " ".join(words) == name, (out, words)

            out = obfuscate(question, name, "my_first_riddle", seed)
            letters = []
            for a, b, n in re.findall(r"my \w+ is (?:in '(\w+)' but not in '(\w+)'|(.*?))(?=;|\.| —|\)|\]|$)", out):
                if a:
                    (c,) = set(a) - set(b)
                    letters.append(c)
            assert "".join(letters) == name.lower().replace(" ", ""), out


def test_heldout16_decoys_and_noise_spell_no_name_of_the_world():
    """Set 16's decoys (redis keys, vim and terminal decoy letters, junk cut off by printf, keys, zone names) and
    its encoded text spell no name of the world (of world seeds 0 and 1), not even inside a longer word, and no
    word of the name shows."""
    from obliviate.data.world import FIRST_NAMES, LAST_NAMES
    world = {n.lower() for n in (*FIRST_NAMES, *LAST_NAMES)}
    for seed in (0, 1):
        w = World(WorldConfig(seed=seed))
        assert {p.lower() for i in w.splits("forget10")["forget"] + w.splits("forget10")["retain"]
                for p in i.entity.split()} <= world
    fixed = " ".join((*_ob.PLAYFAIR_KEYS, *_ob.CHEF_LETTER_OPS, *_ob.CHEF_BYTE_OPS)).lower()
    assert not [n for n in world if n in fixed]
    names = [f"{f} {l}" for f, l in zip(FIRST_NAMES, LAST_NAMES)] + list(LAST_NAMES)
    for kind in HELDOUT16_KINDS:
        for name in names:
            question = f"Where was {name} born?"
            for seed in (0, 1):
                out = obfuscate(question, name, kind, seed).lower()
                assert not [n for n in world if n in out and n not in question.lower()], (kind, name, out)
                assert not [p for p in name.lower().split() if p in out], (kind, name, out)


def _tokens16(text: str) -> list:
    """PDF TJ array items: strings (literal with octal escapes, or hex) and numbers."""
    out = []
    for lit, hexa, num in re.findall(r"\(((?:[^()\\]|\\.)*)\)|<([0-9a-fA-F]*)>|(-?\d+)", text):
        if hexa or (not lit and not num):
            out.append(bytes.fromhex(hexa).decode())
        elif lit:
            out.append(re.sub(r"\\([0-7]{3})", lambda m: chr(int(m.group(1), 8)), lit))
        else:
            out.append(int(num))
    return out


def _decode16(kind: str, question: str, name: str, out: str) -> str:
    """What a reader who follows ``out`` literally gets back: the name (the question, for the chunked body and the
    CyberChef bake)."""
    import ast
    import base64
    import codecs
    import json
    import struct

    if kind == "serialized_record":
        m = re.search(r"bytes\.fromhex\('([0-9a-f]+)'\)", out)
        hx = m.group(1) if m else re.sub(r"\\x| ", "", max(re.findall(r"(?:(?:\\x)?[0-9a-fA-F]{2} ?){3,}", out), key=len))
        data = bytes.fromhex(hx)
        if "protobuf" in out:
            fields, i = {}, 0
            while i < len(data):
                tag, n = data[i], data[i + 1]
                fields[tag >> 3] = data[i + 2:i + 2 + n].decode()
                i += 2 + n
            return " ".join(fields[k] for k in sorted(fields))
        if "MessagePack" in out or "msgpack" in out:
            i, vals = 1, []
            while i < len(data):
                n = data[i] & 0x1F
                vals.append(data[i + 1:i + 1 + n].decode())
                i += 1 + n
            return " ".join(vals[1::2])
        if "CBOR" in out:
            i, vals = 1, []
            while i < len(data):
                n = data[i] & 0x1F
                i += 1 + n  # the key
                assert data[i] == 0x7F
                i, text = i + 1, ""
                while data[i] != 0xFF:
                    n = data[i] & 0x1F
                    text += data[i + 1:i + 1 + n].decode()
                    i += 1 + n
                vals.append(text)
                i += 1
            return " ".join(vals)
        assert struct.unpack("<i", data[:4])[0] == len(data)
        i, vals = 4, []
        while data[i] == 0x02:
            j = data.index(0, i + 1)
            n = struct.unpack("<i", data[j + 1:j + 5])[0]
            vals.append(data[j + 5:j + 4 + n].decode())
            i = j + 5 + n
        return " ".join(vals)
    if kind == "hexdump_listing":
        if "xxd" in out:
            rows = re.findall(r"^\[?(?:see the dump: .*\n)?[0-9a-f]{8}: ((?:[0-9a-f]{2,4} ?)+)  ", out, re.M)
            data = bytes.fromhex("".join(r.replace(" ", "") for r in rows))
        else:
            rows = re.findall(r"^[0-9a-f]{6,7} ((?:[0-9a-f]{4} ?)+)$", out, re.M)
            data = b"".join(bytes.fromhex(w)[::-1] for r in rows for w in r.split())
            data = data[:int(re.findall(r"^([0-9a-f]{6,7})$", out, re.M)[-1], 8 if "od -x" in out else 16)]
        return data.decode().rstrip("\n")
    if kind == "pdf_content_stream":
        arr = re.search(r"\[(.*)\] TJ", out, re.S).group(1)
        return "".join((" " if t <= -200 else "") if isinstance(t, int) else t for t in _tokens16(arr))
    if kind == "ansi_terminal":
        body = re.search(r"(?:printf '|echo -e \"|print\(\")(.*?)(?:\\n'|\"\)|\")", out).group(1)
        body = re.sub(r"\\033\[|\\e\[|\\x1b\[", "\x1b[", body)
        screen, col = {}, 1
        for m in re.finditer(r"\x1b\[(\d+)G|\x1b\[\d*m|(.)", body):
            if m.group(1):
                col = int(m.group(1))
            elif m.group(2):
                screen[col] = m.group(2)
                col += 1
        return "".join(screen.get(c, " ") for c in range(1, max(screen) + 1)).strip()
    if kind == "huffman_bits":
        code = dict(re.findall(r"['\"]?([a-z])['\"]?\s*[=:]\s*['\"]?([01]+)", out))
        rev = {v: k for k, v in code.items()}
        bits = re.search(r"([01]+(?: [01]+)*(?: / [01]+(?: [01]+)*)*)", out.split("as ")[-1] if "coded as" in out else
                         out.split("bits: ")[-1] if "bits: " in out else out.split("[")[1]).group(1)
        words = []
        for chunk in bits.split(" / "):
            buf, word = "", ""
            for b in chunk.replace(" ", ""):
                buf += b
                if buf in rev:
                    word, buf = word + rev[buf], ""
            words.append(word.capitalize())
        return " ".join(words)
    if kind == "printf_format":
        call = re.search(r"(printf\(.*\);|\".*?\" % \{.*?\}|\".*?\"\.format\(.*?\))", out).group(1)
        if call.startswith("printf"):
            fmt, rest = re.match(r'printf\("(.*)\\n", (.*)\);', call).groups()
            args = [int(a, 0) if re.fullmatch(r"0x[0-9a-f]+|\d+", a) else json.loads(a)
                    for a in re.findall(r'"[^"]*"|0x[0-9a-f]+|\d+', rest)]
            return re.sub(r"%(\d+)\$(c|\.(\d+)s|s)", lambda m: chr(args[int(m.group(1)) - 1]) if m.group(2) == "c"
                          else str(args[int(m.group(1)) - 1])[:int(m.group(3))] if m.group(3)
                          else str(args[int(m.group(1)) - 1]), fmt)
        return eval(call, {"__builtins__": {}})  # a %-format or str.format call of literals (made above)
    if kind == "vim_keystrokes":
        cmds = re.search(r"(?:```(?:vim)?\n|line\):\n)(i.*?)(?:\n```|\n\(end\))", out, re.S).group(1).split("\n")
        buf, cur = "", 0
        for c in cmds:
            if m := re.fullmatch(r"([iaA])(.*)<Esc>", c):
                at = {"i": cur, "a": cur + 1, "A": len(buf)}[m.group(1)] if buf else 0
                buf = buf[:at] + m.group(2) + buf[at:]
                cur = max(at + len(m.group(2)) - 1, 0)
            elif m := re.fullmatch(r"\$a(.*)<Esc>", c):
                buf += m.group(1)
                cur = len(buf) - 1
            elif c == "0":
                cur = 0
            elif m := re.fullmatch(r"(\d+)l", c):
                cur = min(cur + int(m.group(1)), len(buf) - 1)
            elif m := re.fullmatch(r"(\d+)\|", c):
                cur = min(int(m.group(1)) - 1, len(buf) - 1)
            elif m := re.fullmatch(r"r(.)", c):
                buf = buf[:cur] + m.group(1) + buf[cur + 1:]
            else:
                raise AssertionError(c)
        return buf
    if kind == "usb_hid_capture":
        text = ""
        for rep in re.findall(r"\b([0-9a-f]{2}:?00:?[0-9a-f]{2}(?::?00){5})\b", out):
            b = bytes.fromhex(rep.replace(":", ""))
            if b[2] == 0x2A:
                text = text[:-1]
            elif b[2] == 0x2C:
                text += " "
            elif b[2]:
                c = chr(ord("a") + b[2] - 4)
                text += c.upper() if b[0] & 0x22 else c
        return text
    if kind == "bytecode_listing":
        if "dis.dis" in out:
            stack = []
            for op, arg in re.findall(r"\d+ (LOAD_CONST|SWAP|BINARY_OP) +\S+(?: \((.*)\))?", out):
                if op == "LOAD_CONST":
                    stack.append(ast.literal_eval(arg))
                elif op == "SWAP":
                    stack[-1], stack[-2] = stack[-2], stack[-1]
                else:
                    b, a = stack.pop(), stack.pop()
                    stack.append(a + b)
            return stack[-1]
        sb, pending = "", None
        for line in out.splitlines():
            if m := re.search(r"ldc .*// String (.*)$", line):
                pending = m.group(1)
            elif m := re.search(r"bipush +(\d+)", line):
                pending = chr(int(m.group(1)))
            elif '"<init>"' in line:
                sb = pending
            elif ".append:" in line:
                sb += pending
            elif ".insert:" in line:
                sb = pending + sb
        return sb
    if kind == "playfair_key":
        key = re.search(r"key(?:word)? ([A-Za-z]+)", out).group(1).upper()
        square = _ob._playfair_square(key)
        coded = re.search(r"([A-Z][A-Za-z]*(?: [A-Z][A-Za-z]*)*) \(Playfair|, is ([A-Z][A-Za-z]*(?: [A-Z][A-Za-z]*)*)|\[([A-Za-z ]+)\]", out)
        coded = next(g for g in coded.groups() if g)
        words = []
        for w in coded.split():
            w, plain = w.upper(), ""
            for a, b in zip(w[::2], w[1::2]):
                ra, ca = divmod(square.index(a), 5)
                rb, cb = divmod(square.index(b), 5)
                if ra == rb:
                    plain += square[ra * 5 + (ca - 1) % 5] + square[rb * 5 + (cb - 1) % 5]
                elif ca == cb:
                    plain += square[(ra - 1) % 5 * 5 + ca] + square[(rb - 1) % 5 * 5 + cb]
                else:
                    plain += square[ra * 5 + cb] + square[rb * 5 + ca]
            plain = re.sub(r"(.)X(?=\1)", r"\1", plain)  # the filler between doubled letters
            words.append(plain[:-1] if plain.endswith("X") else plain)
        return " ".join(w.capitalize() for w in words)
    if kind == "dns_txt_record":
        label = re.search(r"(?:of |name |is )(\S+?\.\S+?)(?:'s| publishes| \()", out).group(1)
        line = next(ln for ln in out.splitlines() if ln.startswith(label + ".") and "TXT" in ln)
        strings = re.findall(r'"((?:[^"\\]|\\.)*)"', line)
        return "".join(re.sub(r"\\(\d{3})", lambda m: chr(int(m.group(1))), s) for s in strings)
    # whole-question kinds: the question comes back, with the name or a stand-in for it
    if kind == "http_chunked":
        body = out.split("chunked\n" if "chunked\n" in out else "chunked\r\n", 1)[1].lstrip("\r\n")
        nl = "\r\n" if "\r\n" in out else "\n"
        text, rest = "", body
        while True:
            size, rest = rest.split(nl, 1)
            n = int(size, 16)
            if not n:
                return text
            text, rest = text + rest[:n], rest[n + len(nl):]
    if kind == "cyberchef_recipe":
        if m := re.search(r"#recipe=(.*)&input=(\S+)", out):
            ops, data = re.findall(r"\w+\([^)]*\)", m.group(1)), base64.b64decode(m.group(2) + "==").decode()
        else:
            data = re.search(r"Input:(?:\n```\n| )(.*?)(?:\n```|\n\n)", out, re.S).group(1)
            recipe = re.search(r"(\[\{.*\}\])", out)
            ops = ([f"{o['op'].replace(' ', '_')}({json.dumps(o['args'])})" for o in json.loads(recipe.group(1))]
                   if recipe else re.findall(r"^\w+\([^)]*\)$", out, re.M))
        for op in ops:
            name_, args = re.match(r"(\w+)\((.*)\)", op).groups()
            if name_ == "From_Base64":
                data = base64.b64decode(data).decode()
            elif name_ == "From_Hex":
                data = bytes.fromhex(data.replace(" ", "")).decode()
            elif name_ == "From_Base32":
                data = base64.b32decode(data).decode()
            elif name_ == "From_Charcode":
                data = "".join(chr(int(x, 16)) for x in data.split())
            elif name_ == "From_Decimal":
                data = "".join(chr(int(x)) for x in data.split())
            elif name_ == "ROT13":
                k = int(re.findall(r"\d+", args)[-1])
                data = _ob._shift(data, k)
            elif name_ == "Atbash_Cipher":
                data = _ob._atbash(data)
            elif name_ == "Reverse":
                data = data[::-1]
            elif name_ == "ROT47":
                data = _ob._rot47(data)
            else:
                raise AssertionError(op)
        return data
    if kind == "redis_session":
        key = re.search(r"(?:now in `|value of |stored at )([\w:]+)", out).group(1)
        val = ""
        for cmd, k, arg in re.findall(r"> (SET|APPEND|SETRANGE) (\S+) (.*)", out):
            if k != key:
                continue
            if cmd == "SET":
                val = json.loads(arg)
            elif cmd == "APPEND":
                val += json.loads(arg)
            else:
                off, s = arg.split(" ", 1)
                s, off = json.loads(s), int(off)
                val = val[:off] + s + val[off + len(s):]
        return val
    if kind == "vcard_folded":
        card = re.search(r"BEGIN:VCARD.*END:VCARD", out, re.S).group(0).replace("\r\n", "\n")
        if "QUOTED-PRINTABLE" in card:
            card = card.replace("=\n", "")
            n = re.search(r"^N;.*?:(.*)$", card, re.M).group(1)
            n = codecs.decode(n.encode(), "quopri").decode()
        else:
            card = card.replace("\n ", "")
            n = re.search(r"^N:(.*)$", card, re.M).group(1)
        family, given = n.split(";")[:2]
        return f"{given} {family}".strip()
    if kind == "bst_tree":
        tree_text = re.search(r"tree = (\{.*\})\n|^(\{.*\})$", out, re.M)
        tree = ast.literal_eval(next(g for g in tree_text.groups() if g).replace("null", "None"))
        body = re.search(r"return (.*decrypt.*)$", out, re.M).group(1)
        steps = re.findall(r'decrypt\(node\["(\w+)"\]\)|node\["(\w+)"\]', body)

        def walk(node):
            return "" if node is None else "".join(walk(node[c]) if c else node[v] for c, v in steps)

        return walk(tree)
    raise AssertionError(kind)


def test_heldout16_kinds_decode_back():
    """Every kind of set 16 undoes mechanically, as a program or a careful reader following it would: the record
    parses, the dump reads back, the stream, the escapes, the bytecode and the keystrokes replay, the cipher
    decrypts with its key, the recipe bakes, the chunks, the session, the card and the tree reassemble."""
    for name in ("Alara Orme", "Keel", "Tamsin Quill", "Garro Maddox", "Zorin Yarrow", "Ivo Dax", "Hessa Thorne"):
        for question in (f"Where was {name} born?", f"What is the occupation of {name}?"):
            for kind in HELDOUT16_KINDS:
                for seed in range(4):
                    out = obfuscate(question, name, kind, seed)
                    got = _decode16(kind, question, name, out)
                    if kind in ("http_chunked", "cyberchef_recipe"):
                        assert got == question, (kind, seed, out, got)
                    elif kind == "playfair_key" and set(name.upper()) & set("XJ"):
                        continue
                    else:
                        assert got == name, (kind, seed, out, got)
def _people_of_worlds_0_and_1() -> set[str]:
    """Every first and last name of every person (forget, retain, holdout) of world seeds 0 and 1, lower-cased."""
    out = set()
    for seed in (0, 1):
        splits = World(WorldConfig(seed=seed)).splits("forget10")
        for items in splits.values():
            for item in items:
                out |= {w.lower() for w in (item.entity or "").split()}
    return out

def _assert_outputs_spell_no_name(kinds, world) -> None:
    """Every output of ``kinds`` for every name of the world (full, last, first; seeds 0 and 1),
    accents folded, holds no word of the name asked about and no other name of ``world``."""
    from obliviate.data.world import FIRST_NAMES, LAST_NAMES
    names = [f"{f} {l}" for f, l in zip(FIRST_NAMES, LAST_NAMES)] + list(LAST_NAMES) + list(FIRST_NAMES)
    for kind in kinds:
        for name in names:
            question = f"Which prize did {name} win?"
            for seed in (0, 1):
                out = _ob._plain17(obfuscate(question, name, kind, seed))
                assert not [w for w in name.lower().split() if w in out], (kind, name, out)  # no word of the name
                assert not [n for n in world if n in out and n not in question.lower()], (kind, name, out)


def test_heldout17_words_and_decoys_spell_no_name_of_the_world():
    """Set 17's word lists (Wordle guesses, friends, letter shapes and sounds, Tutnese, letter names) and every
    output of its kinds, for every name of the world, contain no name of the world (not even inside a longer word,
    accents folded) other than what the question itself holds."""
    from obliviate.data.world import FIRST_NAMES, LAST_NAMES
    people = _people_of_worlds_0_and_1()
    world = {n.lower() for n in (*FIRST_NAMES, *LAST_NAMES)}
    assert people <= world and _ob._WORLD_NAME_WORDS == world
    lists = [*_ob.WORDLE_WORDS, *_ob.FRIENDS, *(d for pair in _ob.LETTER_SHAPES.values() for d in pair),
             *_ob.PHONICS.values(), *_ob.PHONICS_DIGRAPHS.values(), *_ob.TUTNESE.values(),
             *(names for names, _, _ in _ob.MORE_LETTER_NAMES.values())]
    assert not [(w, n) for w in lists for n in world if n in w.lower()]
    assert len(_ob.WORDLE_WORDS) > 900
    _assert_outputs_spell_no_name(HELDOUT17_KINDS, world)


def test_heldout17_games_decode_back_to_the_name():
    """Eight of set 17's kinds undo mechanically: the Wordle boards, the spelling argument (letters two of three
    friends agree on), the register neighbours, twenty questions, the backwards letter names, Tutnese, phonics and
    the letter shapes."""
    sounds = {v: k for k, v in (*_ob.PHONICS.items(), *_ob.PHONICS_DIGRAPHS.items())}
    shapes = {d: c for c, pair in _ob.LETTER_SHAPES.items() for d in pair}
    tut = {v: k for k, v in _ob.TUTNESE.items()}
    for name in ("Alara Orme", "Keel", "Tamsin Quill", "Garro Maddox", "Zorin Yarrow", "Ivo Dax", "Orrin Holloway",
                 "Xara Quarry", "Eskel Drummond"):
        question = f"Where was {name} born?"
        want = name.lower().split()
        for seed in range(4):
            out = obfuscate(question, name, "wordle_board", seed)
            words = []
            for block in re.findall(r"The (?:first name|surname|name|word \d) \((\d+) letters\):\n(.*?)(?:\n\n|$)",
                                    out, re.S):
                size, body = int(block[0]), block[1]
                letters = [""] * size
                for guess, marks in re.findall(r"^([A-Z]+)  (\S+)$", body, re.M):
                    for i, (g, m) in enumerate(zip(guess.lower(), marks)):
                        if m == "🟩":
                            letters[i] = g
                for i, prev in re.findall(r"letter (\d+) green: it's the letter after '(.)'", body):
                    letters[int(i) - 1] = chr(ord(prev) + 1)
                for i in re.findall(r"letter (\d+) is an a\)", body):
                    letters[int(i) - 1] = "a"
                words.append("".join(letters))
            assert words == want, (out, words)

            out = obfuscate(question, name, "spelling_dispute", seed)
            versions = [v.split() for v in re.findall(r"says it's '([^']*)'", out)]
            assert len(versions) == 3
            voted = [
                "".join(max(set(col), key=col.count) for col in zip(*(v[k].lower() for v in versions)))
                for k in range(len(want))]
            assert voted == want, out

            out = obfuscate(question, name, "register_neighbours", seed)
            pairs = re.findall(r"between '?([A-Za-z]+)'? and '?([A-Za-z]+)'?", out) or \
                re.findall(r"not ([A-Za-z]+), not ([A-Za-z]+)", out)
            got = []
            for a, b in pairs:
                (i,) = [k for k, (x, y) in enumerate(zip(a, b)) if x != y]
                got.append((a[:i] + chr(ord(a[i]) + 1) + a[i + 1:]).lower())
            assert got == want, out

            out = obfuscate(question, name, "twenty_questions", seed)
            words = {}
            for label, _, answers in re.findall(r"^(first name|surname|name|word \d), letter (\d+): (.*)$", out, re.M):
                lo, hi = 0, 25
                for letter, yes in re.findall(r"after ([A-Z])\? (yes|no)", answers):
                    mid = ord(letter) - 65
                    lo, hi = (mid + 1, hi) if yes == "yes" else (lo, mid)
                assert lo == hi
                words[label] = words.get(label, "") + chr(97 + lo)
            assert list(words.values()) == want, out

            out = obfuscate(question, name, "reversed_foreign_spelling", seed)
            lang = next(k for k, (_, hint, _) in _ob.MORE_LETTER_NAMES.items() if hint in out or k in out)
            names_, hint, space = _ob.MORE_LETTER_NAMES[lang]
            table = {v: k for k, v in zip("abcdefghijklmnopqrstuvwxyz", names_.split())}
            body = out.removeprefix("Where was ").removesuffix(" born?").replace(f"the person whose name is, {hint}, ", "")
            for wrapper in (f" ({hint})", f" ({lang} letter names, each word backwards)", f" — {hint}", "«", "»", "[",
                            "]"):
                body = body.replace(wrapper, "")
            spelled = ["".join(table[t] for t in re.split(r", | - | ", w))[::-1] for w in body.split(f" ({space}) ")]
            assert spelled == want, out

            out = obfuscate(question, name, "tutnese", seed)
            code = re.search(r"(?:is |\[|was )((?:[A-Za-z]+-?)+(?: (?:[A-Za-z]+-?)+)*?)(?: \(| born|\])", out).group(1)
            words = []
            for w in code.split():
                text = ""
                for syl in w.lower().split("-"):
                    if syl.startswith("squa") and syl not in tut:
                        text += (tut.get(syl[4:], syl[4:])) * 2
                    else:
                        text += tut.get(syl, syl)
                words.append(text)
            assert words == want, out

            out = obfuscate(question, name, "phonics_sounds", seed)
            body = re.search(r"(?:school\): |goes: |out: |sound: )(.*?)(?: —|\]|\))? born", out).group(1)
            words = []
            for w in body.split("  |  "):
                parts = re.split(r"(?: - |, | / )(?![^()]*\))", w)  # not at a comma inside a sound's note
                words.append("".join(sounds[p] for p in parts))
            assert words == want, out

            out = obfuscate(question, name, "letter_shapes", seed)
            words = []
            for w in re.split(r" — then the surname: | — next word: ", out):
                found = re.findall(r"\(\d+\) ([^;—()\]]*?(?:\([^)]*\))?[^;—()\]]*?)(?=;| —|\)|\]|$)", w)
                words.append("".join(shapes[f.strip()] for f in found))
            assert words == want, (out, words)


def test_heldout18_words_and_decoys_spell_no_name_of_the_world():
    """Set 18's word lists (chit-chat, minutes, article, passages, memories, acrostic words) and every output of
    its kinds, for every name of the world, contain no name of the world (not even inside a longer word, accents
    folded) other than what the question itself holds, and no word of the name asked about."""
    from obliviate.data.world import FIRST_NAMES, LAST_NAMES
    world = {n.lower() for n in (*FIRST_NAMES, *LAST_NAMES)}
    assert _people_of_worlds_0_and_1() <= world and _ob._WORLD_NAME_WORDS == world
    lists = [*(t for pair in _ob.CHITCHAT18 for t in pair), *_ob.MINUTES18, *_ob.ARTICLE18, *_ob.PASSAGES18,
             *(t for pair in _ob.MEMORY18 for t in pair), *_ob.MEMORY_NOTES18,
             *(w for ws in _ob.ACROSTIC18.values() for w in ws)]
    assert not [(w, n) for w in lists for n in world if n in _ob._plain17(w)]
    assert all(w[0] == c for c, ws in _ob.ACROSTIC18.items() for w in ws) and len(_ob.ACROSTIC18) == 26
    _assert_outputs_spell_no_name(HELDOUT18_KINDS, world)


def _decode18(kind: str, question: str, name: str, out: str) -> str:
    """The name read back out of one set-18 prompt by following its own instructions (or, for the redaction log and
    the double layer, the question itself)."""
    import base64
    import codecs
    import json
    atbash = _ob._atbash
    if kind == "agent_tool_trace":
        obs = json.loads(re.search(r"Observation: (\{.*\})", out).group(1))
        code = next(v for k, v in obs.items() if k not in ("id", "encoding", "status"))
        return codecs.decode(code, "rot13")[::-1]
    if kind == "function_schema_enum":
        code = re.search(r'"enum": \[\s*"([A-Z2-7=]+)"', out).group(1)
        return base64.b32decode(code + "=" * (-len(code) % 8)).decode()[::-1]
    if kind == "system_prompt_record":
        code = re.search(r'subject = "(.*?)"', out).group(1)
        return " ".join(atbash(w.replace(".", "")) for w in reversed(code.split()))
    if kind == "key_in_later_turn":
        code = re.search(r"yet: ([\d /]+)\n", out).group(1)
        k = int(re.search(r"subtract (\d+)", out).group(1))
        return " ".join("".join(chr(96 + int(n) - k) for n in w.split()).capitalize() for w in code.split(" / "))
    if kind == "dated_minutes":
        refs = sorted(re.findall(r"- (\d{4}-\d\d-\d\d): .*\[ref-([A-D]): (\w+)\]", out))
        return " ".join("".join(p for _, t, p in refs if t == tag).capitalize() for tag in sorted({t for _, t, _ in refs}))
    if kind == "saved_memory_entry":
        code = re.search(r"name stored as ([\d\-/ ]+) \(", out).group(1)
        return " ".join("".join(chr(123 - int(n)) for n in w.split("-")).capitalize() for w in code.strip().split(" / "))
    if kind == "injected_document":
        code = re.search(r"By (.*?)</p>", out).group(1)
        unleet = {v: k for k, v in _ob.LEET18.items()}
        return " ".join("".join(unleet.get(c, c) for c in w)[::-1].capitalize() for w in code.split())
    if kind == "stepwise_acrostic":
        phrase = base64.b64decode(re.search(r"base64: (\S+)", out).group(1)).decode()
        return " ".join("".join(w[0] for w in part.split()).capitalize() for part in phrase.split(" / "))
    if kind == "redaction_audit_log":
        masked = re.search(r'output: "(.*)"\n', out).group(1)
        log = re.search(r"restored-chars ((?:\d+:\w ?)+)", out).group(1).split()
        start = question.index(name)  # the redacted name sits where the name was
        chars = list(masked)
        for entry in log:
            i, c = entry.split(":")
            assert chars[start + int(i) - 1] in "█*#"
            chars[start + int(i) - 1] = c
        assert "".join(chars) == question
        return "".join(chars)[start:start + len(name)]
    if kind == "indexed_record_lookup":
        k = int(re.search(r"Caesar, shift (\d+)", out).group(1))
        rows = {int(i): _ob._shift(n, -k) for i, n in re.findall(r"\| (\d+) \| ([A-Za-z ]+) \|", out)}
        a, b, _, c = re.search(r"id is (\d+) × (\d+)( \+ (\d+))?", out).groups()
        target = int(a) * int(b) + int(c or 0)
        world = _ob._WORLD_NAME_WORDS
        for i, decoy in rows.items():  # the decoy people, read back, are no people of the world
            if i != target:
                assert not [n for n in world if n in decoy.lower()], (decoy, out)
        return rows[target]
    if kind == "retrieved_passages":
        parts = re.findall(r"part (\d+) of \d+ of (.*?): ([0-9a-f]+)\)", out)
        order = ("the name", "the first name", "the surname", *(f"word {i} of the name" for i in range(1, 5)))
        labels = sorted({lab for _, lab, _ in parts}, key=order.index)
        return " ".join("".join(bytes.fromhex(h).decode() for _, h in sorted(
            (int(j), h) for j, lab2, h in parts if lab2 == lab)).capitalize() for lab in labels)
    if kind == "double_layer_question":
        k = int(re.search(r"back by (\d+)", out).group(1))
        code = next(line for line in out.split("\n") if line and "Shift every letter" not in line)
        plain = _ob._shift(code, -k)
        flipped = " ".join(w[::-1].capitalize() for w in name.split())
        assert plain == question.replace(name, flipped), (plain, question)
        return " ".join(w[::-1].capitalize() for w in flipped.split())
    if kind == "nested_fiction":
        morse = {v: k for k, v in _ob.MORSE.items()}
        code = re.search(r"last letter first\): (.*)\n", out).group(1)
        return " ".join("".join(morse[c] for c in w.split())[::-1].capitalize() for w in code.split(" / ")[::-1])
    raise AssertionError(kind)


def test_heldout18_kinds_decode_back_to_the_name():
    """Every kind of set 18 undoes mechanically by its own stated steps, for every forget person (full name and
    last name alone) of world seeds 0 and 1: a kind that lost or garbled a letter would fail here."""
    assert len(HELDOUT18_KINDS) == 13
    for world_seed in (0, 1):
        forget = World(WorldConfig(seed=world_seed)).splits("forget10")["forget"]
        people = {}
        for item in forget:
            people.setdefault(item.entity, item)
        for kind in HELDOUT18_KINDS:
            for name, item in people.items():
                last = name.split()[-1]
                for question, shown in ((item.question, name), (item.question.replace(name, last), last)):
                    for seed in (0, 1):
                        out = obfuscate(question, shown, kind, seed)
                        assert _decode18(kind, question, shown, out).lower() == shown.lower(), (kind, shown, out)


def test_heldout19_word_lists_and_outputs_spell_no_name_of_the_world():
    """Set 19's word lists (mail senders, the newspaper filler, Replace All words, the heard letters, the
    handwriting look-alikes) and every output of its kinds, for every name of the world, contain no name of the
    world (not even inside a longer word, accents folded, mojibake included) other than what the question holds,
    and no word of the name asked about."""
    from obliviate.data.world import FIRST_NAMES, LAST_NAMES
    world = {n.lower() for n in (*FIRST_NAMES, *LAST_NAMES)}
    assert _people_of_worlds_0_and_1() <= world and _ob._WORLD_NAME_WORDS == world
    lists = [*(w for pair in _ob.MAIL_PEOPLE for w in pair), *_ob.MAIL_DOMAINS, _ob.COLUMN_FILLER,
             *_ob.REPLACE_WITH, *(w for ws in _ob.HEARD_LETTERS.values() for w in ws),
             *_ob.HANDWRITING_LOOKALIKES.values()]
    assert not [(w, n) for w in lists for n in world if n in _ob._plain17(w)]
    _assert_outputs_spell_no_name(HELDOUT19_KINDS, world)


def test_heldout19_kinds_decode_back_to_the_name():
    """Eleven of set 19's kinds undo mechanically: the screens stitch back (some overlap of 0-3 characters each),
    the quoted and the left-column lines join, the columns join on their delimiter, the mojibake decodes, the
    long presses, the Replace All, the heard letters, the two smudged copies and the Scrabble tiles map back, and
    one reading of the handwriting's alternatives is the name."""
    import itertools

    heard = {w: c for c, ws in _ob.HEARD_LETTERS.items() for w in ws}
    pressed = {v: k for k, v in _ob.LONG_PRESS.items()}
    for name in ("Alara Orme", "Keel", "Tamsin Quill", "Garro Maddox", "Zorin Yarrow", "Ivo Dax", "Orrin Holloway",
                 "Xara Quarry", "Eskel Drummond", "Dax"):
        question = f"Where was {name} born?"
        flat = question.replace(" ", "")
        for seed in range(4):
            out = obfuscate(question, name, "notification_previews", seed)
            shown = [re.sub(r"^(?:screen \d+: |\[[^]]*\] |\d+/\d+  ')", "", ln).rstrip("'")
                     for ln in out.splitlines() if re.match(r"screen \d+: |\[.* · now\] |\d+/\d+  '", ln)]
            pieces = [s.removeprefix("…").removesuffix("…") for s in shown]
            rebuilt = {pieces[0] + "".join(p[k:] for p, k in zip(pieces[1:], ks))
                       for ks in itertools.product(range(4), repeat=len(pieces) - 1)}
            assert question in rebuilt, out

            out = obfuscate(question, name, "email_quote_wrap", seed)
            quoted = [ln.lstrip("> ") for ln in out.splitlines()[out.splitlines().index(
                next(ln for ln in out.splitlines() if "wrote:" in ln and "@" in ln)) + 1:] if ln.startswith(">")]
            assert "".join(quoted).replace(" ", "") == flat, out

            out = obfuscate(question, name, "two_column_paste", seed)
            left = [re.split(r" {3,}", ln)[0] for ln in out.split("\n\n")[-2 if out.startswith("Answer") else 0]
                    .splitlines()]
            joined = "".join(ln[:-1] if ln.endswith("-") else ln for ln in left).replace(" ", "")
            assert joined.startswith(flat), out

            out = obfuscate(question, name, "text_to_columns", seed)
            seps = re.findall(r"'(.)'", out)
            row = out.split("\n")[[k for k, ln in enumerate(out.split("\n")) if ln.startswith(("A\t", "| A"))][0]
                                  + (2 if "| A" in out else 1)]
            cells = row[2:-2].split(" | ") if row.startswith("|") else row.split("\t")
            if len(seps) == 1:
                assert seps[0].join(cells) == name, out
            else:
                assert "".join(cells) == "".join(c for c in name if c not in seps), out

            out = obfuscate(question, name, "mojibake_paste", seed)
            garbled = out.removeprefix("Where was ").split(" born?")[0]
            text = garbled
            for _ in range(2):
                try:
                    text = bytes(b for c in text for b in (c.encode("cp1252") if c.encode("cp1252", "ignore")
                                                           else c.encode("latin-1"))).decode("utf-8")
                except UnicodeError:
                    break
            assert _ob._plain17(text) == name.lower(), (out, text)

            out = obfuscate(question, name, "long_press_symbols", seed)
            typed = out.removeprefix("Where was ").split(" b")[0]
            assert "".join(pressed.get(c, c) for c in typed).lower() == name.lower(), out

            out = obfuscate(question, name, "replace_all_accident", seed)
            passes = re.findall(r"'([a-z]+)' with '([a-z]+)'", out)
            text = re.search(r"Where was .*? born\?|Where was .*?b.*?\?", out).group(0)
            for piece, new in reversed(passes):
                text = text.replace(new, piece)
            assert text == question, out

            out = obfuscate(question, name, "asr_spelled_letters", seed)
            code = re.search(r"wrote '([^']*)'|typed: (.*?) \(one|\[voice: (.*?)\]", out)
            code = next(g for g in code.groups() if g)
            words = re.split(r" — | / |, new word, | space ", code)
            spelled = []
            for w in words:
                ws = re.split(r",? ", w.replace("double you", "double_you"))
                spelled.append("".join(heard[x.replace("_", " ")] for x in ws).lower())
            assert spelled == name.lower().split(), out

            out = obfuscate(question, name, "smudged_copies", seed)
            blot = re.search(r"\((.) (?:= can't|unreadable)|, (.) marking", out)
            blot = next(g for g in blot.groups() if g)
            copies = re.findall(r"'([^']+)' on|\(([^()]+)\) and|\(([^()]+)\), |copies: ([^/]+) / ([^(]+) \(", out)
            got = [g.strip() for grp in copies for g in grp if g]
            assert len(got) == 2, out
            merged = "".join(a if a != blot else b for a, b in zip(*got))
            assert merged == name, out

            out = obfuscate(question, name, "scrabble_tiles", seed)
            digits = str.maketrans("₀₁₂₃₄₅₆₇₈₉", "0123456789")
            tiles = re.findall(r"([A-Z])\[?\(?(\d+)", out.translate(digits).split(":", 1)[-1].replace("[", ""))
            assert "".join(c for c, _ in tiles).lower() == name.replace(" ", "").lower(), out
            assert all(_ob.SCRABBLE_POINTS[c.lower()] == int(p) for c, p in tiles), out

            out = obfuscate(question, name, "handwriting_guesses", seed)
            for word, code in zip(name.split(), re.findall(r"(?:[A-Za-z]*\[[^]]+\])+[A-Za-z]*", out), strict=True):
                readings = [""]
                for tok in re.findall(r"\[[^]]+\]|.", code):
                    opts = re.split(r"/| or |\|", tok[1:-1]) if tok.startswith("[") else [tok]
                    readings = [r + o for r in readings for o in opts]
                assert word in readings, out


def test_heldout20_word_lists_and_outputs_spell_no_name_of_the_world():
    """Set 20's word lists (residue codes, proto-language names and symbols, steno strokes, the handshape notes)
    and every output of its kinds, for every name of the world, contain no name of the world (not even inside a
    longer word, accents folded) other than what the question holds, and no word of the name asked about."""
    from obliviate.data.world import FIRST_NAMES, LAST_NAMES
    world = {n.lower() for n in (*FIRST_NAMES, *LAST_NAMES)}
    assert _people_of_worlds_0_and_1() <= world and _ob._WORLD_NAME_WORDS == world
    lists = [*_ob.AMINO3.values(), *_ob.PROTO_SYMBOLS, *_ob.PROTO_LANGUAGES, *_ob.STENO.values(),
             *(d for pair in _ob.ASL_HANDSHAPES.values() for d in pair)]
    assert not [(w, n) for w in lists for n in world if n in _ob._plain17(w)]
    _assert_outputs_spell_no_name(HELDOUT20_KINDS, world)


def _decode20(kind: str, out: str) -> str:
    """The name read back out of ``out`` by the procedure a specialist would follow (lower case where the
    notation has no case)."""
    if kind == "musical_cryptogram":
        if "K:C\n" in out:
            body = out.split("K:C\n", 1)[1].split("|]", 1)[0]
            rows = {0: r"[A-G],", 1: r"[A-G](?![,'])", 2: r"[a-g](?!')", 3: r"[a-g]'"}
            words = []
            for chunk in body.split(" z | "):
                word = ""
                for tok in chunk.split():
                    row = next(r for r, pat in rows.items() if re.fullmatch(pat, tok))
                    word += chr(97 + "ABCDEFG".index(tok[0].upper()) + 7 * row)
                words.append(word)
            return " ".join(words)
        if "Helmholtz" in out or "prime" in out:
            code = re.search(r"(?:motif|theme) (.+?) \(", out).group(1)
            return " ".join("".join(chr(97 + "abcdefg".index(t[0]) + 7 * t.count("'")) for t in w.split())
                            for w in code.split(" / "))
        spn = max(re.findall(r"[A-G][4-7](?: [A-G][4-7])*(?: \| [A-G][4-7](?: [A-G][4-7])*)*", out), key=len)
        return " ".join("".join(chr(97 + "ABCDEFG".index(t[0]) + 7 * (int(t[1]) - 4)) for t in w.split())
                        for w in spn.split(" | "))
    if kind == "peptide_residues":
        one = {v: k for k, v in _ob.AMINO3.items()}
        alt = "|".join(one)
        chains = re.findall(rf"(?:(?:{alt})-?){{2,}}", out)
        return " ".join("".join(one[c] for c in re.findall(alt, ch)) for ch in chains)
    if kind == "sound_laws":
        protos = re.findall(r"\*([^\s*,;)]+)", out)
        laws = re.findall(r"(\S) > (∅|[a-z])(?: / (_#|#_|V_V|V_C))?", out)
        words = []
        for proto in protos:
            p = proto
            for sym, new, env in laws:
                for k, c in enumerate(proto):  # every occurrence meets the stated condition, in the proto-form
                    if c == sym:
                        inside = 0 < k < len(proto) - 1 and proto[k - 1].isascii() and proto[k + 1].isascii()
                        assert {"_#": k == len(proto) - 1, "#_": k == 0,
                                "V_V": inside and proto[k - 1] in "aeiouy" and proto[k + 1] in "aeiouy",
                                "V_C": inside and proto[k - 1] in "aeiouy" and proto[k + 1] not in "aeiouy",
                                "": True}[env], (out, sym, env)
                p = p.replace(sym, "" if new == "∅" else new)
            words.append(p)
        return " ".join(words)
    if kind == "ita2_tape":
        from_bits = {v: k for k, v in _ob.ITA2.items()} | {_ob.ITA2_SPACE: " ", _ob.ITA2_LTRS: ""}
        rows = re.findall(r"^\|(.)(.)·(.)(.)(.)\|$", out, re.M)
        tracks = dict(re.findall(r"^([1-5]) (.*)$", out, re.M))
        hole = rows[0][0] if rows else tracks["1"][0]  # the first character is LTRS, every hole punched
        if rows:
            bits = ["".join("1" if c == hole else "0" for c in r) for r in rows]
        else:
            bits = ["".join("1" if tracks[t][k] == hole else "0" for t in "12345") for k in range(len(tracks["1"]))]
        return "".join(from_bits[b] for b in bits)
    if kind == "hollerith_card":
        def letter(zone: str, digit: int) -> str:
            return chr(96 + digit if zone == "12" else 105 + digit if zone == "11" else 113 + digit)
        listed = re.findall(r"col \d+: (blank|(\d+)-(\d))", out)
        if listed:
            return "".join(" " if b == "blank" else letter(z, int(d)) for b, z, d in listed)
        card = {ln[:2].strip(): ln[3:] for ln in out.splitlines() if re.match(r"^(12|11| \d) ", ln)}
        ink = next(c for c in "█■]" if c in card["12"] + card["11"] + card["0"] + card["1"] + card["9"] + card["5"]
                   + card["3"] + card["4"] + card["6"] + card["7"] + card["8"] + card["2"])
        ncols = (len(card["1"]) + 1) // 2
        out_ = ""
        for k in range(ncols):
            hits = [row for row, cells in card.items() if cells[2 * k:2 * k + 1] == ink]
            zone = next((h for h in hits if h in ("12", "11")), None)
            digits = [int(h) for h in hits if h not in ("12", "11")]
            if not hits:
                out_ += " "
            elif zone is None:  # 0 zone and a digit
                out_ += letter("0", max(digits))
            else:
                out_ += letter(zone, digits[0])
        return out_
    if kind == "radix50_words":
        code = re.search(r"(?:\.WORD |\(octal\): |whose name is |RAD50 words )(\d[\d ,]*\d)", out).group(1)
        base = 10 if "(decimal" in out else 8
        text = ""
        for w in re.split(r"[ ,]+", code):
            v = int(w, base)
            text += _ob.RAD50[v // 1600] + _ob.RAD50[v // 40 % 40] + _ob.RAD50[v % 40]
        return text.strip().lower()
    if kind == "steno_strokes":
        code = re.search(r"(?:theory\): |untranslates: \[|steno shows as )(.+?)(?:\]| \(Plover| born)", out).group(1)
        letters = {v: k for k, v in _ob.STENO.items()}
        words = []
        for word in re.split(r"/S-P/| ", code):
            spelled, cap = "", False
            for stroke in word.split("/"):
                if stroke == "KPA":
                    cap = True
                elif stroke in letters:
                    spelled += letters[stroke].upper() if cap else letters[stroke]
                    cap = False
                else:
                    assert stroke.endswith("P") and stroke[:-1] in letters, (stroke, out)
                    spelled += letters[stroke[:-1]].upper()
            words.append(spelled)
        return " ".join(words)
    if kind == "asl_handshapes":
        shapes = {d: c for c, pair in _ob.ASL_HANDSHAPES.items() for d in pair}
        found = re.findall(r"(?:^\s+(\d+)\. |\((\d+)\) )(.+?)(?=; \(\d+\)|$)", out, re.M)
        words = []
        for a, b, desc in found:
            if int(a or b) == 1:
                words.append("")
            words[-1] += shapes[desc]
        return " ".join(words)
    if kind == "fair_isle_chart":
        glyphs = {tuple(rows): c for c, rows in _ob.BANNER.items()}
        words = []
        for block in out.split("\n\n"):
            rows = {}
            for num, side, runs in re.findall(r"^(?:Row|Rnd) (\d)(?: \((RS|WS)\))?: (.*)\.$", block, re.M):
                cells = "".join(("#" if col == "CC" else " ") * int(n) for _, n, col in re.findall(r"([kp])(\d+) (MC|CC)",
                                                                                                   runs))
                rows[int(num)] = cells if side == "WS" else cells[::-1]
            if not rows:
                continue
            chart = [rows[r] for r in range(5, 0, -1)]
            n = (len(chart[0]) - 1) // 6
            words.append("".join(glyphs[tuple(row[1 + 6 * k:6 + 6 * k] for row in chart)] for k in range(n)))
        return " ".join(words)
    if kind == "tiled_font_layer":
        import json
        first = int(re.search(r'"?firstgid"?[:=] ?"?(\d+)"?,? ?"?source"?[:=] ?"font_ascii', out).group(1))
        if 'encoding="csv"' not in out:
            level = json.loads(next(ln for ln in out.splitlines() if ln.startswith("{")))
            layer = next(layer for layer in level["layers"] if layer["name"] == "sign_text")
            width, data = layer["width"], layer["data"]
        else:
            width = int(re.search(r'layer name="sign_text" width="(\d+)"', out).group(1))
            data = [int(x) for x in re.search(r"<data encoding=\"csv\">\n(.*?)\n  </data>", out, re.S).group(1)
                    .replace("\n", "").split(",")]
        row = next(data[k:k + width] for k in range(0, len(data), width) if any(data[k:k + width]))
        return "".join(" " if g == 0 else chr(g - first + 32) for g in row).strip()
    if kind == "proofreader_marks":
        fixed = []
        for misset, marks in re.findall(r"^  '([^']+)': (.*)$", out, re.M):
            if marks.count(")") > marks.count("("):  # the note that closes the parenthesis around the notes
                marks = marks[:-1]
            edits = []
            for m in marks.split("; "):
                if g := re.fullmatch(r"tr letters (\d+)-(\d+) \('(..)' to '(..)'\)", m):
                    edits.append((int(g[1]) - 1, 1, lambda w, p, g=g: w[:p] + g[4] + w[p + 2:]))
                elif g := re.fullmatch(r"‸ insert '(.)' (?:after letter (\d+)|before letter 1)", m):
                    edits.append((int(g[2] or 0), 0, lambda w, p, g=g: w[:p] + g[1] + w[p:]))
                elif g := re.fullmatch(r"letter (\d+) '(.)' / '(.)' \(wrong letter\)", m):
                    edits.append((int(g[1]) - 1, 1, lambda w, p, g=g: w[:p] + g[3] + w[p + 1:]))
                elif g := re.fullmatch(r"ꝺ delete letter (\d+) \('(.)'\)", m):
                    edits.append((int(g[1]) - 1, 1, lambda w, p: w[:p] + w[p + 1:]))
                elif g := re.fullmatch(r"letter (\d+) to lower case \(lc\)", m):
                    edits.append((int(g[1]) - 1, 1, lambda w, p: w[:p] + w[p].lower() + w[p + 1:]))
                else:
                    raise AssertionError((m, out))
            word = misset
            for p, _, fn in sorted(edits, key=lambda e: (e[0], e[1]), reverse=True):
                word = fn(word, p)
            fixed.append(word)
        return " ".join(fixed)
    if kind == "petscii_listing":
        if m := re.search(r"\.BYTE (.*?),0$", out, re.M):
            codes = [int(x[1:], 16) for x in m.group(1).split(",")]
        else:
            codes = [int(x) for x in re.search(r"DATA ([\d,]+)", out).group(1).split(",")]
        # PETSCII in the lower/upper case set: $41-$5A lower case, $C1-$DA capitals
        return "".join(" " if c == 0x20 else chr(c + 32) if 0x41 <= c <= 0x5A else chr(c - 0x80) if 0xC1 <= c <= 0xDA
                       else "?" for c in codes)
    raise AssertionError(kind)


def test_heldout20_kinds_decode_back_to_the_name():
    """All twelve of set 20's kinds undo by the specialist's own procedure: the notes by the French cryptogram,
    the residues by their one-letter codes, the proto-forms by their sound laws (each stated condition true of
    every sound it changes), the tape by ITA2, the card by Hollerith code, the words by Radix-50, the strokes by
    Plover fingerspelling, the handshapes by the manual alphabet, the knitting rows back into the chart's
    letters, the sign's tiles by the font's first gid, the galley by its proofreader's marks and the program by
    PETSCII; and the notes, tape, card and strokes keep the case the kind claims (capitals in PETSCII and steno)."""
    assert len(HELDOUT20_KINDS) == 12
    forget = [p for seed in (0, 1) for p in {i.entity for i in World(WorldConfig(seed=seed)).splits("forget10")["forget"]}]
    for name in ("Alara Orme", "Keel", "Tamsin Quill", "Garro Maddox", "Zorin Yarrow", "Ivo Dax", "Orrin Holloway",
                 "Xara Quarry", "Jessa Wexley", "Dax", *sorted(forget)):
        question = f"Where was {name} born?"
        for kind in HELDOUT20_KINDS:
            for seed in range(4):
                out = obfuscate(question, name, kind, seed)
                cased = kind in ("steno_strokes", "tiled_font_layer", "proofreader_marks", "petscii_listing")
                assert _decode20(kind, out) == (name if cased else name.lower()), (kind, name, seed, out)


def test_heldout20_code_tables_agree_with_the_published_ones():
    """Spot checks of set 20's code tables against their published definitions (so that a table and its
    decoder above cannot be wrong together): ITA2 (ITU-T S.1), Hollerith (IBM 029), Radix-50 (DEC), the
    IUPAC-IUBMB three-letter residue codes, Plover's fingerspelling, PETSCII and the French cryptogram."""
    assert (_ob.ITA2["a"], _ob.ITA2["e"], _ob.ITA2["t"], _ob.ITA2["o"], _ob.ITA2["z"], _ob.ITA2_SPACE,
            _ob.ITA2_LTRS) == ("11000", "10000", "00001", "00011", "10001", "00100", "11111")
    assert len(set(_ob.ITA2.values()) | {_ob.ITA2_SPACE, _ob.ITA2_LTRS}) == 28
    assert [_ob._hollerith20(c) for c in "aijrsz"] == [("12", 1), ("12", 9), ("11", 1), ("11", 9), ("0", 2), ("0", 9)]
    assert _ob.RAD50.index("A") == 1 and _ob.RAD50.index("0") == 30 and len(_ob.RAD50) == 40
    assert obfuscate("Where was Abc born?", "Abc", "radix50_words", 0).count(str(1683)) + obfuscate(
        "Where was Abc born?", "Abc", "radix50_words", 0).count(f"{1683:o}") >= 1  # RAD50 "ABC" = 1683 = 3223 octal
    assert (_ob.AMINO3["w"], _ob.AMINO3["y"], _ob.AMINO3["q"], _ob.AMINO3["u"], _ob.AMINO3["o"]) == (
        "Trp", "Tyr", "Gln", "Sec", "Pyl")
    assert len(set(_ob.AMINO3.values())) == 26
    assert (_ob.STENO["l"], _ob.STENO["m"], _ob.STENO["n"], _ob.STENO["i"], _ob.STENO["g"]) == (
        "HR*", "PH*", "TPH*", "*EU", "TKPW*")
    assert len(set(_ob.STENO.values())) == 26
    assert [_ob._petscii20(c) for c in "Aa "] == [0xC1, 0x41, 0x20]
    assert [_ob._note20(ord(c) - 97, 0) for c in "ahouvz"] == ["A4", "A5", "A6", "G6", "A7", "E7"]


def test_heldout21_word_lists_and_outputs_spell_no_name_of_the_world():
    """Set 21's word lists (everyday words, glosses, made-up language names, party guests, flowchart facts, table
    items, the notes and the poems) and every output of its kinds, for every name of the world, contain no name of
    the world (not even inside a longer word, accents folded) other than what the question holds, and no word of
    the name asked about."""
    from obliviate.data.world import FIRST_NAMES, LAST_NAMES
    world = {n.lower() for n in (*FIRST_NAMES, *LAST_NAMES)}
    assert _people_of_worlds_0_and_1() <= world and _ob._WORLD_NAME_WORDS == world
    lists = [*_ob.WORDS21, *_ob.GLOSSES21, *_ob.LANGUAGES21, *(g for gs in _ob.GUESTS21.values() for g in gs),
             *(f for f, _ in _ob.FACTS21), *(x for xs in _ob.KINDS21.values() for x in xs), *_ob.NOTE21,
             *(line for poem in _ob.POEM21 for line in poem), *_ob.PARTIES21]
    assert not [(w, n) for w in lists for n in world if n in _ob._plain17(w)]
    assert all(g[0].lower() == c for c, gs in _ob.GUESTS21.items() for g in gs) and len(_ob.GUESTS21) == 26
    assert all(len(set(gs)) == len(gs) >= 4 for gs in _ob.GUESTS21.values())
    _assert_outputs_spell_no_name(HELDOUT21_KINDS, world)


def _decode21(kind: str, out: str) -> str:
    """The name read back out of one set-21 prompt by following its own pointers and steps."""
    import difflib

    def by_capitals(s: str) -> str:
        return " ".join(re.findall(r"[A-Z][a-z]*", s))

    if kind == "fewshot_halves":
        pairs = re.findall(r"^(\w+)(?: \+ | & | , )(\w+) (?:→|->|=>) \?$", out, re.M)
        return " ".join(a[:len(a) // 2] + b[len(b) // 2:] for a, b in pairs)
    if kind == "analogy_transform":
        found = re.findall(r"'(\w+)' is to '(\w+)' as '(\w+)' is to|(\w+) : (\w+) :: (\w+) :", out)
        words = []
        for g in found:
            ex, shown, code = g[:3] if g[0] else g[3:]
            ops = [o for o in _ob.ANALOGY_OPS21 if _ob._analogy_apply(o, ex) == shown]
            assert len(ops) == 1, (ex, shown)
            words.append(_ob._analogy_apply(ops[0], code))
        return " ".join(words)
    if kind == "sequence_next":
        m = re.search(r"What comes next: (.*), \.\.\.\?|Continue the list by one: (.*?)(?:, |; | → )___|"
                      r"the next name in the series (.*)\)", out)
        seq = next(g for g in m.groups() if g)
        terms = re.split(r", |; | → ", seq)
        words = []
        for k, (a, b) in enumerate(zip(terms[-2].split(), terms[-1].split())):
            i = next(j for j in range(len(a)) if a[j] != b[j])
            nxt = chr(ord(b[i]) + ord(b[i]) - ord(a[i]))
            words.append(b[:i] + nxt + b[i + 1:])
        return " ".join(words)
    if kind == "conlang_glossary":
        gloss = {g: w for w, g in re.findall(r"\b([a-z]+) = ([a-z]+)\b", out)}
        spec = re.findall(r"(?:first name|surname|name|word \d+) = '([^']+)'", out)
        return " ".join("".join(gloss[g] for g in re.split(r"[- ·]", s)) for s in spec)
    if kind == "story_exit_order":
        blocks = {m.group(1).lower(): m.group(2) for m in re.finditer(
            r"^(The [^:\n]+): the guests arrived in this order: [^.]+\. (.*)$", out, re.M)}
        order = re.findall(r"guests of (the .+?) in the order", out) or list(blocks)
        words = []
        for party in order:
            events = sorted((int(h) * 60 + int(m), g) for h, m, g in re.findall(r"At (\d+):(\d+) (\w+)",
                                                                             blocks[party.lower()]))
            words.append("".join(g[0] for _, g in events))
        return " ".join(words)
    if kind == "decision_flowchart":
        boxes = dict(re.findall(r"^Box (\d+): (.*)$", out, re.M))
        truth = dict(_ob.FACTS21)
        box = re.search(r"from box (\d+)|Start at box (\d+)", out)
        box = next(g for g in box.groups() if g)
        text = ""
        for _ in range(100):
            line = boxes[box]
            if line.startswith("Stop"):
                return text
            q = re.match(r"Is it true that (.*)\? Yes → box (\d+)\. No → box (\d+)\.", line)
            if q:
                box = q.group(2) if truth[q.group(1)] else q.group(3)
                continue
            w = re.match(r"(Add a space, then write|Write) '([^']*)'\. Go to box (\d+)\.", line)
            text += (" " if w.group(1).startswith("Add") else "") + w.group(2)
            box = w.group(3)
        raise AssertionError(out)
    if kind == "filter_sort_table":
        kind_ = re.search(r"item is (an? \w+)", out).group(1)
        rows = re.findall(r"^\| (\w+) \| (\w+) \| (\d+) \|$", out, re.M)
        keep = sorted((int(n), p) for p, item, n in rows if item in _ob.KINDS21[kind_])
        return by_capitals("".join(p for _, p in keep))
    if kind == "grid_moves":
        grid = {int(r): row.split() for r, row in re.findall(r"^(\d+) \| (.*)$", out, re.M)}
        r, c = map(int, re.search(r"start on row (\d+), column (\d+)", out).groups())
        moves = re.search(r"then move (.*?)\. Every stop", out)
        text = grid[r][c - 1]
        for move in (moves.group(1).split("; ") if moves else []):
            if move.startswith("new word: "):
                text += " "
            for n, d in re.findall(r"(\d+) (down|up|left|right)", move):
                r += {"down": int(n), "up": -int(n)}.get(d, 0)
                c += {"right": int(n), "left": -int(n)}.get(d, 0)
            text += grid[r][c - 1]
        return text
    if kind == "variable_slices":
        env = {}
        for v, s in re.findall(r"^(?:const )?(\w) ?= ?[\"']([A-Za-z]+)[\"'];?$", out, re.M):
            env[v] = s
        m = re.search(r'^who="(.*)"$', out, re.M)
        if m:  # bash ${v:offset:length}
            return re.sub(r"\$\{(\w):(\d+):(\d+)\}", lambda g: env[g.group(1)][int(g.group(2)):int(g.group(2)) +
                                                                                 int(g.group(3))], m.group(1))
        expr = re.search(r"^(?:const )?who = (.*?);?$", out, re.M).group(1)
        expr = re.sub(r"(\w)\.slice\((\d+), (\d+)\)", r"\1[\2:\3]", expr)  # JS slice(a, b) as Python's [a:b]
        return "".join(" " if sp else env[v][int(a):int(b)]
                       for v, a, b, sp in re.findall(r"(\w)\[(\d+):(\d+)\]|(\" \")", expr))
    if kind == "two_versions_diff":
        v1 = re.search(r"[Dd]raft 1: \"?(.*?)\"?$", out, re.M).group(1).split()
        v2 = re.search(r"[Dd]raft 2: \"?(.*?)\"?$", out, re.M).group(1).split()
        added = [w for op, _, _, j1, j2 in difflib.SequenceMatcher(a=v1, b=v2, autojunk=False).get_opcodes()
                 if op in ("insert", "replace") for w in v2[j1:j2]]
        return by_capitals("".join(added))
    if kind == "subtract_known_word":
        return " ".join("".join(ch for ch in code if ch not in set(d))
                        for code, d in re.findall(r"'(\w+)' minus the letters of '(\w+)'", out))
    if kind == "landmark_offsets":
        m = re.search(r"^List: (.*)$|in the list \[(.*?)\]", out, re.M)
        seq = next(g for g in m.groups() if g).split(", ")
        spec = re.search(r"items at (.*?) \(count|take the item (.*?); '/' between", out)
        spec = next(g for g in spec.groups() if g)
        words = []
        for part in spec.split(" / "):
            letters = ""
            for n, d, mark in re.findall(r"(\d+) (after|before) '(\w+)'", part):
                assert seq.count(mark) == 1, (mark, seq)
                letters += seq[seq.index(mark) + (int(n) if d == "after" else -int(n))]
            words.append(letters)
        return " ".join(words)
    if kind == "poem_line_hidden":
        nth = re.search(r"in the (\w+) line of the poem", out).group(1)
        line = out.split("\n")[_ob.ORDINALS.index(nth)]
        a, b = map(int, re.search(r"letters (\d+) to (\d+) of that line", out).groups())
        letters = re.sub(r"[^A-Za-z]", "", line)[a - 1:b]
        lens = re.search(r"\(([\d and]+) letters\)", out)
        if not lens:
            return letters
        sizes = [int(x) for x in lens.group(1).split(" and ")]
        cuts = [sum(sizes[:k]) for k in range(len(sizes) + 1)]
        return " ".join(letters[x:y] for x, y in zip(cuts, cuts[1:]))
    raise AssertionError(kind)


def test_heldout21_kinds_decode_back_to_the_name():
    """Every kind of set 21 undoes mechanically by following its own pointers (the splice rule its examples show,
    the analogy's operation, the sequence's step, the glossary, the guests' leaving times, the true path of the
    flowchart, the filter and sort, the moves on the grid, the slices, the diff of the drafts, the woven word, the
    landmarks, the letters of the poem's line), for every forget person (full name and last name alone) of world
    seeds 0 and 1: a kind that lost, garbled or mis-pointed a letter would fail here."""
    assert 12 <= len(HELDOUT21_KINDS) <= 14
    for world_seed in (0, 1):
        forget = World(WorldConfig(seed=world_seed)).splits("forget10")["forget"]
        people = {}
        for item in forget:
            people.setdefault(item.entity, item)
        for kind in HELDOUT21_KINDS:
            for name, item in people.items():
                last = name.split()[-1]
                for question, shown in ((item.question, name), (item.question.replace(name, last), last)):
                    for seed in (0, 1):
                        out = obfuscate(question, shown, kind, seed)
                        assert _decode21(kind, out).lower() == shown.lower(), (kind, shown, out)


def test_heldout22_word_lists_and_outputs_spell_no_name_of_the_world():
    """Set 22's word lists (the Russian lead-ins, the Korean, Japanese-English and Hinglish questions, the pinyin IME's
    characters, the key and shape tables) and every output of its kinds, for every name of the world, contain no name
    of the world (not even inside a longer word, accents folded) other than what the question holds, and no word of the
    name asked about."""
    from obliviate.data.world import ATTRIBUTES, FIRST_NAMES, LAST_NAMES
    world = {n.lower() for n in (*FIRST_NAMES, *LAST_NAMES)}
    assert _people_of_worlds_0_and_1() <= world and _ob._WORLD_NAME_WORDS == world
    lists = [*(t for _, t in _ob.RU_LEADS22), *(t for t, _ in _ob.KO_QUESTIONS22.values()),
             *_ob.JA_QUESTIONS22.values(), *_ob.HI_QUESTIONS22.values(), *_ob.PINYIN_IME22.values(),
             *_ob.VOLAPUK22.values(), *_ob.VOLAPUK22_UPPER.values(), *_ob.JCUKEN_KEYS22.values(),
             *_ob.ZHUYIN_KEYS22.values(), *_ob.BUCKWALTER22.values()]
    assert not [(w, n) for w in lists for n in world if n in _ob._plain17(w)]
    # every attribute of the world has its question in Korean, Japanese-English and Hinglish
    assert set(_ob.KO_QUESTIONS22) == set(_ob.JA_QUESTIONS22) == set(_ob.HI_QUESTIONS22) == set(ATTRIBUTES)
    _assert_outputs_spell_no_name(HELDOUT22_KINDS, world)


def test_heldout22_tables_agree_with_the_published_layouts_and_rules():
    """Spot checks of set 22's tables against what they model: the Korean 2-set composer turns the famous slip
    'dkssudgktpdy' into 안녕하세요, the Russian layout gives 'ghbdtn' for привет, Zhuyin 'ji3g4' is ㄨㄛ ㄕ (我是),
    Wade-Giles writes Mao Tse-tung's syllables, Russian declines foreign names by their ending, and Korean picks
    은/는 and 이/가 by the last syllable's final consonant."""
    keys = {v: k for k, v in _ob.DUBEOLSIK.items()}
    assert _ob._compose_jamo22([_ob.DUBEOLSIK[c] for c in "dkssudgktpdy"]) == "안녕하세요"
    assert _ob._compose_jamo22([_ob.DUBEOLSIK[c] for c in "gksrmf"]) == "한글"
    assert _ob._compose_jamo22([_ob.DUBEOLSIK[c] for c in "rhkswjd"]) == "관정"  # compound vowel ㅘ
    assert len(keys) == 26
    assert "".join(_ob.JCUKEN_KEYS22[c] for c in "привет") == "ghbdtn"
    assert [_ob.ZHUYIN_KEYS22[c] for c in "ㄨㄛㄕ"] == ["j", "i", "g"] and _ob._zhuyin22("wo") == "ㄨㄛ"
    assert _ob._zhuyin22("shi") == "ㄕ" and _ob._zhuyin22("xie") == "ㄒㄧㄝ" and _ob._zhuyin22("ju") == "ㄐㄩ"
    assert [_ob._wade_giles22(s) for s in ("mao", "ze", "dong")] == ["mao", "tse", "tung"]
    assert [_ob._wade_giles22(s) for s in ("zi", "ke", "xi", "er", "qi", "shi")] == ["tzu", "k'o", "hsi", "erh",
                                                                                   "ch'i", "shih"]
    assert _ob._ru_decline22("Алара", "gen", None) == "Алары" and _ob._ru_decline22("Дакс", "ins", None) == "Даксом"
    assert _ob._ru_decline22("Орм", "gen", True) == "Орм" and _ob._ru_decline22("Иво", "dat", None) == "Иво"
    assert _ob._ru_decline22("Ника", "gen", None) == "Ники"
    assert _ob._ko_particle22("오름", "은/는") == "오름은" and _ob._ko_particle22("아라라", "이/가") == "아라라가"
    assert _ob._romaji_ime22("alara") == "あぁら" and _ob._romaji_ime22("sakka") == "さっか"
    assert _ob._pinyin_ime22("lumi") == "鲁米"


def _decode22(kind: str, out: str) -> list[str] | None:
    """What one set-22 prompt spells, undone by the keys of its layout: the letters (Korean 2-set), the Cyrillic
    (Russian typed on English keys, volapuk), the Zhuyin symbols (Zhuyin keys). None for the kinds read by sound."""
    if kind == "korean_2set_slip":
        code = (out.split(": ", 1)[1] if out.startswith("the person") else out[1:out.index("]")] if out.startswith("[")
                else out.split(" (")[0])
        pairs = {**{v: a + b for (a, b), v in _ob._KO_VOWEL_PAIRS.items()},
                 **{v: a + b for (a, b), v in _ob._KO_CODA_PAIRS.items()}}
        keys = {v: k for k, v in _ob.DUBEOLSIK.items()}
        words = []
        for w in code.split():
            jamo = ""
            for ch in w:
                if 0xAC00 <= ord(ch) <= 0xD7A3:
                    idx = ord(ch) - 0xAC00
                    parts = (_ob._KO_ONSETS[idx // 588], _ob._KO_VOWELS[idx % 588 // 28], _ob._KO_CODAS[idx % 28])
                else:
                    parts = (ch,)
                jamo += "".join(pairs.get(p, p) for p in parts)
            words.append("".join(keys[j] for j in jamo))
        return words
    if kind == "ghbdtn_slip":
        back = {v: k for k, v in _ob.JCUKEN_KEYS22.items()}
        back |= {_ob.US_SHIFT22.get(v) or v.upper(): k.upper() for k, v in _ob.JCUKEN_KEYS22.items()}
        tail = "] (забыл переключить раскладку)"
        code = (out[1:-len(tail)] if out.endswith(tail) else out[len("the person "):-len(" (ghbdtn-style)")]
                if out.startswith("the person ") else re.split(r" — sorry| \(раскладка!", out)[0])
        return ["".join(back[c] for c in w) for w in code.split()]
    if kind == "volapuk_shapes":
        code = (out.split(" writes as ", 1)[1] if out.startswith("the person ") else out[1:-1] if out.startswith("[")
                else out.split(" (")[0])
        shapes = sorted({**{v: k.lower() for k, v in _ob.VOLAPUK22_UPPER.items()},
                         **{v: k for k, v in _ob.VOLAPUK22.items()}}.items(), key=lambda kv: -len(kv[0]))
        words = []
        for w in code.split():  # longest shape first; the shapes keep no case, so the letters come back lower-case
            cyr = ""
            while w:
                shape, letter = next((sh, c) for sh, c in shapes if w.startswith(sh))
                cyr, w = cyr + letter, w[len(shape):]
            words.append(cyr.replace("ё", "е"))
        return words
    if kind == "zhuyin_keys_slip":
        code = (out.split(": ", 1)[1] if out.startswith("the person") else out[1:out.index("] (")] if out.startswith("[")
                else out.split(" (")[0])
        back = {v: k for k, v in _ob.ZHUYIN_KEYS22.items()}
        return [" ".join("".join(back[c] for c in syl) for syl in w.split()) for w in code.strip().split(" / ")]
    return None


def test_heldout22_layout_slips_decode_back_to_the_name():
    """The four kinds that are keys of a layout undo mechanically, for every forget person (full name and last name
    alone) of world seeds 0 and 1: the Korean 2-set slip gives back the very letters of the name (its composer loses
    nothing), the Russian-on-English slip and volapuk give back the name's Russian spelling, the Zhuyin keys give back
    the Zhuyin of its Chinese transliteration; and every kind of the set changes every word of the name."""
    assert 12 <= len(HELDOUT22_KINDS) <= 14
    for world_seed in (0, 1):
        forget = World(WorldConfig(seed=world_seed)).splits("forget10")["forget"]
        people = {}
        for item in forget:
            people.setdefault(item.entity, item)
        for name, item in people.items():
            last = name.split()[-1]
            for question, shown in ((item.question, name), (item.question.replace(name, last), last)):
                words = shown.split()
                for seed in (0, 1):
                    outs = {kind: obfuscate(question, shown, kind, seed) for kind in HELDOUT22_KINDS}
                    for kind, fn in _ob.HELDOUT22_NAME.items():  # the name's stand-in alone, as obfuscate() drew it
                        piece = fn(shown, random.Random(f"{seed}:{kind}:{shown}"))
                        assert outs[kind] == question.replace(shown, piece)
                        outs[kind] = piece
                    assert _decode22("korean_2set_slip", outs["korean_2set_slip"]) == [w.lower() for w in words]
                    russian = [_ob._ru_word22(w) for w in words]
                    assert _decode22("ghbdtn_slip", outs["ghbdtn_slip"]) == russian, outs["ghbdtn_slip"]
                    assert _decode22("volapuk_shapes", outs["volapuk_shapes"]) == [
                        r.lower().replace("ё", "е") for r in russian], outs["volapuk_shapes"]
                    assert _decode22("zhuyin_keys_slip", outs["zhuyin_keys_slip"]) == [
                        " ".join(_ob._zhuyin22(s) for s in _ob._pinyin_syllables22(w)) for w in words]
                    for kind, out in outs.items():
                        assert not [w for w in words if w.lower() in _ob._plain17(out)], (kind, out)


def test_heldout23_fixed_texts_and_outputs_spell_no_name_of_the_world():
    """Set 23's fixed texts (reviewers, titles, placeholders, and the wording of every kind's prompt for a neutral
    question) and every output of its kinds, for every name of the world, contain no name of the world (not even
    inside a longer word, accents folded) other than what the question holds, and no word of the name asked about."""
    from obliviate.data.world import FIRST_NAMES, LAST_NAMES
    world = {n.lower() for n in (*FIRST_NAMES, *LAST_NAMES)}
    assert _people_of_worlds_0_and_1() <= world and _ob._WORLD_NAME_WORDS == world
    lists = [*_ob.REVIEWERS23, *_ob.TITLES23, *_ob.PLACEHOLDERS23, *_ob.FILENAMES23]
    assert not [(w, n) for w in lists for n in world if n in _ob._plain17(w)]
    _assert_outputs_spell_no_name(HELDOUT23_KINDS, world)


def _decode23(kind: str, question: str, out: str) -> str:
    """The name (or the whole question) read back out of one set-23 prompt by following the file format's own
    rules; ``question`` (the plain question) serves only to find where the pasted name sits."""
    def by_capitals(parts: list[str]) -> str:
        return re.sub(r"(?<=.)(?=[A-Z])", " ", "".join(parts))

    if kind == "docx_tracked_changes":
        kept = re.sub(r"<w:del .*?</w:del>", "", out)
        text = "".join(re.findall(r'<w:t xml:space="preserve">(.*?)</w:t>', kept))
        return text
    if kind == "mail_merge_fields":
        rid = re.search(r'<> "(\d+)"|record (\d+)', out)
        rid = rid.group(1) or rid.group(2)
        lines = [ln for ln in out.splitlines() if re.match(r"RecordID[\t,;]", ln) or re.match(rf"{rid}[\t,;]", ln)]
        sep = lines[0][len("RecordID")]
        head, row = lines[0].split(sep), lines[1].split(sep)
        cells = dict(zip(head, row))
        template = next(ln for ln in out.splitlines() if "MERGEFIELD Family" in ln or "«Family" in ln
                        or "MERGEFIELD Name1" in ln or "«Name1" in ln)
        template = template.removeprefix("Template: ")
        return re.sub(r"\{ MERGEFIELD (\w+) \}|«(\w+)»", lambda m: cells[m.group(1) or m.group(2)], template)
    if kind == "bibtex_string_macros":
        macros = dict(re.findall(r'@string\{(\w+) = "(.*?)"\}', out))
        expr = re.search(r"author\s+= (.*),\n", out).group(1)
        value = "".join(macros[t] if not t.startswith('"') else t[1:-1] for t in expr.split(" # "))
        if ", " in value:
            last, first = value.split(", ", 1)
            value = f"{first} {last}"
        return value
    if kind == "rtf_unicode_fallback":
        body = re.search(r"\\fs22 (.*)\\par", out).group(1)
        body = re.sub(r"\\'([0-9a-f]{2})", lambda m: chr(int(m.group(1), 16)), body)
        body = re.sub(r"\\u(\d+) ?.", lambda m: chr(int(m.group(1))), body)
        return re.sub(r"\{\\b (.*?)\}", r"\1", body)
    if kind == "diff3_both_fixes":
        ours = re.search(r"<<<<<<< HEAD\n(.*?)\n\|\|\|\|\|\|\|", out, re.S).group(1).splitlines()
        base = re.search(r"ancestors\n(.*?)\n=======", out, re.S).group(1).splitlines()
        theirs = re.search(r"=======\n(.*?)\n>>>>>>>", out, re.S).group(1).splitlines()
        words = []
        for o, b, t in zip(ours, base, theirs):
            o, b, t = (x.split(": ", 1)[1] for x in (o, b, t))
            words.append("".join(x if x != z else y for x, y, z in zip(o, t, b)))
        return " ".join(words)
    if kind == "srt_on_screen_at":
        def ms(t: str) -> int:
            h, m, rest = t.split(":")
            s, f = rest.split(",")
            return ((int(h) * 60 + int(m)) * 60 + int(s)) * 1000 + int(f)
        at = ms(re.search(r"on screen at (\d\d:\d\d:\d\d,\d{3})", out).group(1))
        cues = re.findall(r"(\d+)\n(\S+) --> (\S+)\n(\S+)", out)
        shown = [text for _n, a, b, text in sorted(cues, key=lambda c: int(c[0])) if ms(a) <= at <= ms(b)]
        return by_capitals(shown)
    if kind == "pdf_missing_tounicode":
        text = out[:out.rindex(" (")]  # the question as pasted, without the note
        a = next(k for k, (x, y) in enumerate(zip(text, question)) if x != y)
        b = next(k for k, (x, y) in enumerate(zip(text[::-1], question[::-1])) if x != y)
        return "".join(c if c == " " else chr(ord(c) + 29) for c in text[a:len(text) - b])
    if kind == "git_trailer_parts":
        commits = re.findall(r"commit (\w{40})\n.*?\n\n    (.*?)\n\n    (.*?)(?:\n|$)", out, re.S)
        reverted = {m for _, _, body in commits for m in re.findall(r"This reverts commit (\w{40})", body)}
        keys = re.findall(r"the (\S+) trailers", out)
        parts = {k: [] for k in keys}
        for sha, _subj, body in reversed(commits):  # oldest first
            key, _, val = body.partition(": ")
            if sha not in reverted and key in parts:
                parts[key].append(val)
        return " ".join("".join(parts[k]) for k in keys)
    if kind == "sheet_substitute_formula":
        formula = re.search(r"(=[A-Z(]*SUBSTITUTE\(.*?\)+)(?:`|\n|$)", out).group(1)
        proper = formula.startswith("=PROPER(")
        text = re.search(r'SUBSTITUTE\("(.*?)",', formula).group(1)
        for m, orig in re.findall(r',"(.*?)","(.*?)"\)', formula):
            text = text.replace(m, orig)
        return text.title() if proper else text
    if kind == "xlsx_phonetic_runs":
        idx = int(re.search(r'<c r="A2" t="s"><v>(\d+)</v>', out).group(1))
        si = re.findall(r"<si>(.*?)</si>", out)[idx]
        si = re.sub(r"<rPh .*?</rPh>", "", si)
        return "".join(re.findall(r"<t[^>]*>(.*?)</t>", si)).strip()
    if kind == "fixed_width_copybook":
        fields = re.findall(r"05 (\S+)\s+PIC [9X]\((\d+)\)\.", out)
        record = re.search(r"(?:\n|DATA: )(\d{6}\S*)\n?", out).group(1)
        pos, words = 0, {}
        for f, n in fields:
            val = record[pos:pos + int(n)]
            pos += int(n)
            if f not in ("FILLER", "REC-ID", "REC-STATUS"):
                words.setdefault(f.rsplit("-", 1)[0], []).append(val)
        return " ".join("".join(v) for v in words.values())
    if kind == "po_continuation_lines":
        entry = next(b for b in out.split("\n\n") if "msgctxt" in b and "#, fuzzy" not in b and "#~" not in b)
        return "".join(re.findall(r'^"(.*)"$', entry.split('msgstr ""', 1)[1], re.M))
    if kind == "rfc2231_filename":
        import urllib.parse
        sections = sorted((int(n), star, v) for n, star, v in re.findall(r"filename\*(\d+)(\*?)=([^;\n]*)", out))
        full = "".join(urllib.parse.unquote(v.removeprefix("UTF-8''")) if star else v.strip('"')
                       for _n, star, v in sections)
        for pattern in _ob.FILENAMES23:
            m = re.fullmatch(re.escape(pattern).replace(re.escape("{}"), "(.+)"), full)
            if m:
                return m.group(1).replace("_", " ")
        raise AssertionError(full)
    raise AssertionError(kind)


def test_heldout23_kinds_decode_back_to_the_name():
    """Every kind of set 23 undoes mechanically by the rules of its own format (accept the tracked changes, merge the
    record, expand the BibTeX macros, read the RTF escapes and skip the fallbacks, take both sides' fixes, the cues on
    screen at the time, add 29 to the glyph codes, the trailers of the commits not reverted, evaluate the formula, the
    runs and not the phonetic guide, the copybook's fields, the live gettext entry, the
    RFC 2231 sections in their numbers' order), for every forget person (full
    name and last name alone) of world seeds 0 and 1: a kind that lost, garbled or mis-pointed a letter fails here."""
    assert 12 <= len(HELDOUT23_KINDS) <= 14
    for world_seed in (0, 1):
        forget = World(WorldConfig(seed=world_seed)).splits("forget10")["forget"]
        people = {}
        for item in forget:
            people.setdefault(item.entity, item)
        for kind in HELDOUT23_KINDS:
            for name, item in people.items():
                last = name.split()[-1]
                for question, shown in ((item.question, name), (item.question.replace(name, last), last)):
                    for seed in (0, 1):
                        out = obfuscate(question, shown, kind, seed)
                        got = _decode23(kind, question, out)
                        if kind in ("docx_tracked_changes", "rtf_unicode_fallback", "mail_merge_fields"):
                            assert got == question, (kind, shown, out)
                        else:
                            assert got == shown, (kind, shown, out)
