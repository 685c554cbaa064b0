"""The embedded demo: world -> original + gold -> unlearn -> evaluate -> report."""

from __future__ import annotations

import time
from dataclasses import asdict
from pathlib import Path
from typing import Any

from obliviate.api import evaluate, summarize, unlearn
from obliviate.data.world import World, WorldConfig
from obliviate.files import directory_hash
from obliviate.models.load import load_model
from obliviate.models.tiny import TinyConfig, build_world_models
from obliviate.report import write_report
from obliviate.version import __version__


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


def _audit(models: dict[str, Any], splits: dict[str, list], pretrained: bool = False) -> dict[str, Any]:
    from obliviate.audit import AuditConfig, pretrained_audit_config, run_audit
    from obliviate.progress import progress_bar

    config = pretrained_audit_config() if pretrained else AuditConfig()
    with progress_bar("audit (attacks)", 3 * len(config.attacks)) as update:
        return run_audit(models["original"], models["unlearned"], models["gold"], splits["forget"],
                         splits["retain"], config, progress=lambda what: update(info=what))


def run_demo(out: str | Path = "obliviate_runs/demo", method: str = "npo", forget: str = "forget10",
             world_config: WorldConfig | None = None, tiny_config: TinyConfig | None = None,
             method_config: dict | None = None, audit: bool = True, ununlearning: bool = True,
             guard: bool = True, model: str | None = None) -> dict[str, Any]:
    """Run the demo end to end and write ``out/report.json`` and ``out/report.html``.

    Steps: build the world; train (or load) the original and gold models; unlearn the
    forget split; evaluate the three models; audit the unlearned model (attacks,
    residual knowledge, verdict); measure UnUnlearning; evaluate the content guard.

    ``model``: a named pretrained model (``smollm2-135m``, see ``obliviate models list``)
    instead of the tiny models: the original and gold are that model fine-tuned on the
    world (:func:`obliviate.models.pretrained.build_pretrained_world_models`, cached) and
    the audit is sized for it (:func:`obliviate.audit.pretrained_audit_config`).
    """
    from obliviate.models.cache import obliviate_home
    from obliviate.rundir import check_reused_output_dir

    check_reused_output_dir(out, [("the model cache", obliviate_home())], marker="unlearned/run.json",
                            what="an earlier demo output")  # before any model is built
    timings: dict[str, float] = {}
    start = time.perf_counter()
    world = World(world_config or WorldConfig())
    splits = world.splits(forget)
    if model:
        from obliviate.models.pretrained import build_pretrained_world_models

        zoo = build_pretrained_world_models(model, world, forget)
    else:
        zoo = build_world_models(world, forget, tiny_config)
    timings.update({f"train_{k}": v for k, v in zoo.seconds.items()})
    out = Path(out)
    result = unlearn(zoo.original, splits["forget"], splits["retain"], method=method,
                     out=out / "unlearned", overwrite=True, **(method_config or {}))  # the demo's own run dir
    timings["unlearn"] = result.seconds
    t0 = time.perf_counter()
    models = {"original": load_model(zoo.original), "unlearned": result.model, "gold": load_model(zoo.gold)}
    results = evaluate(models, {k: splits[k] for k in ("forget", "retain", "holdout", "neighbor")})
    timings["evaluate"] = time.perf_counter() - t0
    extra: dict[str, Any] = {}
    if audit:
        t0 = time.perf_counter()
        extra.update(_audit(models, splits, pretrained=bool(model)))
        timings["audit"] = time.perf_counter() - t0
    compositional = world.compositional_items(forget)
    if ununlearning:
        from obliviate.ununlearning import measure_ununlearning

        t0 = time.perf_counter()
        extra["ununlearning"] = measure_ununlearning(models, splits["forget"], splits["retain"], compositional)
        timings["ununlearning"] = time.perf_counter() - t0
    if guard:
        from obliviate.guard.evaluate import build_guard, evaluate_guard, guard_queries

        t0 = time.perf_counter()
        content_guard = build_guard(splits["forget"], splits["retain"])
        # Every 5th retain item keeps the false-positive check at ~400 queries (4 phrasings
        # each) and, items coming six attributes per person, covers all six (every 4th: three).
        queries = guard_queries(splits["forget"], splits["retain"][::5], compositional, splits["holdout"],
                                neighbor=splits["neighbor"])
        extra["guard"] = evaluate_guard(content_guard, queries)
        timings["guard"] = time.perf_counter() - t0
    timings["total"] = time.perf_counter() - start
    report = build_report(
        method=method, intention=result.intention, forget_split=forget,
        models={"original": {"path": str(zoo.original), "sha256": directory_hash(zoo.original)},
                "unlearned": {"path": str(result.run_dir / "model"), "sha256": result.unlearned_sha256},
                "gold": {"path": str(zoo.gold), "sha256": directory_hash(zoo.gold)}},
        results=results, timings=timings,
        extra={"world": {**asdict(world.config), "hash": world.hash},
               "method_config": result.config, "models_cached": zoo.cached,
               **({"pretrained_model": model} if model else {}), **extra})
    write_report(report, out)
    return report
