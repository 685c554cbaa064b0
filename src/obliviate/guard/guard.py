"""The guard: a content filter built from a forget set, and the model wrapper that applies it.

UnUnlearning (Shumailov et al. 2024) shows that unlearning, even exact retraining,
cannot stop a capable model from using forgotten knowledge that is handed back in
the prompt; the remedy it calls for is filtering at inference time. The guard checks
the prompt before generation and the prompt plus the output after it: a lexical
matcher for entity mentions (:mod:`obliviate.guard.lexical`) and, when the offline
sentence encoder is installed, a semantic matcher against the forget facts
(:mod:`obliviate.guard.semantic`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np

from obliviate.data.schema import QAItem
from obliviate.errors import ObliviateError
from obliviate.guard.lexical import LexicalHit, LexicalMatcher, entity_names
from obliviate.guard.opaque import SubjectSlots, opaque_reason
from obliviate.guard.semantic import DEFAULT_THRESHOLD, SemanticMatcher, load_encoder

DEFAULT_REFUSAL = "I can't help with that."
_SCAFFOLD = re.compile(r"^(context|question|answer)\s*:\s*", re.IGNORECASE | re.MULTILINE)
_SENTENCE = re.compile(r"(?<=[.!?])\s+|\n+")
OPAQUE_POLICIES = ("block", "allow")


@dataclass
class GuardConfig:
    """How the guard decides."""

    # Cosine similarity to a forget fact at or above which a text is blocked.
    threshold: float = DEFAULT_THRESHOLD
    # Use the sentence encoder when it is installed (lexical matching is always on).
    semantic: bool = True
    # Text returned instead of a blocked completion.
    refusal: str = DEFAULT_REFUSAL
    # Longer texts are scored sentence by sentence, at most this many sentences.
    max_segments: int = 32
    # What to do with a prompt the guard cannot read (see obliviate.guard.opaque): "block"
    # (fail closed, the default) or "allow" (match only what the decoders read).
    opaque: str = "block"

    def __post_init__(self) -> None:
        if self.opaque not in OPAQUE_POLICIES:
            raise ObliviateError(f"opaque policy must be one of {', '.join(OPAQUE_POLICIES)}, got {self.opaque!r}")


@dataclass
class GuardDecision:
    """The verdict on one text: blocked or not, why, and the semantic score."""

    blocked: bool
    reason: str = ""
    entity: str = ""
    score: float | None = None
    # Operator-side detail (for "opaque": which span or instruction); never sent to clients.
    detail: str = ""

    def to_dict(self) -> dict:
        return {"blocked": self.blocked, "reason": self.reason, "entity": self.entity, "score": self.score,
                **({"detail": self.detail} if self.detail else {})}


def _segments(text: str, limit: int) -> list[str]:
    """The text without prompt scaffolding, and its sentences (similarity is per sentence)."""
    body = _SCAFFOLD.sub("", text).strip()
    parts = [p.strip() for p in _SENTENCE.split(body) if p and p.strip()]
    return [body, *parts[:limit]] if len(parts) > 1 else [body]


class Guard:
    """Content filter for one forget set (see module docstring)."""

    def __init__(self, lexical: LexicalMatcher, semantic: SemanticMatcher | None = None,
                 config: GuardConfig | None = None, slots: SubjectSlots | None = None):
        self.lexical = lexical
        self.semantic = semantic
        self.config = config or GuardConfig()
        # The question forms of the forget and retain sets (opaque rule 3); None: no such rule.
        self.slots = slots

    @classmethod
    def from_items(cls, forget: list[QAItem], retain: list[QAItem] = (), config: GuardConfig | None = None,
                   known_names: list[str] | tuple[str, ...] = (), encoder=None) -> "Guard":
        """Build a guard from the forget set (entities, answers, facts) and the retain set
        (people who must stay answerable). The semantic references are each forget item's
        fact sentence (``context``, else ``paraphrased_answer``) and its question."""
        config = config or GuardConfig()
        names = entity_names([*forget, *retain])
        lexical = LexicalMatcher.from_items(list(forget), list(retain), known_names, names)
        semantic = None
        if config.semantic:
            encoder = encoder or load_encoder()
            if encoder is not None:
                references = sorted({t for i in forget for t in (i.context or i.paraphrased_answer, i.question) if t})
                # Answer values are masked on both sides: a client that tries candidate
                # answers in a prompt must get the same decision for each of them.
                vocabulary = {o for i in [*forget, *retain] for o in i.options}
                semantic = SemanticMatcher(encoder, references, config.threshold, mask_words=vocabulary)
        return cls(lexical, semantic, config, SubjectSlots.from_items([*forget, *retain], names))

    @property
    def mode(self) -> str:
        return "lexical+semantic" if self.semantic is not None else "lexical"

    def semantic_scores(self, texts: list[str]) -> np.ndarray | None:
        """Per text, the max similarity of it or any of its sentences to a forget fact."""
        if self.semantic is None:
            return None
        segments = [_segments(t, self.config.max_segments) for t in texts]
        flat = [s for seg in segments for s in seg]
        scores = self.semantic.scores(flat)
        out, k = np.zeros(len(texts), dtype=np.float32), 0
        for i, seg in enumerate(segments):
            out[i] = scores[k:k + len(seg)].max()
            k += len(seg)
        return out

    def check_many(self, texts: list[str], answer_texts: list[str | None] | None = None) -> list[GuardDecision]:
        """One decision per text: lexical hits first, then the semantic threshold, then (for a
        prompt, with ``opaque="block"``) the opaque-content rule of :mod:`.opaque`.

        ``answer_texts``: per text, the part the model wrote (its output), or None for a
        prompt; only there do a forget person's answers count (see :mod:`.lexical`).
        """
        answer_texts = answer_texts or [None] * len(texts)
        lexical: list[LexicalHit | None] = [self.lexical.match(t, a) for t, a in zip(texts, answer_texts)]
        scores = self.semantic_scores(texts)
        out = []
        for i, hit in enumerate(lexical):
            score = None if scores is None else float(scores[i])
            if hit is not None:
                out.append(GuardDecision(True, f"lexical:{hit.rule}", hit.entity, score))
            elif score is not None and score >= self.config.threshold and not self.lexical.names_known_person(texts[i]):
                # Similarity cannot tell "J. Holloway" from "Falka Holloway": when the names in
                # the text identify a known non-forget person, the names decide.
                out.append(GuardDecision(True, "semantic", "", score))
            elif answer_texts[i] is None and self.config.opaque == "block" and (
                    why := self._opaque(texts[i])):
                # Fail closed: a prompt the guard cannot read is not passed (outputs are not
                # judged by this rule; their prompt was).
                out.append(GuardDecision(True, "opaque", "", score, detail=why))
            else:
                out.append(GuardDecision(False, "", "", score))
        return out

    def _opaque(self, prompt: str) -> str | None:
        readings, traced_from, by_sound = self.lexical.readings_traced(prompt)
        # A reading of another script by its sound is for the matcher: it never makes an
        # unreadable span readable (a forget name's sound the matcher missed stays unread).
        why = opaque_reason([r for r in readings if r not in by_sound], self.lexical.shifts.known_words)
        if why is None and self.slots is not None:
            why = self.slots.unreadable(readings, self.lexical.shifts.known_words, self.lexical.names_known_person,
                                        traced_from, by_sound) \
                or self.slots.near(prompt, self.lexical.traces.near_people, self.lexical.forget_people)
        return why

    def check(self, text: str) -> GuardDecision:
        """The decision on one text (a prompt, or a prompt with its output)."""
        return self.check_many([text])[0]

    def check_output(self, prompt: str, output: str) -> GuardDecision:
        """Decision on a generated output, read together with its prompt.

        Read together, an ambiguous alias in the prompt ("Alara") and the forget
        person's answer in the output ("Lisbon") are caught even though each passes alone.
        """
        return self.check_many([f"{prompt}\n{output}"], [output])[0]


@dataclass
class GuardedModel:
    """Any :class:`~obliviate.models.load.LanguageModel` behind the guard.

    A blocked prompt is never sent to the model; a generated output that the guard
    blocks is replaced by the refusal. ``last_decisions`` keeps, for the last call,
    each prompt's decision (``stage`` "input" or "output").
    """

    lm: object
    guard: Guard
    refusal: str | None = None
    last_decisions: list[dict] = field(default_factory=list)

    def __post_init__(self) -> None:
        if self.refusal is None:
            self.refusal = self.guard.config.refusal

    def generate(self, prompts: list[str], max_new_tokens: int = 8,
                 inputs: list[str] | None = None) -> list[str]:
        """Greedy completions, with refusals where the guard blocks the input or the output.

        ``inputs``: per prompt, the text the guard checks instead of the prompt (a chat's
        whole conversation, of which the prompt is the part the model sees).
        """
        inputs = list(prompts) if inputs is None else list(inputs)
        decisions = self.guard.check_many(inputs)
        allowed = [i for i, d in enumerate(decisions) if not d.blocked]
        outputs = [self.refusal] * len(prompts)
        records = [{"stage": "input", **d.to_dict()} for d in decisions]
        if allowed:
            generated = self.lm.generate([prompts[i] for i in allowed], max_new_tokens=max_new_tokens)
            after = self.guard.check_many([f"{inputs[i]}\n{g}" for i, g in zip(allowed, generated)], list(generated))
            for i, g, d in zip(allowed, generated, after):
                records[i] = {"stage": "output", **d.to_dict()}
                outputs[i] = self.refusal if d.blocked else g
        self.last_decisions = records
        return outputs
