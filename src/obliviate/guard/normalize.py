"""Undo text obfuscation before lexical matching.

An attacker who wants a filtered name through writes it so that a plain substring
search misses it: odd case, spaces or dots between letters ("A.l.a.r.a V e n n"),
leetspeak ("4l4r4"), look-alike letters from other scripts (Cyrillic "а", Greek "ο"),
zero-width characters, fullwidth forms ("Ａｌａｒａ") or combining accents. This module
maps all of these to one canonical *skeleton* (the idea of Unicode TR39 confusable
skeletons, restricted to what matters for Latin names) and gives the lexical matcher
several views of the text, each of which undoes one kind of separator insertion.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

# Cyrillic and Greek letters that render like Latin ones (TR39 confusables, the subset
# that looks like a-z). Upper case maps after casefold, so only lower case is listed.
HOMOGLYPHS = {
    # Cyrillic
    "а": "a", "в": "b", "с": "c", "ԁ": "d", "е": "e", "ё": "e", "һ": "h", "і": "i", "ї": "i",
    "ј": "j", "к": "k", "ӏ": "l", "м": "m", "н": "h", "о": "o", "р": "p", "ԛ": "q", "г": "r",
    "ѕ": "s", "т": "t", "ц": "u", "ս": "u", "ѵ": "v", "ԝ": "w", "х": "x", "у": "y", "ү": "y",
    "з": "3", "ь": "b", "п": "n",
    # Greek
    "α": "a", "β": "b", "ϲ": "c", "ε": "e", "η": "n", "ι": "i", "κ": "k", "ν": "v", "ο": "o",
    "ρ": "p", "τ": "t", "υ": "u", "χ": "x", "γ": "y", "ζ": "z", "μ": "u", "ω": "w", "ς": "c",
    "σ": "o", "δ": "d", "θ": "o", "λ": "a", "π": "n",
    # Latin look-alikes outside a-z
    "ı": "i", "ł": "l", "ø": "o", "đ": "d", "ħ": "h", "ŀ": "l", "ƒ": "f", "ß": "ss",
}

# Leetspeak: digits and symbols standing for letters. Ambiguous ones ("1" is i or l)
# map to a letter class below, so the table needs one entry per symbol.
LEET_DIGITS = {"0": "o", "1": "i", "2": "z", "3": "e", "4": "a", "5": "s", "6": "g", "7": "t",
               "8": "b", "9": "g"}
LEET_SYMBOLS = {"@": "a", "$": "s", "!": "i", "|": "i", "+": "t", "€": "e", "£": "l", "¡": "i"}
# A symbol stands for a letter only when a letter or digit follows it: "V!nn" and "$oames"
# are leet, but the "!" closing "Venn!" is punctuation.
# ("$*o*a*m*e*s": separators may stand between the symbol and the next letter.)
_LEET_SYMBOL = re.compile("[" + re.escape("".join(LEET_SYMBOLS)) + r"](?=[^\w\s]*[^\W_])")

# Letters that leetspeak or homoglyphs make indistinguishable collapse to one class:
# "l", "i", "1", "|" and "!" all read as a vertical stroke.
LETTER_CLASSES = str.maketrans({"l": "i", "j": "i"})

_CONTROL = re.compile(r"[\u0000-\u0008\u000b-\u001f\u007f]")


def strip_invisible(text: str) -> str:
    """Drop zero-width and other format characters (Unicode category Cf) and controls."""
    return _CONTROL.sub("", "".join(ch for ch in text if unicodedata.category(ch) != "Cf"))


def fold(text: str) -> str:
    """NFKC + accent stripping + homoglyph mapping + casefold; digits are kept.

    This is the view used for answer strings (a birth year must stay a number).
    """
    text = strip_invisible(unicodedata.normalize("NFKC", text))
    # NFKD splits accented letters into base + combining mark; drop the marks.
    text = "".join(ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch))
    text = text.casefold()
    return "".join(HOMOGLYPHS.get(ch, ch) for ch in text)


def skeleton(text: str, all_symbols: bool = False) -> str:
    """``fold`` plus leetspeak and letter classes: the view used for names.

    ``all_symbols`` maps every leet symbol, also one that ends a word ("Venn!"), for
    views that only ever search whole names.
    """
    text = fold(text)
    if all_symbols:
        text = "".join(LEET_SYMBOLS.get(ch, ch) for ch in text)
    else:
        text = _LEET_SYMBOL.sub(lambda m: LEET_SYMBOLS[m.group(0)], text)
    text = "".join(LEET_DIGITS.get(ch, ch) for ch in text)
    return text.translate(LETTER_CLASSES)


_NON_WORD = re.compile(r"[^a-z0-9\s]+")
_SPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class TextViews:
    """Token views of one text, each robust to one way of splitting a name apart."""

    # punctuation -> space: "Venn's" -> ["venn", "s"], "Alara,Venn" -> ["aiara", "venn"]
    split: tuple[str, ...]
    # punctuation removed: "A.l.a.r.a" -> ["aiara"], "Venn's" -> ["venns"]
    joined: tuple[str, ...]
    # every separator removed: "A l a r a  V e n n" -> "aiaravenn" (full names only)
    compact: str
    # whitespace-separated runs of single characters glued first, so that a spaced-out
    # symbol counts as a letter: "$ o 4 m 3 5" -> ["soames"]
    spaced: tuple[str, ...] = ()

    def token_views(self) -> tuple[tuple[str, ...], ...]:
        """The token sequences to scan, including runs of single letters glued together."""
        return (self.split, self.joined, collapse_letter_runs(self.split), self.spaced)


def collapse_letter_runs(tokens: tuple[str, ...], min_run: int = 3) -> tuple[str, ...]:
    """Glue runs of one-character tokens into words: "v e n n" -> "venn".

    Spacing out a name is the cheapest obfuscation; real text rarely has three
    one-letter words in a row, so gluing such runs costs little precision.
    """
    out: list[str] = []
    run: list[str] = []
    for tok in (*tokens, ""):
        if len(tok) == 1:
            run.append(tok)
            continue
        if len(run) >= min_run:
            out.append("".join(run))
        else:
            out.extend(run)
        run = []
        if tok:
            out.append(tok)
    return tuple(out)


def views(text: str) -> TextViews:
    """All views of ``text`` after undoing obfuscation (see module docstring)."""
    s = skeleton(text)
    split = tuple(_NON_WORD.sub(" ", s).split())
    joined = tuple(_NON_WORD.sub("", s).split())
    compact = _SPACE.sub("", _NON_WORD.sub("", skeleton(text, all_symbols=True)))
    glued = collapse_letter_runs(tuple(fold(text).split()))
    spaced = tuple(w for w in (_NON_WORD.sub("", skeleton(t, all_symbols=True)) for t in glued) if w)
    return TextViews(split=split, joined=joined, compact=compact, spaced=spaced)


def name_key(name: str) -> tuple[str, ...]:
    """A name as the token tuple the matcher compares against (skeleton form)."""
    return tuple(_NON_WORD.sub(" ", skeleton(name)).split())
