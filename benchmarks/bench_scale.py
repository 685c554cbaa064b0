"""Cost of unlearning as the problem grows; prints one JSON line per measurement.

Three axes (``--axis``):

* ``forget``: unlearning time vs forget-set size (fixed model and world).
* ``world``: unlearning a FIXED forget set vs exact retraining, for worlds of growing
  size. Unlearning takes ``epochs x ceil(|forget| / batch)`` steps and draws one retain
  batch per step, so its cost should not depend on the training-set size; retraining
  the gold recipe (``retrain``: ``epochs`` passes over the retain set) grows with it.
  Retraining is measured for ``--retrain-epochs`` epochs (default 1) and scaled to the
  recipe's epoch count (the recipe's epochs all have the same size), marked
  ``"retrain_extrapolated": true``; ``--retrain-epochs 64`` measures it in full.
* ``model``: unlearning time vs model width (random-init Llama; what the model knows
  does not change the cost of a step).

Costs are for random-init models of the tiny architecture unless ``--width`` says
otherwise: a step costs the same whatever the weights hold. On a GPU::

    python benchmarks/bench_scale.py --axis model --device cuda --dtype bfloat16 \\
        --widths 2048 --layers 22 --threads 8      # ~1.1B parameters

Output fields: ``axis``, the swept value, ``unlearn_s``, ``steps``, ``params`` and,
for ``world``, ``retrain_s`` and ``ratio_unlearn_over_retrain``.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import sys
import tempfile
import time
from pathlib import Path

import torch

os.environ.setdefault("OBLIVIATE_PROGRESS", "0")


def random_model(world, width: int, layers: int, intermediate_ratio: float, dtype: torch.dtype,
                 out: Path | None = None):
    """A random-init Llama (tiny architecture, given width) on the world's tokenizer."""
    from transformers import LlamaForCausalLM

    from obliviate.models.load import LanguageModel
    from obliviate.models.tiny import TinyConfig
    from obliviate.models.tokenizer import train_tokenizer

    tokenizer = train_tokenizer(world.all_text(), 2048)
    heads = max(1, width // 64) if width >= 256 else 4
    tiny = TinyConfig(hidden_size=width, intermediate_size=int(width * intermediate_ratio), num_layers=layers,
                      num_heads=heads)
    torch.manual_seed(0)
    model = LlamaForCausalLM(tiny.llama_config(tokenizer)).to(dtype)
    if out is not None:
        model.save_pretrained(out, safe_serialization=True)
        tokenizer.save_pretrained(out)
    return LanguageModel(model.eval(), tokenizer)


def timed_unlearn(lm, forget, retain, method: str, device: str, **options) -> tuple[float, int]:
    """Seconds and steps of one ``obliviate.unlearn`` call (model already on ``device``)."""
    from obliviate.api import unlearn

    if device.startswith("cuda"):
        torch.cuda.synchronize()
    start = time.perf_counter()
    unlearn(lm, forget, retain, method=method, **options)
    if device.startswith("cuda"):
        torch.cuda.synchronize()
    seconds = time.perf_counter() - start
    batch = options.get("batch_size", 16)
    steps = options.get("epochs", 5) * math.ceil(len(forget) / batch)
    return seconds, steps


def params(lm) -> int:
    return sum(p.numel() for p in lm.model.parameters())


def main() -> None:
    from obliviate.models.tiny import TinyConfig

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--axis", choices=["forget", "world", "model", "all"], default="all")
    parser.add_argument("--method", default="npo")
    parser.add_argument("--epochs", type=int, default=5, help="unlearning epochs over the forget set")
    parser.add_argument("--forget-sizes", type=int, nargs="+", default=[6, 12, 30, 60, 120])
    parser.add_argument("--people", type=int, nargs="+", default=[50, 100, 200, 400])
    parser.add_argument("--forget-people", type=int, default=5, help="fixed forget set of the world axis")
    parser.add_argument("--retrain-epochs", type=int, default=1, help="measured retraining epochs")
    parser.add_argument("--recipe-epochs", type=int, default=TinyConfig.memorize_epochs,
                        help="epochs of the gold recipe (default: TinyConfig.memorize_epochs)")
    parser.add_argument("--widths", type=int, nargs="+", default=[64, 128, 256, 512])
    parser.add_argument("--layers", type=int, default=4)
    parser.add_argument("--intermediate-ratio", type=float, default=4.0)
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--dtype", default="float32", choices=["float32", "bfloat16", "float16"])
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args()

    from obliviate.data.world import World, WorldConfig

    torch.set_num_threads(args.threads)
    dtype = getattr(torch, args.dtype)
    common = {"bench": "scale", "method": args.method, "device": args.device, "dtype": args.dtype,
              "threads": args.threads, "torch": torch.__version__, "python": platform.python_version()}
    if args.device.startswith("cuda"):
        common["gpu"] = torch.cuda.get_device_name(0)
    options = {"epochs": args.epochs}

    def emit(row: dict) -> None:
        print(json.dumps({**common, **row}), flush=True)

    def on_device(lm):
        lm.model.to(args.device)
        return lm

    # Warm-up (library imports, allocator, kernels) so the first row is not inflated.
    warm_world = World(WorldConfig())
    warm = warm_world.splits("forget10")
    timed_unlearn(on_device(random_model(warm_world, 64, 2, args.intermediate_ratio, dtype)),
                  warm["forget"][:6], warm["retain"][:16], args.method, args.device, epochs=1)

    if args.axis in ("forget", "all"):
        world = World(WorldConfig(n_people=max(100, max(args.forget_sizes) // 6 * 2)))
        items = world.qa_items(world.trained_people, "forget")
        lm = on_device(random_model(world, 128, args.layers, args.intermediate_ratio, dtype))
        retain = items[max(args.forget_sizes):][:120]
        for n in args.forget_sizes:
            seconds, steps = timed_unlearn(lm, items[:n], retain, args.method, args.device, **options)
            emit({"axis": "forget_size", "n_forget": n, "unlearn_s": round(seconds, 3), "steps": steps,
                  "params": params(lm)})

    if args.axis in ("world", "all"):
        for n_people in args.people:
            world = World(WorldConfig(n_people=n_people))
            trained = world.trained_people
            forget = world.qa_items(trained[:args.forget_people], "forget")
            retain = world.qa_items(trained[args.forget_people:], "retain")
            with tempfile.TemporaryDirectory() as tmp:
                base = Path(tmp) / "base"
                lm = on_device(random_model(world, 128, args.layers, args.intermediate_ratio, dtype, out=base))
                unlearn_s, steps = timed_unlearn(lm, forget, retain, args.method, args.device, **options)
                retrain_s, _ = timed_unlearn(lm, forget, retain, "retrain", args.device, base_model=str(base),
                                             epochs=args.retrain_epochs)
            retrain_full = retrain_s * args.recipe_epochs / args.retrain_epochs
            emit({"axis": "training_set", "n_people": n_people, "n_retain": len(retain), "n_forget": len(forget),
                  "unlearn_s": round(unlearn_s, 3), "steps": steps,
                  "retrain_measured_s": round(retrain_s, 3), "retrain_measured_epochs": args.retrain_epochs,
                  "retrain_s": round(retrain_full, 1), "retrain_epochs": args.recipe_epochs,
                  "retrain_extrapolated": args.retrain_epochs != args.recipe_epochs,
                  "ratio_unlearn_over_retrain": round(unlearn_s / retrain_full, 5), "params": params(lm)})

    if args.axis in ("model", "all"):
        world = World(WorldConfig())
        splits = world.splits("forget10")
        forget, retain = splits["forget"], splits["retain"][::4]
        for width in args.widths:
            lm = on_device(random_model(world, width, args.layers, args.intermediate_ratio, dtype))
            seconds, steps = timed_unlearn(lm, forget, retain, args.method, args.device, **options)
            row = {"axis": "model_size", "width": width, "layers": args.layers, "params": params(lm),
                   "n_forget": len(forget), "unlearn_s": round(seconds, 3), "steps": steps,
                   "s_per_step": round(seconds / steps, 4)}
            if args.device.startswith("cuda"):
                row["peak_gpu_gib"] = round(torch.cuda.max_memory_allocated() / 2**30, 2)
                torch.cuda.reset_peak_memory_stats()
            emit(row)
            del lm


if __name__ == "__main__":
    sys.exit(main())
