"""Sequential unlearning: deletion requests applied one after another, evaluated after each.

Real deployments receive deletion requests over time. After request k the model must
(a) still not know requests 1..k (earlier forgetting can come back as later updates
move the weights) and (b) keep its utility, which erodes a little with every update.
:func:`run_sequential` measures both after every request; the ``sequential`` dict it
returns is what the report plots (``forget_accuracy``, ``retain_accuracy``).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

import numpy as np

from obliviate.data.schema import QAItem
from obliviate.errors import ObliviateError
from obliviate.models.load import LanguageModel


def split_requests(items: list[QAItem], n_requests: int) -> list[list[QAItem]]:
    """Split ``items`` into ``n_requests`` consecutive, near-equal requests (order kept).

    World items are grouped by person, so consecutive chunks ask to forget part of one
    person's facts, as a user asking to remove some facts would.
    """
    if not 1 <= n_requests <= len(items):
        raise ObliviateError(f"cannot split {len(items)} items into {n_requests} requests; "
                             f"use 1 to {len(items)} requests")
    bounds = np.linspace(0, len(items), n_requests + 1).round().astype(int)
    return [items[a:b] for a, b in zip(bounds[:-1], bounds[1:])]


@dataclass
class SequentialResult:
    """Accuracies over a sequence of requests (index k = after request k+1)."""

    method: str
    forget_accuracy: list[float]          # on requests 1..k, after request k
    retain_accuracy: list[float]
    request_accuracy: list[float]         # each request's items, with the final model
    seconds: list[float]                  # unlearning time per request (evaluation excluded)
    original_forget_accuracy: float
    original_retain_accuracy: float
    gold_request_accuracy: list[float] | None = None
    config: dict = field(default_factory=dict)

    def to_report(self) -> dict[str, Any]:
        """The report's ``sequential`` section (plotted by the HTML template)."""
        out: dict[str, Any] = {
            "method": self.method,
            "forget_accuracy": self.forget_accuracy,
            "retain_accuracy": self.retain_accuracy,
            "request_accuracy": self.request_accuracy,
            "original": {"forget_accuracy": self.original_forget_accuracy,
                         "retain_accuracy": self.original_retain_accuracy},
            "unlearn_seconds": round(float(sum(self.seconds)), 3),
        }
        if self.gold_request_accuracy is not None:
            out["gold_request_accuracy"] = self.gold_request_accuracy
            out["within_bounds"] = self.check().to_dict()
        return out

    def check(self, retain_ratio: float = 0.85, gold_margin: float = 0.15) -> "SequentialCheck":
        """The acceptance test: retain >= ratio x original; each request <= gold + margin."""
        if self.gold_request_accuracy is None:
            raise ObliviateError("no gold accuracies: pass gold= to run_sequential to check forgetting")
        over = [k for k, (a, g) in enumerate(zip(self.request_accuracy, self.gold_request_accuracy))
                if a > g + gold_margin + 1e-9]
        final_retain = self.retain_accuracy[-1]
        return SequentialCheck(retain_ok=final_retain >= retain_ratio * self.original_retain_accuracy,
                               final_retain=final_retain, retain_floor=retain_ratio * self.original_retain_accuracy,
                               requests_over_gold=over, gold_margin=gold_margin)


@dataclass
class SequentialCheck:
    """Whether a sequence kept utility and forgot every request (see :meth:`SequentialResult.check`)."""

    retain_ok: bool
    final_retain: float
    retain_floor: float
    requests_over_gold: list[int]     # 0-based indices of requests still known beyond gold + margin
    gold_margin: float

    @property
    def ok(self) -> bool:
        return self.retain_ok and not self.requests_over_gold

    def to_dict(self) -> dict:
        return {"ok": self.ok, "retain_ok": self.retain_ok, "final_retain": self.final_retain,
                "retain_floor": self.retain_floor, "requests_over_gold": self.requests_over_gold,
                "gold_margin": self.gold_margin}


def run_sequential(model: LanguageModel | str | Path, requests: list[list[QAItem]],
                   retain_train: list[QAItem], retain_eval: list[QAItem], method: str = "npo",
                   gold: LanguageModel | None = None,
                   on_request: Callable[[int, dict], None] | None = None,
                   remaining_in_retain: bool = False, **options: Any) -> SequentialResult:
    """Apply ``requests`` one after another with ``method``; evaluate after each.

    After request k: MCQ accuracy (Maini et al. 2024, TOFU) on the union of requests
    1..k and on ``retain_eval``. At the end, each request's own accuracy with the final
    model, and with ``gold`` (never trained on them) when given. The model passed in is
    not modified. ``options`` override the method's config.

    ``remaining_in_retain``: for exact methods that train from a base (``sisa``,
    ``retrain``), whose "retain set" is the whole training set still allowed: request k
    then sees ``retain_train`` plus the items of requests k+1.. (not yet deleted), so
    SISA retrains one shard per request, as in deployment.
    """
    from obliviate.api import _as_model, unlearn
    from obliviate.evals.metrics import mcq_accuracy

    if not requests or any(not r for r in requests):
        raise ObliviateError("every deletion request needs at least one item")
    current = _as_model(model)
    all_items = [i for r in requests for i in r]
    result = SequentialResult(method=method, forget_accuracy=[], retain_accuracy=[], request_accuracy=[],
                              seconds=[], original_forget_accuracy=mcq_accuracy(current, all_items),
                              original_retain_accuracy=mcq_accuracy(current, retain_eval), config=dict(options))
    seen: list[QAItem] = []
    for k, request in enumerate(requests):
        start = time.perf_counter()
        retain = retain_train + [i for r in requests[k + 1:] for i in r] if remaining_in_retain else retain_train
        current = unlearn(current, request, retain, method=method, **options).model
        result.seconds.append(time.perf_counter() - start)
        seen.extend(request)
        result.forget_accuracy.append(mcq_accuracy(current, seen))
        result.retain_accuracy.append(mcq_accuracy(current, retain_eval))
        if on_request:
            on_request(k, {"forget_accuracy": result.forget_accuracy[-1],
                           "retain_accuracy": result.retain_accuracy[-1], "seconds": result.seconds[-1]})
    result.request_accuracy = [mcq_accuracy(current, r) for r in requests]
    if gold is not None:
        result.gold_request_accuracy = [mcq_accuracy(gold, r) for r in requests]
    return result


def sequential_from_ledger(ledger) -> dict[str, Any]:
    """The report's ``sequential`` section from a ledger's done requests (in order)."""
    done = ledger.requests("done")
    return {
        "forget_accuracy": [r.metrics["forget_accuracy_all"] for r in done],
        "retain_accuracy": [r.metrics["retain_accuracy"] for r in done],
        "request_ids": [r.id for r in done],
        "method": sorted({r.method for r in done}),
    }
