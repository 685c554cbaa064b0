"""Time of the TOFU metric set on the demo's original model at one thread.

The metric set is what the demo and the report compute per model
(``obliviate.api.evaluate``: forget, retain, holdout and neighbor splits of the embedded
world; TOFU's probability, truth ratio, ROUGE-L recall on up to 200 generated tokens, plus
MCQ and generation accuracy). Three implementations on the same model and items:

- ``batched``: obliviate (one padding-aware scoring pass per split over every distinct
  answer text, batched KV-cache generation that stops each row at EOS);
- ``per_item``: the same definitions, one text at a time (scoring batch 1 without prompt
  sharing, generation batch 1), as a reference-style loop does;
- ``before`` (with ``--before REV``): the metric code of an older revision, for the
  before/after ratio (its definitions differ: 8 generated tokens, no EOS).

Each is timed ``--repeats`` times after one warm-up call; prints one JSON line.

    python benchmarks/bench_eval.py [--repeats 3] [--before 2195768] [--skip-per-item]
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

SPLITS = ("forget", "retain", "holdout", "neighbor")


def _old_metrics(rev: str):
    """obliviate.evals.metrics (+ scoring) of revision ``rev``, imported under another name."""
    root = Path(__file__).resolve().parents[1]
    tmp = Path(tempfile.mkdtemp(prefix="bench_eval_"))
    for name in ("metrics", "scoring"):
        text = subprocess.run(["git", "show", f"{rev}:src/obliviate/evals/{name}.py"], cwd=root, check=True,
                              capture_output=True, text=True).stdout
        text = text.replace("from obliviate.evals.scoring import", "from _old_scoring import")
        (tmp / f"_old_{name}.py").write_text(text)
    sys.path.insert(0, str(tmp))
    spec = importlib.util.spec_from_file_location("_old_metrics", tmp / "_old_metrics.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["_old_metrics"] = module
    spec.loader.exec_module(module)
    return module


def _timed(fn, repeats: int) -> list[float]:
    fn()  # warm-up (first-call allocations, rouge_score import)
    out = []
    for _ in range(repeats):
        t = time.perf_counter()
        fn()
        out.append(round(time.perf_counter() - t, 3))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--before", default=None, help="git revision of the metric code to compare with")
    parser.add_argument("--skip-per-item", action="store_true")
    args = parser.parse_args()
    os.environ.setdefault("OBLIVIATE_PROGRESS", "0")
    import torch

    torch.set_num_threads(1)
    from obliviate.data.world import World
    from obliviate.evals import metrics, scoring
    from obliviate.models.load import load_model
    from obliviate.models.tiny import build_world_models

    world = World()
    zoo = build_world_models(world, "forget10")
    splits = world.splits("forget10")
    lm = load_model(zoo.original)

    def batched():
        return {s: metrics.evaluate_split(lm, splits[s], forget=s == "forget").summary() for s in SPLITS}

    def per_item():
        # Same definitions, batch size 1 everywhere (a reference-style loop).
        score, gen = scoring.score_completions, scoring.generate
        metrics.score_completions = lambda *a, **k: score(*a, **{**k, "batch_size": 1, "share_prompts": False})
        metrics.generate = lambda *a, **k: gen(*a, **{**k, "batch_size": 1})
        try:
            return batched()
        finally:
            metrics.score_completions, metrics.generate = score, gen

    row = {"benchmark": "eval_tofu_metric_set", "model": "demo original (tiny llama, 4 layers, d=128)",
           "items": {s: len(splits[s]) for s in SPLITS}, "threads": torch.get_num_threads(),
           "batched_s": _timed(batched, args.repeats)}
    values = batched()
    if not args.skip_per_item:
        row["per_item_s"] = _timed(per_item, max(1, args.repeats - 1))
        slow = per_item()
        row["per_item_same_values"] = all(abs(values[s][k] - slow[s][k]) < 1e-6 for s in SPLITS for k in values[s])
    if args.before:
        old = _old_metrics(args.before)
        row["before_rev"] = args.before
        row["before_s"] = _timed(lambda: {s: old.evaluate_split(lm, splits[s]) for s in SPLITS}, args.repeats)
    row["values"] = {s: {k: round(v, 4) for k, v in values[s].items()} for s in SPLITS}
    row.update(machine=f"{platform.machine()}, {os.cpu_count()} cores", load_average=os.getloadavg()[0],
               torch=torch.__version__,
               date=date.today().isoformat())
    print(json.dumps(row))


if __name__ == "__main__":
    main()
