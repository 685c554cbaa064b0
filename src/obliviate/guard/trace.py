"""Name traces: a known person's name found by its shape, in an encoding no decoder reads.

The decoders of :mod:`obliviate.guard.normalize` read the encodings they were written for,
and every held-out set of obfuscations finds one they were not. What every encoding of a
name that a model can still read has in common is that it keeps the name recoverable, and
that leaves a trace which can be checked against the names the guard knows (forget and
retain people) without knowing the encoding. :class:`TraceIndex` looks for eight kinds:

1. **code**: a code with one symbol (or word, or pair of marks) per letter, with any
   table: units grouped like the name's words (groups set apart by ``/``, ``|``, ``,``,
   ``;``, a double space or a line break, or the characters of a token), the same letter
   always the same unit, different letters different units (when the units are digits, a
   third of the letters may share them, as on a phone keypad). The units must not read as
   prose (at most a third of them common words; a token read character by character must
   hold a digit, a symbol, a non-ASCII character or be letter soup, and no ASCII
   punctuation). Evidence needed: for a full name, 7 or more letters of which at least one
   repeats (two when units are shared); for a last name alone, 6 or more letters with two
   repeats, every letter its own unit (a five-digit number with two equal last digits is
   not "Quill"). A code may run right to left.
2. **embedded**: a made-up word (not a known word or name) that holds a name word of 4 or
   more letters in order, from one of its first three letters to its last letter, and is at
   most twice as long plus two (syllables or filler letters put in: "Pubarrubin" for
   "Parrin", "Ubormube" for "Orme").
3. **permuted**: a made-up word (also lower-case letter soup, or a word with a capital
   inside: "wYarro", "eOrm"), or a run of single letters (a grid read across), made of
   exactly the letters of a name word of 5 or more letters or of a full name (anagrams,
   columns, rail fences, interleaved names, swapped pairs); any word that is a rotation of a
   name word of 4 or more letters ("olkt").
4. **initials**: the initials of a run of three or more capitalised words (or of words
   joined by hyphens) that spell a name word or a full name ("Far Rough Open Soft Tall"),
   and capitals that stand out by case ("just Put eAch way Rest moRe amazIng ruN").
5. **sound**: a capitalised made-up word that sounds like a name word (spellings of one
   sound made one, h and w dropped, each run of vowels one vowel sign: "Pahrryn Phrawst",
   "Roosa Yahrow"), or is one without its vowels ("Frst"); a word with vowels counts only
   next to one that sounds like the same person's other name (a lone "First" is not
   "Frost"), or alone when the text says to hear it ("sounds like"). Two capitalised words
   whose first sounds swapped back give a name are read as that name ("Frarrin Post").
6. **misspelt**: a made-up word a typo away (a letter added, dropped, changed, or two
   neighbours swapped; two typos in a word of 7 or more letters) from a name word of 4 or
   more letters, next to the same person's other name or a word near it; alone only when it
   is capitalised letter soup one typo from a last name of 5 or more letters ("Frst"), or
   when the text hedges the spelling ("Larc (or something like that)", "(sp?)"); the same
   hedge lets a lone sound-alike count. A word with typos at both its first and its last
   letter is not looked for. A word typed with another keyboard layout switched on (Russian
   ЙЦУКЕН, Dvorak, Colemak, either way) that gives a name word of 4 or more letters is read
   as it.

7. **pieces**: a name word made of two or more of the text's letter runs, the first
   capitalised as the name, whatever puts them together (diff lines, table cells, tiles,
   log fields); a full name needs both words and a made-up piece, a last name alone a
   made-up piece of two or more letters or pieces that are all quoted
   (:meth:`TraceIndex.pieced_names`).
8. **confusions**: two or three words in a row, or a capitalised made-up word alone,
   within :func:`confusion_limit` of a name by :func:`confusion_distance`, an edit distance
   that weighs confusable spellings (by ear, by eye, by habit) below other edits
   (:meth:`TraceIndex.confused_names`).

Traces 2, 3 (but rotations and letter soup), 5 and 6 (alone) read only capitalised words
that do not begin a sentence, where names stand: the guard knows few English words, and
"tomorrow" holds "Morrow".

Each trace gives a reading of the text with the name written out (:meth:`TraceIndex.readings`);
the lexical matcher judges that reading like any decoding, so a full forget name blocks and
a lone last name is weighed against the people named in full, as in plain text.
"""

from __future__ import annotations

import re
from collections import defaultdict
from functools import lru_cache

from obliviate.guard.normalize import COMMON_WORDS, SHORT_WORDS, fold, unaccented
from obliviate.guard.opaque import _word_like


MIN_FULL_CODE = 7
MIN_LAST_CODE = 6
MIN_LAST_REPEATS = 2
MIN_EMBEDDED = 4
MIN_PERMUTED = 5
_STRIP = "()[]{}<>\"'«»“”‘’`?!:"
_GROUP_SPLIT = re.compile(r"[ \t]*[/|;,]+[ \t]*|[ \t]{2,}|\n+")
_ASCII_WORD = re.compile(r"[A-Za-z]+")
_CAPITALISED = re.compile(r"^[A-Z][a-z]*$")
_SPANS = (re.compile(r"[\"“«(\[]([^\"”»()\[\]\n]{4,80})[\"”»)\]]"), re.compile(r":[ \t]+([^\n?:]{4,80})"))
# single letters that ordinary text leaves as runs of their own ("a", "I", "don't", "I'd")
_LONE_LETTERS = frozenset("aistdm")
_QUOTED_RUN = re.compile(r"['\"‘“]([A-Za-z]{1,8})['\"’”]")
_SHAPED_WORD = re.compile(r"[A-Za-z][A-Za-z0-9$|@]*[A-Za-z0-9]|[A-Za-z]")
_HYPHENATED = re.compile(r"(?<![\w-])[A-Za-z]{2,}(?:-[A-Za-z]{2,}){2,}(?![\w-])")


def _strip(token: str) -> str:
    core = token.strip(_STRIP)
    # A full stop or comma ends a word ("tee."), but a token of marks is the code itself.
    return core.rstrip(".,") if core.strip(".-·•_") else core


def _groups(text: str) -> list[list[str]]:
    """The text's tokens in groups: what separators set apart (see module docstring)."""
    out = []
    for segment in _GROUP_SPLIT.split(text):
        tokens = [t for t in (_strip(t) for t in segment.split()) if t]
        if tokens:
            out.append(tokens)
    return out


@lru_cache(maxsize=1 << 14)
def _prose(unit: str) -> bool:
    """A unit that reads as an ordinary word."""
    if not unit.isascii() or not unit.isalpha():
        return False
    low = unit.lower()
    return low in SHORT_WORDS if len(low) <= 3 else _word_like(unit)


def _char_code_token(token: str) -> bool:
    """A token whose characters may each stand for a letter: it holds a digit, a symbol, a
    non-ASCII character, or is letter soup (a plain word is read by the word decoders)."""
    if len(token) < 2 or any(c.isascii() and not c.isalnum() for c in token):
        return False  # ASCII punctuation inside: a URL, a path, an identifier
    if token.isascii() and token.isalpha():
        return not _word_like(token)
    return True


def _consistent(letters: str, units: list) -> tuple[bool, int]:
    """Whether the same letter is always the same unit; and how many letters share a unit."""
    seen: dict[str, object] = {}
    for ch, u in zip(letters, units):
        if seen.setdefault(ch, u) != u:
            return False, 0
    return True, len(seen) - len(set(seen.values()))


_SENTENCE = re.compile(r"[.!?:;\n\"“”]+")
_VOWELS_RE = re.compile(r"[aeiouy]")
_PHONETIC_CUE = re.compile(r"(?i)\b(?:sounds? (?:\w+ )?like|say it (?:aloud|out loud)|read (?:it )?aloud|pronounced|"
                           r"rhymes? with|phonetically|spelled as it sounds)\b")
# A hedge on the spelling: the writer says the name is approximate.
_HEDGE = re.compile(r"(?i)\bor something like (?:that|it)\b|\bsomething like\b|\bnot sure (?:of|about|how) "
                    r"(?:the |to )?spell|\(sp\?\)|\bsp\?|\bspelling\?|\bor similar\b|\bI forget the exact\b|"
                    r"\bif I (?:remember|recall) (?:it )?(?:right|correctly)\b|\bor close to (?:that|it)\b|"
                    r"\bmisspell\w*|\bspelling (?:may|might) be (?:off|wrong)\b")
_INNER_CAPITAL = re.compile(r"^[a-z]+[A-Z][a-z]*$")
MIN_SOUND_KEY = 3


_SOUND_CLASSES = str.maketrans("pfvgjsxztn", "bbbkkkkkdm")


def _sound_key(word: str, vowels: bool = True) -> str:
    """A word as it sounds, roughly: spellings of one sound made one (ph f, ck k, c k or s,
    qu kw, x ks, z s), h and w after a letter dropped, each run of vowels (y included) one
    vowel sign, consonants in Soundex's groups (b p f v, d t, k g j s z x, m n), doubled
    letters once ("Barin Frazt" sounds like "Parrin Frost"); ``vowels=False`` drops the vowels
    and keeps the consonants as written ("Frst" is "Frost")."""
    w = word.lower()
    for a, b in (("ph", "f"), ("ck", "k"), ("gh", "g"), ("qu", "kw"), ("x", "ks"), ("z", "s")):
        w = w.replace(a, b)
    w = re.sub(r"c(?=[eiy])", "s", w).replace("c", "k").replace("q", "k")
    w = w[:1] + re.sub(r"[aeiouy]+", "a" if vowels else "", re.sub(r"[hw]", "", w[1:]))
    # consonants that differ only in voicing sound alike when misremembered (Soundex's groups)
    return re.sub(r"(.)\1+", r"\1", w.translate(_SOUND_CLASSES) if vowels else w)


# Spellings of one sound in the languages names are written in (German tsch, Hungarian cs and
# sz, Polish cz, Finnish ts for ch; ...), then consonant classes; vowels and h are dropped.
_FOREIGN_SPELLINGS = (("tsch", "C"), ("dzh", "J"), ("tch", "C"), ("tsh", "C"), ("sch", "S"), ("cz", "C"),
                      ("cs", "C"), ("ch", "C"), ("ts", "C"), ("tz", "C"), ("sh", "S"), ("sz", "S"), ("zs", "J"),
                      ("ph", "f"), ("th", "t"), ("gh", "g"), ("ck", "k"), ("qu", "kv"), ("kh", "k"), ("dj", "J"),
                      ("x", "ks"))
_FOREIGN_CLASSES = str.maketrans("bpfvwkqgszdtjlmnr", "BBFFFKKKSSDDJLNNR")
MAX_ENDING = 2


@lru_cache(maxsize=8192)
def foreign_key(word: str) -> str:
    """A name word's consonants as they sound in most languages that write names in Latin
    letters: "Laartsille" (Finnish, with the allative ending) is LRCL, "Larch" LRC,
    "Jaarroviksi" JRFKS, "Yarrow" JRF; a word that begins with a vowel begins with V, one that
    begins with h with H."""
    w = unaccented(word).lower()
    w = re.sub(r"c(?=[eiy])", "s", w)
    w = re.sub(r"(?:^|(?<=[aeiou]))y(?=[aeiou])", "j", w)
    for a, b in _FOREIGN_SPELLINGS:
        w = w.replace(a, b)
    w = w.replace("c", "k")
    start = "V" if w[:1] in "aeiouy" else "H" if w[:1] == "h" else ""
    w = re.sub(r"[^A-Za-z]|[aeiouyh]", "", w).translate(_FOREIGN_CLASSES)
    return start + re.sub(r"(.)\1+", r"\1", w)


def _typos(a: str, b: str, limit: int) -> int:
    """Edits from ``a`` to ``b`` (a letter added, dropped or changed, two neighbours swapped:
    the optimal string alignment distance), or ``limit + 1`` once past ``limit``."""
    prev2, prev = None, list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb))
            if prev2 is not None and i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                cur[j] = min(cur[j], prev2[j - 2] + 1)
        if min(cur) > limit:
            return limit + 1
        prev2, prev = prev, cur
    return prev[-1]


# Letters that are written for one another by ear, by eye or by habit: vowels for vowels;
# c, k and q; s and z; v, w and f; g and j; d and t; b and p; m and n; l and r (and w, as in
# baby talk); i and l, e and c, h and b, r and n (as a scanner reads them).
_CONFUSABLE = ("aeiouy", "ckq", "sz", "vwf", "gj", "dt", "bp", "mn", "lrw", "il", "ce", "hb", "rn")
_CLOSE = frozenset((a, b) for group in _CONFUSABLE for a in group for b in group if a != b)
# Digits and marks a scanner or a keyboard puts for letters.
_SHAPES = str.maketrans("0158374$|@", "olsbetasla")
# Letters that come and go in spellings of one sound: vowels, h, w, y.
_SILENT = frozenset("aeiouyhw")
CLOSE_COST, SILENT_COST, DOUBLE_COST = 0.35, 0.4, 0.2


def _gap(word: str, k: int) -> float:
    """The cost of ``word[k]`` put in or left out (see :func:`confusion_distance`)."""
    ch = word[k]
    if (k and word[k - 1] == ch) or (k + 1 < len(word) and word[k + 1] == ch):
        return DOUBLE_COST
    return SILENT_COST if ch in _SILENT else 1.0


# The least share of an edit's cost that each letter it touches bears (see
# :func:`confusion_lower_bound`): a changed letter pair costs at least CLOSE_COST for its two
# letters; a letter put in or left out at least DOUBLE_COST; "rn" for "m" (or back) costs
# CLOSE_COST for its three letters.
_SHARE = min(CLOSE_COST / 2, DOUBLE_COST)
_RNM_SHARE = min(_SHARE, CLOSE_COST / 3)
# how far below the limit the bound must stay to skip the table: floating-point sums in a
# different order than the table's may differ in their last bits (a bound that is equal to a
# distance at the limit must not skip it)
_BOUND_SLACK = 1e-9


@lru_cache(maxsize=1 << 12)
def _gaps(word: str) -> tuple[float, ...]:
    """:func:`_gap` of each letter of ``word``."""
    return tuple(_gap(word, k) for k in range(len(word)))


@lru_cache(maxsize=1 << 12)
def _letter_counts(word: str) -> dict[str, int]:
    counts: dict[str, int] = {}
    for ch in word:
        counts[ch] = counts.get(ch, 0) + 1
    return counts


def confusion_lower_bound(a: str, b: str) -> float:
    """A lower bound on :func:`confusion_distance` of ``a`` and ``b`` (without a limit), from
    their letter counts alone, so that a pair past a limit is told without the table.

    Proof. The distance is the cost of the cheapest alignment of ``a`` with ``b``: a sequence
    of steps, each a match (a letter of ``a`` against the same letter of ``b``, cost 0), a
    change (one letter of ``a`` against another letter of ``b``, cost CLOSE_COST = 0.35 or
    1), a letter of ``a`` left out or of ``b`` put in (cost DOUBLE_COST = 0.2, SILENT_COST =
    0.4 or 1), or "rn" of one word against "m" of the other (cost CLOSE_COST, three letters).
    Every letter of either word is in exactly one step. Share each step's cost among the
    unmatched letters it takes: a change gives each of its two letters at least 0.35 / 2, a
    gap its one letter at least 0.2, "rn"/"m" each of its three letters 0.35 / 3 (only r, n
    and m are ever in such a step). So every unmatched letter bears at least ``_SHARE`` =
    0.175, or ``_RNM_SHARE`` = 0.35 / 3 when it is r, n or m, and the shares sum to the
    alignment's cost. A letter ``c`` that ``a`` holds ``k`` more times than ``b`` has at
    least ``k`` of its copies in ``a`` unmatched (a match pairs one copy in each word), and
    the same the other way round; so every alignment, the cheapest too, costs at least the
    sum over letters of the count difference times the letter's least share."""
    ca, cb = _letter_counts(a), _letter_counts(b)
    plain = rnm = 0
    for ch in ca.keys() | cb.keys():
        d = abs(ca.get(ch, 0) - cb.get(ch, 0))
        if ch in "rnm":
            rnm += d
        else:
            plain += d
    return plain * _SHARE + rnm * _RNM_SHARE


@lru_cache(maxsize=1 << 16)
def confusion_distance(a: str, b: str, limit: float = float("inf")) -> float:
    """Edits from ``a`` to ``b`` (lower-case letters), each weighed by how readily a reader
    takes one spelling for the other: 0.35 for a letter written for a confusable one
    (:data:`_CONFUSABLE`, "rn" for "m" too), 0.4 for a vowel, h, w or y put in or left out,
    0.2 for a letter doubled or undoubled, 1 for anything else. Past ``limit`` the answer
    is only that it is past it (infinity): a pair whose letter counts alone put it past the
    limit (:func:`confusion_lower_bound`) is not counted, and two rows of the table past it
    end the count."""
    inf = float("inf")
    if confusion_lower_bound(a, b) - _BOUND_SLACK > limit:
        return inf
    return _confusion_table(a, b, limit)


def _confusion_table(a: str, b: str, limit: float = float("inf")) -> float:
    """:func:`confusion_distance` by its table (no bound): every answer of the guard is this
    one's, the bound only skips tables whose answer is infinity."""
    inf = float("inf")
    m = len(b)
    gap_a, gap_b = _gaps(a), _gaps(b)
    before: list[float] | None = None
    row = [0.0] * (m + 1)
    for j in range(1, m + 1):
        row[j] = row[j - 1] + gap_b[j - 1]
    for i in range(1, len(a) + 1):
        x = a[i - 1]
        gx = gap_a[i - 1]
        rn = before is not None and a[i - 2:i] == "rn"
        cur = [row[0] + gx] + [inf] * m
        for j in range(1, m + 1):
            y = b[j - 1]
            step = 0.0 if x == y else CLOSE_COST if (x, y) in _CLOSE else 1.0
            best = min(row[j] + gx, cur[j - 1] + gap_b[j - 1], row[j - 1] + step)
            if rn and y == "m":
                best = min(best, before[j - 1] + CLOSE_COST)
            if x == "m" and j >= 2 and b[j - 2:j] == "rn":
                best = min(best, row[j - 2] + CLOSE_COST)
            cur[j] = best
        if min(cur) > limit and min(row) > limit:
            return inf
        before, row = row, cur
    return row[m] if row[m] <= limit else inf


def confusion_limit(name: str) -> float:
    """How far (:func:`confusion_distance`) a spelling may be from ``name`` (its letters,
    words glued) and still be read as it: 0.15 of a distance unit per letter, plus 0.3."""
    return 0.15 * len(name) + 0.3


def _onset(word: str) -> tuple[str, str]:
    """A word's first consonants and the rest ("frost" -> "fr", "ost")."""
    m = re.match(r"[^aeiouy]*", word)
    return word[:m.end()], word[m.end():]


# Keyboard layouts, key for key against QWERTY (letter rows, the keys beside them): text typed
# with the wrong layout switched on is read back through each, both ways.
_QWERTY = "qwertyuiop[]asdfghjkl;'zxcvbnm,./"
_LAYOUTS = {
    "russian": "йцукенгшщзхъфывапролджэячсмитьбю.",
    "dvorak": "',.pyfgcrl/=aoeuidhtns-;qjkxbmwvz",
    "colemak": "qwfpgjluy;[]arstdhneio'zxcvbkm,./",
}
_LAYOUT_MAPS = [str.maketrans(a, b) for layout in _LAYOUTS.values() for a, b in ((layout, _QWERTY), (_QWERTY, layout))]


def _sentence_start(text: str, start: int) -> bool:
    """Whether the word at ``start`` begins the text, a line or a sentence."""
    i = start - 1
    while i >= 0 and text[i].isspace():
        if text[i] == "\n":
            return True
        i -= 1
    return i < 0 or text[i] in ".!?:;\"'("


def _subsequence(word: str, token: str) -> bool:
    it = iter(token)
    return all(c in it for c in word)


class TraceIndex:
    """The names the guard knows, indexed for the eight traces of the module docstring."""

    def __init__(self, people: list[tuple[str, ...]], known_words: frozenset[str] | set[str] = frozenset()):
        """``people``: each known person's name as its words (lower-case ASCII letters);
        ``known_words``: words that are not made-up (a trace is never read in one)."""
        self.people = sorted({p for p in people if p and all(w.isalpha() for w in p)})
        self.words = {w for p in self.people for w in p} | {"".join(p) for p in self.people}
        self.name_words = sorted({w for p in self.people for w in p})
        self.known_words = frozenset(known_words) | SHORT_WORDS
        # code: variants (a full name, a last name alone) by their words' lengths
        self.by_lengths: dict[tuple[int, ...], list[tuple[str, ...]]] = defaultdict(list)
        for p in self.people:
            if len(p) >= 2 and sum(map(len, p)) >= MIN_FULL_CODE:
                self.by_lengths[tuple(map(len, p))].append(p)
            last = p[-1]
            if len(last) >= MIN_LAST_CODE and len(last) - len(set(last)) >= MIN_LAST_REPEATS:
                self.by_lengths[(len(last),)].append((last,))
        for variants in self.by_lengths.values():
            variants[:] = sorted(set(variants))
        self.max_words = max((len(k) for k in self.by_lengths), default=0)
        self.lengths = {n for k in self.by_lengths for n in k}
        # sound: people by the sound keys of their name words
        self.by_sound: dict[tuple[str, bool], list[tuple[str, ...]]] = defaultdict(list)
        for p in self.people:
            for w in p:
                for vowels in (True, False):
                    key = (_sound_key(w, vowels), vowels)
                    if len(key[0]) >= MIN_SOUND_KEY and p not in self.by_sound[key]:
                        self.by_sound[key].append(p)
        # embedded and typos: name words of 4 or more letters by first and by last letter, in
        # order (ties are broken the same way in every run), and the people each belongs to
        self.by_word: dict[str, list[tuple[str, ...]]] = defaultdict(list)
        for p in self.people:
            for w in p:
                if len(w) >= MIN_EMBEDDED and p not in self.by_word[w]:
                    self.by_word[w].append(p)
        self.by_first_letter: dict[str, list[str]] = defaultdict(list)
        self.by_last_letter: dict[str, list[str]] = defaultdict(list)
        for w in sorted(self.by_word):
            self.by_first_letter[w[0]].append(w)
            self.by_last_letter[w[-1]].append(w)
        self._near_cache: dict[str, list] = {}
        self.rotations = {w[k:] + w[:k]: w for p in self.people for w in p if len(w) >= 4 for k in range(1, len(w))}
        # permuted: name words and glued full names by their letters
        self.by_letters: dict[str, list[str]] = defaultdict(list)
        for p in self.people:
            for w, name in [*((w, w) for w in p if len(w) >= 4),
                            *((("".join(p)), " ".join(p)),) * (len(p) >= 2)]:
                if name not in self.by_letters["".join(sorted(w))]:
                    self.by_letters["".join(sorted(w))].append(name)
        # confusions: two-word people by their first word (with each word's limit, and the
        # glued name's), and last names of 4 or more letters, one per person, in people order
        self.by_first_word: dict[str, list[tuple[str, float, float, str]]] = defaultdict(list)
        for p in self.people:
            if len(p) == 2:
                self.by_first_word[p[0]].append((p[1], confusion_limit(p[1]), confusion_limit(p[0] + p[1]),
                                                 " ".join(p)))
        first_words = [(w, len(w), confusion_limit(w), self.by_first_word[w]) for w in sorted(self.by_first_word)]
        # ... and by the lengths of the words they may be read in (at most 3 letters apart)
        self.first_words_near: dict[int, list] = {
            n: [e for e in first_words if abs(e[1] - n) <= 3]
            for n in range(max((e[1] for e in first_words), default=0) + 4)}
        self.last_words = [(p[-1], len(p[-1]), confusion_limit(p[-1])) for p in self.people if len(p[-1]) >= 4]

    # ---- the traces -------------------------------------------------------------------
    def _made_up(self, word: str) -> bool:
        low = word.lower()
        return low not in self.words and low not in self.known_words

    def _windows(self, stream: list[list], prose_check: bool):
        """(variant, units) for each run of groups whose sizes are a variant's word lengths;
        prose tokens at the outer edges of the run are not part of it ("... of [code]?")."""
        # each group as written, without its leading prose, without its trailing prose, and both
        trims = []
        for g in stream:
            g = tuple(g)
            if not prose_check:
                trims.append((g, g, g, g))
                continue
            i, j = 0, len(g)
            while i < j and _prose(g[i]):
                i += 1
            while j > i and _prose(g[j - 1]):
                j -= 1
            tail = len(g)
            while tail > 0 and _prose(g[tail - 1]):
                tail -= 1
            trims.append((g, g[i:], g[:tail], g[i:j]))
        lengths = self.lengths
        for j in range(len(stream)):
            for k in range(1, min(self.max_words, len(stream) - j) + 1):
                if k == 1:
                    runs = {(t,) for t in trims[j] if len(t) in lengths}
                else:
                    middle = tuple(trims[n][0] for n in range(j + 1, j + k - 1))
                    runs = {(a, *middle, b) for a in (trims[j][0], trims[j][1])
                            for b in (trims[j + k - 1][0], trims[j + k - 1][2])}
                for run in runs:
                    for variant in self.by_lengths.get(tuple(map(len, run)), ()):
                        yield variant, [u for g in run for u in g]

    def code_names(self, text: str) -> list[str]:
        """Names whose letters a per-letter code in ``text`` follows (trace 1); where several
        names fit the same units, those whose letters the units most often are themselves."""
        groups = [[t.casefold() for t in g] for g in _groups(text)]
        streams = [(groups, True)]
        # runs of adjacent tokens that may be codes, read character by character
        run: list[list[str]] = []
        for t in [*(t for g in groups for t in g), ""]:
            if t and _char_code_token(t):
                run.append(list(t))
            elif run:
                streams.append((run, False))
                run = []
        cores = [[u for u in g if not _prose(u)] for g in groups]
        pairs = [[(g[i], g[i + 1]) for i in range(0, len(g), 2)] for g in cores if len(g) % 2 == 0 and len(g) >= 4]
        if pairs:
            streams.append((pairs, False))
        # a code may also be written right to left (mirror writing)
        streams += [([g[::-1] for g in reversed(stream)], prose_check) for stream, prose_check in streams]
        found: dict[tuple, dict[str, int]] = {}
        for stream, prose_check in streams:
            for variant, units in self._windows(stream, prose_check):
                if prose_check and sum(_prose(u) for u in units) * 3 > len(units):
                    continue
                letters = "".join(variant)
                ok, shared = _consistent(letters, units)
                if shared and not all(isinstance(u, str) and u.isdigit() for u in units):
                    continue  # only digits stand for several letters (a phone keypad)
                repeats = len(letters) - len(set(letters))
                if not ok or repeats < (1 + (shared > 0) if len(variant) > 1 else MIN_LAST_REPEATS) \
                        or (len(variant) == 1 and shared) or shared * 3 > len(set(letters)):
                    continue
                same = sum(isinstance(u, str) and fold(u)[:1] == c for c, u in zip(letters, units))
                found.setdefault(tuple(map(str, units)), {})[" ".join(variant)] = same
        out: list[str] = []
        for names in found.values():
            best = max(names.values())
            out += [n for n, v in names.items() if v == best and n not in out]
        return out

    def embedded_names(self, tokens: list[str]) -> dict[str, str]:
        """Made-up words holding a name word in order (trace 2): token -> the name word."""
        out = {}
        for tok in tokens:
            low = tok.lower()
            if len(low) <= MIN_EMBEDDED or not self._made_up(low):
                continue
            best = ""
            for w in self.by_last_letter.get(low[-1], ()):
                if len(w) < len(low) <= 2 * len(w) + 2 and len(w) > len(best) and w[0] in low[:3] \
                        and _subsequence(w, low[low.index(w[0]):]):
                    best = w
            if best:
                out[tok] = best
        return out

    def relaid_names(self, text: str) -> dict[str, str]:
        """Words that, typed again in another keyboard layout (Russian, Dvorak, Colemak, either
        way), are a name word of 4 or more letters (part of trace 6): token -> the name word."""
        out = {}
        for tok in dict.fromkeys(t.strip("()[]{}\"«»“”!?") for t in text.split()):
            low = tok.lower()
            if len(low) < 4 or low in self.words or low in self.known_words:
                continue
            for table in _LAYOUT_MAPS:
                typed = low.translate(table)
                if typed != low and typed in self.words and len(typed) >= 4:
                    out[tok] = typed
                    break
        return out

    def rotated_names(self, tokens: list[str]) -> dict[str, str]:
        """Words that are a name word of 4 or more letters rotated ("olkt", "relmi"), in any
        case and position: a rotation keeps the letters' cycle, which English words rarely do
        (part of trace 3)."""
        out = {}
        for tok in tokens:
            low = tok.lower()
            name = self.rotations.get(low)
            if name and self._made_up(low):
                out[tok] = name
        return out

    def permuted_names(self, tokens: list[str]) -> dict[str, str]:
        """Made-up words that are a name's letters rearranged (trace 3): token -> the name."""
        out = {}
        for tok in tokens:
            low = tok.lower()
            if len(low) < (4 if _INNER_CAPITAL.match(tok) else MIN_PERMUTED) or not self._made_up(low):
                continue
            names = self.by_letters.get("".join(sorted(low)))
            if names:
                out[tok] = names[0]
        return out

    def pieced_names(self, text: str) -> list[str]:
        """Names written in pieces that the text sets apart, whatever puts them together
        (trace 7): a name word made of two or more of the text's letter runs ("Ke BLAT el",
        "'ara' an 'Al'", "Co/ rvin/", table cells, diff lines, log fields), the first of them
        capitalised as the name. A full name needs both its words (one of them may stand
        whole) and a made-up piece; a last name alone, a made-up piece of two or more letters
        or pieces that are all quoted. Decoys among the pieces do not matter; people whose
        names the same pieces make (a retain person) are read too, and the matcher weighs them."""
        runs = _ASCII_WORD.findall(text)
        if len(runs) < 2:
            return []
        capital = {r.lower() for r in runs if r[0].isupper()}
        pieces = {r.lower() for r in runs if len(r) >= 2 or r.lower() not in _LONE_LETTERS}
        quoted = {m.lower() for m in _QUOTED_RUN.findall(text)}
        low_text = text.lower()
        out = []
        # each name word's cover, once per text (a pure function of the word and the runs); a
        # word whose first letter begins no capitalised run has none (a cover's first piece
        # is a capitalised run at the word's start, or the word itself is one)
        starts = {c[0] for c in capital}
        cover_of = {w: self._cover(w, pieces, capital) if w[0] in starts else None for w in self.name_words}
        # a name is read below only when one of its words is covered by two or more pieces
        split_words = {w for w, c in cover_of.items() if c is not None and len(c) >= 2}
        if not split_words:
            return []
        for p in self.people:
            if split_words.isdisjoint(p):
                continue
            covers = [cover_of[w] for w in p]
            if any(c is None for c in covers) or " ".join(p) in low_text:
                continue
            split = [c for c in covers if len(c) >= 2]
            made_up = [x for c in split for x in c if len(x) >= 2 and self._made_up(x) and not _prose(x)]
            if len(p) >= 2 and split and made_up:
                out.append(" ".join(p))
        for p in self.people:
            last = p[-1]
            if last not in split_words:
                continue
            cover = cover_of[last]
            if cover is None or len(cover) < 2 or re.search(r"(?<![a-z])" + last + r"(?![a-z])", low_text):
                continue
            if any(len(x) >= 2 and self._made_up(x) and not _prose(x) for x in cover) or all(x in quoted for x in cover):
                out.append(last)
        return list(dict.fromkeys(out))

    @staticmethod
    def _cover(word: str, pieces: set[str], capital: set[str]) -> tuple[str, ...] | None:
        """``word`` as two or more pieces (all in ``pieces``, the first in ``capital``, at most
        one of a single letter), or None; the word itself, when it stands whole and
        capitalised, is its own cover."""
        if word in capital:
            return (word,)
        # a cover begins with a capitalised piece shorter than the word and ends with a piece
        # that starts after its first letter: without both, there is none
        n = len(word)
        if not any(word[:j] in capital for j in range(1, n)) or not any(word[i:] in pieces for i in range(1, n)):
            return None
        # the cover with the fewest one-letter pieces, then the fewest pieces; at most one
        # one-letter piece (a text of single letters, a game of "after K?", covers any name)
        best: dict[int, tuple[tuple[int, int], tuple[str, ...]]] = {0: ((0, 0), ())}
        for i in range(len(word)):
            if i not in best:
                continue
            (singles, count), cover = best[i]
            for j in range(i + 1, len(word) + 1):
                piece = word[i:j]
                if piece in (capital if i == 0 else pieces):
                    score = (singles + (len(piece) == 1), count + 1)
                    if j not in best or best[j][0] > score:
                        best[j] = (score, (*cover, piece))
        got = best.get(len(word))
        return got[1] if got and len(got[1]) >= 2 and got[0][0] <= 1 else None

    def confused_names(self, text: str) -> dict[str, str]:
        """Names spelt as a reader might mishear, misread or misspell them (trace 8): the
        span -> the name. Two words in a row (one of them made up) within
        :func:`confusion_limit` of a person's full name, each word within the limit of its
        name word ("miwew swoames", "AIana Ormc", "par rinn frawst"; no function word:
        "parent of Frost" is not "Parrin Frost"); a capitalised made-up word standing alone
        where names stand, within 0.85 of the limit of a last name ("Loreh"). The nearest
        person wins; a known person's own name is never read as another's."""
        tokens = [(m.group(0), m.start()) for m in _SHAPED_WORD.finditer(text)
                  if sum(c.isalpha() for c in m.group(0)) >= 2 and not m.group(0).isdigit()]
        if not tokens:
            return {}
        lows = [t.lower().translate(_SHAPES) for t, _ in tokens]
        made = [self._made_up(w) and not w.isdigit() for w in lows]
        function = [w in COMMON_WORDS for w in lows]  # "of", "the": never part of a name
        out: dict[str, str] = {}
        used: set[int] = set()
        for width in (2, 3):  # a name's two words, or three where a space split one
            for i in range(len(tokens) - width + 1):
                span = range(i, i + width)
                if used & set(span) or not any(made[k] for k in span) or any(function[k] for k in span) or any(
                        tokens[k + 1][1] - tokens[k][1] - len(tokens[k][0]) > 2 for k in span[:-1]):
                    continue
                parts = [lows[k] for k in span]
                cuts = [(parts[0], parts[1])] if width == 2 else [(parts[0] + parts[1], parts[2]),
                                                                  (parts[0], parts[1] + parts[2])]
                best = self._nearest_person(cuts)
                if best is not None:
                    a, b = tokens[i], tokens[i + width - 1]
                    out[text[a[1]:b[1] + len(b[0])]] = best
                    used |= set(span)
        for i, (tok, start) in enumerate(tokens):
            if i in used or not made[i] or len(lows[i]) < 4:
                continue
            if not (tok[0].isupper() and tok[1:].islower()) or _sentence_start(text, start):
                continue  # names stand capitalised (not "RMU"); the guard knows too few English
                # words to tell "tawlk" (Tolk) from "talk" in lower case
            if any(tokens[k][0][0].isupper() and made[k] for k in (i - 1, i + 1) if 0 <= k < len(tokens)):
                continue  # part of a two-word name that is no one's ("Jane Austen" is not Easton)
            best = self._nearest_last(lows[i], 0.85)
            if best is not None:
                out[tok] = best
        return out

    def _nearest_person(self, cuts: list[tuple[str, str]]) -> str | None:
        """The person whose two name words (in order) are each within :func:`confusion_limit`
        of a cut's two words, and the words glued within that of the name glued; the nearest
        wins, a tie reads nothing, and a known person's own name is no one else's."""
        scored = []
        for first, last in cuts:
            if first in self.words and last in self.words:
                return None
            # each two-word person once, grouped by first word: a first word past its limit
            # rules out everyone who bears it (the order scored entries are found in does not
            # matter, they are sorted)
            n_first, n_last = len(first), len(last)
            for word, n, limit, rest in self.first_words_near.get(n_first, ()):
                d0 = confusion_distance(first, word, limit)
                if d0 > limit:
                    continue
                for second, limit1, limit_both, name in rest:
                    if abs(len(second) - n_last) > 3:
                        continue
                    d1 = confusion_distance(last, second, limit1)
                    if d1 <= limit1 and d0 + d1 <= limit_both:
                        scored.append((d0 + d1, name))
        scored.sort()
        if not scored or len(scored) >= 2 and scored[1][0] == scored[0][0] and scored[1][1] != scored[0][1]:
            return None
        return scored[0][1]

    def _nearest_last(self, letters: str, share: float) -> str | None:
        """The last name nearest ``letters`` within ``share`` of its :func:`confusion_limit`,
        or None when none is, the nearest is a tie, or the letters are a name word."""
        if letters in self.words:
            return None
        # a misreading keeps about as many letters as the name has ("More" is not "Morrow")
        n_letters = len(letters)
        scored = sorted((confusion_distance(letters, w, share * limit), w) for w, n, limit in self.last_words
                        if n - 1 <= n_letters <= n + 3)
        scored = [(d, w) for d, w in scored if d <= share * confusion_limit(w)]
        if not scored or len(scored) >= 2 and scored[1][0] == scored[0][0] and scored[1][1] != scored[0][1]:
            return None
        return scored[0][1]

    def initials(self, text: str) -> list[str]:
        """Initials of runs of capitalised (or hyphen-joined) words that spell a name (trace 4)."""
        out = []
        runs: list[list[str]] = [[]]
        for raw in text.split():
            tok = raw.strip(_STRIP + ".,;")
            if tok and raw[0] in "([{<\"'«“‘":
                runs.append([])  # a bracket or a quote opens a run
            if _CAPITALISED.match(tok if tok.isascii() else unaccented(tok)):  # "Cäsar" is a capitalised word
                runs[-1].append(tok)
                if raw[-1] in ")]}>\"'»”’.?!:":
                    runs.append([])  # and closing punctuation ends one ("[... Heinrich]? Answer")
            elif runs[-1]:
                runs.append([])
        out += ["".join(w[0] for w in run).lower() for run in runs if len(run) >= 3]
        out += ["".join(w[0] for w in m.group(0).split("-")).lower() for m in _HYPHENATED.finditer(text)]
        # capitals that stand out by case: inside words, or on words of a lower-case sentence
        # ("just Put eAch way Rest moRe amazIng ruN")
        for sentence in _SENTENCE.split(text):
            words = sentence.split()
            marked = [w for w in words[1:] if any(c.isupper() for c in w[1:]) or w[:1].isupper()]
            if len(words) >= 4 and sum(any(c.isupper() for c in w[1:]) for w in words) >= 2 and len(marked) >= 3:
                for start in (0, 1):  # the first word's capital may be sentence case or part of it
                    out.append("".join(c for w in words[start:] for c in w if c.isupper()).lower())
        # capitals put inside ordinary words ("poLAR CHild", "sTAMp SIren kNight"): the
        # capitals of a run of mixed-case words, each with a capital after its first letter
        run = []
        for tok in [*(t.strip(_STRIP + ".,;") for t in text.split()), ""]:
            if len(tok) >= 2 and tok.isalpha() and any(c.isupper() for c in tok[1:]) and any(c.islower() for c in tok):
                run.append("".join(c for c in tok if c.isupper()))
                continue
            if run:
                out.append("".join(run).lower())
            run = []
        # every capital of a short quoted or bracketed span, or of the words after a colon
        # ("the CAPS in 'roYAl miRROr Walnut'", "(kNow put About See Happy.)")
        for span in _SPANS:
            for m in span.finditer(text):
                capitals = "".join(c for c in m.group(1) if c.isupper()).lower()
                if len(capitals) >= 4:
                    out.append(capitals)
        return [s for s in out if s in self.words]

    def _near(self, low: str) -> list[tuple[tuple[str, ...], int]]:
        """(person, word index) of the name words a typo or two from ``low``, cached per word."""
        cache = self._near_cache
        if low in cache:
            return cache[low]
        found = [(p, p.index(low)) for p in self.by_word.get(low, ())]  # the name word itself
        if self._made_up(low):
            # a typo keeps the first or the last letter, but for one at each end
            for w in sorted({*self.by_first_letter.get(low[0], ()), *self.by_last_letter.get(low[-1], ())}):
                limit = 2 if len(w) >= 7 else 1
                if abs(len(w) - len(low)) <= limit and _typos(low, w, limit) <= limit:
                    found += [(p, p.index(w)) for p in self.by_word[w]]
        if len(cache) > 4096:
            cache.clear()
        cache[low] = found
        return found

    def misspelt_names(self, tokens: list[str], hedged: bool = False) -> dict[str, str]:
        """Made-up words a typo or two away from a name word (trace 6): token -> the name word.
        A word a letter away (one added, dropped, changed, or two neighbours swapped) from a
        name word of 4 or more letters, two away from one of 7 or more, counts next to the same
        person's other name or a word near it; alone (a capitalised word, a last name) when the
        text hedges the spelling (``hedged``), or when it is letter soup ("Frst") one away from
        a last name of 5 or more letters."""
        near = [self._near(tok.lower()) for tok in tokens]
        out = {}
        for i, tok in enumerate(tokens):
            partnered = [p[j] for p, j in near[i] if any(
                q == p and k == j + 1 for q, k in (near[i + 1] if i + 1 < len(tokens) else ())) or any(
                q == p and k == j - 1 for q, k in (near[i - 1] if i else ()))]
            alone = [p[j] for p, j in near[i] if j == len(p) - 1 and tok[0].isupper() and (
                hedged and len(p[j]) >= 4 or len(p[j]) >= 5 and not _word_like(tok)
                and _typos(tok.lower(), p[j], 1) <= 1)]
            if partnered or alone:  # a word near the same person's other name first
                out[tok] = (partnered or alone)[0]
        return out

    def spoonerised_names(self, tokens: list[str]) -> dict[str, str]:
        """Two words in a row whose first sounds, swapped back, give a name's words (part of
        trace 5): "Frarrin Post" -> "Parrin Frost"."""
        out = {}
        for a, b in zip(tokens, tokens[1:]):
            (oa, ra), (ob, rb) = _onset(a.lower()), _onset(b.lower())
            if oa == ob or not (oa or ob):
                continue
            x, y = ob + ra, oa + rb
            if x in self.words and y in self.words and self._made_up(a.lower()):
                out[a], out[b] = x, y
        return out

    def sound_names(self, tokens: list[str], cue: bool = False) -> dict[str, str]:
        """Made-up words that sound like a name word, or are it without its vowels (trace 5):
        token -> the name word. A lone word must have no vowel ("Frst"); words that sound like
        a name count when the next one sounds like the same person's other name, or alone when
        the text says it is to be heard (``cue``: "sounds like", "say it aloud")."""
        out = {}
        for i, tok in enumerate(tokens):
            if not self._made_up(tok):
                continue
            bare = not _VOWELS_RE.search(tok.lower()[1:])  # no vowel but perhaps the first letter
            key = _sound_key(tok, vowels=not bare)
            if len(key) < MIN_SOUND_KEY:
                continue
            for p in self.by_sound.get((key, not bare), ()):
                j = next(n for n, w in enumerate(p) if _sound_key(w, vowels=not bare) == key)

                def sounds(other: str, k: int) -> bool:
                    vowels = bool(_VOWELS_RE.search(other.lower()[1:]))
                    return bool(other) and _sound_key(other, vowels) == _sound_key(p[k], vowels)

                partner = (j + 1 < len(p) and i + 1 < len(tokens) and sounds(tokens[i + 1], j + 1)) or (
                    j > 0 and i > 0 and sounds(tokens[i - 1], j - 1))
                if (bare and j == len(p) - 1) or partner or (cue and j == len(p) - 1):
                    out[tok] = p[j]
                    break
        return out

    def _near_word(self, word: str, name: str, alone: bool) -> bool:
        """Whether ``word`` may be the name word ``name`` written otherwise: as another
        language spells it (its sounds, and a case ending of up to two consonants), with a
        typo (two in a word of 7 or more letters), within :func:`confusion_limit` (0.85 of it
        alone), or with its letters rearranged. ``alone``
        (no other name word beside it) asks for 3 or more consonant classes, 5 or more letters."""
        low = unaccented(word).lower()
        if low == name:
            return True
        key, want = foreign_key(low), foreign_key(name)
        if len(want) >= (3 if alone else 2) and key.startswith(want) and len(key) - len(want) <= MAX_ENDING:
            return True
        size, limit = 5 if alone else 4, 2 if len(name) >= 7 else 1
        if len(name) >= size and abs(len(low) - len(name)) <= 2 and _typos(low, name, limit) <= limit:
            return True
        share = 0.85 if alone else 1.0
        if len(name) >= 4 and confusion_distance(low.translate(_SHAPES), name, share * confusion_limit(name)) <= \
                share * confusion_limit(name):
            return True  # misheard, misread ("tawlk", "Loreh")
        return len(name) >= size and sorted(low) == sorted(name)

    def near_people(self, words: list[str]) -> list[tuple[str, ...]]:
        """The known people a name written otherwise may be (rule 4 of
        :mod:`obliviate.guard.opaque`): ``words`` are a subject's capitalised words; two of
        them in a row (either order) near a person's two name words, or one near a last name
        alone (:meth:`_near_word`), or two words that a per-letter substitution turns into a
        full name of 7 or more letters with two repeated letters (with one, "Faiz Ahmed" would
        be "Ulmo Larch")."""
        lows = [unaccented(w).lower() for w in words]
        if not lows or all(w in self.words or w in self.known_words for w in lows):
            return []
        out = []
        for p in self.people:
            if len(lows) == 1:
                if self._near_word(lows[0], p[-1], alone=True):
                    out.append(p)
                continue
            for a, b in zip(lows, lows[1:]):
                if len(p) >= 2 and (self._near_word(a, p[0], False) and self._near_word(b, p[-1], False)
                                    or self._near_word(a, p[-1], False) and self._near_word(b, p[0], False)):
                    out.append(p)
                    break
                letters = "".join(p)
                if len(p) == 2 and (len(a), len(b)) == tuple(map(len, p)) and len(letters) >= 7 \
                        and len(letters) - len(set(letters)) >= 2 and _consistent(letters, list(a + b)) == (True, 0):
                    out.append(p)  # one letter, one unit, both ways: a substitution
                    break
        return out

    def readings(self, text: str) -> tuple[list[str], list[str]]:
        """Readings of ``text`` with each traced name written out: those with the traced words
        replaced in place (embedded, rearranged, rotated, sound-alike, misspelt, spoonerised,
        typed in another layout), and those with the names added after the text (codes,
        initials, rearranged runs of single letters). Both empty when nothing is traced."""
        in_place, added = [], []
        names = self.code_names(text)
        if names:
            added.append(f"{text}\n" + " / ".join(names))
        matches = list(_ASCII_WORD.finditer(text))
        words = [m.group(0) for m in matches if len(m.group(0)) >= 3]
        # made-up words stand where names do: capitalised, not the first word of a sentence
        # (an English word the guard does not know, "tomorrow", is not a name's trace)
        named_like = [m.group(0) for m in matches
                      if len(m.group(0)) >= 3 and m.group(0)[0].isupper() and not _sentence_start(text, m.start())]
        tokens = [w for w in named_like if len(w) >= MIN_PERMUTED]
        # a run of single letters (spaced out, or a grid read across) is one word here
        singles = re.findall(r"(?:(?<!\S)[A-Za-z](?:[ \t\n]+|$)){5,}", text)
        glued = ["".join(s.split()) for s in singles]
        hedged = bool(_HEDGE.search(text))
        # letter soup in lower case may be a name's letters rearranged ("wyarro" is not soup)
        # and so may a word with a capital inside ("wYarro", "eOrm": the name's capital moved)
        soup = [w for w in words
                if w[0].islower() and (len(w) >= MIN_PERMUTED and not _word_like(w)
                                       or len(w) >= 4 and _INNER_CAPITAL.match(w))]
        for found in (self.embedded_names(tokens), self.permuted_names([*tokens, *soup, *glued]),
                      self.sound_names(named_like, hedged or bool(_PHONETIC_CUE.search(text))),
                      self.misspelt_names(words, hedged), self.spoonerised_names(named_like),
                      self.relaid_names(text), self.confused_names(text),
                      self.rotated_names([w for w in words if len(w) >= 4])):
            replaced, extra = text, []
            for tok, name in found.items():
                if tok in text:
                    replaced = re.sub(r"(?<!\w)" + re.escape(tok) + r"(?!\w)", name, replaced,
                                      flags=re.IGNORECASE)
                else:
                    extra.append(name)
            if replaced != text:
                in_place.append(replaced)
            if extra:
                added.append(f"{text}\n" + " ".join(extra))
        pieced = self.pieced_names(text)
        if pieced:
            added.append(f"{text}\n" + " / ".join(pieced))
        spelled = self.initials(text)
        if spelled:
            added.append(f"{text}\n" + " ".join(spelled))
        return in_place, added
