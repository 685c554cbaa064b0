"""Knowledge metrics on QA items. Each docstring names the paper that defines it."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy import stats

from obliviate.data.schema import QAItem
from obliviate.data.world import qa_prompt
from obliviate.evals.scoring import answer_in, completion_logprobs, rouge_l_recall
from obliviate.models.load import LanguageModel


def _prompt(item: QAItem, with_context: bool, question: str | None = None) -> str:
    return qa_prompt(question or item.question, item.context if with_context else "")


def option_scores(lm: LanguageModel, items: list[QAItem], with_context: bool = False,
                  question_index: int | None = None) -> list[list[float]]:
    """Length-normalized log-likelihood of every option of every item."""
    pairs = []
    for item in items:
        question = None
        if question_index is not None and item.paraphrased_questions:
            question = item.paraphrased_questions[question_index % len(item.paraphrased_questions)]
        prompt = _prompt(item, with_context, question)
        pairs.extend((prompt, " " + option) for option in item.options)
    sums, counts = completion_logprobs(lm, pairs)
    out, k = [], 0
    for item in items:
        n = len(item.options)
        out.append([s / max(c, 1) for s, c in zip(sums[k:k + n], counts[k:k + n])])
        k += n
    return out


def mcq_correct(lm: LanguageModel, items: list[QAItem], with_context: bool = False,
                question_index: int | None = None) -> np.ndarray:
    """Per item 1.0 when the correct answer ranks first among {answer, perturbed answers}."""
    scores = option_scores(lm, items, with_context, question_index)
    return np.array([float(int(np.argmax(s)) == 0) for s in scores])


def mcq_accuracy(lm: LanguageModel, items: list[QAItem], with_context: bool = False,
                 question_index: int | None = None) -> float:
    """Share of items whose correct answer has the highest length-normalized likelihood.

    The multiple-choice protocol of TOFU's probability metric (Maini et al. 2024) and
    of WMDP (Li et al. 2024), used here as the primary knowledge measure.
    """
    return float(mcq_correct(lm, items, with_context, question_index).mean()) if items else float("nan")


def generations(lm: LanguageModel, items: list[QAItem], with_context: bool = False,
                max_new_tokens: int = 8) -> list[str]:
    return lm.generate([_prompt(i, with_context) for i in items], max_new_tokens=max_new_tokens)


def generation_accuracy(lm: LanguageModel, items: list[QAItem], with_context: bool = False,
                        texts: list[str] | None = None) -> float:
    """Share of greedy answers that contain the normalized gold answer (TOFU-style)."""
    if not items:
        return float("nan")
    texts = texts if texts is not None else generations(lm, items, with_context)
    return float(np.mean([answer_in(i.answer, t) for i, t in zip(items, texts)]))


def truth_ratios(lm: LanguageModel, items: list[QAItem],
                 option_scores_cache: list[list[float]] | None = None) -> np.ndarray:
    """Per-item truth ratio R = mean_pert P(pert)^(1/|pert|) / P(para)^(1/|para|).

    Maini et al. 2024 (TOFU), Eq. 1. R < 1 means the model prefers the true
    (paraphrased) answer over wrong ones. When an item's paraphrased answer is its
    answer (the embedded world), the MCQ option scores are reused if given.
    """
    ratios: list[float | None] = [None] * len(items)
    pairs, sizes, todo = [], [], []
    for k, item in enumerate(items):
        if option_scores_cache is not None and item.paraphrased_answer == item.answer:
            norm = option_scores_cache[k]
            ratios[k] = float(np.mean([math.exp(p - norm[0]) for p in norm[1:]]))
            continue
        prompt = _prompt(item, False)
        perturbed = item.perturbed_paraphrases()
        pairs.append((prompt, " " + item.paraphrased_answer))
        pairs.extend((prompt, " " + p) for p in perturbed)
        sizes.append(1 + len(perturbed))
        todo.append(k)
    if pairs:
        sums, counts = completion_logprobs(lm, pairs)
        j = 0
        for k, n in zip(todo, sizes):
            norm = [s / max(c, 1) for s, c in zip(sums[j:j + n], counts[j:j + n])]
            j += n
            ratios[k] = float(np.mean([math.exp(p - norm[0]) for p in norm[1:]]))
    return np.array(ratios, dtype=float)


def truth_ratio_score(ratios: np.ndarray) -> float:
    """Summary of truth ratios: mean of max(0, 1 - R), higher = more truthful (TOFU)."""
    return float(np.mean(np.clip(1.0 - ratios, 0.0, None))) if len(ratios) else float("nan")


def forget_quality(unlearned_ratios: np.ndarray, gold_ratios: np.ndarray) -> float:
    """KS-test p-value between truth-ratio distributions of unlearned and gold (TOFU).

    Maini et al. 2024: a high p-value means the unlearned model cannot be told apart
    from the model retrained without the forget data.
    """
    return float(stats.ks_2samp(unlearned_ratios, gold_ratios).pvalue)


def answer_probability(lm: LanguageModel, items: list[QAItem],
                       scores: list[list[float]] | None = None) -> float:
    """Mean P(answer | question)^(1/|answer|), normalized over the options (TOFU)."""
    scores = scores if scores is not None else option_scores(lm, items)
    probs = []
    for s in scores:
        e = np.exp(np.array(s))
        probs.append(float(e[0] / e.sum()))
    return float(np.mean(probs))


@dataclass
class SplitMetrics:
    mcq_accuracy: float
    generation_accuracy: float
    truth_ratio: float
    answer_probability: float
    rouge_l_recall: float
    truth_ratios: np.ndarray

    def summary(self) -> dict[str, float]:
        return {"mcq_accuracy": self.mcq_accuracy, "generation_accuracy": self.generation_accuracy,
                "truth_ratio": self.truth_ratio, "answer_probability": self.answer_probability,
                "rouge_l_recall": self.rouge_l_recall}


def evaluate_split(lm: LanguageModel, items: list[QAItem]) -> SplitMetrics:
    """All per-split metrics for one model on one set of items (one scoring pass)."""
    texts = generations(lm, items)
    scores = option_scores(lm, items)
    ratios = truth_ratios(lm, items, scores)
    return SplitMetrics(
        mcq_accuracy=float(np.mean([int(np.argmax(s)) == 0 for s in scores])),
        generation_accuracy=generation_accuracy(lm, items, texts=texts),
        truth_ratio=truth_ratio_score(ratios),
        answer_probability=answer_probability(lm, items, scores),
        rouge_l_recall=float(np.mean([rouge_l_recall(i.answer, t) for i, t in zip(items, texts)])),
        truth_ratios=ratios,
    )


def model_utility(per_split: dict[str, SplitMetrics]) -> float:
    """Harmonic mean of answer probability, ROUGE-L recall and truth ratio (TOFU).

    Maini et al. 2024 compute it over retain, real-authors and world-facts sets;
    obliviate uses the retain and neighbor sets of the embedded world. A zero in any
    component gives utility 0, as the harmonic mean intends.
    """
    values = []
    for m in per_split.values():
        values.extend([m.answer_probability, m.rouge_l_recall, m.truth_ratio])
    values = [v for v in values if not math.isnan(v)]
    if not values or min(values) <= 0:
        return 0.0
    return float(stats.hmean(values))
