"""Lexical matcher: does a text name a forget entity, however it is written?

Aliases of a forget person "Alara Orme":
- the full name, also glued ("AlaraOrme") or spelled out ("A l a r a  O r m e");
- the last name alone ("Ms. Orme", "Orme's"), unless it is part of another person's
  full name ("Bren Orme" is a different person);
- the first name alone, when no known non-forget person shares it;
- a first name that other people share ("Alara") counts only together with an answer
  string of that forget person ("Where was Alara born? Lisbon"). Answers are tied to
  their entity: a retain person born in Lisbon is not blocked for sharing the city.

Every comparison runs on the skeleton views of :mod:`obliviate.guard.normalize`, so
case, separators, leetspeak, homoglyphs, zero-width and fullwidth characters do not
hide a name. Known non-forget full names (the retain people) are masked first, so
they never trigger an alias that they happen to share.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field

from obliviate.data.schema import QAItem
from obliviate.errors import ObliviateError
from obliviate.guard.normalize import fold, name_key, skeleton, views

_MASK = "\x00"
# Glued full names shorter than this are not searched in the separator-free view,
# where a short string could arise by chance across word boundaries.
MIN_COMPACT_NAME = 6


@dataclass
class LexicalHit:
    """Why a text was flagged: which entity, by which rule, on which matched form."""

    entity: str
    rule: str  # full_name | last_name | first_name | first_name+answer
    matched: str


@dataclass
class _Entity:
    name: str
    key: tuple[str, ...]
    answers: list[str] = field(default_factory=list)
    unambiguous_first: bool = False

    @property
    def first(self) -> str:
        return self.key[0]

    @property
    def last(self) -> str:
        return self.key[-1]


def _possessive(token: str) -> set[str]:
    return {token, token + "s"}


class LexicalMatcher:
    """Flags texts that mention a forget entity (see module docstring)."""

    def __init__(self, forget_answers: dict[str, list[str]], known_names: list[str] | tuple[str, ...] = (),
                 reserved_words: set[str] | frozenset[str] = frozenset()):
        """``forget_answers``: forget entity -> its answer strings; ``known_names``: people
        who must stay answerable (retain); ``reserved_words``: words never used as a
        lone-first-name alias (e.g. answer vocabulary: "Ember" is a name and a prize)."""
        if not forget_answers:
            raise ObliviateError("the guard needs at least one forget entity; the forget items have "
                                 "no `entity` field (set it to the person or subject each item is about)")
        self.entities: list[_Entity] = []
        for name, answers in forget_answers.items():
            key = name_key(name)
            if not key:
                raise ObliviateError(f"forget entity {name!r} has no letters or digits to match on")
            self.entities.append(_Entity(name, key, sorted({a for a in answers if a.strip()})))
        forget_keys = {e.key for e in self.entities}
        self.known_keys = {k for k in (name_key(n) for n in known_names) if len(k) >= 2 and k not in forget_keys}
        all_keys = self.known_keys | {k for k in forget_keys if len(k) >= 2}
        self.known_first = {k[0] for k in all_keys}
        self.known_last = {k[-1] for k in all_keys}
        known_first_nonforget = {k[0] for k in self.known_keys}
        reserved = {skeleton(w) for w in reserved_words}
        first_count = defaultdict(int)
        for e in self.entities:
            first_count[e.first] += 1
        for e in self.entities:
            e.unambiguous_first = (len(e.key) >= 2 and e.first not in known_first_nonforget
                                   and first_count[e.first] == 1 and e.first not in reserved)
        # Glued forms of known names, to mask "BrenOrme" as well as "Bren Orme".
        self._known_glued = {"".join(k): k for k in self.known_keys}
        self._known_lengths = sorted({len(k) for k in self.known_keys})
        self._answer_patterns = {
            e.name: [re.compile(r"(?<![a-z0-9])" + re.escape(fold(a)) + r"(?![a-z0-9])") for a in e.answers]
            for e in self.entities}

    @classmethod
    def from_items(cls, forget: list[QAItem], retain: list[QAItem] = (),
                   known_names: list[str] | tuple[str, ...] = ()) -> "LexicalMatcher":
        """Build from QA items: entities and answers from ``forget``, known names from ``retain``."""
        answers: dict[str, list[str]] = defaultdict(list)
        for item in forget:
            if item.entity:
                answers[item.entity].append(item.answer)
        known = sorted({i.entity for i in retain if i.entity} | set(known_names))
        vocabulary = {o for i in [*forget, *retain] for o in i.options}
        return cls(dict(answers), known, reserved_words=vocabulary)

    # ---- matching ----------------------------------------------------------------
    def _mask_known(self, tokens: tuple[str, ...]) -> list[str]:
        out = list(tokens)
        for i, tok in enumerate(tokens):
            if tok in self._known_glued or tok.removesuffix("s") in self._known_glued:
                out[i] = _MASK
                continue
            for k in self._known_lengths:
                span = tokens[i:i + k]
                if len(span) == k and (span in self.known_keys
                                       or (*span[:-1], span[-1].removesuffix("s")) in self.known_keys):
                    out[i:i + k] = [_MASK] * k
        return out

    def _answers_in(self, entity: _Entity, folded: str) -> str | None:
        for pattern, answer in zip(self._answer_patterns[entity.name], entity.answers):
            if pattern.search(folded):
                return answer
        return None

    def _scan(self, tokens: list[str], folded: str) -> LexicalHit | None:
        n = len(tokens)
        for e in self.entities:
            k = len(e.key)
            glued = "".join(e.key)
            for i, tok in enumerate(tokens):
                if tok == _MASK:
                    continue
                if tuple(tokens[i:i + k]) == e.key or (tuple(tokens[i:i + k - 1]) == e.key[:-1] and i + k - 1 < n
                                                       and tokens[i + k - 1] in _possessive(e.last)):
                    return LexicalHit(e.name, "full_name", " ".join(tokens[i:i + k]))
                if tok in _possessive(glued):
                    return LexicalHit(e.name, "full_name", tok)
                if k < 2:
                    continue
                prev = tokens[i - 1] if i > 0 else ""
                nxt = tokens[i + 1] if i + 1 < n else ""
                if tok in _possessive(e.last) and prev not in self.known_first:
                    return LexicalHit(e.name, "last_name", tok)
                if tok in _possessive(e.first) and (nxt not in self.known_last or nxt.removesuffix("s") == e.last):
                    if e.unambiguous_first:
                        return LexicalHit(e.name, "first_name", tok)
                    answer = self._answers_in(e, folded)
                    if answer is not None:
                        return LexicalHit(e.name, "first_name+answer", f"{tok} + {answer}")
        return None

    def match(self, text: str) -> LexicalHit | None:
        """The first forget-entity mention in ``text``, or None."""
        v = views(text)
        for e in self.entities:
            glued = "".join(e.key)
            if len(e.key) >= 2 and len(glued) >= MIN_COMPACT_NAME and glued in v.compact:
                return LexicalHit(e.name, "full_name", glued)
        folded = " ".join(re.sub(r"[^a-z0-9]+", " ", fold(text)).split())
        for tokens in v.token_views():
            hit = self._scan(self._mask_known(tokens), folded)
            if hit:
                return hit
        return None
