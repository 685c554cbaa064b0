"""Membership-inference attacks on a causal LM, as the unlearning toolkits define them.

Each attack maps one text's token scores (:class:`obliviate.evals.scoring.TokenScores`,
one shared forward pass) to a *membership score*: higher means "more likely a training
member". The AUC separates members (the forget set, label 1) from non-members (holdout,
label 0); 0.5 is chance. Definitions (locuslab/open-unlearning ``src/evals/metrics/mia``
and MUSE ``metrics/privleak.py``, signs turned so that higher = member):

- ``loss`` (Yeom et al. 2018): ``-mean_t NLL_t``.
- ``zlib`` (Carlini et al. 2021): ``-mean_t NLL_t / len(zlib.compress(text.encode()))``.
- ``min_k`` (Min-K% Prob, Shi et al. 2024): the mean of the lowest ``k`` fraction of the
  token log-probabilities (``k = 0.4``: MUSE's PrivLeak key ``Min-40%``).
- ``min_k_plus_plus`` (Min-K%++, Zhang et al. 2024): the mean of the lowest ``k`` fraction
  of ``(log p(x_t) - mu_t) / sigma_t``, with mu/sigma the mean and standard deviation of
  log p(z) under the next-token distribution.
- ``reference`` (Carlini et al. 2021, reference-model calibration): ``-(NLL_target -
  NLL_reference)`` on the same text.

The lowest-``k`` count is ``int(n * k)`` (the references), at least 1 token.
"""

from __future__ import annotations

import zlib

import numpy as np

from obliviate.evals.scoring import TokenScores

MIA_ATTACKS = ("loss", "zlib", "min_k", "min_k_plus_plus")


def _lowest(values: np.ndarray, k: float) -> float:
    if len(values) == 0:
        return float("nan")
    n = max(1, int(len(values) * k))
    return float(np.sort(values)[:n].mean())


def loss_score(s: TokenScores) -> float:
    """LOSS attack: ``-mean NLL`` of the text's tokens."""
    return -s.avg_loss


def zlib_score(s: TokenScores, text: str) -> float:
    """zlib attack: ``-mean NLL / zlib entropy`` (bytes of the zlib-compressed UTF-8 text)."""
    return -s.avg_loss / len(zlib.compress(text.encode("utf-8")))


def min_k_score(s: TokenScores, k: float = 0.4) -> float:
    """Min-K% Prob: mean of the lowest ``k`` fraction of token log-probabilities."""
    return _lowest(s.logprobs, k)


def min_k_plus_plus_score(s: TokenScores, k: float = 0.4) -> float:
    """Min-K%++: mean of the lowest ``k`` fraction of ``(log p - mu) / sigma`` per token."""
    if s.mu is None or s.sigma is None:
        raise ValueError("Min-K%++ needs token scores computed with stats=True")
    return _lowest((s.logprobs - s.mu) / s.sigma, k)


def reference_score(target: TokenScores, reference: TokenScores) -> float:
    """Reference-model attack: ``-(NLL_target - NLL_reference)``."""
    return -(target.avg_loss - reference.avg_loss)


def membership_scores(scores: list[TokenScores], texts: list[str], k: float = 0.4,
                      reference: list[TokenScores] | None = None) -> dict[str, np.ndarray]:
    """Every attack's membership score per text (``reference`` adds the reference attack)."""
    out = {"loss": np.array([loss_score(s) for s in scores]),
           "zlib": np.array([zlib_score(s, t) for s, t in zip(scores, texts)]),
           "min_k": np.array([min_k_score(s, k) for s in scores]),
           "min_k_plus_plus": np.array([min_k_plus_plus_score(s, k) for s in scores])}
    if reference is not None:
        out["reference"] = np.array([reference_score(s, r) for s, r in zip(scores, reference)])
    return out


def auc(member_scores, nonmember_scores) -> float:
    """ROC AUC of scores separating members (label 1) from non-members (label 0)."""
    from sklearn.metrics import roc_auc_score

    a, b = np.asarray(member_scores, float), np.asarray(nonmember_scores, float)
    return float(roc_auc_score(np.r_[np.ones(len(a)), np.zeros(len(b))], np.r_[a, b]))
