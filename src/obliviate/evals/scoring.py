"""Batched, padding-aware log-likelihood scoring and greedy generation."""

from __future__ import annotations

import re
import unicodedata


from obliviate.models.load import LanguageModel
from obliviate.training import collate, encode_pairs, sequence_logprobs


def completion_logprobs(lm: LanguageModel, pairs: list[tuple[str, str]], batch_size: int = 256,
                        ) -> tuple[list[float], list[int]]:
    """Sum of log P(completion | prompt) and completion length in tokens, per pair.

    Sequences are right-padded with an attention mask, so padding never changes a
    score; the prompt transform and hooks of ``lm`` are applied.
    """
    pairs = [(lm.format_prompt(p), c) for p, c in pairs]
    encoded = encode_pairs(lm.tokenizer, pairs, max_length=1024, add_eos=False)
    order = sorted(range(len(encoded)), key=lambda i: len(encoded[i].input_ids))
    sums = [0.0] * len(encoded)
    counts = [0] * len(encoded)
    pad = lm.tokenizer.pad_token_id
    for start in range(0, len(order), batch_size):
        idx = order[start:start + batch_size]
        batch = collate([encoded[i] for i in idx], pad)
        logits = lm.logits(batch["input_ids"], batch["attention_mask"]).logits
        s, n = sequence_logprobs(logits, batch["labels"].to(logits.device))
        for j, i in enumerate(idx):
            sums[i] = float(s[j])
            counts[i] = int(n[j])
    return sums, counts


def normalize_text(text: str) -> str:
    """Lower-case, strip accents and punctuation, collapse spaces (for answer matching)."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    text = re.sub(r"[^\w\s]", " ", text)
    return " ".join(text.split())


def answer_in(answer: str, generated: str) -> bool:
    """True when the normalized answer occurs as whole words in the normalized generation."""
    a, g = normalize_text(answer), normalize_text(generated)
    return bool(a) and f" {a} " in f" {g} "


def rouge_l_recall(reference: str, generated: str) -> float:
    """ROUGE-L recall: longest common subsequence of words / reference length (Lin 2004)."""
    ref, gen = normalize_text(reference).split(), normalize_text(generated).split()
    if not ref:
        return 0.0
    prev = [0] * (len(gen) + 1)
    for r in ref:
        cur = [0]
        for j, g in enumerate(gen):
            cur.append(prev[j] + 1 if r == g else max(prev[j + 1], cur[j]))
        prev = cur
    return prev[-1] / len(ref)
