"""TOFU evaluated on its published files with its own definitions (Maini et al. 2024;
locuslab/tofu ``evaluate_util.py``, ``aggregate_eval_stat.py``).

Per split, one batched scoring pass over every distinct (question, answer) text: the
answer, the paraphrased answer and the perturbed answers, each tokenized as one full text
with the question masked and EOS scored; and one batched greedy generation of up to 200
new tokens for ROUGE-L recall. Per-item values use the keys of TOFU's eval logs
(``avg_gt_loss``, ``avg_paraphrased_loss``, ``average_perturb_loss``, ``rougeL_recall``),
so TOFU's own aggregation reads them; the aggregates are computed by
:func:`obliviate.evals.metrics.tofu_split_metrics`.

Splits: ``forget`` (the ``--forget-split`` file), ``retain``, ``real_authors``,
``world_facts`` and, when present, ``holdout`` (membership inference). A split file without
perturbed answers gives probability and ROUGE only; model utility needs all 9 numbers and
forget quality needs the retain (gold) model.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

from obliviate.data.benchmarks import load_tofu
from obliviate.data.schema import QAItem
from obliviate.errors import DataFormatError
from obliviate.evals.metrics import (TOFU_MAX_NEW_TOKENS, exact_memorization, extraction_strength, forget_quality,
                                     tofu_model_utility, tofu_split_metrics, truth_ratios_from_losses)
from obliviate.evals.mia import MIA_ATTACKS, auc, membership_scores
from obliviate.evals.scoring import generate, rouge_l_recall, score_completions
from obliviate.models.load import LanguageModel
from obliviate.prompts import PromptFormat

# TOFU tokenizes at most 200 tokens per text (config/eval_everything.yaml generation.max_length).
TOFU_MAX_LENGTH = 200
EXTENSIONS = (".jsonl", ".json", ".parquet")
KIND_PATTERNS = {
    "retain": ("retain_perturbed", "retain*"),
    "real_authors": ("real_authors_perturbed", "real_authors*"),
    "world_facts": ("world_facts_perturbed", "world_facts*"),
    "holdout": ("holdout*",),
}


def find_tofu_files(data_dir: str | os.PathLike, forget_split: str) -> dict[str, Path]:
    """The TOFU files in ``data_dir`` (or its ``qa/``): ``{kind: path}``; forget is required."""
    root = Path(data_dir)
    if not root.is_dir():
        raise DataFormatError(f"--data {root}: not a directory")
    if (root / "qa").is_dir():
        root = root / "qa"

    def first(patterns: tuple[str, ...]) -> Path | None:
        for pattern in patterns:
            for ext in EXTENSIONS:
                hits = sorted(root.glob(pattern + ext))
                if hits:
                    return hits[0]
        return None

    forget = first((f"{forget_split}_perturbed", forget_split, f"{forget_split}_*"))
    if forget is None:
        names = ", ".join(sorted(p.name for p in root.iterdir() if p.suffix in EXTENSIONS)) or "none"
        raise DataFormatError(f"--data {root}: no file for --forget-split {forget_split} "
                              f"(looked for {forget_split}_perturbed / {forget_split}[_*] .jsonl/.json/.parquet; "
                              f"found: {names})")
    files = {"forget": forget}
    for kind, patterns in KIND_PATTERNS.items():
        path = first(patterns)
        if path is not None:
            files[kind] = path
    return files


def _split_items(items: list[QAItem], kind: str) -> tuple[list[str], list[list[str]]]:
    """TOFU's base answer and perturbed answers per item (forget/retain: the paraphrased
    answer; real authors / world facts: the answer itself, TOFU's ``base_answer_key``)."""
    base = [i.answer if kind in ("real_authors", "world_facts") else i.paraphrased_answer for i in items]
    return base, [list(i.perturbed_answers) for i in items]


def score_split(lm: LanguageModel, items: list[QAItem], kind: str, fmt: PromptFormat, *,
                max_new_tokens: int = TOFU_MAX_NEW_TOKENS, generate_text: bool = True,
                membership: bool = False, batch_size: int = 64) -> dict:
    """TOFU's per-item values for one split (see the module docstring)."""
    prompts = [fmt.prompt(i.question) for i in items]
    base, perturbed = _split_items(items, kind)
    has_tr = all(perturbed)
    index: dict[tuple[str, str], int] = {}
    for prompt, item, b, pert in zip(prompts, items, base, perturbed):
        for text in (item.answer, *((b, *pert) if has_tr else ())):
            index.setdefault((prompt, fmt.completion(text)), len(index))
    scores = score_completions(lm, list(index), add_eos=True, max_length=TOFU_MAX_LENGTH, stats=membership,
                               add_special_tokens=fmt.add_special_tokens, batch_size=batch_size)

    def get(prompt: str, text: str):
        return scores[index[(prompt, fmt.completion(text))]]

    gt = [get(p, i.answer) for p, i in zip(prompts, items)]
    log: dict = {"avg_gt_loss": [s.avg_loss for s in gt]}
    if has_tr:
        log["avg_paraphrased_loss"] = [get(p, b).avg_loss for p, b in zip(prompts, base)]
        log["average_perturb_loss"] = [[get(p, x).avg_loss for x in pert] for p, pert in zip(prompts, perturbed)]
    if generate_text:
        texts = generate(lm, prompts, max_new_tokens, batch_size=batch_size,
                         add_special_tokens=fmt.add_special_tokens)
        log["generated_text"] = texts
        log["rougeL_recall"] = [rouge_l_recall(i.answer, t) for i, t in zip(items, texts)]
    log["extraction_strength"] = [extraction_strength(s.correct) for s in gt]
    log["exact_memorization"] = [exact_memorization(s.correct) for s in gt]
    if has_tr:
        log["truth_ratio"] = truth_ratios_from_losses(log["avg_paraphrased_loss"],
                                                     log["average_perturb_loss"]).tolist()
    if membership:
        log["_token_scores"] = gt
    return log


def evaluate_tofu(lm: LanguageModel, files: dict[str, str | os.PathLike], fmt: PromptFormat, *,
                  retain_lm: LanguageModel | None = None, max_new_tokens: int = TOFU_MAX_NEW_TOKENS,
                  limit: int | None = None, batch_size: int = 64, progress=None) -> dict:
    """TOFU's metric set on ``files`` (``{kind: path}``, see :func:`find_tofu_files`).

    Returns ``{"aggregates", "splits": {kind: {"aggregates", "per_item"}}, "notes"}``.
    """
    items = {kind: load_tofu(path, split=kind)[:limit] for kind, path in files.items()}
    membership = "holdout" in items
    splits: dict = {}
    logs: dict = {}
    for kind, split_items in items.items():
        if progress:
            progress(f"tofu/{kind}")
        log = score_split(lm, split_items, kind, fmt, max_new_tokens=max_new_tokens,
                          membership=membership and kind in ("forget", "holdout"), batch_size=batch_size)
        logs[kind] = log
    notes = []
    aggregates: dict = {}
    for kind, log in logs.items():
        agg = tofu_split_metrics(log, kind) if kind != "holdout" else {}
        agg["extraction_strength"] = float(np.mean(log["extraction_strength"]))
        agg["exact_memorization"] = float(np.mean(log["exact_memorization"]))
        if "truth_ratio" not in log and kind != "holdout":
            notes.append(f"{kind}: {files[kind]} has no perturbed answers, so no truth ratio")
        splits[kind] = {"file": str(files[kind]), "items": len(items[kind]), "aggregates": agg,
                        "per_item": _per_item(items[kind], log)}
    per_split = {k: v["aggregates"] for k, v in splits.items()}
    aggregates.update(per_split)
    try:
        aggregates["model_utility"] = tofu_model_utility(per_split)
    except ValueError as err:
        aggregates["model_utility"] = None
        notes.append(f"model utility not computed: {err}")
    aggregates["forget_quality"] = None
    if retain_lm is not None and "truth_ratio" in logs["forget"]:
        if progress:
            progress("tofu/forget (retain model)")
        gold = score_split(retain_lm, items["forget"], "forget", fmt, generate_text=False, batch_size=batch_size)
        aggregates["forget_quality"] = forget_quality(logs["forget"]["truth_ratio"], gold["truth_ratio"])
        splits["forget"]["retain_model_truth_ratio"] = gold["truth_ratio"]
    elif retain_lm is None:
        notes.append("forget quality needs --retain-model (the model trained without the forget split)")
    else:
        notes.append("forget quality needs perturbed answers on the forget split")
    if membership:
        members, nonmembers = logs["forget"]["_token_scores"], logs["holdout"]["_token_scores"]
        ref = None
        if retain_lm is not None:
            ref_scores = {k: score_completions(retain_lm, [(fmt.prompt(i.question), fmt.completion(i.answer))
                                                          for i in items[k]], max_length=TOFU_MAX_LENGTH,
                                               add_special_tokens=fmt.add_special_tokens)
                          for k in ("forget", "holdout")}
            ref = ref_scores
        s_in = membership_scores(members, [i.answer for i in items["forget"]],
                                 reference=ref["forget"] if ref else None)
        s_out = membership_scores(nonmembers, [i.answer for i in items["holdout"]],
                                  reference=ref["holdout"] if ref else None)
        aggregates["mia_auc"] = {a: auc(s_in[a], s_out[a]) for a in s_in}
    else:
        notes.append("membership-inference AUCs need a holdout file (holdout*.jsonl) beside the forget split; "
                     f"attacks: {', '.join(MIA_ATTACKS)}")
    for log in logs.values():
        log.pop("_token_scores", None)
    return {"aggregates": aggregates, "splits": splits, "notes": notes}


def _per_item(items: list[QAItem], log: dict) -> list[dict]:
    rows = []
    for k, item in enumerate(items):
        row = {"question": item.question, "answer": item.answer}
        for key, values in log.items():
            if not key.startswith("_"):
                row[key] = values[k]
        row["probability"] = float(np.exp(-row["avg_gt_loss"]))
        rows.append(row)
    return rows
