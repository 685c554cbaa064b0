"""Held-out sets 7 to 15: every kind hides the name of every forget person of world seed 0."""

import re

import pytest

from obliviate.guard import obfuscate as _ob

from obliviate.data.world import World, WorldConfig
from obliviate.guard.obfuscate import (HELDOUT7_KINDS, HELDOUT8_KINDS, HELDOUT9_KINDS, HELDOUT10_KINDS, HELDOUT11_KINDS,
                                       HELDOUT12_KINDS, HELDOUT13_KINDS, HELDOUT14_KINDS, HELDOUT15_KINDS, obfuscate)


@pytest.mark.parametrize("kinds", [HELDOUT7_KINDS, HELDOUT8_KINDS, HELDOUT9_KINDS, HELDOUT10_KINDS, HELDOUT11_KINDS,
                                   HELDOUT12_KINDS, HELDOUT13_KINDS, HELDOUT14_KINDS, HELDOUT15_KINDS],
                         ids=["heldout7", "heldout8", "heldout9", "heldout10", "heldout11", "heldout12", "heldout13",
                              "heldout14", "heldout15"])
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












SETS = {n: getattr(_ob, f"HELDOUT{n}_KINDS") for n in range(7, 16)}


@pytest.mark.parametrize("n", sorted(set(SETS) - {7}))
def test_heldout_kinds_are_new(n):
    earlier = {*_ob.TUNED_KINDS, *_ob.HELDOUT_KINDS, *(k for m in range(2, n) for k in getattr(_ob, f"HELDOUT{m}_KINDS"))}
    assert not earlier & set(SETS[n])
    assert len(set(SETS[n])) == len(SETS[n])


@pytest.mark.parametrize("n", [10, 11, 12, 13, 14, 15])
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


@pytest.mark.parametrize("n", [12, 14, 15])
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
