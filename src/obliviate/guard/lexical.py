"""Lexical matcher: does a text name a forget entity, however it is written?

A mention is resolved to the people it can refer to (forget people and the known,
non-forget ones: the retain set), using the evidence in the whole text:
- a full name ("Alara Orme"), also glued ("AlaraOrme") or spelled out ("A l a r a  O r m e"),
  names that person; a known person named in full is never an alias of anyone else;
- an initial narrows a name: "C. Frost" can be any Frost whose first name starts with C
  (and "Parrin F." any Parrin whose last name starts with F), so "C. Frost" is not
  "Parrin Frost";
- a lone last name ("Ms. Orme", "Orme's") can be anyone with that last name; a lone first
  name elsewhere in the text (another turn of a conversation) narrows it ("Alara ... Orme"),
  and so does a person of that name named in full ("Tell me about Bren Orme. Where was Orme
  born?" is about Bren Orme);
- a lone first name is narrowed the same way by lone last names and full names;
- a first name next to a known last name (or the reverse) that is no one's full name is
  somebody else ("Kesti Orme" when only Kesti Brask and Alara Orme exist).
The text is blocked when a mention can still refer to a forget person (an ambiguous lone
last name blocks). The exception is an ambiguous lone first name ("Alara", when a retain
Alara exists, or "Ember", also a prize): it blocks only together with one of that forget
person's own answers *in the model's output* (``answer_text``), never in the prompt, so
that trying candidate answers in a prompt tells the client nothing (see docs/guard.md,
"Server"). Answers are tied to their entity: a retain person born in Lisbon is not blocked
for sharing the city.

Every text is matched in each of its decodings (:func:`obliviate.guard.normalize.decodings`:
base64, hex, percent-encoding, rot13 and other shifts, reversed text, ...) and every
comparison runs on the skeleton views of :mod:`obliviate.guard.normalize`, so case,
separators, leetspeak, homoglyphs, zero-width and fullwidth characters do not hide a name.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from typing import NamedTuple

from obliviate.data.schema import QAItem
from obliviate.errors import ObliviateError
from obliviate.guard.normalize import (COMMON_WORDS, LETTER_CLASSES, ShiftIndex, decodings, fold, name_key, skeleton,
                                      transliterated, views)
from obliviate.guard.trace import TraceIndex

# Glued full names shorter than this are not searched in the separator-free view,
# where a short string could arise by chance across word boundaries.
MIN_COMPACT_NAME = 6


@dataclass
class LexicalHit:
    """Why a text was flagged: which entity, by which rule, on which matched form."""

    entity: str
    # full_name | last_name | initial+last_name | first+last | first_name | first_name+answer
    rule: str
    matched: str


@dataclass
class _Entity:
    name: str
    key: tuple[str, ...]
    answers: list[str] = field(default_factory=list)

    @property
    def first(self) -> str:
        return self.key[0]

    @property
    def last(self) -> str:
        return self.key[-1]


# Capitalised words in Latin letters, accented ones included ("Aurelio Beltrán").
_UP, _LOW = "A-ZÀ-ÖØ-Þ", "a-zß-öø-ÿĀ-ſ"
_NAME_WORD = f"[{_UP}][{_LOW}]+(?:[-'][{_UP}{_LOW}]+)*"
_CAPITALISED_RUN = re.compile(_NAME_WORD + r"(?:\s+(?:" + _NAME_WORD + rf"|al-[{_UP}]\w+|de|da|van|von|bin|ibn)){{1,3}}")


def entity_names(items: list[QAItem]) -> dict[str, str]:
    """Each item entity as the name the guard matches: the entity itself when its items'
    text names it; for a label that no item names (TOFU files get "<file> author <n>", see
    :func:`obliviate.data.benchmarks.load_unlearning_file`), the run of capitalised words
    that at least half of that person's items name ("Hsiao Yun-Hwa" in 20 of 20); else none
    (the label is not matched: "author 1" is no one's name)."""
    by_entity: dict[str, list[QAItem]] = defaultdict(list)
    for item in items:
        if item.entity:
            by_entity[item.entity].append(item)
    out: dict[str, str] = {}
    for entity, group in by_entity.items():
        key = name_key(entity)
        if any(key and _contains(name_key(t), key) for i in group for t in (i.question, i.answer, i.context) if t):
            out[entity] = entity
            continue
        counts: dict[str, int] = defaultdict(int)
        for i in group:
            for run in {m.group(0).removesuffix("'s") for t in (i.question, i.answer) for m in
                        _CAPITALISED_RUN.finditer(t)}:
                counts[run] += 1
        best = max(counts, key=lambda r: (counts[r], len(r)), default=None)
        if best is not None and counts[best] * 2 >= len(group):
            out[entity] = best
    return out


def _contains(tokens: tuple[str, ...], key: tuple[str, ...]) -> bool:
    return any(tokens[i:i + len(key)] == key for i in range(len(tokens) - len(key) + 1))


def _strip_possessive(token: str, names) -> str | None:
    """``token`` as a name in ``names``, also when written as a possessive ("Ormes")."""
    if token in names:
        return token
    if token.endswith("s") and token[:-1] in names:
        return token[:-1]
    return None


def _is_initial(token: str, written: frozenset[str] | None = None) -> bool:
    """A one-letter token that ``written`` (the letters the text writes as initials) has."""
    return len(token) == 1 and token.isalpha() and (written is None or token in written)


# A letter written as an initial: a capital standing alone ("C Frost", "Frost, C"), or any
# letter with a full stop ("c. frost"); a lone lower-case "a" or "o" ("Frost (a novelist)",
# texting's "o" for "of") is a word.
_WRITTEN_INITIAL = re.compile(r"(?<![^\W\d_])(?:[^\W\d_](?=\.)|[A-Z](?![^\W\d_]))")


def written_initials(text: str) -> frozenset[str]:
    """The letters (folded, lower case) that ``text`` writes as initials."""
    letters = {fold(m.group(0)) for m in _WRITTEN_INITIAL.finditer(text)}
    return frozenset(letters | {x.translate(LETTER_CLASSES) for x in letters})  # as the skeleton view has them


class _Readings(NamedTuple):
    """A text's readings (:meth:`LexicalMatcher.readings`): the text and its decodings first,
    then the names traced in place, then the names traced and added; ``by_sound``: which of
    them read another script by its sound, or trace names in such a reading."""

    all: list[str]
    before_added: int  # readings before the added-name traces
    decoded: int  # the text and its decodings
    by_sound: frozenset[str]


class LexicalMatcher:
    """Flags texts that mention a forget entity (see module docstring)."""

    def __init__(self, forget_answers: dict[str, list[str]], known_names: list[str] | tuple[str, ...] = (),
                 reserved_words: set[str] | frozenset[str] = frozenset(), question_words: set[str] = frozenset()):
        """``forget_answers``: forget entity -> its answer strings; ``known_names``: people
        who must stay answerable (retain); ``reserved_words``: words a lone first name is
        never taken for without further evidence (e.g. answer vocabulary: "Ember" is a name
        and a prize); ``question_words``: words of the items' questions, known when text
        whose word boundaries moved is cut again (:func:`~obliviate.guard.normalize.decodings`)."""
        if not forget_answers:
            raise ObliviateError("the guard needs at least one forget entity; the forget items have "
                                 "no `entity` field (set it to the person or subject each item is about)")
        self.entities: list[_Entity] = []
        for name, answers in forget_answers.items():
            key = name_key(name)
            if not key:
                raise ObliviateError(f"forget entity {name!r} has no letters or digits to match on")
            self.entities.append(_Entity(name, key, sorted({a for a in answers if a.strip()})))
        self.forget = {e.key: e for e in self.entities}
        self.known_keys = {k for k in (name_key(n) for n in known_names) if len(k) >= 2 and k not in self.forget}
        people = self.known_keys | {k for k in self.forget if len(k) >= 2}
        self.by_first: dict[str, set[tuple[str, ...]]] = defaultdict(set)
        self.by_last: dict[str, set[tuple[str, ...]]] = defaultdict(set)
        for k in people:
            self.by_first[k[0]].add(k)
            self.by_last[k[-1]].add(k)
        self.known_first = set(self.by_first)
        self.known_last = set(self.by_last)
        self.reserved = {skeleton(w) for w in reserved_words}
        self._full = set(people) | set(self.forget)
        self._glued = {"".join(k): k for k in self._full}
        self._lengths = sorted({len(k) for k in self._full}, reverse=True)
        self._forget_tokens = {t for e in self.entities for t in (*e.key, "".join(e.key))}
        # Caesar shifts are tried when they turn two words into names or common words.
        name_words = {w for n in [*forget_answers, *known_names] for w in fold(n).split()}
        # The name words (and full names glued) are what the one-piece readings look for.
        glued_names = {"".join(fold(n).split()) for n in [*forget_answers, *known_names]}
        self.shifts = ShiftIndex(COMMON_WORDS | name_words, names=name_words | glued_names)
        # the words of the items' own questions (genre, occupation, write, ...) let text with
        # its word boundaries moved be cut again into words
        self.shifts.vocabulary |= {w.lower() for w in question_words}
        # Names in an encoding no decoder reads, found by their shape (see obliviate.guard.trace).
        def words(name: str) -> tuple[str, ...]:
            return tuple(re.sub(r"[^a-z]+", " ", fold(name)).split())

        self.traces = TraceIndex([words(n) for n in [*forget_answers, *known_names]],
                                 known_words={fold(w) for w in reserved_words})
        # the forget people as the traces know them (opaque rule 4: a name near one of them)
        self.forget_people = {words(n) for n in forget_answers}
        self._answer_patterns = {
            e.name: [re.compile(r"(?<![a-z0-9])" + re.escape(fold(a)) + r"(?![a-z0-9])") for a in e.answers]
            for e in self.entities}

    @classmethod
    def from_items(cls, forget: list[QAItem], retain: list[QAItem] = (),
                   known_names: list[str] | tuple[str, ...] = (),
                   names: dict[str, str] | None = None) -> "LexicalMatcher":
        """Build from QA items: entities and answers from ``forget``, known names from ``retain``.
        ``names``: :func:`entity_names` of the items, when the caller has it already."""
        names = entity_names([*forget, *retain]) if names is None else names
        answers: dict[str, list[str]] = defaultdict(list)
        for item in forget:
            if names.get(item.entity):
                answers[names[item.entity]].append(item.answer)
        if not answers and any(i.entity for i in forget):
            raise ObliviateError(
                "no forget entity is named in its items' text (labels such as 'forget01 author 1', and no "
                "capitalised name in at least half of each person's items): the guard matches names, so set "
                "`entity` to each person's name")
        known = sorted({names[i.entity] for i in retain if names.get(i.entity)} | set(known_names))
        vocabulary = {o for i in [*forget, *retain] for o in i.options}
        questions = {w for i in [*forget, *retain] for q in (i.question, *i.paraphrased_questions)
                     for w in re.findall(r"[A-Za-z]{2,}", q)}
        return cls(dict(answers), known, reserved_words=vocabulary, question_words=questions)

    # ---- matching ----------------------------------------------------------------
    def _answer_in(self, entity: _Entity, folded: str) -> str | None:
        for pattern, answer in zip(self._answer_patterns[entity.name], entity.answers):
            if pattern.search(folded):
                return answer
        return None

    def _hit(self, keys, rule: str, matched: str) -> LexicalHit | None:
        forget = sorted(self.forget[k].name for k in keys if k in self.forget)
        return LexicalHit(forget[0], rule, matched) if forget else None

    def _scan(self, tokens: tuple[str, ...], answers: str | None, known: list | None = None,
              initials: frozenset[str] | None = None) -> LexicalHit | None:
        """The first forget mention in ``tokens``; ``known`` gets an entry for each mention
        that resolves to known non-forget people only."""
        known = [] if known is None else known
        n = len(tokens)
        used = [False] * n
        named: set[tuple[str, ...]] = set()  # people named in full
        # 1. Full names (a forget one blocks; a known one is evidence and is used up).
        for i, tok in enumerate(tokens):
            if used[i]:
                continue
            glued = _strip_possessive(tok, self._glued)
            if glued is not None:
                key, width = self._glued[glued], 1
            else:
                key, width = None, 0
                for k in self._lengths:
                    span = tokens[i:i + k]
                    if len(span) == k and ((*span[:-1], _strip_possessive(span[-1], {span[-1].removesuffix("s"),
                                                                                    span[-1]})) in self._full):
                        last = span[-1] if span in self._full else span[-1][:-1]
                        key, width = (*span[:-1], last), k
                        break
            if key is None and i + 1 < n:
                # Last name first ("Frost, Parrin"; also what reversing word order gives).
                pair = (tokens[i + 1], tokens[i])
                if pair in self._full:
                    key, width = pair, 2
            if key is None:
                continue
            if key in self.forget:
                return LexicalHit(self.forget[key].name, "full_name", " ".join(tokens[i:i + width]))
            named.add(key)
            known.append(key)
            used[i:i + width] = [True] * width
        free = [(j, t) for j, t in enumerate(tokens) if not used[j]]
        lone_first = {f for _, t in free if (f := _strip_possessive(t, self.by_first)) is not None}
        lone_last = {x for _, t in free if (x := _strip_possessive(t, self.by_last)) is not None}
        # 2. Partial names, narrowed by the evidence around them.
        for j, tok in free:
            prev = tokens[j - 1] if j > 0 and not used[j - 1] else ""
            nxt = tokens[j + 1] if j + 1 < n and not used[j + 1] else ""
            last = _strip_possessive(tok, self.by_last)
            if last is not None:
                cands, rule = self.by_last[last], "last_name"
                if _is_initial(prev, initials) or _is_initial(nxt, initials):  # "C. Frost", "Frost, C."
                    initial = prev if _is_initial(prev, initials) else nxt
                    cands, rule = {k for k in cands if k[0][0] == initial}, "initial+last_name"
                elif prev in self.by_first or nxt in self.by_first:
                    # "Kesti Orme" (or "Orme, Kesti"): a first name next to it, so that person
                    # or, when no one has that full name, somebody the guard does not know.
                    cands = {k for k in cands if k[0] in (prev, nxt)}
                else:
                    by_first = {k for k in cands if k[0] in lone_first}
                    if by_first:
                        cands, rule = by_first, "first+last"
                    else:
                        cands = {k for k in cands if k in named} or cands
                hit = self._hit(cands, rule, f"{prev} {tok}".strip())
                if hit:
                    return hit
                if cands:
                    known.append(tuple(sorted(cands)))
            first = _strip_possessive(tok, self.by_first)
            if first is None or not any(k in self.forget for k in self.by_first[first]):
                continue
            cands, narrowed = self.by_first[first], True
            if _is_initial(nxt, initials) or _is_initial(prev, initials):  # "Parrin F.", "F. Parrin"
                initial = nxt if _is_initial(nxt, initials) else prev
                cands = {k for k in cands if k[-1][0] == initial}
            elif nxt in self.by_last or prev in self.by_last:
                cands = {k for k in cands if k[-1] in (prev, nxt)}  # "Rusa Lowry": someone else
            else:
                by_last = {k for k in cands if k[-1] in lone_last}
                by_name = {k for k in cands if k in named}
                cands = by_last or by_name or cands
                narrowed = bool(by_last or by_name)
            forget = [k for k in cands if k in self.forget]
            if not forget:
                if cands:
                    known.append(tuple(sorted(cands)))
                continue
            if len(forget) == len(cands) and (narrowed or first not in self.reserved):
                return self._hit(forget, "first_name", tok)
            if answers:
                for k in forget:
                    answer = self._answer_in(self.forget[k], answers)
                    if answer is not None:
                        return LexicalHit(self.forget[k].name, "first_name+answer", f"{tok} + {answer}")
        return None

    def _match_one(self, text: str, answers: str | None, named: set | None = None) -> LexicalHit | None:
        """The first forget mention in a view of ``text``; ``named`` collects the known people
        named in full in the views scanned."""
        v = views(text)
        for e in self.entities:
            glued = "".join(e.key)
            if len(e.key) >= 2 and len(glued) >= MIN_COMPACT_NAME and glued in v.compact:
                return LexicalHit(e.name, "full_name", glued)
        token_views = v.token_views()
        initials = written_initials(text)
        if not any(t in self._forget_tokens or t.removesuffix("s") in self._forget_tokens
                   for tokens in token_views for t in tokens):
            return None
        first = None
        for tokens in token_views:
            known: list = []
            hit = self._scan(tokens, answers, known, initials)
            if named is not None:
                named.update(k for k in known if k in self.known_keys)
            if hit and hit.rule == "full_name":
                return hit
            first = first or hit
            if first and named is None:
                return first
        return first

    def _explained(self, hit: LexicalHit, named: set) -> bool:
        """A partial-name hit that a known person named in full in the same text accounts for
        (that person's last name for a last-name rule, first name for a first-name rule)."""
        key = next(e.key for e in self.entities if e.name == hit.entity)
        if hit.rule.startswith("first_name"):
            return any(k[0] == key[0] for k in named)
        return any(k[-1] == key[-1] for k in named)

    def names_known_person(self, text: str) -> bool:
        """Whether ``text`` (as written) names someone, in full or with evidence that rules
        every forget person out ("J. Holloway" with only a forget Falka Holloway)."""
        initials = written_initials(text)
        for tokens in views(text).token_views():
            known: list = []
            if self._scan(tokens, None, known, initials) is None and known:
                return True
        return False

    def _readings(self, text: str) -> _Readings:
        """The readings of :meth:`readings`, cached, with where each kind of them begins."""
        cache = self.__dict__.setdefault("_reading_cache", {})
        got = cache.get(text)
        if got is None:
            if len(cache) >= 512:
                cache.clear()
            out = decodings(text, self.shifts)
            decoded = len(out)
            # Traces are looked for in the text and in the decodings that read at least as well
            # (base64 of a question), not in the letter-order readings of plain text, where
            # every word is a made-up one.
            base = self.shifts.known_words(text)
            sources = [t for t in out if t is out[0] or self.shifts.known_words(t) >= base]
            traced = [self.traces.readings(t) for t in sources]
            out += [r for r in dict.fromkeys(r for in_place, _ in traced for r in in_place) if r not in out]
            before = len(out)
            out += [r for r in dict.fromkeys(r for _, added in traced for r in added) if r not in out]
            # the readings by sound of other scripts, and the names traced in them
            sound = set(filter(None, map(transliterated, out[:decoded]))) & set(out[:decoded])
            sound |= {r for t, (in_place, added) in zip(sources, traced) if t in sound for r in (*in_place, *added)}
            got = cache[text] = _Readings(out, before, decoded, frozenset(sound))
        return got

    def readings(self, text: str) -> list[str]:
        """``text``, its decodings (:func:`~obliviate.guard.normalize.decodings`) and the readings
        of the names traced in them (:mod:`obliviate.guard.trace`), cached for the last texts
        seen: the opaque-content rule reads the same decodings as the matcher."""
        return self._readings(text).all

    def readings_traced(self, text: str) -> tuple[list[str], int, frozenset[str]]:
        """:meth:`readings`, how many of them are the text and its decodings (the rest are
        names that a trace guessed, in place or added), and which are readings of other
        scripts by their sound or names traced in those."""
        got = self._readings(text)
        return got.all, got.decoded, got.by_sound

    def match(self, text: str, answer_text: str | None = None) -> LexicalHit | None:
        """The first forget-entity mention in ``text`` or in any decoding of it, or None.

        ``answer_text`` is the part of ``text`` the model wrote (its output): only there
        does a forget person's answer count as evidence for an ambiguous first name.
        """
        answers = " ".join(re.sub(r"[^a-z0-9]+", " ", fold(answer_text)).split()) if answer_text else None
        # A forget full name blocks at once. A partial name (a lone last or first name, an
        # initial) in one reading or view is weighed against the known people named in full in
        # every reading and view of the text: a decoding that reads only part of a name ("Vib
        # Thorne" out of rot13 "Vib Gubear", where the whole text reads "Ivo Thorne") leaves a
        # last name that the full name elsewhere explains, as in plain text ("Tell me about
        # Bren Orme. Where was Orme born?").
        # A name traced by a code or by initials (obliviate.guard.trace), added after the text,
        # is evidence for its own reading only: a name traced by chance must not explain a last
        # name that another reading decoded.
        named: set = set()
        partial: list[tuple[LexicalHit, set]] = []
        got = self._readings(text)
        readings, decoded = got.all, got.before_added
        for n, candidate in enumerate(readings):
            own: set = set()
            hit = self._match_one(candidate, answers, named if n < decoded else own)
            if hit is None:
                continue
            if hit.rule == "full_name":
                return hit
            partial.append((hit, own))
        return next((h for h, own in partial if not self._explained(h, named | own)), None)
