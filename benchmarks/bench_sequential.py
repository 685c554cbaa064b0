"""Sequential vs batched unlearning of forget10 as 20 deletion requests; one JSON line per strategy.

Strategies (``--strategies``):

* ``npo_sequential``: NPO applied request after request (what ``ledger run`` does);
* ``npo_batched``: one NPO run over all 60 items at once;
* ``sisa_sequential`` / ``retrain_once``: exact unlearning (needs the ``sisa`` /
  ``retrain`` methods): SISA retrains the shard of each request; retraining is run once
  on the final retain set and, for 20 sequential requests, costs 20 such runs
  (``sequential_cost_s`` = 20 x measured, marked ``extrapolated``).

Each line: ``strategy``, ``unlearn_s``, final forget accuracy (all requests), retain
accuracy, accuracy per request vs gold, and the acceptance check (retain >= 0.85 x
original, every request <= gold + 0.15). Uses the cached tiny models of the default
world (``$OBLIVIATE_HOME``).
"""

from __future__ import annotations

import argparse
import json
import os
import time

import torch

os.environ.setdefault("OBLIVIATE_PROGRESS", "0")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=20)
    parser.add_argument("--strategies", nargs="+",
                        default=["npo_sequential", "npo_batched", "sisa_sequential", "retrain_once"])
    parser.add_argument("--exact-epochs", type=int, default=None,
                        help="epochs of retrain / sisa shards (default: the methods' own, the tiny recipe's)")
    parser.add_argument("--exact-requests", type=int, default=20,
                        help="requests applied with sisa (each retrains a shard: minutes on CPU)")
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)

    from obliviate.api import unlearn
    from obliviate.data.world import World, WorldConfig
    from obliviate.evals.metrics import mcq_accuracy
    from obliviate.methods.registry import all_methods
    from obliviate.models.load import load_model
    from obliviate.models.tiny import TinyConfig, build_world_models
    from obliviate.sequential import SequentialResult, run_sequential, split_requests

    world = World(WorldConfig())
    zoo = build_world_models(world, "forget10", TinyConfig())
    original, gold = load_model(zoo.original), load_model(zoo.gold)
    splits = world.splits("forget10")
    requests = split_requests(splits["forget"], args.requests)
    retain_train, retain_eval = splits["retain"][::2], splits["retain"][1::4]
    registered = {m.name for m in all_methods()}
    npo = {"epochs": 5, "lr": 2e-4, "batch_size": 16, "retain_weight": 2.0, "seed": 0}  # as tests/ledger/test_sequential.py

    def emit(strategy: str, result: SequentialResult, **extra) -> None:
        row = {"bench": "sequential", "strategy": strategy, "requests": len(requests),
               "threads": args.threads, "unlearn_s": round(float(sum(result.seconds)), 2),
               **result.to_report(), **extra}
        row.pop("unlearn_seconds", None)
        print(json.dumps(row), flush=True)

    def one_shot(method: str, **options) -> SequentialResult:
        start = time.perf_counter()
        model = unlearn(original, splits["forget"], splits["retain"] if method in ("retrain", "sisa")
                        else retain_train, method=method, **options).model
        seconds = time.perf_counter() - start
        return SequentialResult(
            method=method, forget_accuracy=[mcq_accuracy(model, splits["forget"])],
            retain_accuracy=[mcq_accuracy(model, retain_eval)],
            request_accuracy=[mcq_accuracy(model, r) for r in requests], seconds=[seconds],
            original_forget_accuracy=mcq_accuracy(original, splits["forget"]),
            original_retain_accuracy=mcq_accuracy(original, retain_eval),
            gold_request_accuracy=[mcq_accuracy(gold, r) for r in requests], config=options)

    for strategy in args.strategies:
        if strategy == "npo_sequential":
            emit(strategy, run_sequential(original, requests, retain_train, retain_eval, "npo", gold=gold, **npo))
        elif strategy == "npo_batched":
            emit(strategy, one_shot("npo", **npo))
        elif strategy in ("sisa_sequential", "retrain_once"):
            method = strategy.split("_")[0]
            if method not in registered:
                print(json.dumps({"bench": "sequential", "strategy": strategy,
                                  "skipped": f"method {method!r} is not registered"}), flush=True)
                continue
            exact = {"base_model": str(zoo.base)}
            if args.exact_epochs:
                exact["epochs"] = args.exact_epochs
            if method == "sisa":
                # SISA's training set at request k: retain + requests not yet deleted; each
                # request retrains the one shard holding its person.
                subset = requests[:args.exact_requests]
                result = run_sequential(original, subset, splits["retain"], retain_eval, "sisa", gold=gold,
                                        remaining_in_retain=True, **exact)
                emit(strategy, result, requests_run=len(subset))
            else:
                result = one_shot("retrain", **exact)
                emit(strategy, result, sequential_cost_s=round(result.seconds[0] * len(requests), 1),
                     sequential_cost_extrapolated=True)


if __name__ == "__main__":
    main()
