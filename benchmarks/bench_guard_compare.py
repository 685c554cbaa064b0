"""Latency of one guard check, this tree against another checkout, side by side.

Runs the same measurement in a subprocess per tree, alternating (``--runs`` rounds), and
prints one JSON line per run (``bench: guard_check_latency``): the lexical guard with its
opaque rules (``GuardConfig(semantic=False)``, default policy) on the embedded world
(forget10, world seed 0), decodings not cached, on 60 plain prompts (30 forget and 30 retain
questions) and one prompt of each obfuscation kind of the tuned set and held-out sets 1-6
(kinds both trees have), each checked ``--repeat`` times. With ``--cold`` the memoised functions
of :mod:`obliviate.guard.trace` (``confusion_distance`` and the like) are emptied before each
check too, so that no check reuses a distance an earlier one computed.

    python benchmarks/bench_guard_compare.py --against /path/to/other/checkout [--runs 2] [--repeat 3] [--cold]

(``git worktree add /tmp/old <commit>`` gives a checkout of an earlier commit.)
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

MEASURE = r"""
import json, statistics, sys, time
from obliviate.data.world import World, WorldConfig, qa_prompt
from obliviate.guard import Guard, GuardConfig
from obliviate.guard.evaluate import obfuscation_queries
import obliviate.guard.obfuscate as o
import obliviate.guard.trace as trace_module

repeat, cold = int(sys.argv[2]), sys.argv[3] == "cold"
memoised = [f for f in vars(trace_module).values() if callable(getattr(f, "cache_clear", None))]
splits = World(WorldConfig(seed=0)).splits("forget10")
guard = Guard.from_items(splits["forget"], splits["retain"], GuardConfig(semantic=False))
plain = [qa_prompt(i.question) for i in splits["forget"][:30]] + [qa_prompt(i.question) for i in splits["retain"][::16]]
kinds = [k for g in ("TUNED_KINDS", "HELDOUT_KINDS", "HELDOUT2_KINDS", "HELDOUT3_KINDS", "HELDOUT4_KINDS",
                     "HELDOUT5_KINDS", "HELDOUT6_KINDS") for k in getattr(o, g)]
obfuscated = [ps[0] for ps in obfuscation_queries(splits["forget"][:1], kinds, 0).values()]


def timed(prompts):
    out = []
    for _ in range(repeat):
        for p in prompts:
            for cache in ("_reading_cache", "_readings"):
                c = guard.lexical.__dict__.get(cache)
                if isinstance(c, dict):
                    c.clear()
            traces = getattr(guard.lexical, "traces", None)
            if traces is not None:
                traces._near_cache.clear()
            if cold:
                for f in memoised:
                    f.cache_clear()
            t = time.perf_counter()
            guard.check(p)
            out.append(time.perf_counter() - t)
    out.sort()
    return {"median_ms": round(1000 * statistics.median(out), 3), "p95_ms": round(1000 * out[int(0.95 * (len(out) - 1))], 3)}


print(json.dumps({"bench": "guard_check_latency", "tree": sys.argv[1], "plain": timed(plain),
                  "obfuscated": timed(obfuscated), "n_plain": len(plain), "n_obfuscated": len(obfuscated),
                  "repeat": repeat, "cold": cold}))
"""


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--against", required=True, help="another checkout of obliviate (its root directory)")
    ap.add_argument("--runs", type=int, default=2)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--cold", action="store_true", help="also empty trace.py's memoised functions before each check")
    args = ap.parse_args()
    here = Path(__file__).resolve().parents[1]
    other = Path(args.against).resolve()
    if not (other / "src" / "obliviate").is_dir():
        sys.exit(f"error: {other} is not a checkout of obliviate (no src/obliviate)")
    for _ in range(args.runs):
        for tree in (other, here):
            env = {**os.environ, "PYTHONPATH": str(tree / "src"), "OMP_NUM_THREADS": "1"}
            subprocess.run([sys.executable, "-c", MEASURE, str(tree), str(args.repeat),
                            "cold" if args.cold else "warm"], env=env, check=True)


if __name__ == "__main__":
    main()
