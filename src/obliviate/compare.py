"""The leaderboard: every method on the same world and models, evaluated and audited.

Each method unlearns the embedded world's original model; the leaderboard row holds
its intention, its audit verdict, forget / retain MCQ accuracy, TOFU forget quality
and model utility, and residual knowledge per attack. The attacks on the original
and the gold model are run once and shared by every row.

With ``out``, every finished method's row and its attack outputs are checkpointed in
``out/rows/<method>.json`` (atomically) with a fingerprint of what produced them (world,
split, attacks, method config); the same call after an interruption reuses the rows whose
fingerprint still matches, decides their verdicts again from the stored outputs (so a
recalibrated delta needs no rerun) and runs only the missing methods.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import torch

from obliviate.api import evaluate, summarize, to_jsonable, unlearn
from obliviate.audit import AuditConfig, attack_code_hash, attack_model, attack_model_cached, audit_outputs
from obliviate.data.world import World, WorldConfig
from obliviate.errors import ObliviateError
from obliviate.methods.registry import all_methods, get_method
from obliviate.models.load import load_model
from obliviate.files import atomic_write_text
from obliviate.models.tiny import TinyConfig, build_world_models
from obliviate.progress import progress_bar


def _audit_fields(audit: dict) -> dict[str, Any]:
    """The row fields that come from the audit (recomputed when a checkpoint is reused)."""
    rk = audit["residual_knowledge"]
    return {
        "verdict": audit["verdict"],
        "verdict_reason": audit["verdict_reason"],
        # The deciding attack, its interval (simultaneous, or the TOST interval for removal)
        # and the equivalence margin delta with where it came from.
        "decision": audit.get("decision"),
        "delta": audit["audit"]["delta"],
        "rho": {a: r["rho"] for a, r in rk.items()},
        "rho_ci": {a: r["ci"] for a, r in rk.items()},
        "rho_tost_ci": {a: r.get("tost_ci") for a, r in rk.items()},
        "informative": {a: r.get("informative") for a, r in rk.items()},
        "ceiling": {a: r.get("ceiling", {}).get("gap") for a, r in rk.items()},
    }


def _row(name: str, intention: str, audit: dict, summary: dict, model: str, seconds: dict) -> dict[str, Any]:
    metrics = summary["metrics"]
    return {
        "method": name,
        "intention": intention,
        **_audit_fields(audit),
        "forget_accuracy": metrics["forget"][model]["mcq_accuracy"],
        "retain_accuracy": metrics["retain"][model]["mcq_accuracy"],
        "forget_quality": summary["forget_quality_all"].get(model),
        "model_utility": summary["model_utility"].get(model),
        "seconds": {k: round(v, 2) for k, v in seconds.items()},
    }


def run_compare(methods: list[str] | None = None, out: str | Path | None = None, forget: str = "forget10",
                world_config: WorldConfig | None = None, tiny_config: TinyConfig | None = None,
                audit_config: AuditConfig | None = None, retain_stride: int = 5,
                method_configs: dict[str, dict] | None = None, resume: bool = True) -> list[dict[str, Any]]:
    """Run, evaluate and audit ``methods`` (default: all registered) on the embedded world.

    Returns the leaderboard rows, reference rows for the original and the gold model
    first. With ``out``, writes ``leaderboard.json`` and ``leaderboard.html``, and
    checkpoints each method's row in ``out/rows/`` (``resume``: reuse matching rows).
    Retain metrics use every ``retain_stride``-th retain item, to keep the run short.
    """
    names = methods or [m.name for m in all_methods()]
    infos = [get_method(n) for n in names]   # unknown names fail before any work
    config = audit_config or AuditConfig()
    world = World(world_config or WorldConfig())
    splits = world.splits(forget)
    zoo = build_world_models(world, forget, tiny_config)
    if zoo.gold is None:
        raise ObliviateError("the leaderboard needs the gold model")
    original, gold = load_model(zoo.original), load_model(zoo.gold)
    eval_splits = {"forget": splits["forget"], "retain": splits["retain"][::retain_stride],
                   "neighbor": splits["neighbor"]}
    rows: list[dict[str, Any]] = []
    with progress_bar("leaderboard", len(infos) + 2) as update:
        start = time.perf_counter()
        base_outputs = {"original": attack_model_cached(original, splits["forget"], splits["retain"], config),
                        "gold": attack_model_cached(gold, splits["forget"], splits["retain"], config)}
        base_results = evaluate({"original": original, "gold": gold}, eval_splits)
        base_summary = summarize(base_results)
        base_seconds = time.perf_counter() - start
        for ref in ("original", "gold"):
            audit = audit_outputs({**base_outputs, "unlearned": base_outputs[ref]}, splits["forget"], config)
            rows.append(_row(ref, "reference" if ref == "original" else "exact", audit, base_summary, ref,
                             {"audit": base_seconds / 2}))
            update(info=ref)
        for info in infos:
            options = dict((method_configs or {}).get(info.name, {}))
            fingerprint = _fingerprint(world, forget, config, info.name, options, retain_stride)
            saved = _load_row(out, info.name, fingerprint) if (out is not None and resume) else None
            if saved is not None:
                # The method's attack outputs are checkpointed; the verdict is decided again,
                # so a recalibrated delta (or changed decision rules) needs no rerun.
                row, unlearned_outputs = saved
                row.update(_audit_fields(audit_outputs({**base_outputs, "unlearned": unlearned_outputs},
                                                       splits["forget"], config)))
                rows.append(row)
                update(info=f"{info.name}: {row['verdict']} (checkpoint)")
                continue
            t0 = time.perf_counter()
            torch.manual_seed(0)
            if info.intention.value == "exact" and "base_model" not in options:
                # Exact methods retrain from the reading base, which never saw a world person.
                options["base_model"] = str(zoo.base)
            result = unlearn(zoo.original, splits["forget"], splits["retain"], method=info.name, **options)
            t1 = time.perf_counter()
            outputs = {**base_outputs, "unlearned": attack_model(result.model, splits["forget"],
                                                                 splits["retain"], config)}
            audit = audit_outputs(outputs, splits["forget"], config)
            t2 = time.perf_counter()
            results = evaluate({"unlearned": result.model}, eval_splits)
            for split in results:
                results[split]["gold"] = base_results[split]["gold"]
            summary = summarize(results)
            rows.append(_row(info.name, info.intention.value, audit, summary, "unlearned",
                             {"unlearn": t1 - t0, "audit": t2 - t1, "evaluate": time.perf_counter() - t2}))
            if out is not None:
                _save_row(out, info.name, fingerprint, rows[-1], outputs["unlearned"])
            update(info=f"{info.name}: {audit['verdict']}")
    if out is not None:
        delta, provenance = config.resolved_delta()
        write_leaderboard(rows, out, {"world": world.config.fingerprint(), "forget_split": forget,
                                      "attacks": list(config.attacks), "delta": delta,
                                      "delta_source": provenance.get("source"),
                                      "confidence": config.confidence,
                                      "suppression_threshold": config.suppression_threshold})
    return rows


def _fingerprint(world: World, forget: str, config: AuditConfig, method: str, options: dict,
                 retain_stride: int) -> str:
    import dataclasses

    from obliviate.models.cache import cache_key

    return cache_key({"world": world.config.fingerprint(), "forget": forget, "method": method,
                      "options": options, "retain_stride": retain_stride,
                      "attacks": list(config.attacks), "attack": dataclasses.asdict(config.attack),
                      "code": attack_code_hash(), "version": 2})


def _load_row(out: str | Path, method: str, fingerprint: str):
    """(row, the unlearned model's attack outputs) of a matching checkpoint, else None."""
    import numpy as np

    from obliviate.evals.attacks import AttackOutput

    path = Path(out) / "rows" / f"{method}.json"
    if not path.is_file():
        return None
    try:
        saved = json.loads(path.read_text())
    except json.JSONDecodeError:
        return None      # damaged: run the method again
    if saved.get("fingerprint") != fingerprint or "outputs" not in saved:
        return None
    outputs = {a: AttackOutput(np.array(v["correct"], dtype=float), np.array(v["indices"], dtype=int), v["detail"])
               for a, v in saved["outputs"].items()}
    return saved["row"], outputs


def _save_row(out: str | Path, method: str, fingerprint: str, row: dict[str, Any], outputs: dict) -> None:
    import numpy as np

    path = Path(out) / "rows" / f"{method}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write_text(path, json.dumps({
        "fingerprint": fingerprint, "row": to_jsonable(row),
        "outputs": {a: {"correct": np.asarray(o.correct).tolist(), "indices": np.asarray(o.indices).tolist(),
                        "detail": to_jsonable(o.detail)} for a, o in outputs.items()}}, indent=2))


def write_leaderboard(rows: list[dict[str, Any]], out: str | Path, meta: dict | None = None) -> tuple[Path, Path]:
    """Write ``leaderboard.json`` (the rows) and a self-contained ``leaderboard.html``."""
    import jinja2

    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    data = to_jsonable(rows)
    atomic_write_text(out / "leaderboard.json", json.dumps(data, indent=2))
    env = jinja2.Environment(loader=jinja2.PackageLoader("obliviate.report", "templates"),
                             autoescape=jinja2.select_autoescape(["html", "j2"]))
    env.filters["fmt"] = lambda v, nd=2: "—" if v is None else (f"{v:.{nd}f}" if isinstance(v, float) else v)
    attacks = list(dict.fromkeys(a for r in data for a in r["rho"]))
    html = env.get_template("leaderboard.html.j2").render(rows=data, attacks=attacks, meta=meta or {})
    atomic_write_text(out / "leaderboard.html", html)
    return out / "leaderboard.json", out / "leaderboard.html"
