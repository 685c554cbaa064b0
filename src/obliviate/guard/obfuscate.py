"""Obfuscations an attacker uses to slip a name past a filter (the guard's red team).

Each transform rewrites a span of text (usually a person's name) deterministically
from a seed. ``obfuscate_name`` applies one to every occurrence of the name in a
question; ``mixed`` chains three at random.
"""

from __future__ import annotations

import random
import unicodedata
from typing import Callable

# Latin letter -> a Cyrillic or Greek look-alike (the reverse of normalize.HOMOGLYPHS).
LOOKALIKES = {"a": "а", "c": "с", "e": "е", "i": "і", "j": "ј", "o": "о", "p": "р", "s": "ѕ",
              "x": "х", "y": "у", "A": "Α", "B": "Β", "E": "Ε", "H": "Η", "I": "Ι", "K": "Κ",
              "M": "Μ", "N": "Ν", "O": "Ο", "P": "Ρ", "T": "Τ", "X": "Χ", "Z": "Ζ", "C": "С"}
LEET = {"a": "4", "e": "3", "i": "1", "o": "0", "s": "5", "t": "7", "l": "1", "g": "9", "b": "8",
        "A": "@", "S": "$", "E": "3", "O": "0", "I": "!"}
ZERO_WIDTH = ("\u200b", "\u200c", "\u200d", "\u2060", "\ufeff")
SEPARATORS = (".", "-", "_", "*", "·", "/")


def case(text: str, rng: random.Random) -> str:
    """Random upper/lower case per letter."""
    return "".join(c.upper() if rng.random() < 0.5 else c.lower() for c in text)


def spacing(text: str, rng: random.Random) -> str:
    """A space between letters and a double space between words: "A l a r a  O r m e"."""
    return "  ".join(" ".join(word) for word in text.split())


def punctuation(text: str, rng: random.Random) -> str:
    """One punctuation mark between letters: "A.l.a.r.a O.r.m.e"."""
    sep = rng.choice(SEPARATORS)
    return " ".join(sep.join(word) for word in text.split())


def leetspeak(text: str, rng: random.Random) -> str:
    """Letters replaced by digits and symbols where a substitute exists."""
    return "".join(LEET.get(c, c) if rng.random() < 0.7 else c for c in text)


def homoglyphs(text: str, rng: random.Random) -> str:
    """Latin letters replaced by Cyrillic or Greek look-alikes."""
    return "".join(LOOKALIKES.get(c, c) if rng.random() < 0.8 else c for c in text)


def zero_width(text: str, rng: random.Random) -> str:
    """Zero-width characters between letters (invisible when rendered)."""
    return "".join(c + (rng.choice(ZERO_WIDTH) if rng.random() < 0.6 else "") for c in text)


def fullwidth(text: str, rng: random.Random) -> str:
    """ASCII letters as fullwidth forms ("Ａｌａｒａ"); NFKC folds them back."""
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


def accents(text: str, rng: random.Random) -> str:
    """Combining accents on letters ("Álàra"), in NFD so they are separate code points."""
    marks = ("\u0301", "\u0300", "\u0308", "\u0302")
    return unicodedata.normalize("NFD", "".join(
        c + rng.choice(marks) if c.isalpha() and rng.random() < 0.5 else c for c in text))


TRANSFORMS: dict[str, Callable[[str, random.Random], str]] = {
    "case": case, "spacing": spacing, "punctuation": punctuation, "leetspeak": leetspeak,
    "homoglyphs": homoglyphs, "zero_width": zero_width, "fullwidth": fullwidth, "accents": accents,
}


def mixed(text: str, rng: random.Random) -> str:
    """Three different transforms chained (spacing, if drawn, goes last)."""
    names = rng.sample([n for n in TRANSFORMS if n != "fullwidth"], 3)
    names.sort(key=lambda n: n in ("spacing", "punctuation"))
    for n in names:
        text = TRANSFORMS[n](text, rng)
    return text


ALL_TRANSFORMS = {**TRANSFORMS, "mixed": mixed}


def obfuscate_name(text: str, name: str, transform: str, seed: int | str = 0) -> str:
    """``text`` with every occurrence of ``name`` rewritten by ``transform``."""
    if transform not in ALL_TRANSFORMS:
        raise KeyError(f"unknown obfuscation {transform!r}; expected one of {sorted(ALL_TRANSFORMS)}")
    rng = random.Random(f"{seed}:{transform}:{name}")
    return text.replace(name, ALL_TRANSFORMS[transform](name, rng))
