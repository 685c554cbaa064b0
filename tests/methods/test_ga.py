"""ga: gradient ascent trades retain for forget, but forgets more than it loses."""

from __future__ import annotations

from obliviate.evals.metrics import mcq_accuracy


def test_forgets_more_than_it_loses(unlearned, baseline, splits, retain_sample):
    lm = unlearned("ga").model
    forget_drop = baseline.original_forget_mcq - mcq_accuracy(lm, splits["forget"])
    retain_drop = baseline.original_retain_mcq - mcq_accuracy(lm, retain_sample)
    assert forget_drop >= 0.5 and forget_drop >= 1.5 * retain_drop
