"""Calibrate the audit's equivalence margin delta on independent exact models, and measure
how often exact models get a false label. Prints one JSON line.

    OMP_NUM_THREADS=1 python benchmarks/bench_calibration.py [--resamples 20] [--write | --ship]

Exact models: ``retrain`` from the reading base on the retain split with seeds 0, 2, 3
(gold is seed 1: the same run bit for bit, so never one of them), cached under
``$OBLIVIATE_HOME/models/exact-retrain-*`` (~3-5 min each on one thread, once). Every
default attack runs on each of them (cached in ``$OBLIVIATE_HOME/audits``).

delta = the 95% quantile, over the exact models and their bootstrap draws (people
resampled), of max over the informative attacks of |rho*| against gold. It is the
largest residual knowledge an exact retrain shows against gold in 95% of resampled
audits at this forget-set size: ``removal`` then means "as close to gold as another
exact retrain is".

False-label rate: for each exact model, ``--resamples`` audits of the data with the forget
people resampled with replacement (a new draw of the people, the same models); each
audit uses the delta calibrated on the *other* exact models (leave-one-out, so no model
is judged by a margin fitted on itself) and its own bootstrap. A label other than
``removal`` / ``inconclusive`` is false. ``--write`` stores the calibration in
``$OBLIVIATE_HOME/calibration.json`` (used by every later audit); ``--ship`` in the
package's ``audit_calibration.json`` (the default shipped with obliviate).
"""

from __future__ import annotations

import argparse
import collections
import dataclasses
import json
import os
import platform
import time
from datetime import date, datetime, timezone

import numpy as np


def resample_people(forget, outputs: dict, rng: np.random.Generator):
    """The forget set and every model's attack outputs with the people drawn with replacement
    (each drawn copy renamed, so the audit sees distinct people)."""
    from obliviate.evals.attacks import AttackOutput

    people = list(dict.fromkeys(i.entity for i in forget))
    members = collections.defaultdict(list)
    for k, item in enumerate(forget):
        members[item.entity].append(k)
    picks = rng.integers(0, len(people), len(people))
    positions, items = [], []
    for j, p in enumerate(picks):
        for k in members[people[p]]:
            positions.append(k)
            items.append(dataclasses.replace(forget[k], entity=f"{people[p]}#{j}"))
    positions = np.array(positions)
    new = {}
    for model, attacks in outputs.items():
        new[model] = {}
        for a, out in attacks.items():
            lookup = {int(k): n for n, k in enumerate(out.indices)}
            keep = [n for n, k in enumerate(positions) if int(k) in lookup]
            cols = [lookup[int(positions[n])] for n in keep]
            new[model][a] = AttackOutput(out.replicates[:, cols] if out.replicates.shape[0] > 1
                                         else out.replicates[0, cols], np.array(keep), out.detail)
    return items, new


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--resamples", type=int, default=20, help="resampled audits per exact model (>= 20)")
    parser.add_argument("--bootstrap", type=int, default=1000)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--world-seed", type=int, default=None, help="world seed (default: the default world)")
    parser.add_argument("--seeds", default=None, help="comma-separated retrain seeds (default: 0,2,3; never 1)")
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--write", action="store_true", help="store in $OBLIVIATE_HOME/calibration.json")
    group.add_argument("--ship", action="store_true", help="store in the package's audit_calibration.json")
    args = parser.parse_args()
    os.environ.setdefault("OBLIVIATE_PROGRESS", "0")
    import torch

    torch.set_num_threads(args.threads)
    from obliviate.audit import AuditConfig, AuditData, attack_model_cached, audit_outputs, max_abs_rho_draws
    from obliviate.calibration import (EXACT_SEEDS, SHIPPED, calibrate_delta, exact_models, save_calibration,
                                       user_calibration_path)
    from obliviate.data.world import World, WorldConfig
    from obliviate.models.load import load_model
    from obliviate.models.tiny import build_world_models

    start = time.perf_counter()
    world = World(WorldConfig() if args.world_seed is None else WorldConfig(seed=args.world_seed))
    splits = world.splits("forget10")
    forget, retain = splits["forget"], splits["retain"]
    zoo = build_world_models(world, "forget10")
    seeds = tuple(int(x) for x in args.seeds.split(",")) if args.seeds else EXACT_SEEDS
    exact = exact_models(world, "forget10", seeds=seeds, threads=args.threads)
    t_models = time.perf_counter() - start
    config = AuditConfig(n_bootstrap=args.bootstrap, delta=0.5)   # delta unused by the draws
    original = attack_model_cached(load_model(zoo.original), forget, retain, config)
    gold = attack_model_cached(load_model(zoo.gold), forget, retain, config)
    outs = {seed: attack_model_cached(load_model(path), forget, retain, config) for seed, path in exact.items()}
    t_attacks = time.perf_counter() - start - t_models

    from obliviate.audit import residual_knowledge_all

    draws, point, per_attack = {}, {}, collections.defaultdict(list)
    for seed, out in outs.items():
        data = AuditData(forget, original, out, gold, "gold", block_size=config.attack.block_size)
        draws[seed] = max_abs_rho_draws(data, dataclasses.replace(config, seed=seed))
        boots: dict = {}
        rk = residual_knowledge_all(data, dataclasses.replace(config, seed=seed), boots)
        for a, b in boots.items():
            if rk[a]["informative"]:
                per_attack[a].append(np.abs(b))
        report = audit_outputs({"original": original, "unlearned": out, "gold": gold}, forget, config)
        point[seed] = {a: r["rho"] for a, r in report["residual_knowledge"].items()}
    delta = calibrate_delta(np.concatenate(list(draws.values())))
    loo = {seed: calibrate_delta(np.concatenate([d for s, d in draws.items() if s != seed]))
           if len(draws) > 1 else delta for seed in draws}

    rng = np.random.default_rng(0)
    labels = {seed: collections.Counter() for seed in outs}
    for seed, out in outs.items():
        cfg = dataclasses.replace(config, delta=loo[seed])
        for r in range(args.resamples):
            items, new = resample_people(forget, {"original": original, "unlearned": out, "gold": gold}, rng)
            labels[seed][audit_outputs(new, items, dataclasses.replace(cfg, seed=r))["verdict"]] += 1
    total = sum(sum(c.values()) for c in labels.values())
    false = sum(n for c in labels.values() for v, n in c.items() if v not in ("removal", "inconclusive"))
    full = {seed: audit_outputs({"original": original, "unlearned": out, "gold": gold}, forget,
                                dataclasses.replace(config, delta=loo[seed]))["verdict"] for seed, out in outs.items()}
    record = {
        "delta": round(delta, 4),
        "provenance": {
            "method": "95% quantile over exact models x bootstrap draws (people resampled) of max over the "
                      "informative attacks of |rho| against gold",
            "exact_models": f"retrain from the reading base on the retain split, seeds {list(seeds)} "
                            "(gold is seed 1)",
            "world": world.config.fingerprint(), "forget_split": "forget10", "forget_items": len(forget),
            "forget_people": len({i.entity for i in forget}), "attacks": list(config.attacks),
            "n_bootstrap": args.bootstrap, "confidence": config.confidence,
            "leave_one_out_delta": {str(k): round(v, 4) for k, v in loo.items()},
            "command": "python benchmarks/bench_calibration.py" + (" --ship" if args.ship else " --write"),
            "date": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
            "note": "delta depends on the forget-set size (intervals shrink as 1/sqrt(people)); recalibrate "
                    "for another world or split",
        },
    }
    if args.write or args.ship:
        save_calibration(record, SHIPPED if args.ship else user_calibration_path())
    print(json.dumps({
        "benchmark": "calibration", "date": date.today().isoformat(), "machine": platform.machine(),
        "cores": os.cpu_count(), "torch_threads": torch.get_num_threads(), "torch": torch.__version__,
        "delta": round(delta, 4), "leave_one_out_delta": {str(k): round(v, 4) for k, v in loo.items()},
        "q95_abs_rho_by_attack": {a: round(float(np.nanquantile(np.concatenate(v), 0.95)), 3)
                                  for a, v in per_attack.items()},
        "exact_rho": {str(k): {a: None if v is None else round(v, 3) for a, v in p.items()} for k, p in point.items()},
        "verdict_full_data": {str(k): v for k, v in full.items()},
        "resampled_audits": total, "false_labels": false, "false_label_rate": round(false / max(1, total), 4),
        "labels": {str(k): dict(c) for k, c in labels.items()},
        "seconds": {"models": round(t_models, 1), "attacks": round(t_attacks, 1),
                    "total": round(time.perf_counter() - start, 1)},
    }))


if __name__ == "__main__":
    main()
