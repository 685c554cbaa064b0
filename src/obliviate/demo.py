"""The embedded demo: world -> original + gold -> unlearn -> evaluate -> report."""

from __future__ import annotations

import time
from dataclasses import asdict
from pathlib import Path
from typing import Any, Callable

import torch

from obliviate import __version__
from obliviate.api import evaluate, summarize, unlearn
from obliviate.data.world import World, WorldConfig
from obliviate.models.load import directory_hash, load_model
from obliviate.models.tiny import TinyConfig, build_world_models
from obliviate.report import write_report


def build_report(*, method: str, intention: str, forget_split: str, models: dict[str, Any],
                 results: dict, timings: dict[str, float], extra: dict | None = None) -> dict[str, Any]:
    """The report.json structure (see README: report fields)."""
    summary = summarize(results)
    report = {
        "obliviate_version": __version__,
        "method": method,
        "intention": intention,
        "forget_split": forget_split,
        "models": models,
        "metrics": summary["metrics"],
        "forget_quality": summary["forget_quality_all"].get("unlearned"),
        "forget_quality_all": summary["forget_quality_all"],
        "model_utility": summary["model_utility"],
        "timings_s": {k: round(v, 2) for k, v in timings.items()},
    }
    report.update(extra or {})
    return report


def _gold_baseline(splits: dict[str, list]) -> Callable[[Path], None]:
    """Score gold's audit baseline into the audit cache as soon as gold is built."""
    def score(path: Path) -> None:
        from obliviate.audit import AuditConfig, attack_model_cached

        attack_model_cached(load_model(path), splits["forget"], splits["retain"], AuditConfig())
    return score


def run_demo(out: str | Path = "obliviate_runs/demo", method: str = "npo", forget: str = "forget10",
             world_config: WorldConfig | None = None, tiny_config: TinyConfig | None = None,
             method_config: dict | None = None, audit: bool = True, ununlearning: bool = True,
             guard: bool = True) -> dict[str, Any]:
    """Run the demo end to end and write ``out/report.json`` and ``out/report.html``.

    Steps: build the world; train (or load) the original and gold models; unlearn the
    forget split; evaluate the three models; audit the unlearned model (attacks,
    residual knowledge, verdict); measure UnUnlearning; evaluate the content guard.

    With two or more cores, the steps that need no unlearned model (the original's audit
    baseline and the guard) run in a second process (:mod:`obliviate.demo_worker`)
    beside the others, each process on one thread; gold's audit baseline is scored
    while the original still trains.
    """
    import os

    from obliviate.demo_worker import DemoWorker, guard_report
    from obliviate.progress import progress_bar

    timings: dict[str, float] = {}
    start = time.perf_counter()
    world = World(world_config or WorldConfig())
    splits = world.splits(forget)
    zoo = build_world_models(world, forget, tiny_config, on_gold=_gold_baseline(splits) if audit else None)
    timings.update({f"train_{k}": v for k, v in zoo.seconds.items()})
    out = Path(out)
    worker = None
    if (os.cpu_count() or 1) >= 2 and (audit or guard):
        worker = DemoWorker({"world_config": asdict(world.config), "forget": forget, "original": str(zoo.original),
                             "audit": audit, "guard": guard, "threads": 1})
    threads = torch.get_num_threads()
    extra: dict[str, Any] = {}
    unlearned_attacks: dict[str, Any] = {}
    try:
        if worker:
            torch.set_num_threads(1)
        result = unlearn(zoo.original, splits["forget"], splits["retain"], method=method,
                         out=out / "unlearned", **(method_config or {}))
        timings["unlearn"] = result.seconds
        t0 = time.perf_counter()
        models = {"original": load_model(zoo.original), "unlearned": result.model, "gold": load_model(zoo.gold)}
        results = evaluate(models, {k: splits[k] for k in ("forget", "retain", "holdout", "neighbor")})
        timings["evaluate"] = time.perf_counter() - t0
        if audit:
            from obliviate.audit import AuditConfig, attack_model

            t0 = time.perf_counter()
            config = AuditConfig()
            with progress_bar("audit (attacks on the unlearned model)", len(config.attacks)) as update:
                unlearned_attacks = attack_model(models["unlearned"], splits["forget"], splits["retain"], config,
                                                 progress=lambda what: update(info=what))
            timings["audit"] = time.perf_counter() - t0
        compositional = world.compositional_items(forget)
        if ununlearning:
            from obliviate.ununlearning import measure_ununlearning

            t0 = time.perf_counter()
            extra["ununlearning"] = measure_ununlearning(models, splits["forget"], splits["retain"], compositional)
            timings["ununlearning"] = time.perf_counter() - t0
    except BaseException:
        if worker:
            worker.kill()
        raise
    finally:
        torch.set_num_threads(threads)
    side = worker.result() if worker else None
    if side:
        timings.update({f"second_process_{k}": v for k, v in side["seconds"].items()})
    if audit:
        from obliviate.audit import AuditConfig, run_audit

        t0 = time.perf_counter()
        config = AuditConfig()
        with progress_bar("audit (baselines and verdict)", 2 * len(config.attacks)) as update:
            extra.update(run_audit(models["original"], models["unlearned"], models["gold"], splits["forget"],
                                   splits["retain"], config, progress=lambda what: update(info=what),
                                   precomputed={"unlearned": unlearned_attacks}))
        timings["audit"] += time.perf_counter() - t0
    if guard:
        t0 = time.perf_counter()
        extra["guard"] = side["guard"] if side else guard_report(world, forget)
        timings["guard"] = side["seconds"]["guard"] if side else time.perf_counter() - t0
    timings["total"] = time.perf_counter() - start
    report = build_report(
        method=method, intention=result.intention, forget_split=forget,
        models={"original": {"path": str(zoo.original), "sha256": directory_hash(zoo.original)},
                "unlearned": {"path": str(result.run_dir / "model"), "sha256": result.unlearned_sha256},
                "gold": {"path": str(zoo.gold), "sha256": directory_hash(zoo.gold)}},
        results=results, timings=timings,
        extra={"world": {**asdict(world.config), "hash": world.hash},
               "method_config": result.config, "models_cached": zoo.cached, **extra})
    write_report(report, out)
    return report
