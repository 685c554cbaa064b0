"""Batched, padding-aware scoring and generation shared by every metric.

One forward pass per batch yields, for every scored token, its log-probability, whether
the greedy prediction equals it, and (on request) the mean and standard deviation of
log p under the next-token distribution (Min-K%++). Every metric built from token scores
(TOFU probability and truth ratio, extraction strength, exact memorization, the
membership-inference attacks) reads them from one :func:`score_completions` call.

Tokenization follows the reference code of TOFU (``locuslab/tofu``
``data_module.convert_raw_data_to_model_format``) and of lm-evaluation-harness: the full
text ``prompt + completion`` is tokenized once, and the first ``len(tokenize(prompt))``
tokens are masked. Tokenizing the completion on its own (``" " + answer``) changes the
tokens at the boundary for SentencePiece tokenizers, and with them the scores.
"""

from __future__ import annotations

import inspect
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import torch

from obliviate.errors import ObliviateError
from obliviate.models.load import LanguageModel

# Tokens per scoring batch (rows x width): bounds the logits tensor for large vocabularies.
TOKEN_BUDGET = 16384


class ScoringError(ObliviateError):
    """A model produced scores that cannot be ranked (NaN or infinite log-probabilities)."""


@dataclass
class TokenScores:
    """Per scored token: log p(token), greedy prediction == token, and Min-K%++ statistics."""

    logprobs: np.ndarray
    correct: np.ndarray
    mu: np.ndarray | None = None
    sigma: np.ndarray | None = None
    truncated: bool = False
    # The last scored token is the EOS appended after the completion.
    eos: bool = False

    @property
    def n(self) -> int:
        return len(self.logprobs)

    @property
    def total(self) -> float:
        """Sum of log-probabilities (log P(completion | prompt))."""
        return float(self.logprobs.sum())

    @property
    def avg_loss(self) -> float:
        """Length-normalized negative log-likelihood (TOFU's ``avg_gt_loss``)."""
        return float(-self.logprobs.mean()) if self.n else float("nan")


def model_max_length(lm: LanguageModel) -> int | None:
    """The model's position limit, when its config states one."""
    config = getattr(lm.model, "config", None)
    for name in ("max_position_embeddings", "n_positions", "max_sequence_length"):
        value = getattr(config, name, None)
        if isinstance(value, int) and value > 0:
            return value
    return None


def encode_full_text(tokenizer, pairs: list[tuple[str, str]], *, add_eos: bool, max_length: int,
                     add_special_tokens: bool = True) -> list[tuple[list[int], int, bool, bool]]:
    """``(ids, n_prompt, truncated, eos_appended)`` per pair: the full text tokenized once (TOFU).

    ``n_prompt`` tokens (the prompt tokenized alone, special tokens included) are not
    scored. The text is cut at ``max_length`` tokens; EOS is appended (and scored) when
    ``add_eos`` and the text fits, as TOFU's reference labels do.
    """
    fulls = tokenizer([p + c for p, c in pairs], add_special_tokens=add_special_tokens)["input_ids"]
    prompts = tokenizer([p for p, _ in pairs], add_special_tokens=add_special_tokens)["input_ids"]
    eos = tokenizer.eos_token_id
    out = []
    for full, prompt in zip(fulls, prompts):
        ids, truncated, appended = list(full), False, False
        if len(ids) > max_length:
            ids, truncated = ids[:max_length], True
        elif add_eos and eos is not None and len(ids) < max_length:
            ids.append(eos)
            appended = True
        out.append((ids, min(len(prompt), len(ids)), truncated, appended))
    return out


def score_completions(lm: LanguageModel, pairs: list[tuple[str, str]], *, add_eos: bool = True,
                      max_length: int = 1024, stats: bool = False, add_special_tokens: bool = True,
                      batch_size: int = 64, share_prompts: bool = True) -> list[TokenScores]:
    """Token scores of each ``completion`` after its ``prompt``, batched.

    Completions that share a prompt (the options of one question) share its forward pass:
    the prompt runs once with a KV cache, which is then selected per completion and the
    completion tokens run on it (``share_prompts``; plain models without hooks only,
    since a hook may read the whole input). Otherwise rows are sorted by length and
    right-padded with an attention mask. Padding never changes a score; ``lm``'s prompt
    transform and hooks are applied. With ``stats``, the mean and standard deviation of
    log p(z) over the vocabulary at each position are kept (Min-K%++). Raises
    :class:`ScoringError` if the model yields NaN log-probabilities.
    """
    if not pairs:
        return []
    limit = min(max_length, model_max_length(lm) or max_length)
    pairs = [(lm.format_prompt(p), c) for p, c in pairs]
    encoded = encode_full_text(lm.tokenizer, pairs, add_eos=add_eos, max_length=limit,
                               add_special_tokens=add_special_tokens)
    out: list[TokenScores | None] = [None] * len(encoded)
    plain = list(range(len(encoded)))
    if share_prompts and _can_share(lm):
        shared = [i for i in plain if 1 <= encoded[i][1] < len(encoded[i][0])]
        try:
            _score_shared(lm, encoded, shared, stats, batch_size, out)
        except (AttributeError, NotImplementedError, TypeError):
            pass  # a model whose cache cannot be selected per row: one pass per text for the rest
        plain = [i for i in plain if out[i] is None]
    _score_plain(lm, encoded, plain, stats, batch_size, out)
    return out  # type: ignore[return-value]


def _can_share(lm: LanguageModel) -> bool:
    from transformers import PreTrainedModel

    return not lm.hooks and isinstance(lm.model, PreTrainedModel)


def _token_scores(logits: torch.Tensor, targets: torch.Tensor, counts: list[int], stats: bool,
                  encoded: list, idx: list[int], out: list) -> None:
    """Fill ``out[i]`` for ``idx`` from the predicting logits ``[N, V]`` of all their tokens."""
    logp = torch.log_softmax(logits.float(), dim=-1)
    if torch.isnan(logp).any():
        raise ScoringError("the model produced NaN log-probabilities; its weights or inputs are broken "
                           "(no metric can rank its answers)")
    token_lp = logp.gather(-1, targets[:, None]).squeeze(-1)
    correct = logp.argmax(-1) == targets
    mu = sigma = None
    if stats:
        p = logp.exp()
        mu = (p * logp).sum(-1)
        # Variance clamped as open-unlearning's Min-K%++ does (min 1e-6), then the square root.
        sigma = ((p * logp.square()).sum(-1) - mu.square()).clamp(min=1e-6).sqrt()
        mu, sigma = mu.cpu().numpy().astype(np.float64), sigma.cpu().numpy().astype(np.float64)
    offsets = np.cumsum([0] + counts)
    token_lp = token_lp.cpu().numpy().astype(np.float64)
    correct = correct.cpu().numpy()
    for row, i in enumerate(idx):
        a, b = offsets[row], offsets[row + 1]
        out[i] = TokenScores(token_lp[a:b], correct[a:b], mu[a:b] if stats else None,
                             sigma[a:b] if stats else None, encoded[i][2], encoded[i][3])


def _score_plain(lm: LanguageModel, encoded: list, todo: list[int], stats: bool, batch_size: int,
                 out: list) -> None:
    order = sorted(todo, key=lambda i: len(encoded[i][0]))
    pad = lm.tokenizer.pad_token_id if lm.tokenizer.pad_token_id is not None else 0
    start = 0
    while start < len(order):
        width = len(encoded[order[start]][0])
        stop = start + 1
        while (stop < len(order) and stop - start < batch_size
               and (stop - start + 1) * len(encoded[order[stop]][0]) <= max(TOKEN_BUDGET, width)):
            stop += 1
        idx = order[start:stop]
        start = stop
        width = max(len(encoded[i][0]) for i in idx)
        ids = torch.full((len(idx), width), pad, dtype=torch.long)
        mask = torch.zeros((len(idx), width), dtype=torch.long)
        scored = torch.zeros((len(idx), max(width - 1, 0)), dtype=torch.bool)
        for row, i in enumerate(idx):
            seq, n_prompt = encoded[i][:2]
            ids[row, :len(seq)] = torch.tensor(seq)
            mask[row, :len(seq)] = 1
            # Target position t (token t+1) is scored when token t+1 is past the prompt.
            scored[row, max(n_prompt, 1) - 1:len(seq) - 1] = True
        logits = lm.logits(ids, mask).logits[:, :-1]
        scored = scored.to(logits.device)
        targets = ids[:, 1:].to(logits.device)[scored]
        _token_scores(logits[scored], targets, scored.sum(-1).tolist(), stats, encoded, idx, out)


def _score_shared(lm: LanguageModel, encoded: list, todo: list[int], stats: bool, batch_size: int,
                  out: list) -> None:
    """Prompt once (left-padded, KV cache), then every completion of it on the selected cache."""
    groups: dict[tuple[int, ...], list[int]] = {}
    for i in todo:
        seq, n_prompt = encoded[i][:2]
        groups.setdefault(tuple(seq[:n_prompt]), []).append(i)
    keys = sorted(groups, key=len)
    pad = lm.tokenizer.pad_token_id if lm.tokenizer.pad_token_id is not None else 0
    device = lm.device
    params = inspect.signature(lm.model.forward).parameters
    cache_arg = "cache" if "cache" in params else "past_key_values"   # renamed in transformers 5
    keep = {"logits_to_keep": 1} if "logits_to_keep" in params else {}
    start = 0
    while start < len(keys):
        stop, rows = start, 0
        while stop < len(keys) and stop - start < batch_size and (rows == 0 or rows + len(groups[keys[stop]])
                                                                  <= 4 * batch_size):
            rows += len(groups[keys[stop]])
            stop += 1
        chunk = keys[start:stop]
        start = stop
        wp = max(len(k) for k in chunk)
        p_ids = torch.full((len(chunk), wp), pad, dtype=torch.long)
        p_mask = torch.zeros((len(chunk), wp), dtype=torch.long)
        for g, key in enumerate(chunk):
            p_ids[g, wp - len(key):] = torch.tensor(key)
            p_mask[g, wp - len(key):] = 1
        p_pos = (p_mask.cumsum(-1) - 1).clamp(min=0)
        idx = [i for key in chunk for i in groups[key]]
        owner = torch.tensor([g for g, key in enumerate(chunk) for _ in groups[key]], device=device)
        comps = [encoded[i][0][encoded[i][1]:] for i in idx]
        with torch.no_grad():
            first = lm.model(input_ids=p_ids.to(device), attention_mask=p_mask.to(device),
                             position_ids=p_pos.to(device), use_cache=True, **keep)
            last = first.logits[:, -1]                      # predicts each completion's first token
            wc = max(len(c) for c in comps) - 1             # the last token predicts nothing scored
            rest = None
            if wc > 0:
                c_ids = torch.full((len(idx), wc), pad, dtype=torch.long)
                c_mask = torch.zeros((len(idx), wc), dtype=torch.long)
                for r, c in enumerate(comps):
                    c_ids[r, :len(c) - 1] = torch.tensor(c[:-1], dtype=torch.long)
                    c_mask[r, :len(c) - 1] = 1
                cache = getattr(first, "cache", None)
                cache = first.past_key_values if cache is None else cache
                cache.reorder_cache(owner)
                o_mask = p_mask.to(device)[owner]
                c_pos = o_mask.sum(-1, keepdim=True) + torch.arange(wc, device=device)[None]
                rest = lm.model(input_ids=c_ids.to(device), attention_mask=torch.cat([o_mask, c_mask.to(device)], 1),
                                position_ids=c_pos, use_cache=True, **{cache_arg: cache}).logits
        rows_logits, targets, counts = [], [], []
        for r, c in enumerate(comps):
            rows_logits.append(last[owner[r]][None])
            if len(c) > 1:
                rows_logits.append(rest[r, :len(c) - 1])
            targets.extend(c)
            counts.append(len(c))
        _token_scores(torch.cat(rows_logits), torch.tensor(targets, device=last.device), counts, stats,
                      encoded, idx, out)


def completion_logprobs(lm: LanguageModel, pairs: list[tuple[str, str]], batch_size: int = 256,
                        ) -> tuple[list[float], list[int]]:
    """Sum of log P(completion | prompt) and completion length in tokens, per pair (no EOS)."""
    scores = score_completions(lm, pairs, add_eos=False, batch_size=batch_size)
    return [s.total for s in scores], [s.n for s in scores]


def generate(lm: LanguageModel, prompts: list[str], max_new_tokens: int, *, batch_size: int = 64,
             stop: tuple[str, ...] = (), add_special_tokens: bool = True) -> list[str]:
    """Greedy continuations, batched with a KV cache; each row stops at EOS.

    Prompts are sorted by length and left-padded, so a batch wastes little on padding;
    new tokens are capped by the model's position limit. The text of each continuation
    is cut at the first of the ``stop`` strings (MUSE KnowMem's post-processing).
    ``lm``'s prompt transform and hooks are applied.
    """
    if not prompts:
        return []
    tok = lm.tokenizer
    encoded = tok([lm.format_prompt(p) for p in prompts], add_special_tokens=add_special_tokens)["input_ids"]
    order = sorted(range(len(prompts)), key=lambda i: len(encoded[i]))
    limit = model_max_length(lm)
    pad = tok.pad_token_id if tok.pad_token_id is not None else tok.eos_token_id
    texts: list[str] = [""] * len(prompts)
    for start in range(0, len(order), batch_size):
        idx = order[start:start + batch_size]
        width = max(len(encoded[i]) for i in idx)
        new = max_new_tokens if limit is None else min(max_new_tokens, limit - width)
        if new <= 0:
            continue
        ids = torch.full((len(idx), width), pad, dtype=torch.long)
        mask = torch.zeros((len(idx), width), dtype=torch.long)
        for row, i in enumerate(idx):
            n = len(encoded[i])
            ids[row, width - n:] = torch.tensor(encoded[i])
            mask[row, width - n:] = 1
        with torch.no_grad(), lm.interventions():
            out = lm.model.generate(input_ids=ids.to(lm.device), attention_mask=mask.to(lm.device),
                                    max_new_tokens=new, do_sample=False, use_cache=True,
                                    pad_token_id=pad, eos_token_id=tok.eos_token_id)
        decoded = tok.batch_decode(out[:, width:], skip_special_tokens=True)
        for i, text in zip(idx, decoded):
            for s in stop:
                text = text.split(s)[0]
            texts[i] = text
    return texts


# ---- text similarity ------------------------------------------------------------------
@lru_cache(maxsize=2)
def _rouge_scorer(use_stemmer: bool):
    from rouge_score import rouge_scorer

    return rouge_scorer.RougeScorer(["rougeL"], use_stemmer=use_stemmer)


def rouge_l(reference: str, generated: str, use_stemmer: bool):
    """ROUGE-L (Lin 2004) as Google's ``rouge_score`` computes it: lower-cased alphanumeric
    tokens (Porter-stemmed with ``use_stemmer``), LCS precision, recall and F-measure."""
    return _rouge_scorer(use_stemmer).score(reference, generated)["rougeL"]


def rouge_l_recall(reference: str, generated: str) -> float:
    """TOFU's ROUGE-L recall: ``RougeScorer(['rougeL'], use_stemmer=True).score(gt, gen).recall``
    (Maini et al. 2024; locuslab/tofu ``evaluate_util.eval_rouge_recall``)."""
    return float(rouge_l(reference, generated, True).recall)


def rouge_l_f1(reference: str, generated: str) -> float:
    """MUSE's ROUGE-L F1: ``RougeScorer(['rougeL'], use_stemmer=False).score(gt, out).fmeasure``
    (Shi et al. 2024; muse_bench ``metrics/logger.RougeEvalLogger``)."""
    return float(rouge_l(reference, generated, False).fmeasure)


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


def check_finite(scores, what: str = "scores") -> None:
    """Raise :class:`ScoringError` when any score is NaN or infinite."""
    arr = np.asarray(scores, dtype=float)
    if arr.size and not np.isfinite(arr).all():
        bad = int((~np.isfinite(arr)).sum())
        raise ScoringError(f"{bad} of {arr.size} {what} are NaN or infinite; the model's outputs cannot be "
                           "ranked (check its weights and dtype)")

