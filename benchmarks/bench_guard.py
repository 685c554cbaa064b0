"""The guard's block and false-positive rates per query kind, on one or more world seeds.

Prints one JSON line per world seed (``bench: guard_kinds``): the guard as the demo builds
it (lexical + semantic when the encoder is installed, default threshold) on the forget10
split, with
- ``block``: forget query kinds of :mod:`obliviate.guard.evaluate` (direct, paraphrased,
  in context, compositional, obfuscated, encoded, initial + last, separate turns);
- ``false_positive``: retain, neighbor, retain people sharing a last / first name with a
  forget person, by initial + last, across turns, benign technical prompts (two halves),
  holdout (no goal);
- ``tuned`` / ``heldout`` / ``heldout2`` / ``heldout3`` / ``heldout4`` / ``heldout5`` / ``heldout6`` /
  ``heldout7`` / ``heldout8`` / ``heldout9`` / ``heldout10`` / ``heldout11`` / ``heldout12`` / ``heldout13`` /
  ``heldout14`` / ``heldout15`` / ``heldout16`` / ``heldout17`` / ``heldout18`` / ``heldout19`` / ``heldout20`` /
  ``heldout21`` / ``heldout22`` / ``heldout23``: block rate per obfuscation kind of
  :mod:`obliviate.guard.obfuscate`: the kinds the guard was written against, and twenty-three held-out sets (see docs/guard.md for which of them the guard was
  later changed for);
- ``obfuscated_false_positive``: per group and kind, the rate at which retain people who share
  a first or last name with a forget person are blocked when their full name is obfuscated by
  the kind (one question each; the worst kind per group in ``obfuscated_false_positive_max``);
- ``goal``: >= 0.99 block on every forget and tuned kind, <= 0.02 false positives on every
  kind but holdout; whether the held-out kinds meet the block goal is reported apart.
and one ``guard_latency`` line (lexical, semantic and combined check of one prompt; the lexical
check also of one prompt of each obfuscation kind, where the decoders do their work).

    python benchmarks/bench_guard.py [--seeds 0 1] [--no-semantic] [--no-per-kind] [--markdown]
        [--groups main tuned heldout heldout2 heldout3 heldout4 heldout5 heldout6 heldout7 heldout8 heldout9 heldout10
        heldout11 heldout12 heldout13 heldout14 heldout15 heldout16 heldout17 heldout18
        heldout19 heldout20 heldout21 heldout22 heldout23]
        [--opaque block|allow]
"""

from __future__ import annotations

import argparse
import json
import statistics
import time

import torch

from obliviate.data.world import World, WorldConfig, qa_prompt
from obliviate.guard import Guard, GuardConfig
from obliviate.guard.evaluate import (GOAL_BLOCK_RATE, GOAL_FALSE_POSITIVE_RATE, GOAL_FP_KINDS, evaluate_guard,
                                      guard_queries, obfuscation_fp_queries, obfuscation_queries)
from obliviate.guard.obfuscate import (HELDOUT2_KINDS, HELDOUT3_KINDS, HELDOUT4_KINDS, HELDOUT5_KINDS, HELDOUT6_KINDS,
                                       HELDOUT7_KINDS, HELDOUT8_KINDS, HELDOUT9_KINDS, HELDOUT10_KINDS, HELDOUT11_KINDS,
                                       HELDOUT12_KINDS, HELDOUT13_KINDS, HELDOUT14_KINDS, HELDOUT15_KINDS,
                                       HELDOUT16_KINDS, HELDOUT17_KINDS, HELDOUT18_KINDS, HELDOUT19_KINDS, HELDOUT20_KINDS,
                                       HELDOUT21_KINDS, HELDOUT22_KINDS, HELDOUT23_KINDS, HELDOUT_KINDS,
                                       TUNED_KINDS)

GROUPS = {"tuned": TUNED_KINDS, "heldout": HELDOUT_KINDS, "heldout2": HELDOUT2_KINDS,
          "heldout3": HELDOUT3_KINDS, "heldout4": HELDOUT4_KINDS, "heldout5": HELDOUT5_KINDS,
          "heldout6": HELDOUT6_KINDS, "heldout7": HELDOUT7_KINDS, "heldout8": HELDOUT8_KINDS,
          "heldout9": HELDOUT9_KINDS, "heldout10": HELDOUT10_KINDS,
          "heldout11": HELDOUT11_KINDS, "heldout12": HELDOUT12_KINDS, "heldout13": HELDOUT13_KINDS,
          "heldout14": HELDOUT14_KINDS, "heldout15": HELDOUT15_KINDS, "heldout16": HELDOUT16_KINDS,
          "heldout17": HELDOUT17_KINDS, "heldout18": HELDOUT18_KINDS, "heldout19": HELDOUT19_KINDS,
          "heldout20": HELDOUT20_KINDS, "heldout21": HELDOUT21_KINDS, "heldout22": HELDOUT22_KINDS,
          "heldout23": HELDOUT23_KINDS}
HELDOUT_GROUPS = ("heldout", "heldout2", "heldout3", "heldout4", "heldout5", "heldout6", "heldout7", "heldout8",
                  "heldout9", "heldout10", "heldout11", "heldout12", "heldout13",
                  "heldout14", "heldout15", "heldout16", "heldout17", "heldout18", "heldout19", "heldout20",
                  "heldout21", "heldout22", "heldout23")


def _percentiles(samples: list[float]) -> dict[str, float]:
    samples = sorted(samples)
    return {"median_ms": round(1000 * statistics.median(samples), 3),
            "p95_ms": round(1000 * samples[int(0.95 * (len(samples) - 1))], 3)}


def _uncached(guard: Guard) -> Guard:
    """The guard with its cache of decodings emptied (each timed prompt is decoded afresh)."""
    guard.lexical.__dict__.get("_reading_cache", {}).clear()
    return guard


def _seconds_each(guard: Guard, prompts, call) -> list[float]:
    """Seconds of ``call(prompt)`` per prompt, each with the guard's decodings cache emptied."""
    out = []
    for p in prompts:
        _uncached(guard)
        t = time.perf_counter()
        call(p)
        out.append(time.perf_counter() - t)
    return out


def latency(guard: Guard, prompts: list[str], obfuscated: list[str] = ()) -> dict[str, dict[str, float]]:
    out = {}
    if obfuscated:
        lex = _seconds_each(guard, obfuscated, guard.lexical.match)
        out["lexical_obfuscated"] = {**_percentiles(lex), "prompts": len(obfuscated)}
    if guard.semantic is not None:  # the evaluation above filled the encoder's cache
        guard.semantic.encoder._cache.clear()
        guard.semantic.encoder.cache_size = 0
    out["lexical"] = _percentiles(_seconds_each(guard, prompts, guard.lexical.match))
    if guard.semantic is None:  # lexical mode: the whole check, with the opaque-content rule
        both = _seconds_each(guard, [*prompts, *obfuscated], guard.check)
        out["check_plain_and_obfuscated"] = {**_percentiles(both), "prompts": len(both),
                                             "opaque": guard.config.opaque}
    if guard.semantic is not None:
        sem, both = [], []
        for p in prompts:
            t = time.perf_counter()
            guard.semantic_scores([p])
            sem.append(time.perf_counter() - t)
            _uncached(guard)
            t = time.perf_counter()
            guard.check(p)
            both.append(time.perf_counter() - t)
        out["semantic"] = _percentiles(sem)
        out["combined"] = _percentiles(both)
    return out


def kinds(seed: int, semantic: bool, groups=("main", *GROUPS), opaque: str = "block") -> dict:
    world = World(WorldConfig(seed=seed))
    splits = world.splits("forget10")
    t = time.perf_counter()
    guard = Guard.from_items(splits["forget"], splits["retain"], GuardConfig(semantic=semantic, opaque=opaque))
    build_s = time.perf_counter() - t
    t = time.perf_counter()
    queries = guard_queries(splits["forget"], splits["retain"], world.compositional_items("forget10"),
                            splits["holdout"], seed=seed)
    empty = {"block_rate": {}, "false_positive_rate": {}, "false_positives": {}, "missed": {}, "n_queries": {}}
    main = evaluate_guard(guard, queries, thresholds=()) if "main" in groups else empty
    per = {g: evaluate_guard(guard, obfuscation_queries(splits["forget"], kinds_, seed), thresholds=())
           if g in groups else empty for g, kinds_ in GROUPS.items()}
    tuned = per["tuned"]
    # False positives of each obfuscation kind: retain people sharing a name with a forget
    # person, their full name obfuscated by the kind.
    fp_per = {}
    for g, kinds_ in GROUPS.items():
        if g in groups:
            fp_queries = obfuscation_fp_queries(splits["forget"], splits["retain"], kinds_, seed)
            fp_per[g] = {k: float(sum(d.blocked for d in guard.check_many(ps)) / len(ps))
                         for k, ps in fp_queries.items() if ps}
    eval_s = time.perf_counter() - t
    r4 = lambda d: {k: round(v, 4) for k, v in d.items()}  # noqa: E731
    block_ok = all(v >= GOAL_BLOCK_RATE for v in [*main["block_rate"].values(), *tuned["block_rate"].values()])
    fp_ok = all(main["false_positive_rate"][k] <= GOAL_FALSE_POSITIVE_RATE for k in GOAL_FP_KINDS
                if k in main["false_positive_rate"])
    return {
        "bench": "guard_kinds", "world_seed": seed, "mode": guard.mode, "opaque": opaque,
        "threshold": guard.config.threshold if guard.semantic is not None else None,
        "block": r4(main["block_rate"]), "false_positive": r4(main["false_positive_rate"]),
        **{g: r4(per[g]["block_rate"]) for g in GROUPS},
        "obfuscated_false_positive": {g: r4(v) for g, v in fp_per.items()},
        "obfuscated_false_positive_max": {g: round(max(v.values(), default=0.0), 4) for g, v in fp_per.items()},
        "n_queries": {**main["n_queries"], "per_obfuscation_kind": next(
            (n for g in GROUPS for n in per[g]["n_queries"].values()), 0)},
        "goal": {"met_on_tuned": bool(block_ok and fp_ok) if {"main", "tuned"} <= set(groups) else None,
                 **{k: v for g in HELDOUT_GROUPS if g in groups for k, v in (
                     (f"{g}_kinds_blocked", sum(r >= GOAL_BLOCK_RATE for r in per[g]["block_rate"].values())),
                     (f"{g}_kinds", len(per[g]["block_rate"])))}},
        "missed_examples": {k: v[:1] for k, v in {
            **main["missed"], **{k: m for g in GROUPS for k, m in per[g]["missed"].items()}}.items() if v},
        "false_positive_examples": {k: [e["prompt"] for e in v[:2]] for k, v in main["false_positives"].items() if v},
        "build_s": round(build_s, 2), "eval_s": round(eval_s, 2),
        "_latency_inputs": [qa_prompt(i.question) for i in splits["forget"][:30]]
                           + [qa_prompt(i.question) for i in splits["retain"][::16]],
        # One prompt of each obfuscation kind (every group), for the decoders' cost.
        "_latency_obfuscated": [ps[0] for g in GROUPS.values()
                                for ps in obfuscation_queries(splits["forget"][:1], g, seed).values()],
        "_guard": guard,
    }


def markdown(rows: list[dict]) -> str:
    seeds = [r["world_seed"] for r in rows]
    head = "| kind | " + " | ".join(f"seed {s}" for s in seeds) + " |\n| --- |" + " ---: |" * len(seeds)
    lines = [head]
    for section, label in (("block", "block"), ("tuned", "block (tuned obfuscation)"),
                           ("heldout", "block (held-out set 1)"), ("heldout2", "block (held-out set 2)"),
                           ("heldout3", "block (held-out set 3)"), ("heldout4", "block (held-out set 4)"),
                           ("heldout5", "block (held-out set 5)"), ("heldout6", "block (held-out set 6)"),
                           ("heldout7", "block (held-out set 7)"), ("heldout8", "block (held-out set 8)"),
                           ("heldout9", "block (held-out set 9)"), ("heldout10", "block (held-out set 10)"),
                           ("heldout11", "block (held-out set 11)"), ("heldout12", "block (held-out set 12)"),
                           ("heldout13", "block (held-out set 13)"), ("heldout14", "block (held-out set 14)"),
                           ("heldout15", "block (held-out set 15)"), ("heldout16", "block (held-out set 16)"),
                           ("heldout17", "block (held-out set 17)"), ("heldout18", "block (held-out set 18)"),
                           ("heldout19", "block (held-out set 19)"), ("heldout20", "block (held-out set 20)"),
                           ("heldout21", "block (held-out set 21)"), ("heldout22", "block (held-out set 22)"),
                           ("heldout23", "block (held-out set 23)"),
                           ("false_positive", "false positive")):
        for k in (rows[0][section] if rows[0][section] else ()):
            lines.append(f"| {label}: {k} | " + " | ".join(f"{r[section].get(k, float('nan')):.3f}" for r in rows)
                         + " |")
    for g in rows[0]["obfuscated_false_positive_max"]:
        lines.append(f"| false positive, worst {g} kind (retain people sharing a name) | " + " | ".join(
            f"{r['obfuscated_false_positive_max'].get(g, float('nan')):.3f}" for r in rows) + " |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1], help="World seeds (0: the demo world).")
    parser.add_argument("--no-semantic", action="store_true", help="Lexical matcher only.")
    parser.add_argument("--markdown", action="store_true", help="Also print a markdown table.")
    parser.add_argument("--no-per-kind", action="store_true",
                        help="Skip the per-obfuscation-kind groups (the slow part with the semantic matcher).")
    parser.add_argument("--groups", nargs="+", choices=("main", *GROUPS), default=None,
                        help="Only these query groups: 'main' (the forget and false-positive kinds of "
                             "obliviate.guard.evaluate) and the obfuscation kind groups (default: all).")
    parser.add_argument("--threads", type=int, default=1, help="torch threads")
    parser.add_argument("--opaque", choices=("block", "allow"), default="block",
                        help="The guard's policy for prompts it cannot read (default: block, fail closed).")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    rows = []
    for seed in args.seeds:
        groups = args.groups or (("main",) if args.no_per_kind else ("main", *GROUPS))
        row = kinds(seed, not args.no_semantic, groups, args.opaque)
        guard, prompts, obfuscated = row.pop("_guard"), row.pop("_latency_inputs"), row.pop("_latency_obfuscated")
        print(json.dumps(row), flush=True)
        rows.append(row)
        if seed == args.seeds[0]:
            print(json.dumps({"bench": "guard_latency", "world_seed": seed, "mode": guard.mode,
                              "prompts": len(prompts), "torch_threads": args.threads,
                              **latency(guard, prompts, obfuscated)}), flush=True)
    if args.markdown:
        print(markdown(rows))


if __name__ == "__main__":
    main()
