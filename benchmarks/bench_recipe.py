"""Memorization curve of the forget10 gold model (phase 2) under a recipe.

Trains phase 2 from the cached reading base (built first if missing) with
``--epochs`` / ``--lr`` / ``--seed`` and prints one JSON line every ``--every`` epochs:
MCQ accuracy on the whole retain split (the gold model's target, >= 0.9), on holdout
people with their fact in the prompt (the reading skill UnUnlearning needs), and
milliseconds per optimizer step (evaluation excluded). ``--seed`` changes only the
phase-2 data order, which is how to see the spread of one recipe.

    python benchmarks/bench_recipe.py                       # the default recipe
    python benchmarks/bench_recipe.py --epochs 64 --lr 6e-4 --seed 1
    python benchmarks/bench_recipe.py --base DIR            # phase 2 from another reading base
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import time
from dataclasses import replace
from datetime import date


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=None, help="default: TinyConfig.memorize_epochs")
    parser.add_argument("--lr", type=float, default=None, help="default: TinyConfig.memorize_lr")
    parser.add_argument("--batch", type=int, default=None, help="default: TinyConfig.memorize_batch_size")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--every", type=int, default=10)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--base", default=None,
                        help="reading-base model directory (default: the cached one, built if missing)")
    args = parser.parse_args()
    os.environ.setdefault("OBLIVIATE_PROGRESS", "0")
    import torch
    from transformers import AutoTokenizer, LlamaForCausalLM

    from obliviate.data.world import World
    from obliviate.evals.metrics import mcq_accuracy
    from obliviate.models.load import LanguageModel
    from obliviate.models.tiny import TinyConfig, build_world_models, memorize_pairs, train_memorize

    world = World()
    default = TinyConfig()
    base = args.base or build_world_models(world, "forget10", default).base
    config = replace(default, memorize_epochs=args.epochs or default.memorize_epochs,
                     memorize_lr=args.lr or default.memorize_lr, seed=args.seed,
                     memorize_batch_size=args.batch or default.memorize_batch_size)
    torch.set_num_threads(args.threads)
    tokenizer = AutoTokenizer.from_pretrained(base)
    model = LlamaForCausalLM.from_pretrained(base, use_safetensors=True)
    splits = world.splits("forget10")
    people = world.split_people("forget10")["retain"]
    per_epoch = -(-(len(memorize_pairs(world, people, config)) + config.reading_per_epoch)
                  // config.memorize_batch_size)
    clock = {"train": 0.0, "mark": time.perf_counter()}

    def progress(step: int, total: int, loss: float) -> None:
        epoch_end = step % per_epoch == 0
        if not epoch_end or ((step // per_epoch) % args.every and step != total):
            return   # report every ``--every`` epochs and after the last
        clock["train"] += time.perf_counter() - clock["mark"]
        model.eval()
        lm = LanguageModel(model, tokenizer, path=None)
        print(json.dumps({
            "benchmark": "recipe", "epochs": config.memorize_epochs, "lr": config.memorize_lr,
            "batch": config.memorize_batch_size,
            "seed": args.seed, "epoch": step // per_epoch, "loss": round(loss, 4),
            "retain_mcq": round(mcq_accuracy(lm, splits["retain"]), 3),
            "holdout_in_context_mcq": round(mcq_accuracy(lm, splits["holdout"], with_context=True), 3),
            "ms_per_step": round(1000 * clock["train"] / step, 1), "threads": args.threads,
            "date": date.today().isoformat(), "machine": f"{platform.machine()} {os.cpu_count()} cores",
        }), flush=True)
        model.train()
        clock["mark"] = time.perf_counter()

    train_memorize(model, world, people, tokenizer, config, progress)


if __name__ == "__main__":
    main()
