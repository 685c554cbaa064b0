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
from functools import lru_cache

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

# Capital look-alikes map before case folding: Greek "Ν" (nu) looks like N, its lower case
# "ν" like v, so folding first would read "Νash" as "vash".
UPPER_HOMOGLYPHS = {
    "Α": "A", "Β": "B", "Ε": "E", "Ζ": "Z", "Η": "H", "Ι": "I", "Κ": "K", "Μ": "M", "Ν": "N", "Ο": "O",
    "Ρ": "P", "Τ": "T", "Υ": "Y", "Χ": "X", "А": "A", "В": "B", "Е": "E", "К": "K", "М": "M", "Н": "H",
    "О": "O", "Р": "P", "С": "C", "Т": "T", "У": "Y", "Х": "X", "Ѕ": "S", "І": "I", "Ј": "J", "Ԛ": "Q",
    "Ԝ": "W", "Ү": "Y", "Ӏ": "I"}

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
    """Drop zero-width and other format characters (Unicode category Cf) and controls.

    Tag characters (U+E0020..U+E007E), invisible copies of ASCII, are read as the ASCII
    they copy first: a model reads them, so "invisible" text is still text.
    """
    if not text.isascii():
        text = "".join(chr(ord(ch) - 0xE0000) if 0xE0020 <= ord(ch) <= 0xE007E else ch for ch in text)
        text = "".join(ch for ch in text if unicodedata.category(ch) != "Cf")
    return _CONTROL.sub("", text)


# A character whose Unicode name says it is a Latin letter in some style (small capital,
# turned, regional indicator, negative squared, ...) reads as that letter. Greek and
# Cyrillic are left to the look-alike tables: their letters are letters of their own.
_LETTER_NAME = re.compile(r"^(?:LATIN|REGIONAL INDICATOR SYMBOL|NEGATIVE|SQUARED|CIRCLED|PARENTHESIZED|"
                          r"MODIFIER|SUPERSCRIPT|SUBSCRIPT|MATHEMATICAL|FULLWIDTH|TAG)\b.*\bLETTER "
                          r"(?:[A-Z]+ )*([A-Z])(?: WITH .*)?$")
# Braille (grade 1): a script a model reads letter for letter.
BRAILLE = dict(zip("⠁⠃⠉⠙⠑⠋⠛⠓⠊⠚⠅⠇⠍⠝⠕⠏⠟⠗⠎⠞⠥⠧⠺⠭⠽⠵", "abcdefghijklmnopqrstuvwxyz"))


def _letter_by_name(ch: str) -> str:
    if ch in BRAILLE:
        return BRAILLE[ch]
    if ch.isascii():
        return ch
    m = _LETTER_NAME.match(unicodedata.name(ch, ""))
    return m.group(1).lower() if m else ch


_UPPER = str.maketrans(UPPER_HOMOGLYPHS)
_LOWER = str.maketrans(HOMOGLYPHS)
_SYMBOLS = str.maketrans(LEET_SYMBOLS)
_DIGITS = str.maketrans(LEET_DIGITS)


def unaccented(text: str) -> str:
    """Accented letters as their base letters ("Cäsar" is "Casar"): NFKD splits them into base
    and combining mark, and the marks are dropped."""
    return "".join(ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch))


# Thai writes some vowels before the consonant they follow in speech; a reading puts them back
# after it ("เบ" is "be"), as the Royal Thai romanisation reads them.
_THAI_PREPOSED = re.compile("([\u0e40-\u0e44])([\u0e01-\u0e2e])")
# Greek digraphs read as one sound (ELOT 743): "ου" is u, "μπ" b, "ντ" d, "γκ" g.
_GREEK_DIGRAPHS = re.compile("[Οο][Υυύ]|[Μμ][Ππ]|[Νν][Ττ]|[Γγ][Κκ]")
_GREEK_SOUNDS = {"ου": "u", "μπ": "b", "ντ": "d", "γκ": "g"}
# Word separators of East Asian scripts ("アラ・オルメ").
_SCRIPT_DOTS = str.maketrans({"\u30fb": " ", "\uff65": " ", "\u00b7": " "})


def _non_latin(ch: str) -> bool:
    return ch.isalpha() and not unicodedata.name(ch, "LATIN").startswith("LATIN")


def transliterated(text: str) -> str | None:
    """Letters of other scripts as Latin letters, by their sound (anyascii's tables, one per
    script: "ቤልካ ቶልክ" is "Belka Tolk", "Ουλμο" is "Oylmo", "알라" is "Alla"), or None where
    the text has none. A word of a script without capitals is capitalised as a name would be,
    so that the name traces read it. Look-alike letters are read by shape elsewhere
    (:data:`HOMOGLYPHS`); this is the reading of a name written in another script by its
    sound. Without the anyascii package there is no such reading."""
    if text.isascii() or not any(_non_latin(ch) for ch in text):
        return None
    try:
        from anyascii import anyascii
    except ImportError:  # an optional reading: the other decoders still run
        return None
    out, run = [], []

    def flush() -> None:
        if run:
            word = _THAI_PREPOSED.sub(r"\2\1", "".join(run))
            word = _GREEK_DIGRAPHS.sub(lambda m: _GREEK_SOUNDS[unaccented(m.group(0).lower())].upper()
                                       if m.group(0)[0].isupper() else _GREEK_SOUNDS[unaccented(m.group(0))], word)
            latin = anyascii(word).strip("'ʼ`")
            caseless = not any(c.isupper() or c.islower() for c in word if c.isalpha())
            out.append(latin.capitalize() if caseless and latin[:1].isalpha() else latin)
            run.clear()

    for ch in text.translate(_SCRIPT_DOTS):
        if _non_latin(ch) or run and unicodedata.category(ch).startswith("M"):
            run.append(ch)
        else:
            flush()
            out.append(ch)
    flush()
    reading = "".join(out)
    return reading if reading != text else None


def fold(text: str) -> str:
    """NFKC + accent stripping + homoglyph mapping + casefold; digits are kept.

    This is the view used for answer strings (a birth year must stay a number).
    """
    text = strip_invisible(unicodedata.normalize("NFKC", text))
    if not text.isascii():
        # Small-capital text writes q as "ǫ" (Unicode has no small capital Q): read it as q
        # before its ogonek is stripped below.
        text = text.replace("ǫ", "q")
        text = unaccented(text).translate(_UPPER)
    text = text.casefold()
    if text.isascii():
        return text
    text = text.translate(_LOWER)
    return text if text.isascii() else "".join(map(_letter_by_name, text))


def _skeleton_folded(text: str, all_symbols: bool = False) -> str:
    if all_symbols:
        text = text.translate(_SYMBOLS)
    else:
        text = _LEET_SYMBOL.sub(lambda m: LEET_SYMBOLS[m.group(0)], text)
    return text.translate(_DIGITS).translate(LETTER_CLASSES)


def skeleton(text: str, all_symbols: bool = False) -> str:
    """``fold`` plus leetspeak and letter classes: the view used for names.

    ``all_symbols`` maps every leet symbol, also one that ends a word ("Venn!"), for
    views that only ever search whole names.
    """
    return _skeleton_folded(fold(text), all_symbols)


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
    folded = fold(text)
    s = _skeleton_folded(folded)
    split = tuple(_NON_WORD.sub(" ", s).split())
    joined = tuple(_NON_WORD.sub("", s).split())
    compact = _SPACE.sub("", _NON_WORD.sub("", _skeleton_folded(folded, all_symbols=True)))
    glued = collapse_letter_runs(tuple(folded.split()))
    # A lone symbol ("|" of a table border) is a separator here, not a letter.
    spaced = tuple(w for w in (_NON_WORD.sub("", _skeleton_folded(t, all_symbols=True)) for t in glued
                               if len(t) > 1 or t.isalnum()) if w)
    return TextViews(split=split, joined=joined, compact=compact, spaced=spaced)


def name_key(name: str) -> tuple[str, ...]:
    """A name as the token tuple the matcher compares against (skeleton form)."""
    return tuple(_NON_WORD.sub(" ", skeleton(name)).split())


# ---- decodings: every reading of a text under a transformation a model can undo ------------
# An attacker need not hide the name's letters: a model reads base64, hex, percent-encoding,
# HTML entities, backslash escapes, character codes, Morse, spelling alphabets, rot13 and other
# shifts, and reversed text. ``decodings`` returns the text and each such reading of it (the
# decoded run put back in place, so the rest of the prompt stays around it), applied twice so
# that chains (base64 of rot13, reversed base64) come out too. Decoders are written for their
# class (any run that parses as base64, any run of numbers that reads as character codes in
# base 2, 8, 10 or 16, any Caesar shift that turns words into names or common words), not for
# the examples in obfuscate.py.

import base64 as _base64  # noqa: E402
import binascii as _binascii  # noqa: E402
import html as _html  # noqa: E402
import urllib.parse as _urlparse  # noqa: E402

_B64_RUN = re.compile(r"[A-Za-z0-9+/_-]{4,}={0,2}")
# Hex bytes, each optionally prefixed (0x, \x), with any short run of separators between them
# ("0x57, 0x68", "57 | 68", "[0x4F; 0x72]"); a run decodes only if it reads as text.
_HEX_SEP = r"[\s:,;|./-]"
_HEX_RUN = re.compile(r"(?<![0-9A-Za-z])(?:(?:0[xX]|\\x)?[0-9a-fA-F]{2}(?![0-9a-fA-F])?" + _HEX_SEP
                      + r"{0,4}){4,}")
_NUMBER_RUN = re.compile(r"\b\d{1,8}(?:[\s,;:-]+\d{1,8}){2,}\b")
_PERCENT = re.compile(r"%[0-9a-fA-F]{2}")
_BACKSLASH = re.compile(r"\\(?:u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|x[0-9a-fA-F]{2}|[0-7]{2,3}|N\{[^}]+\})")
_MORSE_RUN = re.compile(r"(?:[.\-·•_]{1,7}(?:\s+|\s*/\s*|\s*\|\s*)){2,}[.\-·•_]{1,7}")
_WORD = re.compile(r"[A-Za-z]+")
# Every ASCII character but a letter (and the possessive apostrophe) as a space.
_NON_LETTERS = str.maketrans({chr(c): " " for c in range(128) if not chr(c).isalpha() and chr(c) != "'"})
_MORSE_TABLE = {
    ".-": "a", "-...": "b", "-.-.": "c", "-..": "d", ".": "e", "..-.": "f", "--.": "g", "....": "h",
    "..": "i", ".---": "j", "-.-": "k", ".-..": "l", "--": "m", "-.": "n", "---": "o", ".--.": "p",
    "--.-": "q", ".-.": "r", "...": "s", "-": "t", "..-": "u", "...-": "v", ".--": "w", "-..-": "x",
    "-.--": "y", "--..": "z", "-----": "0", ".----": "1", "..---": "2", "...--": "3", "....-": "4",
    ".....": "5", "-....": "6", "--...": "7", "---..": "8", "----.": "9", "..--..": "?", ".-.-.-": ".",
    "--..--": ",", ".----.": "'"}
# Spelling alphabets (NATO/ICAO and the common variants): a run of these words spells letters.
_SPELLING = {w: w[0] for w in (
    "alfa alpha bravo charlie delta echo foxtrot golf hotel india juliet juliett kilo lima mike "
    "november oscar papa quebec romeo sierra tango uniform victor whiskey whisky xray x-ray yankee "
    "zulu").split()}
_SPELLING_WORD = re.compile(r"(?i)\b(?:" + "|".join(map(re.escape, _SPELLING)) + r")\b")
_PLAIN_WORD = re.compile(r"[A-Z]?[a-z]+")
# Function words of English questions: a Caesar shift that produces two of them (or names)
# is a reading worth matching.
COMMON_WORDS = frozenset(
    "the a an of in on at to is was were are who whom whose what which where when why how did does do "
    "born name person and or for with from about tell me this that his her their answer question "
    "work works worked prize book books plays pet color".split())
# English words of one to three letters (a closed class, mostly): tokens that read as prose.
SHORT_WORDS = frozenset(
    "a i o ad ah am an as at aw ax ay be by do eh go ha he hi hm if in is it ma me my no of oh ok on or ow ox "
    "pa so to uh um up us we ya ye yo act add ado aft age ago aid ail aim air all and ant any ape apt arc are "
    "ark arm art ash ask ate awe axe bad bag ban bar bat bay bed bee beg bet bid big bin bit boa bog boo bow box "
    "boy bra bud bug bum bun bus but buy bye cab can cap car cat cow coy cry cub cue cup cur cut dab dad dam day "
    "den dew did die dig dim din dip doe dog don dot dry dub due dug dye ear eat ebb egg ego elf elk elm emu end "
    "era eve ewe eye fad fan far fat fax fed fee few fib fig fin fir fit fix flu fly foe fog for fox fry fun fur "
    "gag gal gap gas gel gem get gig gin god got gum gun gut guy gym had ham has hat hay hem hen her hew hex hey "
    "hid him hip his hit hob hoe hog hop hot how hub hue hug hum hut ice icy ill imp ink inn ion ire irk its ivy "
    "jab jam jar jaw jay jet jig job jog jot joy jug key kid kin kit lab lad lag lap law lax lay led leg let lid "
    "lie lip lit log lot low mad man map mat maw may men met mid mix mob mom mop mow mud mug mum nab nag nap net "
    "new nib nil nip nod nor not now nun nut oak oar oat odd ode off oft oil old one opt orb ore our out owe owl "
    "own pad pal pan pap par pat paw pay pea peg pen pep per pet pew pie pig pin pit ply pod pop pot pro pry pub "
    "pun pup put rag ram ran rap rat raw ray red rib rid rig rim rip rob rod roe rot row rub rug rum run rut rye "
    "sad sag sap sat saw say sea see set sew she shy sin sip sir sit six ski sky sly sob sod son sow soy spa spy "
    "sty sub sue sum sun sup tab tad tag tan tap tar tax tea ted tee ten the thy tic tie tin tip toe ton too top "
    "tot tow toy try tub tug two urn use van vat vet via vie vow wad wag war was wax way web wed wee wet who why "
    "wig win wit woe wok won woo wow yak yam yap yaw yea yes yet yew you zap zip zoo".split()) | COMMON_WORDS
MAX_DECODINGS = 48


def _printable(text: str) -> bool:
    """A decoding that reads as text: almost all printable, with some letters."""
    if not text or sum(ch.isalpha() for ch in text) < 2:
        return False
    ok = sum(ch.isprintable() or ch in "\n\t" for ch in text)
    return ok >= 0.9 * len(text)


def _bytes_text(data: bytes) -> str | None:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    return text if _printable(text) else None


def _b64(run: str) -> list[str]:
    out = []
    body = run.rstrip("=")
    for alt in (None, b"-_"):
        try:
            data = _base64.b64decode(body + "=" * (-len(body) % 4), altchars=alt, validate=True)
        except (ValueError, _binascii.Error):
            continue
        text = _bytes_text(data)
        # Any word of four letters parses as base64: a short run counts only when it
        # decodes to letters (a name), not to the printable noise that many words give.
        if text and len(run) < 12 and not re.fullmatch(r"[A-Za-z][A-Za-z .'-]*", text):
            continue
        if text and text not in out:
            out.append(text)
    return out


def _hex(run: str) -> str | None:
    digits = re.sub(r"0[xX]|\\x|" + _HEX_SEP, "", run)
    if len(digits) % 2 or len(digits) < 8:
        return None
    try:
        return _bytes_text(bytes.fromhex(digits))
    except ValueError:
        return None


def _numbers(run: str) -> list[str]:
    """A run of numbers read as character codes (bases 2, 8, 10, 16) or letter positions (a=1)."""
    words = [w for w in re.split(r"\s*[,;]\s*|\s{2,}|\s*/\s*", run.strip()) if w] if "-" in run else [run]
    groups = [[t for t in re.split(r"[\s,;:-]+", w) if t] for w in words]
    flat = [t for g in groups for t in g]
    out = []
    for base in (2, 8, 10, 16):
        try:
            codes = [int(t, base) for t in flat]
        except ValueError:
            continue
        if base == 2 and not all(len(t) >= 7 for t in flat):
            continue
        if all(9 <= c < 0x110000 for c in codes):
            text = "".join(chr(c) for c in codes)
            if _printable(text) and sum(ch.isalpha() for ch in text) >= 0.5 * len(text.replace(" ", "")):
                out.append(text)
    # Letter positions: "16-1-18 6-18" (letters joined by -, words by spaces) or one code per letter.
    by_word = [g for g in (re.split(r"[-.]", w) for w in run.split()) if g]
    if all(t.isdigit() and 1 <= int(t) <= 26 for g in by_word for t in g):
        out.append(" ".join("".join(chr(96 + int(t)) for t in g) for g in by_word))
    return out


def _morse(run: str) -> str | None:
    words = re.split(r"\s*[/|]\s*|\s{3,}", run.replace("·", ".").replace("•", ".").replace("_", "-").strip())
    letters = [[_MORSE_TABLE.get(code) for code in w.split()] for w in words]
    if any(c is None for w in letters for c in w):
        return None
    return " ".join("".join(w) for w in letters)


def _spelled(text: str) -> list[str]:
    """Runs of spelling-alphabet words ("Papa-Alfa-Romeo") as the letters they spell."""
    if len(_SPELLING_WORD.findall(text)) < 3:
        return []
    out = []
    tokens = re.split(r"(\s*/\s*|\s+|-)", text)
    run, words, found = [], [], False
    for tok in tokens + [" END "]:
        word = re.sub(r"[^\w]", "", tok).lower()
        if word in _SPELLING:
            run.append(_SPELLING[word])
        elif tok.strip() in ("", "-"):
            continue
        elif tok.strip() == "/" and run:
            words.append("".join(run))
            run = []
        else:
            if run:
                words.append("".join(run))
                run = []
            if len("".join(words)) >= 3:
                out.append(" ".join(words))
                found = True
            words = []
    return out if found else []


# Letter names of English, Italian, Spanish, French and German ("pee ay ar", "enne a esse
# acca", "te - a - em"); a run of them spells letters.
LETTER_NAMES: dict[str, str] = {}
for _letter, _names in zip(_ALPHABET := "abcdefghijklmnopqrstuvwxyz", (
        "a ay ah", "b bee bi be bé", "c cee see ci ce cé tse", "d dee di de dé", "e ee é", "f ef eff effe efe",
        "g gee gi ge gé", "h aitch haitch acca hache ache ha", "i eye ii", "j jay jota ji jot", "k kay cappa ka",
        "l el ell elle ele", "m em emme eme", "n en enne ene", "o oh", "p pee pi pe pé", "q cue queue cu ku",
        "r ar erre er", "s ess esse ese es", "t tee ti te té", "u you uu", "v vee vu vi uve vé vau",
        "w double-u doppia-vu doble-uve double-vé we", "x ex ics equis ixe ix", "y wye why ipsilon ypsilon ye",
        "z zee zed zeta ceta zède zett")):
    for _name in _names.split():
        LETTER_NAMES.setdefault(_name, _letter)
_WORD_BREAK = r"\((?:space|leerzeichen|espace|espacio|spazio)\)|\s/\s|[|;]"
_WORD_BREAK_NOTE = re.compile(_WORD_BREAK, re.IGNORECASE)
_LETTER_NAME_SPLIT = re.compile(r"(" + _WORD_BREAK + r"|[\s,\-–]+)", re.IGNORECASE)


def _letter_names(text: str) -> list[str]:
    """Runs of 4 or more letter names, 3 of them more than one letter long, as the letters they
    spell (words broken where the text says "(space)" or puts a slash)."""
    out = []
    for line in text.splitlines():
        words, run, long_names = [], [], 0
        for piece in [*_LETTER_NAME_SPLIT.split(line), "#end"]:
            tok = piece.strip().lower().strip(".?!:\"'")
            if not tok or re.fullmatch(r"[\s,\-–]+", piece):
                continue
            if _WORD_BREAK_NOTE.fullmatch(piece.strip()) or piece.strip() in "/|;":
                if run:
                    words.append("".join(run))
                run = []
                continue
            if tok in LETTER_NAMES and (len(tok) > 1 or run or tok in "aeiou"):
                run.append(LETTER_NAMES[tok])
                long_names += len(tok) > 1
                continue
            if run:
                words.append("".join(run))
                run = []
            if sum(map(len, words)) >= 4 and long_names >= 3:
                out.append(" ".join(words))
            words, long_names = [], 0
    return out


_LONE_CAPITAL = re.compile(r"\b([A-Z]) ([A-Z]{2,})\b")  # "B RASK": small capitals split on a paste
_CUT_WORD = re.compile(r"(?<![\w—-])([A-Za-z]{1,12})(?:—|--|-)(?=[\s(.,)]|$)")
_CUT_REST = re.compile(r"(?:(?<=\s)|^)(?:—|--)([a-z]{1,12})\b", re.MULTILINE)
_THEN_PIECE = re.compile(r"\b([A-Za-z]{1,12}),?\s+(?:then|followed by|and then|plus|\+)\s+['\"]?([a-z]{1,8})\b")


def _continued(text: str) -> str | None:
    """Words cut off and continued later: "It's Ulm— (thunder) ... —o", "Ulm, then o"."""
    cut, rest = _CUT_WORD.findall(text), _CUT_REST.findall(text)
    joined = [a + b for a, b in zip(cut, rest)] + [a + b for a, b in _THEN_PIECE.findall(text)]
    return f"{text}\n" + " ".join(joined) if joined else None


_POSITION_CLAUSE = re.compile(
    r"(?i)(?:\bword\s+(\d{1,2})\s*,?\s*)?"
    r"\b(?:positions?|pos\.?|places?|slots?|index(?:es)?)\s+(\d{1,2}(?:\s*(?:,|and|&)\s*\d{1,2})*)")
_PLACED_LETTER = re.compile(r"['\"‘“]([A-Za-z])['\"’”]|\b[Ll]etter\s+([A-Za-z])\b")


def _placed_letters(text: str) -> str | None:
    """Letters put at numbered positions ("Guess 'L': word 1 position 2; word 2 position 1"),
    the words they fill in order (every position filled)."""
    words: dict[int, dict[int, str]] = {}
    letter = None
    for clause in re.split(r"[;\n]", text):
        for m in _POSITION_CLAUSE.finditer(clause):
            named = list(_PLACED_LETTER.finditer(clause, 0, m.start()))
            letter = (named[-1].group(1) or named[-1].group(2)) if named else letter
            if not letter:
                continue
            w = int(m.group(1) or 1)
            for n in re.findall(r"\d{1,2}", m.group(2)):
                words.setdefault(w, {})[int(n)] = letter.lower()
        if not _POSITION_CLAUSE.search(clause):
            letter = None
    filled = []
    for w in sorted(words):
        pos = words[w]
        if sorted(pos) != list(range(1, len(pos) + 1)) or len(pos) < 3:
            return None
        filled.append("".join(pos[i] for i in sorted(pos)))
    return f"{text}\n" + " ".join(x.capitalize() for x in filled) if filled else None


MAX_UNREAD_SHARE = 0.25
_STUCK_CAPITAL = re.compile(r"\b[a-z]+[A-Z][a-z]*\b")


def _resegmented(text: str, shifts: ShiftIndex) -> str | None:
    """A text whose word boundaries are in the wrong places ("Where wa sTamsi nQu illbor n?"),
    glued line by line and cut again into the words the guard knows (names, common words):
    tried when at least three of a line's words are unknown and some piece is a name."""
    lines, changed = [], False
    vocabulary = shifts.vocabulary
    for line in text.splitlines():
        tokens = _WORD.findall(line)
        known = sum(t.lower() in vocabulary for t in tokens)
        # broken spacing: a third of the line's words unknown and two fragments of at most three
        # letters that are no word, or a capital stuck inside a word
        fragments = sum(len(t) <= 3 and t.lower() not in vocabulary for t in tokens)
        if len(tokens) < 3 or len(line) > 240 or len(tokens) - known < 2 or \
                (known * 3 >= 2 * len(tokens) or fragments < 2) and not _STUCK_CAPITAL.search(line):
            lines.append(line)
            continue
        glued = "".join(tokens).lower()
        n = len(glued)
        # best[i]: (unknown letters, pieces) of the best cut of glued[:i]
        best: list[tuple[int, int, list[str]]] = [(0, 0, [])] + [(n + 1, 0, [])] * n
        for i in range(1, n + 1):
            u, k, words = best[i - 1]
            # an unknown letter joins the unknown letters before it ("s p a c e" stays "space")
            if words and words[-1] not in vocabulary and len(words[-1]) < 16:
                cand = (u + 1, k, words[:-1] + [words[-1] + glued[i - 1]])
            else:
                cand = (u + 1, k + 1, words + [glued[i - 1]])
            for j in range(max(0, i - 14), i - 1):
                piece = glued[j:i]
                if piece in vocabulary:
                    u2, k2, w2 = best[j]
                    if (u2, k2 + 1) < cand[:2]:
                        cand = (u2, k2 + 1, w2 + [piece])
            best[i] = cand
        if best[n][0] > MAX_UNREAD_SHARE * n:
            lines.append(line)  # it does not read once cut again (a reversed text, prose of another language)
            continue
        words = best[n][2]
        # a name counts only where it crosses a boundary of the text's own words ("wasP arr
        # inF"): one inside a word ("tomorrow") or a word of its own ("O. Tolk") was read as
        # written
        bounds, at = set(), 0
        for t in tokens[:-1]:
            at += len(t)
            bounds.add(at)
        # and, in a line that has capitals, where the name's own capital is ("be Ingle" is not
        # in "being learned")
        cased = "".join(tokens)
        lower_line = cased.islower()
        crossing, at = False, 0
        for w in words:
            if len(w) >= 4 and w in shifts.names and any(at < b < at + len(w) for b in bounds) and (
                    lower_line or cased[at].isupper()):
                crossing = True
            at += len(w)
        cut = " ".join(w.capitalize() if w in shifts.names else w for w in words)
        if crossing:
            lines.append(cut)
            changed = True
        else:
            lines.append(line)
    return "\n".join(lines) if changed else None


def _shift(text: str, k: int) -> str:
    return "".join(chr((ord(c) - 97 + k) % 26 + 97) if "a" <= c <= "z" else
                   chr((ord(c) - 65 + k) % 26 + 65) if "A" <= c <= "Z" else c for c in text)


@lru_cache(maxsize=1 << 16)
def _signature(word: str) -> tuple[int, ...]:
    return tuple((ord(b) - ord(a)) % 26 for a, b in zip(word, word[1:]))


class ShiftIndex:
    """Caesar shifts that turn words of a text into known words (names, common words).

    ``names``: the words of people's names (a subset of ``words``). The decoders that read
    one word or one piece of a text a new way (a cipher on one word, letters at a stride,
    a word split across lines) keep a reading only when it gives one of these.
    """

    def __init__(self, words, names=()) -> None:
        self.index: dict[tuple[int, ...], set[str]] = {}
        for w in {w.lower() for w in words if len(w) >= 2 and w.isascii() and w.isalpha()}:
            self.index.setdefault(_signature(w), set()).add(w)
        self.names = frozenset(w.lower() for w in names if len(w) >= 2 and w.isascii() and w.isalpha())
        self.name_index: dict[tuple[int, ...], set[str]] = {}
        for w in self.names:
            self.name_index.setdefault(_signature(w), set()).add(w)
        self.atbash_names = {_atbash(w): w for w in self.names}
        # every known word and English short word, for cutting glued text into words
        self.vocabulary = {w for ws in self.index.values() for w in ws} | SHORT_WORDS

    def is_name(self, word: str) -> bool:
        """``word`` (any case) is a name word, also as a possessive ("Ormes", "Orme's")."""
        w = word.lower().removesuffix("'s")
        return w in self.names or (w.endswith("s") and w[:-1] in self.names)

    def names_in(self, text: str) -> bool:
        """Whether a word of ``text`` (letters, any other character a break) is a name word."""
        return any(self.is_name(w) for w in text.lower().translate(_NON_LETTERS).split())

    def is_known(self, word: str) -> bool:
        return word in self.index.get(_signature(word), ())

    def known_words(self, text: str) -> int:
        """How many distinct words of ``text`` are known words."""
        return sum(self.is_known(w) for w in {w.lower() for w in _WORD.findall(text) if len(w) >= 2})

    def shifts(self, text: str, min_hits: int = 2) -> list[int]:
        votes: dict[int, int] = {}
        for word in {w.lower() for w in _WORD.findall(text) if len(w) >= 2}:
            for target in self.index.get(_signature(word), ()):
                k = (ord(target[0]) - ord(word[0])) % 26
                if k:
                    votes[k] = votes.get(k, 0) + 1
        return sorted((k for k, v in votes.items() if v >= min_hits), key=lambda k: -votes[k])[:3]


def _unescape(m: re.Match) -> str:
    """One backslash escape (\\u0041, \\x41, \\101, \\N{LATIN SMALL LETTER A}) as its character."""
    body = m.group(0)[1:]
    try:
        if body[0] in "uUx":
            return chr(int(body[1:], 16))
        if body[0] == "N":
            return unicodedata.lookup(body[2:-1])
        return chr(int(body, 8))
    except (KeyError, ValueError):
        return m.group(0)


_B32_RUN = re.compile(r"(?<![A-Za-z0-9])[A-Z2-7]{8,}={0,6}")
_B85_RUN = re.compile(r"\S{10,}")
_QP = re.compile(r"(?:=[0-9A-F]{2}){3,}")
_QUOTED = re.compile(r"'([^'\n]{1,40})'|\"([^\"\n]{1,40})\"")
# Upside-down text: the look-alike of each letter turned by 180 degrees, read backwards.
UNFLIP = dict(zip("ɐqɔpǝɟƃɥᴉɾʞlɯuodbɹsʇnʌʍxʎz∀ꓭƆꓷƎℲ⅁HIſꓘ˥WNOԀΌꓤS⊥∩ΛMX⅄Z",
                  "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"))
_FLIPPED = re.compile("[ɐɔǝɟƃɥᴉɾʞɯɹʇʌʍʎ∀ꓭƆꓷƎℲ⅁ſꓘ˥ԀΌꓤ⊥∩Λ⅄]")


# Greek lower-case letters that look like one Latin letter while their capitals look like
# another ("ν" like v, "Ν" like N): read also as the capital's look-alike.
CASE_PARTNER = str.maketrans({"ν": "n", "η": "h", "υ": "y", "μ": "m"})
_CASE_PARTNER_CHARS = re.compile("[νηυμ]")


def _put(text: str, start: int, end: int, decoded: str) -> str:
    """``text`` with ``decoded`` in place of ``text[start:end]``, set off by a space from a
    letter, digit or bracket it would otherwise run into ("fromCharCode(Corvin Frost)")."""
    before = " " if start and not text[start - 1].isspace() and not decoded[:1].isspace() else ""
    after = " " if end < len(text) and not text[end].isspace() and not decoded[-1:].isspace() else ""
    return text[:start] + before + decoded + after + text[end:]


def _codec_run(text: str, m: re.Match, decode) -> str | None:
    decoded = decode(m.group(0))
    return _put(text, m.start(), m.end(), decoded) if decoded else None


def _b32(run: str) -> str | None:
    body = run.rstrip("=")
    for alt in (False, True):
        try:
            data = (_base64.b32hexdecode if alt else _base64.b32decode)(body + "=" * (-len(body) % 8))
        except (ValueError, _binascii.Error):
            continue
        text = _bytes_text(data)
        if text:
            return text
    return None


def _b85(run: str) -> str | None:
    for decode in (_base64.a85decode, _base64.b85decode):
        try:
            text = _bytes_text(decode(run.strip("<~>")))
        except (ValueError, _binascii.Error):
            continue
        if text and sum(c.isalpha() for c in text) >= 0.6 * len(text.replace(" ", "")):
            return text
    return None


def _atbash(text: str) -> str:
    return "".join(chr(219 - ord(c)) if "a" <= c <= "z" else chr(155 - ord(c)) if "A" <= c <= "Z" else c
                   for c in text)


def _rot47(text: str) -> str:
    return "".join(chr(33 + (ord(c) - 33 + 47) % 94) if "!" <= c <= "~" else c for c in text)


def _letter_games(text: str, shifts: "ShiftIndex | None") -> str:
    """Words written with a letter game a model undoes: every letter doubled ("PPaarr"),
    a filler letter after each ("Pxaxrx"), Pig Latin ("arrinPay", when it gives a known word)."""
    out = []
    for word in text.split():
        core = word.strip(".,;:!?()'\"")
        letters = core.lower()
        new = core
        if len(core) >= 4 and core.isalpha():
            if len(core) % 2 == 0 and letters[0::2] == letters[1::2]:
                new = core[0::2]
            elif len(set(letters[1::2])) == 1 and len(core) >= 6:
                new = core[0::2]
            elif letters.endswith("ay") and shifts is not None:
                base = letters[:-2]
                for k in range(0, 4):  # "alaraay": a vowel-initial word moved nothing
                    cand = base[-k:] + base[:-k] if k else base
                    if shifts.is_known(cand):
                        new = cand
                        break
        out.append(word.replace(core, new) if core else word)
    return " ".join(out)


# ---- written for the classes the second held-out set showed missing (set 2 is tuned since) --
_PERCENT_U = re.compile(r"%u([0-9a-fA-F]{4})")
_CSS_ESCAPE = re.compile(r"\\([0-9a-fA-F]{1,6})(?:\r\n|[ \t\n\f])?")
_VS_RUN = re.compile("[\ufe00-\ufe0f\U000e0100-\U000e01ef]{2,}")
_BIT_RUN = re.compile(r"(?<![01])[01]{24,}(?![01])")
_UU_START = re.compile(r"(?:(?<=\s)|^)([!-M])(?=[!-`]{2})")
# Letters spelled by example: "P as in pen", "P for Papa", "P like pen".
_AS_IN = re.compile(r"\b([A-Za-z])\s+(?:as\s+in|for|like|is\s+for)\s+[\w'-]+")
# Acrostics: "the first letters of: Always Before ...", "initials of ...".
_ACROSTIC = re.compile(r"(?i)\b(?:first\s+letters?|initials?|initial\s+letters?)\b[^:\n]{0,30}?(?:of|:)\s*:?\s*"
                       r"((?:[A-Za-z][\w'-]*[\s,;]+){2,}[A-Za-z][\w'-]*)")
# Multi-character leetspeak (the usual tables): symbol groups that draw a letter.
MULTICHAR_LEET = {
    "|\\/|": "m", "/\\/\\": "m", "|v|": "m", "^^": "m", "\\/\\/": "w", "\\^/": "w", "vv": "w", "|-|": "h",
    "]-[": "h", "}{": "h", ")-(": "h", "|\\|": "n", "/\\/": "n", "|_|": "u", "(_)": "u", "/-\\": "a",
    "/\\": "a", "|3": "b", "8": "b", "|)": "d", "|>": "p", "|*": "p", "|<": "k", "|{": "k", "|2": "r",
    "|=": "f", "|_": "l", "_|": "j", "(,)": "q", "`/": "y", "><": "x", "()": "o", "[]": "o", "\\/": "v",
    "(": "c", "<": "c", "[": "c", "!": "i", "|": "l", "+": "t", "7": "t", "5": "s", "$": "s", "3": "e",
    "0": "o", "1": "l", "4": "a", "@": "a", "6": "g", "9": "g", "2": "z",
}
_MC_LEET_GROUP = re.compile(r"(?:\|-\||\|\\\|?/?\|?|\\/|/-\\|\|[23<>=_)*{]|\(\)|><|_\||`/|\(,\))")


def _bits(run: str) -> str | None:
    for width in (8, 7):
        if len(run) % width == 0:
            text = _bytes_text(bytes(int(run[i:i + width], 2) for i in range(0, len(run), width)))
            if text:
                return text
    return None


def _uudecode(text: str) -> str | None:
    """uuencoded lines anywhere in a text (a line: a length character, then 4 characters per 3 bytes)."""
    out, pos, found = [], 0, False
    for m in _UU_START.finditer(text):
        if m.start() < pos:
            continue
        n = ord(m.group(1)) - 32
        need = 1 + 4 * -(-n // 3)
        body = text[m.start():m.start() + need].split("\n")[0]
        continues = found and text[pos:m.start()].strip() == ""  # the next line of one message
        if (n < 3 and not continues) or n < 1 or len(body) < need - 4 or not all(" " <= c <= "`" for c in body):
            continue
        try:
            decoded = _binascii.a2b_uu(body.ljust(need)).decode("utf-8")
        except (_binascii.Error, UnicodeDecodeError):
            continue
        if not continues and not _printable(decoded):
            continue
        out.append(("" if continues else text[pos:m.start()]) + decoded)
        pos, found = m.start() + len(body), True
    joined = "".join(out) + text[pos:]
    return joined if found else None


def _variation_bytes(run: str) -> str | None:
    data = bytes(ord(c) - 0xFE00 if ord(c) < 0xFE10 else ord(c) - 0xE0100 + 16 for c in run)
    return _bytes_text(data)


def _as_in(text: str) -> str | None:
    matches = list(_AS_IN.finditer(text))
    if len(matches) < 3:
        return None
    words, word = [], matches[0].group(1)
    for prev, m in zip(matches, matches[1:]):
        if re.fullmatch(r"[\s,]*", text[prev.end():m.start()]):
            word += m.group(1)
        else:
            words.append(word)
            word = m.group(1)
    words.append(word)
    return " ".join(words)


def _leet_words(word: str, keep: int = 4) -> list[str]:
    """The readings of a word that leave the fewest characters unread, then use the fewest
    groups (up to ``keep`` of them when several tie: "|_|3" is "ue" or "lb")."""
    best: list[tuple[int, int, list[str]]] = [(0, 0, [""])] + [(10**6, 0, [])] * len(word)
    for i in range(len(word)):
        left, groups, reads = best[i]
        for j in range(i + 1, min(len(word), i + 4) + 1):
            piece = word[i:j]
            if piece in MULTICHAR_LEET:
                cost, letter = (left, groups + 1), MULTICHAR_LEET[piece]
            elif j == i + 1:
                cost, letter = (left + 1, groups + 1), piece
            else:
                continue
            if cost < best[j][:2]:
                best[j] = (*cost, [r + letter for r in reads][:keep])
            elif cost == best[j][:2]:
                best[j] = (*cost, list(dict.fromkeys(best[j][2] + [r + letter for r in reads]))[:keep])
    return best[-1][2]


def _multichar_leet(text: str, vocab: "ShiftIndex | None" = None) -> str | None:
    """Each word with leet groups read by the best segmentation; among tied ones, the one
    that gives a name word when there is one."""
    if len(_MC_LEET_GROUP.findall(text)) < 2:
        return None
    out = []
    for w in text.split(" "):
        if not _MC_LEET_GROUP.search(w):
            out.append(w)
            continue
        reads = _leet_words(w)
        out.append(next((r for r in reads if vocab is not None and vocab.is_name(r)), reads[0]))
    return " ".join(out)


# ---- written for the classes the third held-out set showed missing (set 3 is tuned since) ---
# Each reads a piece of the text a new way and keeps the reading only when it gives a name
# word (``ShiftIndex.names``), so an ordinary prompt costs one scan and gets no new reading.

def _cased(word: str, like: str) -> str:
    return word.capitalize() if like[:1].isupper() else word


def _word_ciphers(text: str, vocab: ShiftIndex) -> str | None:
    """Each unknown word that a Caesar shift (rot13 or any other) or Atbash turns into a name
    word, read as that name: a cipher on one word of a name ("Parrin Sebfg")."""
    changed = False

    def repl(m: re.Match) -> str:
        nonlocal changed
        word = m.group(0)
        low = word.lower()
        if len(low) < 4 or vocab.is_known(low):
            return word
        targets = sorted(t for t in vocab.name_index.get(_signature(low), ()) if t != low)
        if not targets and low in vocab.atbash_names:
            targets = [vocab.atbash_names[low]]
        if not targets:
            return word
        changed = True
        return " ".join(_cased(t, word) for t in targets)

    out = _WORD.sub(repl, text)
    return out if changed else None


_LONG_TOKEN = re.compile(r"[^\s'\"`(){}\[\]<>]{8,}")
MAX_STRIDE = 5


def _strided(text: str, vocab: ShiftIndex) -> str | None:
    """Letters at a stride among filler characters ("every other / third character of
    'Pqaxrz...'"): every stride 2..MAX_STRIDE and start of each long token, read with any
    non-letter as a space; a token is replaced by the readings that give a name word."""
    out, pos, found = [], 0, False
    for m in _LONG_TOKEN.finditer(text):
        token = m.group(0)
        readings = []
        for stride in range(2, MAX_STRIDE + 1):
            if len(token) < 3 * stride - 1:
                break
            for start in range(stride):
                reading = token[start::stride]
                if vocab.names_in(reading):
                    reading = " ".join(reading.translate(_NON_LETTERS).split())
                    if reading not in readings:
                        readings.append(reading)
        if readings:
            out.append(text[pos:m.start()] + " / ".join(readings))
            pos, found = m.end(), True
    return "".join(out) + text[pos:] if found else None


# A break inside a word: a hyphen before a line break or a space, or a bare line break.
_WORD_BREAK = re.compile(r"-[ \t]*\n[ \t]*|-[ \t]+|[ \t]*\n[ \t]*")
_BROKEN_WORDS = re.compile(r"[A-Za-z]+(?:(?:-[ \t]*\n[ \t]*|-[ \t]+|[ \t]*\n[ \t]*)[A-Za-z]+)+")


def _joined_breaks(text: str, vocab: ShiftIndex) -> str | None:
    """Words broken across lines or after a hyphen ("Fr-\nost", "Fr\nost", "Fr- ost") joined
    where the pieces make a name word."""
    if "\n" not in text and "-" not in text:
        return None
    changed = False

    def repl(m: re.Match) -> str:
        nonlocal changed
        pieces = re.split(_WORD_BREAK, m.group(0))
        seps = _WORD_BREAK.findall(m.group(0))
        out, i = pieces[0], 1
        while i < len(pieces):
            # the longest run of following pieces that, glued to the current word's last piece, is a name
            glued = None
            for j in range(len(pieces), i, -1):
                cand = out.split()[-1] if out.split() else out
                whole = cand + "".join(pieces[i:j])
                if vocab.is_name(whole):
                    glued = j
                    break
            if glued is None:
                out += seps[i - 1] + pieces[i]
                i += 1
            else:
                out += "".join(pieces[i:glued])
                changed = True
                i = glued
        return out

    out = _BROKEN_WORDS.sub(repl, text)
    return out if changed else None


_B64_TOKEN = re.compile(r"[A-Za-z0-9+/_-]+={0,2}")
_B64_GAP = re.compile(r"[\s.,;:|]{1,3}")
MAX_B64_CHUNKS = 24


def _b64_looking(token: str) -> bool:
    """Not a plain word: digits, capitals inside, '+', '/' or padding (what base64 chunks show)."""
    return not _PLAIN_WORD.fullmatch(token) and not token.isdigit() and not (token.isalpha() and token.isupper())


def _text_prefix(data: bytes) -> int:
    """The length of the longest prefix of ``data`` that is printable text in UTF-8."""
    i, n = 0, len(data)
    while i < n:
        byte = data[i]
        if byte < 0x80:
            if (byte < 32 and byte not in (9, 10, 13)) or byte == 127:
                return i
            i += 1
            continue
        width = 2 if 0xC2 <= byte <= 0xDF else 3 if 0xE0 <= byte <= 0xEF else 4 if 0xF0 <= byte <= 0xF4 else 0
        if not width or i + width > n or not all(0x80 <= c <= 0xBF for c in data[i + 1:i + width]):
            return i
        i += width
    return n


def _b64_printable_chars(joined: str) -> int:
    """How many leading characters of ``joined`` decode (as base64, std or URL-safe) to
    printable text (ASCII or bytes of UTF-8 sequences)."""
    body = joined.split("=")[0]
    body = body[:len(body) - len(body) % 4]
    best = 0
    for alt in (None, b"-_"):
        try:
            data = _base64.b64decode(body, altchars=alt, validate=True)
        except (ValueError, _binascii.Error):
            continue
        best = max(best, (4 * _text_prefix(data)) // 3)
    return best


def _b64_chunks(text: str) -> list[tuple[str, int, int]]:
    """Base64 cut into chunks by spaces, line breaks or punctuation ("UGFy cmlu IEZy b3N0"):
    runs of base64-alphabet tokens with short gaps, joined from each chunk that does not read
    as a word to the farthest one after it whose join decodes as text. Each reading comes
    with the span of the text it decodes."""
    tokens = list(_B64_TOKEN.finditer(text))
    groups, group = [], []
    for m in tokens:
        if group and _B64_GAP.fullmatch(text[group[-1].end():m.start()]) and "=" not in group[-1].group(0):
            group.append(m)
        else:
            if len(group) >= 2:
                groups.append(group)
            group = [m]
    if len(group) >= 2:
        groups.append(group)
    out = []
    for group in groups:
        looking = [i for i, m in enumerate(group) if _b64_looking(m.group(0))]
        if not looking:
            continue
        starts = sorted({j for i in looking for j in (i - 1, i) if j >= 0})[:MAX_B64_CHUNKS]
        # A chunk may read as a word or an acronym ("cmlu", "ZQ"): the join may end up to two
        # chunks after the last one that does not.
        ends = list(range(min(len(group) - 1, looking[-1] + 2), -1, -1))
        done_until = -1
        for a in starts:
            if a <= done_until:
                continue
            # One decode of the whole join bounds the ends: a join can read as text only
            # within the printable prefix of the decoded bytes.
            offsets, total = {}, 0
            for j in range(a, ends[0] + 1):
                total += len(group[j].group(0))
                offsets[j] = total
            reach = _b64_printable_chars("".join(m.group(0) for m in group[a:ends[0] + 1]))
            for b in ends:
                if b <= a:
                    break
                if offsets[b] > reach + 4 or offsets[b] < 6:
                    continue
                joined = "".join(m.group(0) for m in group[a:b + 1])
                if len(joined.rstrip("=")) % 4 == 1:
                    continue
                decoded = _b64(joined)
                if decoded:
                    out.append((text[:group[a].start()] + decoded[0] + text[group[b].end():],
                                group[a].start(), group[b].end()))
                    done_until = b
                    break
    return out


_SLOT = re.compile(r"\{(\w{1,12})\}")
_SLOT_VALUE = re.compile(r"\b(\w{1,12})\s*[=:]\s*(?:'([^'\n]{0,40})'|\"([^\"\n]{0,40})\")")
_STRUCK = re.compile(r"<(s|del|strike)\b[^<>]*>.*?</\1\s*>|~~[^~\n]{1,40}~~|[^\s\u0335\u0336\u0338][\u0335\u0336\u0338]+",
                     re.IGNORECASE | re.DOTALL)
_TAG = re.compile(r"</?[A-Za-z][\w-]*(?:\s[^<>]*)?/?>")
# Pieces defined under names (a variable, a key, a YAML anchor, a list) and put together by
# an expression: "a = 'Ul'; b = 'mo'; a + b", "p0: &x U ... !join [*x, *g]", "${first}${last}",
# "s[3:6] + s[9:11]", "${s:18:3}", "jq '.y[2] + .y[4]' on {...}", "chr(76) + 'arch'".
_DEFINITION = re.compile(  # a lookahead: definitions may overlap ("Question: s = '...'")
    r"(?=(?:(?<=[\s,;{(\[])|^)(?:(?:let|var|const|set|export|local|my|def)\s+)?[$@]?[\"']?(\w{1,16})[\"']?\s*"
    r"(?::=|=|:|=>|->)\s*(?:&(\w{1,16})\s+)?(?:'([^'\n]{0,80})'|\"([^\"\n]{0,80})\"|([^\s,;'\"\[\]{}()]{1,40})))",
    re.MULTILINE)
_ANCHOR = re.compile(r"&(\w{1,16})\s+(?:'([^'\n]{0,40})'|\"([^\"\n]{0,40})\"|([^\s,;'\"\[\]{}()]{1,40}))")
_LIST_DEFINITION = re.compile(r"[$@]?[\"']?(\w{1,16})[\"']?\s*(?::=|=|:)\s*\[([^\[\]\n]{0,400})\]")
_LIST_ITEM = re.compile(r"'([^'\n]{0,40})'|\"([^\"\n]{0,40})\"")
_TERM = re.compile(
    r"'(?P<s1>[^'\n]{0,40})'|\"(?P<s2>[^\"\n]{0,40})\""
    r"|\$\{(?P<bv>\w{1,16})(?::(?P<ba>\d{1,3})(?::(?P<bn>\d{1,3}))?)?\}"
    r"|(?:\bchr|\bCHAR|\bString\.fromCharCode|\(char\))\s*\(\s*(?P<code>\d{1,6})\s*\)"
    r"|(?P<mark>[.*$%@]?)(?P<var>(?<![\w\\])[A-Za-z_]\w{0,15})(?:\[(?P<i>-?\d{1,3})\])?"
    r"(?:\[(?P<a>-?\d{0,3}):(?P<b>-?\d{0,3})\]|\.(?P<fn>substring|slice|substr)\(\s*(?P<x>\d{1,3})\s*"
    r"(?:,\s*(?P<y>\d{1,3})\s*)?\))?%?")
_ASSEMBLY_HINT = re.compile(r"[=&+*\[]|\$\{|\bjoin\b")
_CHAR_CODE = re.compile(r"\b(?:chr|CHAR|fromCharCode)\s*\(|\(char\)")
_TERM_GAP = re.compile(r"^\s*(?:[+,&~]|\|\||\.\.|\s\.\s)?\s*$")


def _definitions(text: str) -> dict[str, object]:
    values: dict[str, object] = {}
    quoted: set[str] = set()
    for m in _DEFINITION.finditer(text):
        key, anchor, *value = m.groups()
        v = next((x for x in value if x is not None), "")
        # a quoted value wins over a bare one ("${s:5:3}" is no definition of s)
        if key not in values or value[-1] is None and key not in quoted:
            values[key] = v
            if value[-1] is None:
                quoted.add(key)
        if anchor:
            values[anchor] = v
    for m in _ANCHOR.finditer(text):
        values[m.group(1)] = next((x for x in m.groups()[1:] if x is not None), "")
    for m in _LIST_DEFINITION.finditer(text):
        items = [a or b for a, b in _LIST_ITEM.findall(m.group(2))]
        if items:
            values[m.group(1)] = items
    return values


def _term(m: re.Match, values: dict[str, object]) -> tuple[str | None, bool]:
    """A term's value (None when it does not resolve), and whether it is a bare name."""
    g = m.groupdict()
    if g["s1"] is not None or g["s2"] is not None:
        return (g["s1"] if g["s1"] is not None else g["s2"]), False
    if g["code"] is not None:
        code = int(g["code"])
        return (chr(code) if 32 <= code < 0x110000 else None), False
    name = g["bv"] or g["var"]
    v = values.get(name)
    if v is None:
        return None, False
    try:
        if g["bv"] is not None:
            a = int(g["ba"] or 0)
            return (v[a:a + int(g["bn"])] if g["bn"] else v[a:]) if isinstance(v, str) else None, False
        if g["i"] is not None:
            v = v[int(g["i"])]
        if g["a"] is not None or g["b"] is not None:
            v = v[int(g["a"]) if g["a"] else None:int(g["b"]) if g["b"] else None]
        elif g["fn"]:
            x, y = int(g["x"]), g["y"]
            v = v[x:x + int(y)] if g["fn"] == "substr" and y else v[x:int(y)] if y else v[x:]
    except (IndexError, TypeError):
        return None, False
    bare = not g["mark"] and g["i"] is None and g["a"] is None and g["b"] is None and not g["fn"]
    return (v if isinstance(v, str) else None), bare


def _assembled(text: str) -> list[str]:
    """Strings that expressions in ``text`` put together out of pieces it defines: runs of two
    or more terms (quoted pieces, references to a defined name, indexed or sliced, character
    codes) with an operator or nothing between them (bare names need an operator: "a + b",
    not "a b"); also inside a quoted program (jq's '.y[2] + .y[4]')."""
    values = _definitions(text)
    if not values and not _CHAR_CODE.search(text):
        return []
    out = []
    for source in dict.fromkeys((text, text.replace("'", " "), text.replace("'", " ").replace('"', " "))):
        run: list[tuple[str, str]] = []  # (value, kind: "bare", "literal" or "ref")
        last_end = -1
        for m in [*_TERM.finditer(source), None]:
            value, bare = (None, False) if m is None else _term(m, values)
            kind = "bare" if bare else "literal" if m is not None and (
                m.group("s1") is not None or m.group("s2") is not None) else "ref"
            gap = "" if m is None or last_end < 0 else source[last_end:m.start()]
            op = gap.strip()
            # bare names need an operator; a comma joins references only ("[*x, *g]": a list
            # of quoted words is a list)
            joins = value is not None and run and _TERM_GAP.match(gap) and (op or "bare" not in (kind, run[-1][1])) \
                and (op != "," or kind == run[-1][1] == "ref")
            if joins:
                run.append((value, kind))
            else:
                if len(run) >= 2:
                    out.append("".join(v for v, _ in run))
                run = [(value, kind)] if value is not None else []
            if m is not None:
                last_end = m.end()
    return [o for o in dict.fromkeys(out) if o.strip() and len(o) <= 80]


_CAPITAL_RUN = re.compile(r"\b[A-Z][a-z]{2,}(?:[ \t]+[A-Z][a-z]{2,}){0,2}\b")


def _unknown_capital_runs(text: str, shifts: ShiftIndex) -> list[str]:
    """Runs of one to three capitalised words not all of which are names or known words."""
    return [m.group(0) for m in _CAPITAL_RUN.finditer(text)
            if not all(shifts.is_name(w) or shifts.is_known(w.lower()) for w in m.group(0).split())]


_KEY_CUE = re.compile(r"(?i)\b(?:key(?:word)?|pass(?:word|phrase)|secret)\b[\s:=]*(?:is\s+|of\s+)?['\"‘“]?([A-Za-z]{3,16})\b")


def _keyword_alphabet(key: str) -> str:
    return "".join(dict.fromkeys(key.lower() + _ALPHABET))


def _translate_letters(text: str, table: dict[str, str]) -> str:
    return "".join((table[c.lower()].upper() if c.isupper() else table[c]) if c.lower() in table else c for c in text)


def _keyed(text: str, shifts: ShiftIndex) -> list[str]:
    """Readings of a text under the ciphers a key it states opens: the keyword alphabet (a
    substitution), Vigenère and Beaufort, each way; kept when they give a name word."""
    out = []
    for key in dict.fromkeys(k.lower() for k in _KEY_CUE.findall(text)):
        if key in ("the", "and", "for", "this", "that", "word", "cipher", "below"):
            continue
        mixed = _keyword_alphabet(key)
        candidates = [_translate_letters(text, dict(zip(mixed, _ALPHABET))),
                      _translate_letters(text, dict(zip(_ALPHABET, mixed)))]
        # Vigenère and Beaufort, over the whole text and over each run of capitalised words
        # (the key starts again where the name does)
        runs = _unknown_capital_runs(text, shifts)
        for sign, beaufort in ((-1, False), (1, False), (1, True)):
            candidates.append(_polyalphabetic(text, key, sign, beaufort))
            replaced = text
            for run in runs:
                replaced = replaced.replace(run, _polyalphabetic(run, key, sign, beaufort))
            candidates.append(replaced)
        out += [c for c in candidates if shifts.names_in(c) and not shifts.names_in(text)]
    return out


def _polyalphabetic(text: str, key: str, sign: int, beaufort: bool) -> str:
    chars, k = [], 0
    for c in text:
        low = c.lower()
        if "a" <= low <= "z":
            shift = ord(key[k % len(key)]) - 97
            v = (shift - (ord(low) - 97)) % 26 if beaufort else (ord(low) - 97 + sign * shift) % 26
            chars.append(chr(v + (65 if c.isupper() else 97)))
            k += 1
        else:
            chars.append(c)
    return "".join(chars)


def _progressive(text: str, shifts: ShiftIndex) -> str | None:
    """The text with each run of capitalised words that a progressive Caesar shift (the
    first letter shifted by k, each next one by one more or one less: Trithemius) turns into
    name words written out. Taking the progression out leaves a plain Caesar shift of the
    name, found by its letter differences (:func:`_signature`)."""
    out, changed = text, False
    for run in _unknown_capital_runs(text, shifts):
        for step in (1, -1):
            words, k = [], 0
            for w in run.split():
                words.append(_shift_each(w.lower(), -step, k))
                k += len(w)
            # each word is now a Caesar shift of a name word, all by the same shift
            hit = None
            for target in shifts.name_index.get(_signature(words[0]), ()):
                shift = (ord(target[0]) - ord(words[0][0])) % 26
                plain = [_shift(w, shift) for w in words]
                if shift and all(p in shifts.names for p in plain):
                    hit = " ".join(p.capitalize() for p in plain)
                    break
            if hit:
                out, changed = out.replace(run, hit), True
                break
    return out if changed else None


def _shift_each(word: str, step: int, first: int) -> str:
    """Letter i of ``word`` shifted by step * (first + i)."""
    return "".join(chr((ord(c) - 97 + step * (first + i)) % 26 + 97) for i, c in enumerate(word))


_BRAINFUCK = re.compile(r"[+\-<>\[\].\s]{40,}")
MAX_BF_STEPS = 200_000


def _brainfuck(program: str) -> str | None:
    """What a Brainfuck program prints (a bounded run; None when it does not finish, or
    prints nothing readable)."""
    code = [c for c in program if c in "+-<>[].,"]
    jump, stack = {}, []
    for i, c in enumerate(code):
        if c == "[":
            stack.append(i)
        elif c == "]":
            if not stack:
                return None
            j = stack.pop()
            jump[i], jump[j] = j, i
    if stack or "." not in code:
        return None
    tape, ptr, pc, out, steps = [0] * 4096, 0, 0, [], 0
    while pc < len(code):
        steps += 1
        if steps > MAX_BF_STEPS or not 0 <= ptr < len(tape):
            return None
        c = code[pc]
        if c == "+":
            tape[ptr] = (tape[ptr] + 1) % 256
        elif c == "-":
            tape[ptr] = (tape[ptr] - 1) % 256
        elif c == ">":
            ptr += 1
        elif c == "<":
            ptr -= 1
        elif c == "." and len(out) < 200:
            out.append(chr(tape[ptr]))
        elif c == "[" and tape[ptr] == 0 or c == "]" and tape[ptr] != 0:
            pc = jump[pc]
        pc += 1
    text = "".join(out)
    return text if text.strip() and _printable(text) else None


# A text with more than this share of its letters "w" (English: about 2%), and six or more, is read with its
# inner w as r and as l.
UWU_SHARE = 0.12
_INNER_W = re.compile(r"(?<=[A-Za-z])w")
# The combining Latin small letters (U+0363-U+036F) a model reads after the letter they sit on.
_COMBINING_LETTERS = {chr(0x0363 + k): c for k, c in enumerate("aeioucdhmrtvx")}
_COMBINING_LETTER = re.compile("[\u0363-\u036f]")


def _decode_once(text: str, shifts: ShiftIndex | None) -> list[str]:
    out: list[str] = []

    def add(t: str | None) -> None:
        if t and t != text and t not in out:
            out.append(t)

    if "&" in text:
        add(_html.unescape(text))
    if not text.isascii():  # accented letters as their letters ("Lárksz Úlmó"), for the name traces
        add(unaccented(text))
        add(transliterated(text))
        if _COMBINING_LETTER.search(text):  # small letters written above their letter ("Frͦsͭ")
            add(_COMBINING_LETTER.sub(lambda m: _COMBINING_LETTERS[m.group(0)], text))
    letters = sum(c.isalpha() for c in text)
    if text.count("w") >= 6 and text.count("w") > UWU_SHARE * letters:
        # baby talk ("w-whewe was miwew swoames bown?"): r and l written w, inside words
        for letter in "rl":
            add(_INNER_W.sub(letter, text))
    if _STRUCK.search(text):
        add(_STRUCK.sub("", text))  # struck-out text is deleted: "P<s>m</s>arrin", "P~~x~~arrin", "Px\u0336arrin"
    if "<" in text and _TAG.search(text):
        add(_TAG.sub("", text))  # markup reads as its text: "<b>Pa</b><i>rrin</i>" is "Parrin"
    if _PERCENT.search(text):
        add(_urlparse.unquote(text))
        add(_urlparse.unquote_plus(text))
    if _BACKSLASH.search(text):
        add(_BACKSLASH.sub(_unescape, text))
    # Chunked base64 first: a short chunk inside a join that decodes is not read alone (the
    # first chunk of "Q29y dmlu IEZy b3N0" alone is "Cor", which would leave "Frost" without
    # "Corvin").
    chunks = _b64_chunks(text) if " " in text or "\n" in text else []
    for decoded, _, _ in chunks:
        add(decoded)
    for m in _B64_RUN.finditer(text):
        if len(m.group(0)) < 12 and _PLAIN_WORD.fullmatch(m.group(0)):
            continue  # "Where", "prize": a plain word, not base64 of a name
        if len(m.group(0)) < 12 and any(a <= m.start() < b for _, a, b in chunks):
            continue
        for decoded in _b64(m.group(0)):
            add(_put(text, m.start(), m.end(), decoded))
    hex_runs = []
    for m in _HEX_RUN.finditer(text):
        decoded = _hex(m.group(0))
        if decoded:
            hex_runs.append((m.start(), m.end()))
            add(_put(text, m.start(), m.end(), decoded))
    for m in _NUMBER_RUN.finditer(text):
        # Digits that are part of a longer run of hex bytes read as hex ("... 54 61 6c 69 ..."
        # read as numbers would stop at "6c" and leave half a name).
        if any(a <= m.start() and m.end() <= b and (a, b) != m.span() for a, b in hex_runs):
            continue
        for decoded in _numbers(m.group(0)):
            add(_put(text, m.start(), m.end(), decoded))
    for m in _MORSE_RUN.finditer(text):
        decoded = _morse(m.group(0))
        if decoded:
            add(_put(text, m.start(), m.end(), decoded))
    if "%u" in text and _PERCENT_U.search(text):
        add(_PERCENT_U.sub(lambda m: chr(int(m.group(1), 16)), text))
    if "\\" in text and _CSS_ESCAPE.search(text):
        add(_CSS_ESCAPE.sub(lambda m: chr(int(m.group(1), 16)) if int(m.group(1), 16) < 0x110000 else m.group(0),
                            text))
    if not text.isascii():
        for m in _VS_RUN.finditer(text):
            add(_codec_run(text, m, _variation_bytes))
    if "[" in text and "+" in text:
        for m in _BRAINFUCK.finditer(text):
            printed = _brainfuck(m.group(0))
            if printed:
                add(_put(text, m.start(), m.end(), printed))
    for m in _BIT_RUN.finditer(text):
        add(_codec_run(text, m, _bits))
    if _UU_START.search(text):
        add(_uudecode(text))
    spelled = _as_in(text)
    if spelled:
        add(f"{text}\n{spelled}")
    for m in _ACROSTIC.finditer(text):
        words = [w for w in re.split(r"[\s,;]+", m.group(1)) if w]
        capitals = next((words[:i] for i, w in enumerate(words) if not w[0].isupper()), words)
        add(f"{text}\n" + "".join(w[0] for w in (capitals if len(capitals) >= 3 else words)))
    add(_multichar_leet(text, shifts))
    named = _letter_names(text) if sum(t in LETTER_NAMES for t in re.findall(r"[^\W\d_]+", text.lower())) >= 4 else []
    if named:
        add(f"{text}\n" + " ".join(named))
    if _LONE_CAPITAL.search(text):
        add(_LONE_CAPITAL.sub(r"\1\2", text))
    if "—" in text or "--" in text or "then" in text or "followed" in text:
        add(_continued(text))
    if "osition" in text or "index" in text or "place" in text or "slot" in text:
        add(_placed_letters(text))
    spelled = _spelled(text)
    if spelled:  # all runs in one reading: a name spelled in two runs ("... then ...") stays whole
        add(f"{text}\n" + " ".join(spelled))
    for m in _B32_RUN.finditer(text):
        add(_codec_run(text, m, _b32))
    for m in _B85_RUN.finditer(text):
        add(_codec_run(text, m, _b85))
    if _QP.search(text):
        add(_QP.sub(lambda m: bytes.fromhex(m.group(0).replace("=", "")).decode("utf-8", "replace"), text))
    if "{" in text and _SLOT.search(text):  # "Where was {p}{q} born? p='Orm', q='e'": slots filled in
        values = {k: a or b for k, a, b in _SLOT_VALUE.findall(text)}
        if values:
            add(_SLOT.sub(lambda m: values.get(m.group(1), m.group(0)), _SLOT_VALUE.sub("", text)))
    if _ASSEMBLY_HINT.search(text) and (joined := _assembled(text)):
        add(f"{text}\n" + "\n".join(joined))
    pieces = _QUOTED.findall(text)
    if len(pieces) >= 2:  # "Let A = 'Par' and B = 'rin Frost'": the pieces, joined
        add(f"{text}\n" + "".join(a or b for a, b in pieces))
    # Letter-order and letter-substitution readings of the whole text.
    add(text[::-1])
    add(" ".join(w[::-1] for w in text.split()))
    if _CASE_PARTNER_CHARS.search(text):
        add(text.translate(CASE_PARTNER))
    if _FLIPPED.search(text):
        add("".join(UNFLIP.get(c, c) for c in reversed(text)))
    add(_letter_games(text, shifts))
    if shifts is not None and shifts.names:
        if _KEY_CUE.search(text):
            for keyed in _keyed(text, shifts):
                add(keyed)
        add(_progressive(text, shifts))
        add(_word_ciphers(text, shifts))
        add(_strided(text, shifts))
        add(_joined_breaks(text, shifts))
    if shifts is not None:
        for k in shifts.shifts(text):
            add(_shift(text, k))
        for cipher in (_atbash, _rot47):
            candidate = cipher(text)
            if shifts.known_words(candidate) >= 2:
                add(candidate)
    return out


def decodings(text: str, shifts: ShiftIndex | None = None, depth: int = 2,
              limit: int = MAX_DECODINGS) -> list[str]:
    """``text`` first, then its readings under model-readable encodings (see above).

    ``shifts`` proposes Caesar shifts (those that map words onto names or common words);
    without it no shift is tried. ``depth`` 2 undoes a chain of two encodings.
    """
    seen = [text]
    frontier = [text]
    # word boundaries moved: the prompt as written only (a reading that reverses or shifts
    # letters is no text with its spaces misplaced)
    cut = _resegmented(text, shifts) if shifts is not None and shifts.names else None
    if cut and cut != text:
        seen.append(cut)
    for _ in range(depth):
        nxt = []
        for t in frontier:
            for d in _decode_once(t, shifts):
                if d not in seen and len(seen) < limit:
                    seen.append(d)
                    nxt.append(d)
        frontier = nxt
    return seen
