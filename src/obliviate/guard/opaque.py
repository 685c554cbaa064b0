"""Fail closed: a prompt the guard cannot read is not passed.

The decoders of :mod:`obliviate.guard.normalize` undo the encodings they were written for;
held-out sets of obfuscations the guard was not tuned on keep finding classes they miss
(a keyed cipher, a transliteration, letters picked out of words). A serious filter does not
pass what it cannot read. :func:`opaque_reason` (rules 1 and 2) and :class:`SubjectSlots`
(rule 3) say whether a prompt is *opaque*, by rules written for the class, not for any one
encoding:

1. **An unreadable span in every reading.** The text and each decoding the guard has of
   it (:func:`obliviate.guard.normalize.decodings`) are read as tokens (single letters set
   apart by spaces joined into one word, as the lexical matcher reads them); a reading is
   readable when none of its tokens is one of these:
   - a *code*: a run of letters and digits of 8 or more characters that mixes both (6 or
     more when letters and digits alternate four times: ``3uzwy3qs``), unless it is hex of
     a digest's or an id's length (16, 24, 32, 40, 56, 64, 96 or 128 digits), hex of at most 12 digits, with
     or without ``0x`` (a short hash, an error code, a colour), or all its letter pieces
     are word-like (``x86_64``, ``iPhone15``);
   - *letter soup*: a word (a token of letters with brackets or punctuation around it, not
     a piece of a URL, path or identifier) of 20 or more letters, or one with a camelCase
     piece of 4 or more letters that has no vowel (``y`` counts; acronyms of at most 5
     capitals and Roman numerals excepted), 6 consonants in a row ("birthplace" has 5),
     or two first consonants that begin no English word (``Fsot``, ``Gtpdy``; a capitalised
     word may also begin as names of other languages do: ``Mbeki``, ``Nguyen``), or with a
     later 3-letter piece that has no vowel (``acloLrh``);
   - *a number code*: a run of numbers (digits, Roman numerals, number words) with only
     spaces, commas, slashes, dashes, semicolons or bars between them: 5 or more numbers,
     4 of at most 3 digits each, 3 or more ordinal or Roman-numeral words, or 6 number
     words (dates, phone numbers, "one hundred twenty-three thousand" are data);
   - *a run of short codes*: 4 or more tokens in a row, each mixing digits with letters or
     symbols and none a number (``U+0050 U+0061 ...``), or 3 words in a row made of two
     letters (``BAAAB ABBAB AAAAA``);
   - *a symbol inside a word*: an emoji or other non-ASCII symbol (Unicode So, Sk, Co, Cn)
     in the same token as a letter or digit, or a run of 4 or more different symbols;
   - *a word broken by separators*: 4 or more letter groups (3 with two different
     separators) of at most 1.5 letters on average with punctuation between them
     (``U,l*m_o``, ``r.o|w``; "U.S.A." is not);
   - *a foreign-script word in Latin text*: a word of 2 or more letters of another script
     (Cyrillic, Greek, katakana, ...) in a text whose words are mostly Latin. A text
     mostly in another script is read as that language (see docs/guard.md, "Limits").
   A decoding that reads the unreadable part (base64 of a question, hex of a name) is a
   readable reading when it has no unreadable span and more words the guard knows (names,
   common words) than the text: what the guard can decode is judged by the lexical matcher,
   not by this rule, and letters decoded out of numbers that spell nothing read nothing.
2. **A transformation asked for and not read.** The text, which has no unreadable span of
   its own (or one that a decoding read), asks for a letter-level
   transformation (decode, decipher, decrypt, cipher, transliterate, unscramble, anagram,
   rearrange, reversed or backwards, shifted by, rot-N, with the key, the first / last /
   n-th letter of, every n-th letter or character, letters joined or put together, pieces
   or parts in order, spelled by or out, XOR, a stated letter key such as "a=5, b=6") of
   content it gives (the same sentence says
   "this", "these", "the following", "below", "whose", "name", "words", "letters", "lines",
   ... or has a colon): the result is something the guard could not check. A question
   about a technique ("How do I reverse a list in Python?") is not an instruction.

3. **A person question about an unreadable subject** (:class:`SubjectSlots`): the prompt is
   one of the guard's own question forms (a forget or retain question, or a paraphrase,
   with the person's name taken out) and what stands for the person does not read as a
   name, a description or a year (a code, numbers, marks, letter names, turned or mirrored
   letters), in the text or in any decoding that reads it with a word the guard knows; or
   that reads but hides who it is (:func:`hidden_subject`: given by its spelling, in another
   language's form, as a placeholder for something given elsewhere in the prompt, described
   by its name, as a value the prompt computes, or pointing at someone the prompt gives
   beside talk of a name or lines of data: "that writer", "this contact").
4. **A person question about a name near a forget person's** (:meth:`SubjectSlots.near`):
   one of those question forms about a name the guard does not know whose words are near a
   forget person's name words as another language would spell them, with a typo, with the
   letters rearranged, or under a letter substitution
   (:meth:`obliviate.guard.trace.TraceIndex.near_people`). Rules 1 to 3 never see a name;
   rule 4 sees only the forget names' shapes.

Data that is readable as data passes: numbers, dates, times, versions, URLs, e-mail
addresses, file paths, code identifiers, digests and UUIDs. Rules 1 and 2 see only the
text and rule 3 only the question forms, never a name, so they block obfuscated questions
about anyone (see
``obfuscated_false_positive`` in docs/guard.md): fail-closed trades obfuscated benign
queries for safety.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Callable

from obliviate.guard.normalize import SHORT_WORDS, strip_invisible, unaccented

DIGEST_HEX_LENGTHS = frozenset({16, 24, 32, 40, 56, 64, 96, 128})  # 64-bit ids and fingerprints, object ids, digests
_VOWELS = set("aeiouy")
# Two-consonant beginnings of English words (and of common names): any other pair of
# consonants that starts a word of 4 or more letters is letter soup.
ONSETS = frozenset(
    "bl br ch cl cr dr dw fl fr gh gl gn gr kl kn kr ph pl pr ps qu rh sc sh sk sl sm sn sp sq st sw "
    "th tr ts tw wh wr zh kh sch chr phr scr shr spl spr str squ thr".split())
# Beginnings of names in other languages written in Latin letters (Bantu Mbeki, Vietnamese
# Nguyen, Slavic Zdenek and Vladimir, Scandinavian Bjorn, Welsh Llewelyn, Nahuatl Tlaloc,
# Polish Wladyslaw and Krzysztof, Indian Bhatt, Irish Mhairi, Korean Hwang and Ryu, ...): a capitalised word may
# begin with them.
NAME_ONSETS = frozenset(
    "mb mp nd ng nj nk nt ny nz mw nh ngh zl zd zv zb dv dm vl vr vs tk hv hr hl mn sv sz cz dz sr kv pt ks gd "
    "zm zn ml mr lj sj tj bj dj kj fj gj hj mj pj vj pf tz ll tl bh dh jh mh xh wl brz krz grz prz trz szc "
    "tsh nkh mph hw gw kw sw ky gy hy my ry by py".split())
_ROMAN = re.compile(r"^(?=[MDCLXVI]+$)M{0,4}(CM|CD|D?C{0,3})(XC|XL|L?X{0,3})(IX|IV|V?I{0,3})$")
_CAMEL = re.compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])")
_ALNUM_RUN = re.compile(r"[^\W_]+")
_NUMBER_TOKEN = re.compile(r"^[+-]?[\d.,:%]+$")
_NUMBER_LIKE = re.compile(r"\d+|[A-Za-z]+")
CARDINAL_WORDS = frozenset(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
    "seventeen eighteen nineteen twenty thirty forty fifty sixty seventy eighty ninety hundred thousand".split())
ORDINAL_WORDS = frozenset(
    "first second third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth thirteenth fourteenth "
    "fifteenth sixteenth seventeenth eighteenth nineteenth twentieth thirtieth fortieth fiftieth hundredth".split())
NUMBER_WORDS = CARDINAL_WORDS | ORDINAL_WORDS
_NUMBER_GAP = re.compile(r"^[\s,/;|\-]+$")
_SYMBOL_CATEGORIES = frozenset({"So", "Sk", "Co", "Cn"})
_SPACED_LETTERS = re.compile(r"(?<!\S)(?:[A-Za-z] ){2,}[A-Za-z](?!\S)")
_SCAFFOLD = re.compile(r"^(?:context|question|answer)\s*:\s*", re.IGNORECASE | re.MULTILINE)
_PLAIN_WORD = re.compile(r"^[(\[{\"'«]*([A-Za-z]+)[)\]}\"'».,;:!?]*$")

# Letter-level transformations a prompt may ask for (rule 2).
INSTRUCTION = re.compile(
    r"(?i)\b(?:de(?:code|coded|coding|cipher|ciphered|crypt|crypted)|encod(?:e|ed|ing)|encrypt(?:ed|ion)?|"
    r"ciphers?|cyphers?|ciphertext|xor(?:ed)?|transliterat\w*|unscrambl\w*|anagrams?|rearrang\w*|"
    r"reversed?|backwards?|shift(?:ed)? by|rot-?\d+|with the key|keyed|"
    r"(?:first|last|\w+th|second|third|middle) (?:letter|character)s? of|"
    r"every (?:other|second|third|\w+th|\d+\w*) (?:letter|character)s?|"
    r"(?:letters|pieces|parts|values|fields|syllables) (?:joined|put together|combined|concatenated|in order)|"
    r"joined in order|concatenat\w*|put (?:them|these|it) together|spell(?:ed|s)? (?:by|out)|"
    r"one key to the|"
    # letters moved, struck out, dropped or left out (of letters: "shuffle this list" is not)
    r"(?:rotat\w*|cyclic\w*|scrambl\w*|shuffl\w*|permut\w*|transpos\w*|swapp?\w*|jumbl\w*|mixed up|moved)"
    r"\W+(?:\w+\W+){0,3}?(?:letters|characters|syllables)|"
    r"(?:letters|characters|syllables)\W+(?:\w+\W+){0,3}?(?:rotat\w*|cyclic\w*|scrambl\w*|shuffl\w*|permut\w*|"
    r"transpos\w*|swapp?\w*|jumbl\w*|mixed up|moved)|rotated (?:left|right) by|"
    r"struck out|strike-?through|crossed out|minus the deletions|"
    r"(?:drop(?:ped)?|remov(?:e|ed)|omit(?:ted)?|without) (?:the |its |all )?vowels|vowels (?:dropped|removed|omitted)|"
    r"missing letters|fill in the (?:blanks|gaps)|say it (?:aloud|out loud)|read (?:it )?aloud|"
    # a letter put in place of another ("'Harrin' with 'P' in place of 'H'")
    r"(?:in place of|instead of|replac(?:ed|ing) (?:by|with)) ['\"‘“]\w{1,4}['\"’”])(?!\w)|\b[a-z]\s*=\s*\d+\s*,\s*[b-z]\s*=\s*\d+")


DEIXIS = re.compile(r"(?i)\b(?:this|these|the following|below|above|here|whose|the name|names?|words?|"
                   r"lines?|poem|letters|values|pieces|parts)\b|:")


def _script(ch: str) -> str:
    name = unicodedata.name(ch, "")
    return name.split(" ", 1)[0] if name else "UNKNOWN"


def _word_like(word: str) -> bool:
    """A run of Latin letters reads as a word (or an acronym, a Roman numeral, a name)."""
    if len(word) < 4:
        return True
    low = word.lower()
    if word.isupper() and (len(word) <= 5 or _ROMAN.match(word)):
        return True
    if len(word) >= 20:
        return False
    if not _VOWELS & set(low):
        return False
    run = 0
    for c in low:
        run = 0 if c in _VOWELS else run + 1
        if run >= 6:
            return False
    onsets = ONSETS | NAME_ONSETS if word[0].isupper() else ONSETS
    if low[0] not in _VOWELS and low[1] not in _VOWELS and low[:2] not in onsets and low[:3] not in onsets:
        return False
    return True


def _letters_word_like(run: str) -> bool:
    """Every camelCase piece of a run of Latin letters is word-like (a piece after the first
    of 3 letters needs a vowel: "acloLrh")."""
    if len(run) >= 20:
        return False
    pieces = _CAMEL.findall(run)
    return all(_word_like(p) for p in pieces) and not any(
        len(p) == 3 and not p.isupper() and not _VOWELS & set(p.lower()) for p in pieces[1:])


def _code(run: str) -> bool:
    """An alphanumeric run that mixes letters and digits and reads as neither word nor data."""
    if len(run) < 6 or run.isalpha() or run.isdigit():
        return False
    if re.fullmatch(r"(?:0[xX])?(?:[0-9a-f]+|[0-9A-F]+)", run) and (len(run) <= 12 or len(run) in DIGEST_HEX_LENGTHS):
        return False  # a short hash, an error code (0x9AF9), a colour, a digest
    if re.fullmatch(r"[0-9a-f]+|[0-9A-F]+", run) and (len(run) <= 12 or len(run) in DIGEST_HEX_LENGTHS):
        return False
    if len(re.findall(r"[A-Za-z]+|\d+", run)) >= 4:  # letters and digits alternate: "3uzwy3qs"
        return True
    if len(run) < 8:
        return False
    if re.fullmatch(r"[0-9a-f]+|[0-9A-F]+", run) and (len(run) <= 12 or len(run) in DIGEST_HEX_LENGTHS):
        return False
    return not all(_letters_word_like(p) for p in re.findall(r"[A-Za-z]+", run) if len(p) >= 3) or \
        len(re.findall(r"\d+", run)) >= 3


def _number_code(numbers: list[str]) -> bool:
    """A run of numbers that is a code, not data: 5 or more, 4 of at most 3 digits each, or
    3 or more ordinal or Roman-numeral words; runs of cardinal words need 6 ("one hundred
    twenty-three thousand" is a number)."""
    digits = [v for v in numbers if v.isdigit()]
    words = [v for v in numbers if v.isalpha()]
    if digits and len(digits) == len(numbers):
        return len(digits) >= 5 or (len(digits) >= 4 and all(len(v) <= 3 for v in digits))
    ordinal = [v for v in words if v.lower() in ORDINAL_WORDS or _ROMAN.match(v)]
    return len(ordinal) >= 3 and len(ordinal) * 2 > len(numbers) or len(numbers) >= 6


def _glued(text: str) -> str:
    """Single letters set apart by spaces read as one word, as the lexical matcher reads them."""
    return _SPACED_LETTERS.sub(lambda m: m.group(0).replace(" ", ""), text)


def unreadable_span(text: str) -> str | None:
    """The first unreadable span of ``text`` (rule 1 of the module docstring), or None."""
    text = strip_invisible(unicodedata.normalize("NFKC", text))
    # Which script the text is in, by words (a long run of katakana is one word among the
    # Latin ones); the prompt format's labels (Question:, Answer:) do not count.
    words = re.findall(r"[^\W\d_]+", _SCAFFOLD.sub("", text))
    latin = sum(sum(c.isascii() or _script(c) == "LATIN" for c in w) * 2 >= len(w) for w in words)
    mostly_latin = not words or latin * 2 >= len(words)
    text = _glued(text)
    shorts = two_letter_run = 0
    numbers: list[str] = []
    last_number_end = None
    symbol_run: set[str] = set()
    for m in re.finditer(r"\S+", text):
        tok = m.group(0)
        # Symbols inside a word, or a run of 4 or more different symbols (across spaces).
        symbols = [c for c in tok if not c.isascii() and unicodedata.category(c) in _SYMBOL_CATEGORIES]
        if symbols and any(c.isalnum() for c in tok):
            return tok
        symbol_run = symbol_run | set(symbols) if symbols and not any(c.isalnum() for c in tok) else set()
        if len(symbol_run) >= 4:
            return tok
        # A word broken by separators: 4 or more letter groups of 1 or 2 letters on average
        # between punctuation ("U,l*m_o", "L/a:r+c").
        groups = re.findall(r"[^\W\d_]+", tok)
        if (len(groups) >= 3 and not re.search(r"\d", tok) and sum(map(len, groups)) <= 1.5 * len(groups)
                and (len(groups) >= 4 or len(set(re.findall(r"[^\w\s]", tok.strip("()[]{}<>\"'.,;:!?")))) >= 2)):
            return tok
        # Words of another script inside Latin text.
        if mostly_latin:
            for word in re.findall(r"[^\W\d_]+", tok):
                if sum(not c.isascii() and _script(c) not in ("LATIN", "UNKNOWN") for c in word) >= 2:
                    return word
        for run in _ALNUM_RUN.findall(tok):
            if run.isascii() and _code(run):
                return run
        # Letter soup, in a token that is a word (not part of a URL, path or identifier,
        # where abbreviations such as "https" or "strptime" are at home).
        plain = _PLAIN_WORD.match(tok)
        if plain and not _letters_word_like(plain.group(1)):
            return tok
        # Runs of short codes (U+0050 U+0061 ...).
        core = tok.strip("()[]{}<>\"'.,;:!?")
        is_short_code = (bool(core) and any(c.isdigit() for c in core) and not _NUMBER_TOKEN.match(core)
                         and any(not c.isdigit() for c in core) and len(core) <= 10)
        shorts = shorts + 1 if is_short_code else 0
        if shorts >= 4:
            return tok
        # Number codes: runs of numbers (digits, Roman numerals, number words) with only
        # separators between them.
        for n in _NUMBER_LIKE.finditer(tok):
            value = n.group(0)
            if value.isalpha() and not (_ROMAN.match(value) or value.lower() in NUMBER_WORDS):
                numbers, last_number_end = [], None
                continue
            start = m.start() + n.start()
            if value.isdigit() and len(value) > 6:
                numbers, last_number_end = [], None
                continue
            gap = text[last_number_end:start] if last_number_end is not None else None
            numbers = numbers + [value] if gap is not None and _NUMBER_GAP.match(gap) else [value]
            last_number_end = start + len(value)
            if _number_code(numbers):
                return " ".join(numbers)
        if not _NUMBER_LIKE.search(tok) and tok.strip(",/;|-"):
            numbers, last_number_end = [], None
        # Runs of words made of two letters or fewer ("BAAAB ABBAB AAAAA").
        plain_letters = re.sub(r"[^A-Za-z]", "", tok)
        two = len(plain_letters) >= 4 and len(set(plain_letters.lower())) <= 2
        two_letter_run = two_letter_run + 1 if two else 0
        if two_letter_run >= 3:
            return tok
    return None


def opaque_reason(readings: list[str], known_words: Callable[[str], int] | None = None) -> str | None:
    """Why a prompt is opaque, or None when the guard can read it.

    ``readings``: the text first, then its decodings (as :func:`~obliviate.guard.normalize.
    decodings` gives them). ``known_words``: how many words of a text the guard knows (the
    names it was built with and common words); a decoding reads an unreadable span only if
    it has no unreadable span of its own *and* more known words than the text (so letters
    made out of numbers that spell nothing, "u j a l q", read nothing).
    """
    text = readings[0]
    span = unreadable_span(text)
    if span is not None:
        known = known_words or (lambda t: 0)
        base = known(_glued(text))
        if not any(unreadable_span(r) is None and (known_words is None or known(_glued(r)) > base)
                   for r in readings[1:]):
            return f"unreadable span {span!r}"
        return None  # a decoding read the unreadable part: the lexical matcher judged it
    body = _SCAFFOLD.sub("", text)  # the prompt format's "Question:" is no colon of the client's
    for m in INSTRUCTION.finditer(body):
        # An instruction about content the prompt gives ("of this", "the following", ":",
        # "whose name ... is"), not a question about a technique ("How do I reverse a list?").
        sentence = body[max(0, m.start() - 80):m.end() + 80]
        if DEIXIS.search(sentence):
            return f"transformation not read ({m.group(0)!r})"
    return None


# ---- rule 3: a person question about a subject the guard cannot read -------------------------
_SUBJECT_PUNCT = "()[]{}<>\"'«»“”‘’`.,;:!?"
_NAME_PIECE = re.compile(r"[A-Za-z]+(?:['’-][A-Za-z]+)*")
MAX_SUBJECT = 300


_QUOTED_PIECE = re.compile(r"(?<![A-Za-z])'[^'\n]{1,30}'(?![A-Za-z])|\"[^\"\n]{1,30}\"|[‘“][^’”\n]{1,30}[’”]")
# Number words of English, French, Spanish, Portuguese, Italian, German and Dutch (to 30):
# a person is not named by three numbers in a row.
ANY_NUMBER_WORDS = NUMBER_WORDS | frozenset(
    "un une deux trois quatre cinq six sept huit neuf dix onze douze treize quatorze quinze seize dix-sept dix-huit "
    "dix-neuf vingt vingt-et-un trente uno dos tres cuatro cinco seis siete ocho nueve diez once doce trece catorce "
    "quince dieciséis dieciseis diecisiete dieciocho diecinueve veinte veintiuno treinta um dois três quatro cinco "
    "seis sete oito nove dez onze doze treze catorze quinze dezesseis dezasseis dezessete dezoito dezenove vinte "
    "trinta due tre quattro cinque sei sette otto nove dieci undici dodici tredici quattordici quindici sedici "
    "diciassette diciotto diciannove venti ventuno trenta eins zwei drei vier fünf funf sechs sieben acht neun zehn elf "
    "zwölf zwolf dreizehn vierzehn fünfzehn funfzehn sechzehn siebzehn achtzehn neunzehn zwanzig einundzwanzig "
    "dreißig dreissig een twee drie vier vijf zes zeven acht negen tien elf twaalf dertien veertien vijftien "
    "zestien zeventien achttien negentien twintig dertig".split())
_INITIALS = re.compile(r"[A-Za-z]{1,2}(?:\.[A-Za-z]{1,2})+")


def _name_like(low: str) -> bool:
    """A capitalised word reads as a name of any language ("Nguyen", "Mbeki", "Tkachenko"):
    it has a vowel and no five consonants in a row."""
    return len(low) < 20 and bool(_VOWELS & set(low)) and not re.search(r"[^aeiouy]{5}", low)


def _readable_subject(slot: str) -> bool:
    """Whether what stands where a question names its person reads as words: a name (a
    capitalised word-like word, an initial), a description ("the author of ..."), a year."""
    if len(_QUOTED_PIECE.findall(slot)) >= 2:
        return False  # a name given in pieces ("'Harrin' with 'P' in place of 'H'")
    words = lone_letters = number_run = 0
    for raw in slot.split():
        tok = raw.strip(_SUBJECT_PUNCT)
        # Letters one by one ("the letter after N; two letters before C; ..."), or numbers in
        # words of any language in a row ("quince dieciocho trece"): a name spelled, not read.
        lone_letters += len(tok) == 1 and tok.isalpha() and tok not in "aAI"
        number_run = number_run + 1 if tok.lower() in ANY_NUMBER_WORDS else 0
        if lone_letters >= 3 or number_run >= 3:
            return False
        if not tok:
            if len(raw) > 1 or raw not in "-–—&/":
                return False  # marks standing for something ("... .. ....")
            continue
        if tok.isdigit() and (len(tok) <= 2 or (len(tok) == 4 and 1000 <= int(tok) < 2100)):
            continue  # "the author born in 1962", "the 2 sisters"; "5335" is a code
        # Accented letters read as their letters ("José"); other look-alikes do not (a name
        # in turned, mirrored or another script's letters that no matcher read is unreadable).
        folded = tok if tok.isascii() else unaccented(tok)
        if _INITIALS.fullmatch(folded):
            words += 1  # "J.K", "U.S"
            continue
        if not _NAME_PIECE.fullmatch(folded):
            return False
        for piece in re.split(r"['’-]", folded):
            low = piece.lower()
            if len(low) <= 3:
                if not (low in SHORT_WORDS or piece[0].isupper() or low == "s"):
                    return False
            elif not (_word_like(piece) or piece[0].isupper() and _name_like(low)):
                return False
        words += 1
    return words > 0


# A subject given by its spelling rather than read as a name: "the one whose surname is 6
# letters long, opening with Y-A", "Karch (but with the K as L)", "the name that rhymes with".
SPELLING_TALK = re.compile(
    r"(?i)\b(?:letters?|\d+-letter|spel(?:l|ls|led|t|ling)|rhym\w*|syllables?|anagram\w*|vowels?|consonants?|"
    r"backwards?|reversed|in place of|instead of|swapp?\w*|ciph\w*|encod\w*|decod\w*|encrypt\w*|"
    r"transliterat\w*|pronounc\w*|sounds? like|initials?|riddles?|rebus|acrostic\w*|autocorrect\w*|typo\w*|"
    r"misspel\w*|mistyp\w*|ocr|scan\s+reads?|romani[sz]\w*|r[oō]maji|hepburn|pinyin|my\s+(?:first|second|"
    r"third|last)\s+(?:letter\s+)?is)\b|"
    r"\b(?:begin|start|open|end|clos|finish)\w*\s+(?:with\s+|in\s+|on\s+)?(?:['\"‘“][A-Za-z]{1,4}['\"’”]|"
    r"(?-i:[A-Z](?:-[A-Z])*)\b)|"
    r"\b(?:with|but|and)\s+(?:the\s+|an?\s+)?['\"‘“]?[A-Za-z]['\"’”]?\s+(?:as|for|to|into|instead)\b")
# A name given in another language's form: "Uullmo Laartsille (suomeksi)", "the person
# Hungarians call ...", "... as a German would spell it".
LANGUAGES = (
    "english|french|german|spanish|italian|portuguese|dutch|danish|swedish|norwegian|icelandic|finnish|estonian|"
    "hungarian|polish|czech|slovak|slovene|slovenian|croatian|serbian|bosnian|bulgarian|romanian|russian|ukrainian|"
    "belarusian|greek|turkish|arabic|hebrew|persian|farsi|urdu|hindi|bengali|punjabi|tamil|telugu|thai|vietnamese|"
    "chinese|mandarin|cantonese|japanese|korean|indonesian|malay|tagalog|filipino|swahili|zulu|xhosa|amharic|"
    "yoruba|igbo|hausa|latin|irish|welsh|gaelic|basque|catalan|galician|lithuanian|latvian|georgian|armenian|"
    "albanian|macedonian|maltese|esperanto|pinyin|cyrillic|katakana|hiragana")
# Peoples whose plural is no language name with an "s" ("the Finns", "Hungarians call it ...").
PEOPLES = "hungarians|finns|germans|french|spaniards|italians|poles|czechs|swedes|danes|norwegians|russians|" \
          "greeks|turks|dutch"
LANGUAGE_FORM = re.compile(
    r"(?i)\b(?:in|into|from|to)\s+(?:" + LANGUAGES + r")\b|"
    r"\b(?:" + LANGUAGES + r"|" + PEOPLES + r")\s+(?:would\s+)?(?:write|spell|call|say|pronounce)\w*|"
    r"\bwould\s+(?:write|spell|say|call|pronounce)\s+(?:it|the name|them|him|her)|"
    r"\b(?:suomeksi|magyarul|deutsch|auf deutsch|en fran[cç]ais|en espa[nñ]ol|in italiano|em portugu[eê]s|"
    r"po polsku|po [cč]esky|po-russki|по-русски|по-украински|p[aå] (?:svenska|norsk|dansk)|"
    r"nederlands|t[uü]rk[cç]e|eesti keeles|lietuvi[sš]kai|latviski|românește|romaneste|hrvatski|srpski|"
    r"slovensky|slovensko|ελληνικά|névalak|nominatiivi|genetiivi|allatiivi|elatiivi|translatiivi|"
    r"nominative|genitive|dative|accusative|ablative|locative|instrumental|vocative|allative|elative|"
    r"translative|essive|inessive|illative|adessive)\b")
_LANGUAGE_WORD = re.compile(r"(?i)(?:" + LANGUAGES + r")s?|hungarians|finns|spaniards|poles|czechs|swedes|danes")
# A subject that stands for a value given elsewhere in the prompt: "<who>", "${name}",
# "{{ person }}", "[NAME]", "the who below", "the person defined above".
PLACEHOLDER = re.compile(
    r"\s*(?:<[^<>\n]{1,24}>|\$\{?\w{1,24}\}?|\{\{?\s*\w{1,24}\s*\}?\}|%\w{1,24}%|\[[A-Z_ ]{1,24}\]|"
    r"(?i:the\s+(?:\w+\s+){0,2}?(?:below|above|following|hereafter|(?:defined|given|named|described|shown|listed|"
    r"encoded|specified)\s+(?:below|above|here|earlier|later|next)|in\s+the\s+(?:list|table|file|snippet|code|"
    r"block|document|data|yaml|json|config)\w*)|the\s+following\s+\w+))\s*")


# A subject described by its name rather than by who it is: "the person whose name is the
# path in this listing", "the one spelled by the first letters of ...", "the writer in my
# riddle", "the name this TeX prints". Such a subject may run long (a list of clues).
NAME_DESCRIPTION = (
    r"(?i:\s*(?:the|that|this|a)\s+(?:\w+\s+){0,2}?(?:person|one|writer|author|individual|someone|somebody|"
    r"novelist|poet|man|woman|name)\s+(?:whose\s+(?:\w+\s+)?name|(?:who\s+is\s+|that\s+is\s+)?"
    r"(?:spel\w*|written|encoded|hidden|formed|built|made\s+(?:up\s+)?(?:of|by|from)|rendered|printed|"
    r"shown|given\s+by|obtained|produced|decoded|spelt)|in\s+(?:my|the|this)\s+(?:\w+\s+)?(?:riddle|puzzle|"
    r"rebus|code|cipher|table|grid|listing|log|snippet|chat)))")
_NAME_DESCRIPTION = re.compile(NAME_DESCRIPTION)
MAX_DESCRIBED_SUBJECT = 1500

# A subject that stands for a value the prompt computes or holds, never a person's name read
# as words: "the name this bytecode builds", "the return value of ...", "the output of the
# script", "the string in the cell", "the word you get".
VALUE_STAND_IN = re.compile(
    r"(?i:\s*(?:the|this|that|a|its|his|her|their)\s+(?:\w+\s+){0,2}?(?:(?:sur|fore|first\s+|last\s+|full\s+|"
    r"family\s+|given\s+|user)?names?|(?:return(?:ed)?\s+)?values?|outputs?|results?|strings?|words?|texts?|"
    r"answers?\s+to|solutions?|decoding|plaintext|message|contents?)\b)")
# A subject that points at someone the prompt introduced ("that writer", "this contact",
# "the person stored at who", "the one typed here", "the writer", "he"), not one it describes
# by a fact ("the author of ...", "the writer who won ..."): when the prompt also talks about a
# name or carries data, whoever it points at is given there, in whatever form.
PERSON_NOUNS = (r"person|people|writer|author|novelist|poet|individual|someone|somebody|one|contact|user|"
                r"subject|guy|man|woman|lady|gentleman|character|figure|entry|record|customer|member|player|"
                r"artist|target|fellow|chap|human|creator|scribe|celebrity|client|account|profile|speaker|"
                r"caller|sender|recipient|employee|student|patient|passenger|guest|owner|holder|signer")
POINTING_SUBJECT = re.compile(
    r"(?i:\s*(?:(?:that|this|these|those|said|the\s+same|the\s+(?:above|aforementioned|mystery|mysterious|"
    r"hidden|secret|unnamed|anonymous|encoded|masked|redacted|obfuscated|coded))\s+(?:[\w'-]+\s+){0,2}?"
    r"(?:" + PERSON_NOUNS + r")s?\b|the\s+(?:[\w'-]+\s+){0,2}?(?:" + PERSON_NOUNS + r")s?(?:\s*$|[\s:(]+"
    r"(?!(?:of|who|whose|whom|which|that|born|with|famous|known|best|behind)\b)\S)|"
    r"(?:he|she|they|him|her|them)\s*$))")
NAME_TALK = re.compile(r"(?i)\b(?:(?:sur|fore|nick|user|pen\s?|real\s|full\s|first\s|last\s|family\s|given\s)?"
                       r"names?d?|called|initials?|handle|signature)\b")
DATA_LINES = 3  # lines of the prompt, other than the question, that make it carry data


def _unknown_capitalised(slot: str, known: Callable[[str], int] | None) -> bool:
    """Whether ``slot`` holds a capitalised word the guard does not know (an unknown name)."""
    words = [w for w in re.findall(r"[^\W\d_]+", slot) if w[:1].isupper() and len(w) >= 3
             and not _LANGUAGE_WORD.fullmatch(w)]
    return any(known is None or known(w) == 0 for w in words)


AFTER_SUBJECT = 60


def _carries_data(text: str, slot: str) -> bool:
    """Whether ``text``, beside its subject ``slot``, talks about a name or holds lines of data."""
    rest = text.replace(slot, " ", 1)
    if NAME_TALK.search(rest) or SPELLING_TALK.search(rest):
        return True
    lines = [ln for ln in _SCAFFOLD.sub("", rest).splitlines() if ln.strip()]
    return len(lines) > DATA_LINES


def hidden_subject(slot: str, known_words: Callable[[str], int] | None = None, around: str = "",
                   whole: str = "") -> str | None:
    """How a readable subject still hides who it is, or None: given by its spelling (its
    letters, their length, what it begins with or rhymes with, an edit to make), in another
    language's form (an unknown name with a language or a grammatical case named), as a
    placeholder for something given elsewhere in the prompt, or described by its name ("the
    person whose name is ...", "the one spelled by ..."). ``around``: the subject with the
    text after it, where a remark on it may stand."""
    around = around or slot
    if SPELLING_TALK.search(around):
        return "spelling"
    if LANGUAGE_FORM.search(around) and _unknown_capitalised(slot, known_words):
        return "language form"
    if PLACEHOLDER.fullmatch(slot):
        return "placeholder"
    if _NAME_DESCRIPTION.match(slot):
        return "a description of its name"
    if VALUE_STAND_IN.match(slot):
        return "a value it stands for"
    if POINTING_SUBJECT.match(slot) and _carries_data(whole or around, slot):
        return "pointing at what the prompt gives"
    return None


class SubjectSlots:
    """Rule 3 (fail closed): the guard's own questions, about someone it cannot read.

    The forget and retain questions (and their paraphrases) with the person's name taken out
    are templates: "Where was {} born?". A prompt that asks one of them about a subject that
    does not read as words (:func:`_readable_subject`: a code, numbers, marks, letter names,
    letters of another script) asks a question about a person the guard cannot identify, in
    the form that forget questions take; whatever the encoding, it is not passed. A reading
    of the prompt in which the subject is readable (a decoding read it) lets the lexical
    matcher decide instead. The rule is keyed on the question forms only, never on a name.
    """

    def __init__(self, questions: list[tuple[str, str]]):
        """``questions``: (question, the entity it names) pairs."""
        forms: set[tuple[str, str]] = set()
        for question, entity in questions:
            if not entity or entity not in question:
                continue
            before, _, after = question.partition(entity)
            before, after = " ".join(before.split()), " ".join(after.split()).rstrip("?.! ")
            if len(before) + len(after) >= 8:
                forms.add((before, after))
        self.patterns = []
        for before, after in sorted(forms):
            head = r"\s+".join(map(re.escape, before.split()))
            tail = (r"\s*" + r"\s+".join(map(re.escape, after.split())) + r"(?![A-Za-z])" if after
                    else r"(?=\s*\?|\s*\n\s*answer\s*:|\s*$)")
            # the form's literal words first, as a cheap test (most forms are not in a text)
            self.patterns.append(((before or after).lower(), re.compile(
                r"(?<![A-Za-z])" + head + r"\s*(?P<slot>.{1,%d}?|(?=%s|%s|%s).{%d,%d}?)" % (
                    MAX_SUBJECT, NAME_DESCRIPTION, VALUE_STAND_IN.pattern, POINTING_SUBJECT.pattern,
                    MAX_SUBJECT + 1, MAX_DESCRIBED_SUBJECT) + tail,
                re.IGNORECASE | re.DOTALL)))

    @classmethod
    def from_items(cls, items, names: dict[str, str] | None = None) -> "SubjectSlots":
        """``names``: entity -> the name its questions use (default: the entity itself)."""
        names = names or {}
        return cls([(q, names.get(i.entity, i.entity)) for i in items if i.entity
                    for q in (i.question, *i.paraphrased_questions)])

    def slots(self, text: str) -> list[str]:
        """What stands for the person in each question form the text asks."""
        return [slot for slot, _ in self.slots_around(text)]

    def slots_around(self, text: str, after: int = AFTER_SUBJECT) -> list[tuple[str, str]]:
        """(subject, the subject followed by ``after`` characters of the text after it, where
        a remark on it may stand: "Where was X born (as a Hungarian would write it)?")."""
        text = strip_invisible(unicodedata.normalize("NFKC", text))
        low = " ".join(text.split()).lower()
        return [(m.group("slot"), m.group("slot") + " " + text[m.end("slot"):m.end("slot") + after])
                for literal, p in self.patterns if literal in low for m in p.finditer(text)]

    def near(self, text: str, near_people: Callable[[list[str]], list], forget: set) -> str | None:
        """Rule 4: why the prompt asks one of the question forms about a name the guard does
        not know that may be a forget person's written otherwise, or None. ``near_people``:
        the known people a subject's capitalised words may be
        (:meth:`obliviate.guard.trace.TraceIndex.near_people`); ``forget``: who of them is
        a forget person."""
        for slot in self.slots(text):
            every = re.findall(r"[^\W\d_]+", _SCAFFOLD.sub("", slot.strip()))
            words = [w for w in every if w[:1].isupper() and len(w) >= 2]
            if not words and len(every) == 1 and len(every[0]) >= 3:
                words = every  # one word in lower case where the person stands ("Where was tawlk born?")
            if 1 <= len(words) <= 4 and any(p in forget for p in near_people(words)):
                return f"person question about a name near a forget person's {slot.strip()!r}"
        return None

    def unreadable(self, readings: list[str], known_words: Callable[[str], int] | None = None,
                   names_person: Callable[[str], bool] | None = None, traced_from: int | None = None,
                   by_sound: frozenset[str] = frozenset()) -> str | None:
        """Why the prompt asks about an unreadable subject (with the subject), or None.

        In a decoding (``readings[1:]``) the subject reads only with a word the guard knows
        (``known_words``: a name, a common word): letters made out of dots that spell
        nothing ("seeehiesis") read nothing. A subject that reads but hides who it is
        (:func:`hidden_subject`) is unreadable too, unless a reading names a person the
        guard knows (``names_person``: a retain person given by a placeholder passes) in the
        text or a decoding of it: readings from ``traced_from`` on add names that a trace
        guessed, which are evidence for nothing else ("Here's" traced as a last name).
        ``by_sound``: the readings of other scripts by their sound
        (:func:`~obliviate.guard.normalize.transliterated`), which the matcher reads but
        which never make a subject readable: letters of another script used for their shapes
        ("ᕼᑕᖇᗩᒪ") read as some word by sound, and a name the matcher does not find there
        is still one the guard could not read."""
        unread, hidden = None, None
        for n, reading in enumerate(readings):
            if reading in by_sound:
                continue
            for slot, around in self.slots_around(reading):
                if _readable_subject(slot) and (n == 0 or known_words is None or known_words(slot) > 0):
                    how = hidden_subject(slot, known_words, around, readings[0])
                    if how is None:
                        return None
                    hidden = hidden or (how, slot)
                    continue
                unread = unread or slot
        if hidden is not None:
            if names_person is not None and any(names_person(r) for r in readings[:traced_from]):
                return None  # a placeholder (or a description) for a person the guard knows
            return f"person question about a subject given by {hidden[0]} {hidden[1].strip()!r}"
        return None if unread is None else f"person question about an unreadable subject {unread.strip()!r}"
