"""Relearning attacks: does a little fine-tuning bring the forget knowledge back?

``relearn``: fine-tune for k steps on half A of the forget *people*, then measure MCQ
accuracy on the disjoint half B, and the other way round; several fine-tune seeds. If
B comes back, the knowledge of B was still in the weights (Lynch et al. 2024; Deeb &
Roger 2024, "Do unlearning methods remove information from language model weights?").
The gold model is the control: it never learned B, so training on A must not raise its
accuracy on B; the audit measures rho against gold *under the same attack*, so gold's
own gain (training on other people teaches which answers are common) is subtracted,
and an attack on which the original gains no more than gold is flagged uninformative.

``relearn_retain``: fine-tune on retain facts only. ``relearn_tuned``: a small
learning-rate x steps search within a utility-loss budget, cross-fitted.
"""

from __future__ import annotations

import copy
import dataclasses

import numpy as np

from obliviate.data.schema import QAItem
from obliviate.errors import ObliviateError
from obliviate.evals.attacks.base import AttackConfig, AttackOutput, person_halves
from obliviate.evals.metrics import mcq_correct
from obliviate.models.load import LanguageModel
from obliviate.training import encode_pairs, finetune, qa_pairs


def relearn_split(items: list[QAItem], by: str = "person", block_size: int = 20) -> tuple[list[int], list[int]]:
    """Deterministic halves (A, B) of ``items`` as index lists.

    ``by="person"``: people in order of first appearance alternate between A and B, so
    no fact of a B person is trained on. Items without an entity (TOFU files) are
    grouped into people of ``block_size`` consecutive items (TOFU has 20 questions per
    author), never split item by item, which would train on the people it tests.
    ``by="item"``: alternate items (a person's other facts are seen).
    """
    if by not in ("person", "item"):
        raise ObliviateError(f"relearn_split must be 'person' or 'item', got {by!r}")
    if by == "person":
        a, b = person_halves(items, block_size)
    else:
        a = list(range(0, len(items), 2))
        b = [k for k in range(len(items)) if k % 2]
    if not a or not b:
        what = "people" if by == "person" else "items"
        raise ObliviateError(f"the relearn attack needs at least 2 forget {what} "
                             f"(found {len(items)} items)")
    return a, b


def finetune_copy(lm: LanguageModel, pairs: list[tuple[str, str]], steps: int, lr: float,
                  batch_size: int, seed: int) -> LanguageModel:
    """A copy of ``lm`` fine-tuned on ``pairs`` by the training core (:func:`obliviate.training.finetune`);
    its prompt format and hooks stay in place during training and after (the audit passes
    ``lm.white_box()``: no unlearning prompt rewrite). ``lm`` itself is not touched."""
    work = dataclasses.replace(lm, model=copy.deepcopy(lm.model), hooks=list(lm.hooks))
    examples = encode_pairs(work.tokenizer, [(work.format_prompt(p), c) for p, c in pairs])

    def loss(batch):
        with work.interventions():
            return work.model(**batch).loss

    finetune(work.model, examples, steps, lr=lr, batch_size=batch_size, pad_id=work.tokenizer.pad_token_id,
             seed=seed, loss_fn=loss)
    return work


def relearn_attack(lm: LanguageModel, forget: list[QAItem], retain: list[QAItem],
                   config: AttackConfig) -> AttackOutput:
    """MCQ correctness of every forget item after fine-tuning on the *other* half of the
    forget people: A trains, B is measured, and B trains, A is measured (cross-fit, so
    every item counts), with ``config.relearn_seeds`` fine-tune seeds (``correct`` is
    ``[seeds, items]``). Detail: accuracy of each measured half before and after."""
    a, b = relearn_split(forget, config.relearn_split, config.block_size)
    rows = np.zeros((config.relearn_seeds, len(forget)))
    directions = []
    for train, test in ((a, b), (b, a)):
        test_items = [forget[k] for k in test]
        before = mcq_correct(lm, test_items)
        after_runs, train_after = [], []
        for s in range(config.relearn_seeds):
            tuned = finetune_copy(lm, qa_pairs([forget[k] for k in train]), config.relearn_steps,
                                  config.relearn_lr, config.relearn_batch_size, config.seed + s)
            rows[s, test] = mcq_correct(tuned, test_items)
            after_runs.append(float(rows[s, test].mean()))
            train_after.append(float(mcq_correct(tuned, [forget[k] for k in train[::2]]).mean()))
        directions.append({"train_items": len(train), "test_items": len(test),
                           "accuracy_before": float(before.mean()), "accuracy_after": float(np.mean(after_runs)),
                           "gain": float(np.mean(after_runs) - before.mean()),
                           "train_accuracy_after": float(np.mean(train_after))})
    return AttackOutput(rows, np.arange(len(forget)), {
        "split": config.relearn_split, "directions": directions, "seeds": config.relearn_seeds,
        "gain": float(np.mean([d["gain"] for d in directions])),
        "train_accuracy_after": float(np.mean([d["train_accuracy_after"] for d in directions])),
        "steps": config.relearn_steps, "lr": config.relearn_lr})


def relearn_retain_attack(lm: LanguageModel, forget: list[QAItem], retain: list[QAItem],
                          config: AttackConfig) -> AttackOutput:
    """MCQ correctness on the forget set after fine-tuning on *retain* facts only.

    No forget fact is trained on. A model that merely suppresses (a refusal or an
    output-layer edit over intact knowledge) tends to lose the suppression under any
    further fine-tuning and recovers the forget facts; gold, which never knew them,
    does not (Lynch et al. 2024, "Eight methods to evaluate robust unlearning in LLMs";
    Deeb & Roger 2024 fine-tune on unrelated data as a control)."""
    if not retain:
        raise ObliviateError("the relearn_retain attack fine-tunes on retain items; the retain set is empty")
    step = max(1, len(retain) // max(1, config.relearn_retain_items))
    sample = retain[::step][:config.relearn_retain_items]
    rows = np.zeros((config.relearn_retain_seeds, len(forget)))
    for s in range(config.relearn_retain_seeds):
        tuned = finetune_copy(lm, qa_pairs(sample), config.relearn_steps, config.relearn_lr,
                              config.relearn_batch_size, config.seed + s)
        rows[s] = mcq_correct(tuned, forget)
    before = mcq_correct(lm, forget).mean()
    return AttackOutput(rows, np.arange(len(forget)), {
        "gain": float(rows.mean() - before), "retain_items": len(sample), "seeds": config.relearn_retain_seeds, "steps": config.relearn_steps,
        "lr": config.relearn_lr, "accuracy_before": float(before)})


def relearn_tuned_attack(lm: LanguageModel, forget: list[QAItem], retain: list[QAItem],
                         config: AttackConfig) -> AttackOutput:
    """Relearning with a small hyper-parameter search, so one fixed recipe does not
    understate what fine-tuning recovers (the protocol of TamperBench, "Systematically
    stress-testing LLM safety under fine-tuning and tampering": a hyper-parameter search
    per attack and model, the strongest attack reported with its utility).

    Every (lr, steps) of ``config.tuned_lrs x config.tuned_steps`` fine-tunes on one half
    of the forget people and is scored on the other; a configuration is admissible when
    accuracy on a retain sample drops by at most ``config.tuned_utility_budget``. The
    configuration that scores the items of half B is the admissible one with the best
    recovery in the *other* direction (trained on B, scored on A), and vice versa
    (cross-fitting): the choice never looks at the items it scores."""
    a, b = relearn_split(forget, config.relearn_split, config.block_size)
    step = max(1, len(retain) // max(1, config.tuned_retain_items)) if retain else 1
    utility_items = retain[::step][:config.tuned_retain_items]
    base_utility = float(mcq_correct(lm, utility_items).mean()) if utility_items else None
    grid = [(lr, steps) for lr in config.tuned_lrs for steps in config.tuned_steps]
    results: dict[int, list[dict]] = {}
    for d, (train, test) in enumerate(((a, b), (b, a))):
        test_items = [forget[k] for k in test]
        runs = []
        for lr, steps in grid:
            tuned = finetune_copy(lm, qa_pairs([forget[k] for k in train]), steps, lr,
                                  config.relearn_batch_size, config.seed)
            correct = mcq_correct(tuned, test_items)
            utility = float(mcq_correct(tuned, utility_items).mean()) if utility_items else None
            admissible = base_utility is None or utility >= base_utility - config.tuned_utility_budget
            runs.append({"lr": lr, "steps": steps, "accuracy": float(correct.mean()), "retain_accuracy": utility,
                         "admissible": bool(admissible), "correct": correct})
        results[d] = runs
    out = np.zeros(len(forget))
    chosen = []
    for d, test in ((0, b), (1, a)):
        other = results[1 - d]
        pool = [k for k, r in enumerate(other) if r["admissible"]] or [0]
        pick = max(pool, key=lambda k: other[k]["accuracy"])
        out[test] = results[d][pick]["correct"]
        chosen.append({"lr": grid[pick][0], "steps": grid[pick][1],
                       "chosen_on": "the other half's recovery", "accuracy": results[d][pick]["accuracy"]})
    return AttackOutput(out, np.arange(len(forget)), {
        "chosen": chosen, "retain_accuracy_before": base_utility, "utility_budget": config.tuned_utility_budget,
        "grid": [[{k: v for k, v in r.items() if k != "correct"} for r in results[d]] for d in (0, 1)]})
