"""Each method's default config against its acceptance bounds on the embedded world.

The table of docs/methods.md ("Measured on the embedded world"): one
``unlearn(original, forget10, retain[::5], method=NAME, seed=0)`` per method, scored
on forget MCQ, forget generation and retain MCQ (every 5th retain item: all six
attributes). Prints one JSON line per method, then a summary line with the bounds.
The tiny models come from the cache (built first if missing), as in the tests.

    python benchmarks/bench_acceptance.py [--methods npo,rmu]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import time
from datetime import date



def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--methods", default="", help="comma-separated (default: every registered "
                        "method except the exact ones, which retrain from the reading base: minutes each)")
    args = parser.parse_args()
    os.environ.setdefault("OBLIVIATE_PROGRESS", "0")
    from obliviate.api import unlearn
    from obliviate.data.world import World
    from obliviate.evals.metrics import generation_accuracy, mcq_accuracy
    from obliviate.methods import all_methods, get_method
    from obliviate.models.load import load_model
    from obliviate.models.tiny import build_world_models

    world = World()
    zoo = build_world_models(world, "forget10")
    splits = world.splits("forget10")
    forget, retain = splits["forget"], splits["retain"][::5]
    original, gold = load_model(zoo.original), load_model(zoo.gold)
    bounds = {"forget_mcq_max": mcq_accuracy(gold, forget) + 0.15,
              "forget_generation_max": generation_accuracy(gold, forget) + 0.15,
              "retain_mcq_min": 0.85 * mcq_accuracy(original, retain)}
    stamp = {"date": date.today().isoformat(), "machine": f"{platform.machine()} {os.cpu_count()} cores"}
    names = args.methods.split(",") if args.methods else [m.name for m in all_methods()
                                                           if m.intention.value != "exact"]
    for name in names:
        start = time.perf_counter()
        lm = unlearn(zoo.original, forget, retain, method=name, seed=0).model
        row = {"forget_mcq": mcq_accuracy(lm, forget), "forget_generation": generation_accuracy(lm, forget),
               "retain_mcq": mcq_accuracy(lm, retain)}
        suppression = get_method(name).intention.value == "suppression"
        forget_ok = (row["forget_generation"] <= bounds["forget_generation_max"] if suppression
                     else row["forget_mcq"] <= bounds["forget_mcq_max"])
        print(json.dumps({"benchmark": "acceptance", "method": name, **{k: round(v, 3) for k, v in row.items()},
                          "meets": forget_ok and row["retain_mcq"] >= bounds["retain_mcq_min"],
                          "seconds": round(time.perf_counter() - start, 1), **stamp}), flush=True)
    print(json.dumps({"benchmark": "acceptance", "bounds": {k: round(v, 3) for k, v in bounds.items()},
                      "original": str(zoo.original), "gold": str(zoo.gold), **stamp}))


if __name__ == "__main__":
    main()
