"""Content guard: filter prompts and outputs that touch a forget set (see docs/guard.md)."""

from obliviate.guard.guard import DEFAULT_REFUSAL, Guard, GuardConfig, GuardDecision, GuardedModel
from obliviate.guard.lexical import LexicalHit, LexicalMatcher
from obliviate.guard.semantic import SemanticMatcher, SemanticUnavailable, SentenceEncoder, load_encoder

__all__ = ["DEFAULT_REFUSAL", "Guard", "GuardConfig", "GuardDecision", "GuardedModel", "LexicalHit",
           "LexicalMatcher", "SemanticMatcher", "SemanticUnavailable", "SentenceEncoder", "load_encoder"]
