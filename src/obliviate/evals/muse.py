"""MUSE metrics (Shi et al. 2024, "MUSE: Machine Unlearning Six-Way Evaluation for
Language Models"; reference code swj0419/muse_bench ``eval.py`` and ``metrics/``).

- **VerbMem** (C1): greedy continuation of each ``verbmem/forget.json`` prompt, 128 new
  tokens, scored by ROUGE-L F1 (no stemmer) against the reference continuation cut to its
  first 128 tokens (``metrics/verbmem.py``).
- **KnowMem** (C2, and C4 on retain): the ``knowmem/*_qa_icl.json`` examples as few-shot
  prefix ``Question: {q}\\nAnswer: {a}\\n\\n``, then ``Question: {q}\\nAnswer: ``; 32 new
  tokens, cut at the first ``\\n\\n`` / ``\\nQuestion`` / ``Question:``; ROUGE-L F1 against
  the answer (``metrics/knowmem.py``).
- **PrivLeak** (C3): Min-K% Prob with k = 0.4 on the ``privleak`` texts; MUSE's AUC labels
  holdout as class 1 and forget as class 0, i.e. ``AUC' = 1 - AUC`` with forget as members.
  ``PrivLeak = (AUC'_unlearned - AUC'_retrained) / AUC'_retrained x 100``: near 0 is good,
  strongly negative (towards -100) means the forget set still looks like training data
  (under-unlearned), strongly positive means over-unlearned.

MUSE reports VerbMem and KnowMem x 100; the values here are fractions (docs/datasets.md).
"""

from __future__ import annotations

import numpy as np

from obliviate.data.benchmarks import VerbatimPrompt
from obliviate.data.schema import QAItem
from obliviate.evals.mia import auc, min_k_score
from obliviate.evals.scoring import generate, rouge_l_f1, score_completions
from obliviate.models.load import LanguageModel

VERBMEM_MAX_NEW_TOKENS = 128
KNOWMEM_MAX_NEW_TOKENS = 32
KNOWMEM_STOP = ("\n\n", "\nQuestion", "Question:")
PRIVLEAK_K = 0.4


def truncate_to_tokens(tokenizer, text: str, n: int) -> str:
    """The first ``n`` tokens of ``text`` (special tokens counted, as MUSE tokenizes), decoded."""
    ids = tokenizer(text)["input_ids"][:n]
    return tokenizer.decode(ids, skip_special_tokens=True, clean_up_tokenization_spaces=True)


def verbmem(lm: LanguageModel, prompts: list[VerbatimPrompt], max_new_tokens: int = VERBMEM_MAX_NEW_TOKENS,
            ) -> dict:
    """MUSE VerbMem: mean ROUGE-L F1 of 128-token greedy continuations vs the first 128
    reference tokens. Returns ``{"value", "per_item": [{prompt, gt, output, rougeL_f1}]}``."""
    outputs = generate(lm, [p.prompt for p in prompts], max_new_tokens)
    rows = []
    for p, out in zip(prompts, outputs):
        gt = truncate_to_tokens(lm.tokenizer, p.gt, max_new_tokens)
        rows.append({"prompt": p.prompt, "gt": gt, "output": out, "rougeL_f1": rouge_l_f1(gt, out)})
    return {"value": float(np.mean([r["rougeL_f1"] for r in rows])) if rows else float("nan"), "per_item": rows}


def knowmem_prompt(question: str, icl: list[QAItem]) -> str:
    """MUSE's KnowMem prompt: the in-context examples, then the question."""
    head = "".join(f"Question: {e.question}\nAnswer: {e.answer}\n\n" for e in icl)
    return head + f"Question: {question}\nAnswer: "


def knowmem(lm: LanguageModel, items: list[QAItem], icl: list[QAItem] | None = None,
            max_new_tokens: int = KNOWMEM_MAX_NEW_TOKENS) -> dict:
    """MUSE KnowMem: mean ROUGE-L F1 of few-shot greedy answers (stop strings applied)."""
    icl = icl or []
    outputs = generate(lm, [knowmem_prompt(i.question, icl) for i in items], max_new_tokens, stop=KNOWMEM_STOP)
    rows = [{"question": i.question, "gt": i.answer, "output": o, "rougeL_f1": rouge_l_f1(i.answer, o)}
            for i, o in zip(items, outputs)]
    return {"value": float(np.mean([r["rougeL_f1"] for r in rows])) if rows else float("nan"), "per_item": rows}


def text_scores(lm: LanguageModel, texts: list[str], stats: bool = False):
    """Token scores of whole texts (every token after BOS; no EOS), as MUSE's ``compute_ppl``."""
    return score_completions(lm, [("", t) for t in texts], add_eos=False, stats=stats)


def min_k_auc(lm: LanguageModel, forget: list[str], holdout: list[str], k: float = PRIVLEAK_K) -> float:
    """ROC AUC of Min-K% (k) scores with forget texts as members (1) and holdout as 0."""
    s_f = [min_k_score(s, k) for s in text_scores(lm, forget)]
    s_h = [min_k_score(s, k) for s in text_scores(lm, holdout)]
    return auc(s_f, s_h)


def privleak(auc_unlearned: float, auc_retrained: float) -> float:
    """MUSE PrivLeak in percent from AUCs with forget as members:
    ``(AUC'_u - AUC'_r) / AUC'_r x 100`` with ``AUC' = 1 - AUC`` (MUSE's own labelling)."""
    u, r = 1.0 - auc_unlearned, 1.0 - auc_retrained
    return (u - r) / r * 100.0
