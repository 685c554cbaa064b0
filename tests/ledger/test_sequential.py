"""Twenty sequential deletion requests on the tiny world keep utility and forget each request."""

from __future__ import annotations

import pytest

from obliviate.errors import ObliviateError
from obliviate.sequential import run_sequential, split_requests

# Cheap settings: 3 items per request, NPO with a retain term.
SEQUENTIAL_NPO = {"epochs": 5, "lr": 1e-3, "batch_size": 16, "seed": 0}


def test_split_requests(splits):
    requests = split_requests(splits["forget"], 20)
    assert len(requests) == 20 and [len(r) for r in requests] == [3] * 20
    assert [i for r in requests for i in r] == splits["forget"]
    with pytest.raises(ObliviateError, match="cannot split 60 items into 61"):
        split_requests(splits["forget"], 61)
    with pytest.raises(ObliviateError, match="cannot split"):
        split_requests(splits["forget"], 0)


def test_twenty_sequential_npo_requests(original, gold, splits):
    requests = split_requests(splits["forget"], 20)
    retain_train, retain_eval = splits["retain"][::2], splits["retain"][1::4]
    result = run_sequential(original, requests, retain_train, retain_eval, method="npo", gold=gold,
                            **SEQUENTIAL_NPO)
    report = result.to_report()
    assert len(report["forget_accuracy"]) == len(report["retain_accuracy"]) == 20
    assert result.original_forget_accuracy > 0.8  # there was something to forget
    check = result.check(retain_ratio=0.85, gold_margin=0.15)
    assert check.retain_ok, (result.retain_accuracy, result.original_retain_accuracy)
    assert not check.requests_over_gold, (result.request_accuracy, result.gold_request_accuracy)
    # Forgetting held over the whole sequence, not only at the end.
    assert max(report["forget_accuracy"]) <= max(0.5, result.original_forget_accuracy - 0.3)
    assert report["within_bounds"]["ok"]
