"""MUSE metrics (Shi et al. 2024, "MUSE: Machine Unlearning Six-Way Evaluation").

- Verbatim memorization (C1): ROUGE-L between the model's continuation of a forget
  prompt and the true continuation.
- Knowledge memorization (C2): ROUGE-L between the model's answer and the true answer.
- PrivLeak (C3): how far the unlearned model's membership-inference AUC (forget texts
  as members vs holdout texts as non-members) is from the retrained model's,
  ``(AUC_U - AUC_G) / AUC_G`` (MUSE reports it in percent); the membership score is
  Min-K%++ (Zhang et al. 2024, "Min-K%++: Improved baseline for detecting pre-training
  data from large language models"). Near 0 is good; strongly positive = leaks
  membership, strongly negative = over-unlearned (also detectable).
"""

from __future__ import annotations

import numpy as np
import torch

from obliviate.data.benchmarks import VerbatimPrompt
from obliviate.data.schema import QAItem
from obliviate.data.world import qa_prompt
from obliviate.evals.scoring import rouge_l_recall
from obliviate.models.load import LanguageModel


def rouge_l_f1(reference: str, generated: str) -> float:
    """ROUGE-L F1 (Lin 2004) from the LCS recall of both directions."""
    r = rouge_l_recall(reference, generated)
    p = rouge_l_recall(generated, reference)
    return 0.0 if r + p == 0 else 2 * r * p / (r + p)


def verbatim_memorization(lm: LanguageModel, prompts: list[VerbatimPrompt], max_new_tokens: int = 32) -> float:
    """Mean ROUGE-L F1 of greedy continuations against ``gt`` (MUSE VerbMem)."""
    texts = lm.generate([p.prompt for p in prompts], max_new_tokens=max_new_tokens)
    return float(np.mean([rouge_l_f1(p.gt, t) for p, t in zip(prompts, texts)]))


def knowledge_memorization(lm: LanguageModel, items: list[QAItem], max_new_tokens: int = 16) -> float:
    """Mean ROUGE-L recall of greedy answers against the true answer (MUSE KnowMem)."""
    texts = lm.generate([qa_prompt(i.question) for i in items], max_new_tokens=max_new_tokens)
    return float(np.mean([rouge_l_recall(i.answer, t) for i, t in zip(items, texts)]))


def min_k_plus_plus(lm: LanguageModel, texts: list[str | tuple[str, str]], k: float = 0.2,
                    batch_size: int = 32) -> np.ndarray:
    """Min-K%++ membership score per text (Zhang et al. 2024): the mean of the lowest
    k-fraction of per-token scores (log p(x_t) - mu_t) / sigma_t, where mu_t and sigma_t
    are the mean and standard deviation of log p(z) under the model's next-token
    distribution. Higher = more likely a training member.

    A text may be a ``(prompt, completion)`` pair: only the completion's tokens are
    scored (for models trained with the loss on answers only, as TOFU-style QA tuning).
    """
    from obliviate.training import IGNORE, collate, encode_pairs

    pairs = [t if isinstance(t, tuple) else ("", t) for t in texts]
    encoded = encode_pairs(lm.tokenizer, [(lm.format_prompt(p), c) for p, c in pairs],
                           max_length=512, add_eos=False)
    scores = []
    for start in range(0, len(encoded), batch_size):
        batch = collate(encoded[start:start + batch_size], lm.tokenizer.pad_token_id)
        logits = lm.logits(batch["input_ids"], batch["attention_mask"]).logits[:, :-1].float()
        logp = torch.log_softmax(logits, -1)
        p = logp.exp()
        mu = (p * logp).sum(-1)
        sigma = ((p * logp ** 2).sum(-1) - mu ** 2).clamp(min=1e-12).sqrt()
        target = batch["labels"][:, 1:].to(logp.device)
        valid = target != IGNORE
        token = (logp.gather(-1, target.clamp(min=0).unsqueeze(-1)).squeeze(-1) - mu) / sigma
        for row in range(token.shape[0]):
            vals = token[row][valid[row]].cpu().numpy()
            if len(vals) == 0:
                scores.append(float("nan"))
                continue
            n = max(1, int(len(vals) * k))
            scores.append(float(np.sort(vals)[:n].mean()))
    return np.array(scores)


def membership_auc(lm: LanguageModel, members: list, nonmembers: list, k: float = 0.2) -> float:
    """ROC AUC of Min-K%++ scores separating ``members`` from ``nonmembers``."""
    from sklearn.metrics import roc_auc_score

    s_in, s_out = min_k_plus_plus(lm, members, k), min_k_plus_plus(lm, nonmembers, k)
    labels = np.r_[np.ones(len(s_in)), np.zeros(len(s_out))]
    return float(roc_auc_score(labels, np.r_[s_in, s_out]))


def privleak(unlearned_auc: float, gold_auc: float) -> float:
    """MUSE PrivLeak as a fraction: (AUC_unlearned - AUC_gold) / AUC_gold (x100 for MUSE's %)."""
    return (unlearned_auc - gold_auc) / gold_auc
