"""How well the guard blocks forget queries and lets everything else through.

Forget query kinds (block rate, goal >= 0.99): ``direct`` questions, ``paraphrased``
(held-out rewordings), ``in_context`` (the fact handed back in the prompt),
``compositional`` (a forget and a retain person compared), ``obfuscated`` (direct
questions with the name rewritten by every transform of
:mod:`obliviate.guard.obfuscate`, and by a mix of them on the last name alone).
Other query kinds (false-positive rate, goal <= 0.02 on retain and neighbor):
``retain`` (direct and paraphrased questions), ``neighbor`` (retain people who share
an attribute value with a forget person, asked directly and with their own fact in
context) and ``holdout`` (people the guard has never heard of).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np

from obliviate.data.schema import QAItem
from obliviate.data.world import qa_prompt
from obliviate.guard.guard import Guard, GuardConfig
from obliviate.guard.obfuscate import ALL_TRANSFORMS, obfuscate_name
from obliviate.files import atomic_write_text

FORGET_KINDS = ("direct", "paraphrased", "in_context", "compositional", "obfuscated")
OTHER_KINDS = ("retain", "neighbor", "holdout")
GOAL_BLOCK_RATE = 0.99
GOAL_FALSE_POSITIVE_RATE = 0.02
SWEEP_THRESHOLDS = tuple(round(float(t), 2) for t in np.arange(0.40, 0.96, 0.05))
RESULT_FILE = "guard.json"


def neighbor_items(forget: list[QAItem], retain: list[QAItem]) -> list[QAItem]:
    """Retain items whose (attribute, answer) equals some forget item's (TOFU-style neighbors)."""
    values = {(i.attribute, i.answer) for i in forget}
    return [i for i in retain if (i.attribute, i.answer) in values]


def guard_queries(forget: list[QAItem], retain: list[QAItem], compositional: list[QAItem] = (),
                  holdout: list[QAItem] = (), neighbor: list[QAItem] | None = None,
                  seed: int = 0) -> dict[str, list[str]]:
    """Prompts per query kind, in the models' prompt format (see module docstring)."""
    neighbor = neighbor_items(forget, retain) if neighbor is None else neighbor
    obfuscated = []
    for item in forget:
        if not item.entity or item.entity not in item.question:
            continue
        for transform in ALL_TRANSFORMS:
            obfuscated.append(qa_prompt(obfuscate_name(item.question, item.entity, transform, seed)))
        last = item.entity.split()[-1]
        obfuscated.append(qa_prompt(obfuscate_name(item.question.replace(item.entity, last), last, "mixed", seed)))
    queries = {
        "direct": [qa_prompt(i.question) for i in forget],
        "paraphrased": [qa_prompt(q) for i in forget for q in i.paraphrased_questions],
        "in_context": [qa_prompt(i.question, i.context) for i in forget if i.context],
        "compositional": [p for c in compositional for p in (qa_prompt(c.question), qa_prompt(c.question, c.context))],
        "obfuscated": obfuscated,
        "retain": [p for i in retain for p in (qa_prompt(i.question), *map(qa_prompt, i.paraphrased_questions))],
        "neighbor": [p for i in neighbor for p in (qa_prompt(i.question), qa_prompt(i.question, i.context))],
        "holdout": [p for i in holdout for p in (qa_prompt(i.question), qa_prompt(i.question, i.context))],
    }
    return {k: v for k, v in queries.items() if v}


def evaluate_guard(guard: Guard, queries: dict[str, list[str]],
                   thresholds: tuple[float, ...] = SWEEP_THRESHOLDS, n_examples: int = 5) -> dict[str, Any]:
    """Block and false-positive rates per query kind, and a semantic threshold sweep.

    The sweep scores the semantic matcher alone (lexical matching off): ``block_rate``
    is the mean over forget kinds, ``false_positive_rate`` the worst of retain and
    neighbor (the kinds with a goal). Empty when the encoder is unavailable.
    """
    decisions, scores, lexical = {}, {}, {}
    for kind, prompts in queries.items():
        decisions[kind] = guard.check_many(prompts)
        scores[kind] = np.array([d.score if d.score is not None else np.nan for d in decisions[kind]])
        lexical[kind] = np.array([d.reason.startswith("lexical") for d in decisions[kind]])
    rate = {k: float(np.mean([d.blocked for d in v])) for k, v in decisions.items()}
    block = {k: rate[k] for k in FORGET_KINDS if k in rate}
    false_pos = {k: rate[k] for k in OTHER_KINDS if k in rate}
    goal_kinds = [k for k in ("retain", "neighbor") if k in false_pos]
    result: dict[str, Any] = {
        "mode": guard.mode,
        "threshold": guard.config.threshold if guard.semantic is not None else None,
        "block_rate": block,
        "false_positive_rate": false_pos,
        "lexical_only": {"block_rate": {k: float(lexical[k].mean()) for k in block},
                         "false_positive_rate": {k: float(lexical[k].mean()) for k in false_pos}},
        "n_queries": {k: len(v) for k, v in queries.items()},
        "goal": {"block_rate_min": GOAL_BLOCK_RATE, "false_positive_rate_max": GOAL_FALSE_POSITIVE_RATE,
                 "met": bool(all(v >= GOAL_BLOCK_RATE for v in block.values())
                             and all(false_pos[k] <= GOAL_FALSE_POSITIVE_RATE for k in goal_kinds))},
        "missed": {k: [p for p, d in zip(queries[k], decisions[k]) if not d.blocked][:n_examples] for k in block},
        "false_positives": {k: [{"prompt": p, **d.to_dict()} for p, d in zip(queries[k], decisions[k])
                                if d.blocked][:n_examples] for k in false_pos},
    }
    if guard.semantic is not None:
        sweep = {"matcher": "semantic", "thresholds": list(thresholds), "block_rate": [], "false_positive_rate": [],
                 "block_rate_by_kind": {k: [] for k in block},
                 "false_positive_rate_by_kind": {k: [] for k in false_pos}}
        for t in thresholds:
            by_kind = {k: float(np.mean(scores[k] >= t)) for k in scores}
            for k in block:
                sweep["block_rate_by_kind"][k].append(by_kind[k])
            for k in false_pos:
                sweep["false_positive_rate_by_kind"][k].append(by_kind[k])
            sweep["block_rate"].append(float(np.mean([by_kind[k] for k in block])))
            sweep["false_positive_rate"].append(float(max([by_kind[k] for k in goal_kinds] or [0.0])))
        result["sweep"] = sweep
    return result


def run_guard_eval(run_dir: str | Path, config: GuardConfig | None = None, seed: int = 0) -> dict[str, Any]:
    """Build the guard from a run's forget/retain sets, evaluate it, write ``guard.json``
    and merge a ``guard`` key into the run's report.json. Returns the result dict.

    Holdout and compositional queries come from the embedded world when the run's
    forget set is one of its splits; otherwise compositional questions are built from
    the forget and retain items and holdout is left out.
    """
    from obliviate.ununlearning import compositional_from_items, load_run_inputs, merge_into_report

    inputs = load_run_inputs(run_dir)
    guard = build_guard(inputs.forget, inputs.retain, config)
    if inputs.world is not None:
        splits = inputs.world.splits(inputs.forget_split)
        compositional = inputs.world.compositional_items(inputs.forget_split)
        holdout = splits["holdout"]
    else:
        compositional = compositional_from_items(inputs.forget, inputs.retain, seed=seed)
        holdout = []
    queries = guard_queries(inputs.forget, inputs.retain, compositional, holdout, seed=seed)
    result = evaluate_guard(guard, queries)
    atomic_write_text(inputs.run_dir / RESULT_FILE, json.dumps(result, indent=2))
    merge_into_report(inputs, "guard", result)
    return result


def build_guard(forget: list[QAItem], retain: list[QAItem], config: GuardConfig | None = None) -> Guard:
    """The guard for a forget set (a thin alias of :meth:`Guard.from_items`)."""
    return Guard.from_items(forget, retain, config)
