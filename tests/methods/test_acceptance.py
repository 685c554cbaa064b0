"""Every registered method meets the acceptance bounds of its intention on the tiny world.

One default run per method (``unlearned`` in conftest), judged by what the method means
to do (its registered intention):

- removal and exact: forget MCQ accuracy <= gold's + MARGIN (the knowledge is gone from
  what the weights rank first, as in a model that never saw it);
- suppression: forget generation accuracy <= gold's + MARGIN (the model no longer says
  it; MCQ may still rank the truth first);
- all: retain MCQ accuracy >= RETAIN_FRACTION x the original's.

Methods that are known to miss the bounds with every setting tried are listed in
KNOWN_SHORTFALLS and expected to fail (strict: a method that starts passing must be
moved out of the table). The measurements behind each entry are in docs/methods.md.
"""

from __future__ import annotations

import pytest

from obliviate.evals.metrics import generation_accuracy, mcq_accuracy
from obliviate.methods import Intention, all_methods

MARGIN = 0.15
RETAIN_FRACTION = 0.85

KNOWN_SHORTFALLS = {
    "ga": "no retain term: forget MCQ reaches the bound only with retain far below it",
    "task_vector": "no retain term: the negated task vector also carries the answer format of retain questions",
}


def _methods():
    for info in all_methods():
        marks = ([pytest.mark.xfail(strict=True, reason=KNOWN_SHORTFALLS[info.name])]
                 if info.name in KNOWN_SHORTFALLS else [])
        yield pytest.param(info.name, marks=marks, id=info.name)


@pytest.mark.parametrize("name", _methods())
def test_meets_the_bounds_of_its_intention(name, unlearned, baseline, splits, retain_sample, record_property):
    result = unlearned(name)
    intention = Intention(result.intention)
    if intention is Intention.SUPPRESSION:
        measure, forget = "generation", generation_accuracy(result.model, splits["forget"])
        bound = baseline.gold_forget_gen + MARGIN
    elif intention in (Intention.REMOVAL, Intention.EXACT):
        measure, forget = "MCQ", mcq_accuracy(result.model, splits["forget"])
        bound = baseline.gold_forget_mcq + MARGIN
    else:  # a new intention needs its own bounds here
        raise AssertionError(f"no acceptance bounds for intention {intention!r}")
    retain = mcq_accuracy(result.model, retain_sample)
    record_property("forget", round(forget, 4))
    record_property("retain_mcq", round(retain, 4))
    retain_bound = RETAIN_FRACTION * baseline.original_retain_mcq
    assert forget <= bound and retain >= retain_bound, (
        f"{name} ({intention.value}): forget {measure} {forget:.3f} (bound <= {bound:.3f}), "
        f"retain MCQ {retain:.3f} (bound >= {retain_bound:.3f})")


def test_shortfalls_name_registered_methods():
    assert set(KNOWN_SHORTFALLS) <= {m.name for m in all_methods()}
