"""Wall-clock of the leaderboard: every registered method unlearned, evaluated and audited
on the embedded world (forget10), on this machine. Prints one JSON line.

    OBLIVIATE_HOME=/tmp/demo_home2 python benchmarks/bench_leaderboard.py [--methods a,b] [--out DIR]

The tiny models must already be cached (the first `obliviate demo` builds them); their
build time is not part of the figure. The JSON line holds the total seconds, seconds
per method (unlearn / audit / evaluate) and every row's verdict (with its deciding attack,
interval and delta) and rho per attack. Rows are checkpointed in OUT/rows: an interrupted
run resumes with the same command (--fresh starts over).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import time
from datetime import date


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--methods", default=None, help="comma-separated (default: all registered)")
    parser.add_argument("--out", default="obliviate_runs/leaderboard")
    parser.add_argument("--threads", type=int, default=0, help="torch threads (0: leave the default)")
    parser.add_argument("--world-seed", type=int, default=None, help="world seed (default: the default world)")
    parser.add_argument("--fresh", action="store_true", help="ignore rows checkpointed in OUT/rows")
    args = parser.parse_args()
    os.environ.setdefault("OBLIVIATE_PROGRESS", "0")
    import torch

    if args.threads:
        torch.set_num_threads(args.threads)
    from obliviate.compare import run_compare

    start = time.perf_counter()
    from obliviate.data.world import WorldConfig

    world = WorldConfig() if args.world_seed is None else WorldConfig(seed=args.world_seed)
    rows = run_compare(args.methods.split(",") if args.methods else None, args.out, world_config=world,
                       resume=not args.fresh)
    total = time.perf_counter() - start
    print(json.dumps({
        "benchmark": "leaderboard", "date": date.today().isoformat(), "machine": platform.machine(),
        "cores": os.cpu_count(), "torch_threads": torch.get_num_threads(), "torch": torch.__version__,
        "methods": len(rows) - 2, "total_s": round(total, 1),
        "world": world.fingerprint(),
        "rows": [{"method": r["method"], "intention": r["intention"], "verdict": r["verdict"],
                  "decision": {k: (r.get("decision") or {}).get(k) for k in ("attack", "rho", "interval", "delta")},
                  "informative": r.get("informative"),
                  "forget_accuracy": r["forget_accuracy"], "retain_accuracy": r["retain_accuracy"],
                  "forget_quality": r["forget_quality"], "model_utility": r["model_utility"],
                  "rho": r["rho"], "seconds": r["seconds"]} for r in rows],
    }))


if __name__ == "__main__":
    main()
