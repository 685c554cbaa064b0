"""Seconds per unlearning step and peak memory of every method on a tiny Llama.

Each method runs in its own subprocess so that peak resident memory
(``resource.getrusage(...).ru_maxrss``, and ``torch.cuda.max_memory_allocated`` on a
GPU) belongs to that method alone. Prints one JSON line per method.

    python benchmarks/bench_methods.py                     # CPU, tiny model (~1M params)
    python benchmarks/bench_methods.py --size large --device cuda --dtype bfloat16   # >= 100M params

The model is randomly initialized (throughput does not depend on what it knows);
the forget set is forget10 of the embedded world (60 items), the retain set every
4th retain item (120 items). ``retrain``/``sisa`` run one epoch (their per-step cost
is what matters; a real run takes thousands of steps).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from datetime import date

SIZES = {
    # The embedded world's tiny model (TinyConfig defaults).
    "tiny": dict(hidden_size=128, intermediate_size=512, num_hidden_layers=4, num_attention_heads=4),
    # ~110M parameters with the world's ~2k vocabulary: 12 x (4 x 768^2 + 3 x 768 x 3072).
    "large": dict(hidden_size=768, intermediate_size=3072, num_hidden_layers=12, num_attention_heads=12),
}
METHOD_CONFIG = {"retrain": {"epochs": 1}, "sisa": {"epochs": 1, "shards": 2}}


def build_model(size: str, directory: str) -> None:
    """A random-init Llama of ``size`` with the world's tokenizer, saved to ``directory``."""
    import torch
    from transformers import LlamaConfig, LlamaForCausalLM

    from obliviate.data.world import World
    from obliviate.models.tokenizer import train_tokenizer

    torch.manual_seed(0)
    tok = train_tokenizer(World().all_text(), 2048)
    config = LlamaConfig(vocab_size=len(tok), max_position_embeddings=256, tie_word_embeddings=True,
                         num_key_value_heads=SIZES[size]["num_attention_heads"],
                         bos_token_id=tok.bos_token_id, eos_token_id=tok.eos_token_id,
                         pad_token_id=tok.pad_token_id, **SIZES[size])
    LlamaForCausalLM(config).save_pretrained(directory, safe_serialization=True)
    tok.save_pretrained(directory)


def run_one(method: str, model_dir: str, device: str, dtype: str) -> dict:
    """Unlearn with ``method`` in this process; return its timing and memory."""
    import torch

    from obliviate.api import unlearn
    from obliviate.data.world import World
    from obliviate.methods.registry import get_method
    from obliviate.models.load import load_model

    torch.manual_seed(0)
    splits = World().splits("forget10")
    lm = load_model(model_dir, dtype=getattr(torch, dtype), device=device)
    config = dict(METHOD_CONFIG.get(method, {}))
    if method in ("retrain", "sisa"):
        config["base_model"] = model_dir
    steps = []
    if device.startswith("cuda"):
        torch.cuda.reset_peak_memory_stats()
    start = time.perf_counter()
    from obliviate.methods import trainer

    original = trainer.train_gradient_method

    def counting(method_obj, lm, forget, retain, progress=None, *args, **kwargs):
        totals: list[int] = []   # the progress callback's total is the run's step count

        def counted(step: int, total: int, loss: float) -> None:
            totals[:] = [total]
            if progress:
                progress(step, total, loss)

        out = original(method_obj, lm, forget, retain, counted, *args, **kwargs)
        steps.append(totals[0] if totals else 0)
        return out

    trainer.train_gradient_method = counting
    from obliviate.models import tiny

    run_epochs = tiny._run_epochs

    def counting_epochs(model, tokenizer, epoch_pairs, epochs, batch_size, *args, **kwargs):
        # retrain / sisa use the tiny-model loop: count its optimizer steps too.
        steps.append(-(-len(epoch_pairs(0)) // batch_size) * epochs)
        return run_epochs(model, tokenizer, epoch_pairs, epochs, batch_size, *args, **kwargs)

    tiny._run_epochs = counting_epochs
    result = unlearn(lm, splits["forget"], splits["retain"][::4], method=method, **config)
    seconds = time.perf_counter() - start
    n_steps = sum(steps) or None
    row = {"benchmark": "methods", "method": method, "intention": get_method(method).intention.value,
           "seconds": round(seconds, 3), "steps": n_steps,
           "seconds_per_step": round(seconds / n_steps, 4) if n_steps else None,
           "peak_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
           "parameters": sum(p.numel() for p in lm.model.parameters()),
           "device": device, "dtype": dtype}
    if device.startswith("cuda"):
        row["peak_gpu_mib"] = round(torch.cuda.max_memory_allocated() / 2 ** 20, 1)
        row["gpu"] = torch.cuda.get_device_name()
    del result
    return row


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", choices=sorted(SIZES), default="tiny")
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--dtype", default="float32")
    parser.add_argument("--methods", default="", help="comma-separated (default: all)")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--one", help=argparse.SUPPRESS)
    parser.add_argument("--model-dir", help=argparse.SUPPRESS)
    args = parser.parse_args()
    import torch

    torch.set_num_threads(args.threads)
    os.environ.setdefault("OBLIVIATE_PROGRESS", "0")
    if args.one:
        print(json.dumps(run_one(args.one, args.model_dir, args.device, args.dtype)))
        return
    from obliviate.methods import all_methods

    names = args.methods.split(",") if args.methods else [m.name for m in all_methods()]
    with tempfile.TemporaryDirectory() as tmp:
        model_dir = os.path.join(tmp, "model")
        build_model(args.size, model_dir)
        env = {**os.environ, "OBLIVIATE_HOME": os.path.join(tmp, "home")}
        for name in names:
            out = subprocess.run([sys.executable, __file__, "--one", name, "--model-dir", model_dir,
                                  "--device", args.device, "--dtype", args.dtype,
                                  "--threads", str(args.threads)],
                                 env=env, capture_output=True, text=True)
            if out.returncode != 0:
                print(json.dumps({"benchmark": "methods", "method": name, "error": out.stderr[-500:]}))
                continue
            row = json.loads(out.stdout.strip().splitlines()[-1])
            row.update(size=args.size, date=date.today().isoformat(),
                       machine=f"{platform.machine()} {os.cpu_count()} cores")
            print(json.dumps(row), flush=True)


if __name__ == "__main__":
    main()
