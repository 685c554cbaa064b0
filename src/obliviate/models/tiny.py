"""Tiny Llama models trained from scratch on the embedded world (original and gold).

The recipe is a curriculum in three phases:

1. *Reading base*: reading comprehension on people outside the world. It never sees
   a world person, so its checkpoint is shared by every model without leaking
   forget data.
2. *Gold*: the base memorizes the QA of the retain people (reading examples mixed in
   to keep the context skill). This is exact unlearning by retraining.
3. *Original*: the forget10 gold model continues on all trained people, the forget
   people's QA repeated; so the original has seen everything, and its forget facts
   were learned last, as with data added in a later fine-tune. Building the
   original on top of gold halves the CPU cost of the demo.
"""

from __future__ import annotations

import json
import math
import random
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Callable

import torch
from transformers import LlamaConfig, LlamaForCausalLM

from obliviate.data.world import World, WorldConfig
from obliviate.training import batches, check_finite, encode_pairs, labelled_loss

Progress = Callable[[int, int, float], None]  # (step, total_steps, loss)

# Changes when the training code (``_run_epochs``) draws different models from the same
# config, so cache keys of what it trains change with it. 2: the output layer on
# labelled positions only. Phase 1 keeps the full-vocabulary loss and version 1.
RECIPE_VERSION = 2


@dataclass(frozen=True)
class TinyConfig:
    """Architecture and training recipe of the tiny models (tuned on this 2-core CPU)."""

    hidden_size: int = 128
    intermediate_size: int = 512
    num_layers: int = 4
    num_heads: int = 4
    vocab_size: int = 2048
    max_length: int = 128
    # Phase 1: reading comprehension on people outside the world (shared by all models).
    reading_examples: int = 2000      # fresh examples per epoch
    reading_epochs: int = 10
    reading_batch_size: int = 32
    reading_lr: float = 2e-3
    # Phase 2: memorize the model's people. Memorizing random facts needs both many
    # updates and many exposures of each fact (whole retain split, seed 0, measured
    # with benchmarks/bench_recipe.py: batch 8 x 64 epochs 0.94; batch 16 x 64 epochs
    # 0.87-0.89; batch 4 x 32 epochs 0.62-0.70; batch 64 x 60 epochs 0.37). lr 8e-4
    # clears 0.9 on three data orders where 2e-3 x 80 epochs did not (docs/benchmarks.md).
    memorize_epochs: int = 64
    memorize_batch_size: int = 8
    memorize_lr: float = 8e-4
    reading_per_epoch: int = 100      # reading examples mixed into each memorization epoch
    # Phase 3 (original only): continue from the forget10 gold model on all trained
    # people, the forget people's QA repeated ``extend_upsample`` times.
    extend_epochs: int = 15
    extend_upsample: int = 3
    biographies: bool = False         # also train on biography paragraphs (slower)
    seed: int = 0

    def llama_config(self, tokenizer) -> LlamaConfig:
        return LlamaConfig(
            vocab_size=len(tokenizer),
            hidden_size=self.hidden_size,
            intermediate_size=self.intermediate_size,
            num_hidden_layers=self.num_layers,
            num_attention_heads=self.num_heads,
            num_key_value_heads=self.num_heads,
            max_position_embeddings=self.max_length,
            tie_word_embeddings=True,
            bos_token_id=tokenizer.bos_token_id,
            eos_token_id=tokenizer.eos_token_id,
            pad_token_id=tokenizer.pad_token_id,
        )

    def to_dict(self) -> dict:
        return asdict(self)

    def key(self, phase: str) -> dict:
        """The fields a phase depends on (so changing phase 3 keeps phases 1-2 cached)."""
        fields = self.to_dict()
        if phase in ("base", "gold"):
            fields = {k: v for k, v in fields.items() if not k.startswith("extend_")}
        if phase == "base":
            fields = {k: v for k, v in fields.items()
                      if not k.startswith("memorize_") and k not in ("reading_per_epoch", "biographies")}
        return fields


def _full_loss(model, batch: dict[str, torch.Tensor]) -> torch.Tensor:
    return model(**batch).loss


def _run_epochs(model, tokenizer, epoch_pairs: Callable[[int], list[tuple[str, str]]], epochs: int,
                batch_size: int, lr: float, max_length: int, seed: int,
                progress: Progress | None, loss_fn=labelled_loss) -> float:
    """AdamW with linear warmup and cosine decay over ``epochs`` epochs; returns last loss."""
    rng = random.Random(seed)
    torch.manual_seed(seed)
    total = math.ceil(len(epoch_pairs(0)) / batch_size) * epochs
    opt = torch.optim.AdamW(model.parameters(), lr=lr, weight_decay=0.0, betas=(0.9, 0.98),
                            fused=True)
    warmup = max(1, total // 20)
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt, lambda s: min(1.0, (s + 1) / warmup) * 0.5 * (1 + math.cos(math.pi * min(1.0, s / total))))
    model.train()
    device = next(model.parameters()).device
    step, loss_value = 0, float("nan")
    for epoch in range(epochs):
        examples = encode_pairs(tokenizer, epoch_pairs(epoch), max_length)
        for batch in batches(examples, batch_size, tokenizer.pad_token_id, rng):
            loss = loss_fn(model, {k: v.to(device) for k, v in batch.items()})
            check_finite(loss, step)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
            sched.step()
            opt.zero_grad(set_to_none=True)
            step += 1
            loss_value = float(loss.detach())
            if progress:
                progress(min(step, total), total, loss_value)
    model.eval()
    return loss_value


def train_reading_base(world: World, tokenizer, config: TinyConfig,
                       progress: Progress | None = None) -> LlamaForCausalLM:
    """Phase 1: a fresh model trained on reading comprehension only (no world person)."""
    torch.manual_seed(config.seed)
    model = LlamaForCausalLM(config.llama_config(tokenizer))
    _run_epochs(model, tokenizer, lambda e: world.reading_texts(1000 + e, config.reading_examples),
                config.reading_epochs, config.reading_batch_size, config.reading_lr,
                config.max_length, config.seed, progress,
                # The same loss computed with the full output layer: phase 1 is unchanged
                # since recipe version 1, so its cached checkpoints stay valid.
                loss_fn=_full_loss)
    return model


def memorize_pairs(world: World, people: list[str], config: TinyConfig,
                   new_people: list[str] | None = None) -> list[tuple[str, str]]:
    """QA (and optionally biographies) to memorize; ``new_people`` are repeated (phase 3)."""
    pairs = world.training_texts(people, biographies=config.biographies)
    if new_people:
        pairs += world.training_texts(new_people, config.biographies) * (config.extend_upsample - 1)
    return pairs


def train_memorize(model: LlamaForCausalLM, world: World, people: list[str], tokenizer,
                   config: TinyConfig, progress: Progress | None = None,
                   new_people: list[str] | None = None) -> LlamaForCausalLM:
    """Phase 2 (or 3 with ``new_people``): memorize ``people``, keeping reading skill."""
    memorize = memorize_pairs(world, people, config, new_people)

    def epoch_pairs(epoch: int) -> list[tuple[str, str]]:
        return memorize + world.reading_texts(epoch + (5000 if new_people else 0), config.reading_per_epoch)

    epochs = config.extend_epochs if new_people else config.memorize_epochs
    _run_epochs(model, tokenizer, epoch_pairs, epochs, config.memorize_batch_size,
                config.memorize_lr, config.max_length, config.seed + (2 if new_people else 1), progress)
    return model


@dataclass
class WorldModels:
    """Paths of the tiny models for one world and forget split."""

    original: Path
    gold: Path | None
    base: Path
    seconds: dict[str, float]
    cached: dict[str, bool]


def _bar_progress(update):
    def progress(step: int, total: int, loss: float) -> None:
        update(completed=step, total=total, info=f"loss {loss:.3f}")
    return progress


def memorize_job(job: dict, report: Callable[[int, int, float], None] | None = None) -> tuple[str, bool]:
    """Build one memorized model into the cache; ``job`` is plain JSON data."""
    from obliviate.models.cache import cached

    torch.set_num_threads(job["threads"])

    def build(tmp: Path) -> None:
        from transformers import AutoTokenizer

        world = World(WorldConfig(**{**job["world_config"],
                                     "attributes": tuple(job["world_config"]["attributes"])}))
        config = TinyConfig(**job["config"])
        tokenizer = AutoTokenizer.from_pretrained(job["base"])
        model = LlamaForCausalLM.from_pretrained(job["base"], use_safetensors=True)
        train_memorize(model, world, job["people"], tokenizer, config, report, job.get("new_people"))
        model.save_pretrained(tmp, safe_serialization=True)
        tokenizer.save_pretrained(tmp)

    path, was_cached = cached(job["kind"], job["key"], build)
    return str(path), was_cached


def training_threads() -> int:
    """Threads for one training process: all cores on an idle machine, one on a busy one.

    The tiny models' ops are so small that an OpenMP thread descheduled by other load
    stalls every op at its barrier: measured 1.4 s per step instead of 20 ms on a
    2-core machine with other jobs running. One thread is immune to that.
    """
    import os

    cores = os.cpu_count() or 1
    try:
        # Oversubscribed: more runnable threads than cores (our own included).
        busy = os.getloadavg()[0] > cores + 0.5
    except OSError:  # pragma: no cover - not on every platform
        busy = False
    return 1 if busy else cores


def _job_steps(job: dict) -> int:
    config = TinyConfig(**job["config"])
    world = World(WorldConfig(**{**job["world_config"], "attributes": tuple(job["world_config"]["attributes"])}))
    n = len(memorize_pairs(world, job["people"], config, job.get("new_people"))) + config.reading_per_epoch
    epochs = config.extend_epochs if job.get("new_people") else config.memorize_epochs
    return math.ceil(n / config.memorize_batch_size) * epochs


def _run_jobs(jobs: list[dict]) -> list[tuple[str, bool, float]]:
    """Run memorization jobs; two at a time in worker processes when there are >= 2 cores.

    Two single-threaded processes train about 1.6x faster than one process with two
    threads on these tiny models, whose steps are dominated by per-op overhead.
    Workers are fresh interpreters (``python -m obliviate.models.worker``), so this
    works from any script without a ``__main__`` guard.
    """
    import os
    import subprocess
    import sys
    import tempfile
    import threading

    from obliviate.progress import progress_bar

    cores = os.cpu_count() or 1
    results: list[tuple[str, bool, float]] = []
    if len(jobs) < 2 or cores < 2:
        for job in jobs:
            start = time.perf_counter()
            with progress_bar(job["label"], _job_steps(job)) as update:
                path, was_cached = memorize_job({**job, "threads": training_threads()}, _bar_progress(update))
            results.append((path, was_cached, time.perf_counter() - start))
        return results

    threads = max(1, cores // len(jobs))
    procs, files = [], []
    starts = []
    with tempfile.TemporaryDirectory() as tmp:
        for k, job in enumerate(jobs):
            job_file = Path(tmp) / f"job{k}.json"
            job_file.write_text(json.dumps({**job, "threads": threads}))
            result_file = Path(tmp) / f"result{k}.json"
            files.append(result_file)
            starts.append(time.perf_counter())
            procs.append(subprocess.Popen(
                [sys.executable, "-m", "obliviate.models.worker", str(job_file), str(result_file)],
                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env={**os.environ}))
        ends = [0.0] * len(jobs)
        stderr_text = [""] * len(jobs)
        with _MultiBar([j["label"] for j in jobs], [_job_steps(j) for j in jobs]) as bars:
            def pump(k: int) -> None:
                for line in procs[k].stdout:
                    parts = line.split()
                    if len(parts) == 4 and parts[0] == "step":
                        bars.update(k, int(parts[1]), int(parts[2]), float(parts[3]))
                stderr_text[k] = procs[k].stderr.read()
                procs[k].wait()
                ends[k] = time.perf_counter()

            pumps = [threading.Thread(target=pump, args=(k,), daemon=True) for k in range(len(jobs))]
            for t in pumps:
                t.start()
            for t in pumps:
                t.join()
        for k, proc in enumerate(procs):
            if proc.returncode != 0:
                tail = "\n".join(stderr_text[k].strip().splitlines()[-15:])
                from obliviate.errors import ObliviateError

                raise ObliviateError(f"training worker for {jobs[k]['label']} failed "
                                     f"(exit {proc.returncode}):\n{tail}")
            path, was_cached = json.loads(files[k].read_text())
            results.append((path, was_cached, ends[k] - starts[k]))
    return results


class _MultiBar:
    """One rich bar per worker process."""

    def __init__(self, labels: list[str], totals: list[int]):
        from obliviate.progress import enabled

        self.enabled = enabled()
        self.labels, self.totals = labels, totals

    def __enter__(self):
        if self.enabled:
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

            from obliviate.progress import console

            self.bar = Progress(TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(),
                                TextColumn("{task.fields[info]}"), TimeElapsedColumn(), console=console)
            self.bar.__enter__()
            self.tasks = [self.bar.add_task(l, total=t, info="") for l, t in zip(self.labels, self.totals)]
        return self

    def update(self, k: int, step: int, total: int, loss: float) -> None:
        if self.enabled:
            self.bar.update(self.tasks[k], completed=step, total=total, info=f"loss {loss:.3f}")

    def __exit__(self, *exc):
        if self.enabled:
            self.bar.__exit__(*exc)


def build_world_models(world: World, forget: str = "forget10", config: TinyConfig | None = None,
                       with_gold: bool = True) -> WorldModels:
    """Train (or reuse from the cache) the reading base, the original and the gold model.

    Cache keys hash the world config, the tiny config and, for gold, the forget split,
    so a second call with the same arguments loads instantly. Original and gold
    train side by side in two processes when two cores are available.
    """
    from obliviate.models.cache import cached
    from obliviate.models.tokenizer import train_tokenizer
    from obliviate.progress import progress_bar

    config = config or TinyConfig()
    world_key = {"world": asdict(world.config), "tiny": config.key("original"), "version": RECIPE_VERSION}
    base_key = {**world_key, "tiny": config.key("base"), "version": 1}
    gold_key = {**world_key, "tiny": config.key("gold")}
    seconds: dict[str, float] = {}
    was_cached: dict[str, bool] = {}

    def build_base(tmp: Path) -> None:
        tokenizer = train_tokenizer(world.all_text(), config.vocab_size)
        steps = math.ceil(config.reading_examples / config.reading_batch_size) * config.reading_epochs
        threads = torch.get_num_threads()
        torch.set_num_threads(training_threads())
        try:
            with progress_bar("reading base (phase 1)", steps) as update:
                model = train_reading_base(world, tokenizer, config, _bar_progress(update))
        finally:
            torch.set_num_threads(threads)
        model.save_pretrained(tmp, safe_serialization=True)
        tokenizer.save_pretrained(tmp)

    start = time.perf_counter()
    base, was_cached["base"] = cached("reading-base", base_key, build_base)
    seconds["base"] = time.perf_counter() - start

    common = {"world_config": asdict(world.config), "config": config.to_dict()}
    # The forget10 gold model is the original's ancestor: phase 3 adds the forget10
    # people to it. Gold never sees forget data, so it stays exact unlearning.
    (gold10_path, was_cached["gold_forget10"], seconds["gold_forget10"]), = _run_jobs([
        {**common, "base": str(base), "kind": "gold",
         "people": world.split_people("forget10")["retain"], "label": "gold model, forget10 (phase 2)",
         "key": {**gold_key, "forget": "forget10"}}])
    jobs = [{**common, "base": gold10_path, "kind": "original", "key": world_key,
             "people": world.trained_people, "new_people": world.forget_people["forget10"],
             "label": "original model (phase 3)"}]
    if with_gold and forget != "forget10":
        jobs.append({**common, "base": str(base), "kind": "gold", "key": {**gold_key, "forget": forget},
                     "people": world.split_people(forget)["retain"], "label": f"gold model, {forget} (phase 2)"})
    results = _run_jobs(jobs)
    original = Path(results[0][0])
    was_cached["original"], seconds["original"] = results[0][1], results[0][2]
    gold = None
    if with_gold:
        if forget == "forget10":
            gold = Path(gold10_path)
            was_cached["gold"], seconds["gold"] = was_cached["gold_forget10"], seconds["gold_forget10"]
        else:
            gold = Path(results[1][0])
            was_cached["gold"], seconds["gold"] = results[1][1], results[1][2]
    return WorldModels(original=original, gold=gold, base=base, seconds=seconds, cached=was_cached)
