"""Tiny Llama models trained from scratch on the embedded world (original and gold).

The recipe is a curriculum in three phases:

1. *Reading base*: reading comprehension on people outside the world. It never sees
   a world person, so its checkpoint is shared by every model without leaking
   forget data.
2. *Gold*: the base memorizes the QA of the retain people (reading examples mixed in
   to keep the context skill). This is exact unlearning by retraining.
3. *Original*: branches off the forget10 gold run at ``memorize_fork_epoch`` and
   continues on all trained people, the forget people's QA repeated; so the original
   has seen everything, and its forget facts were learned last, as with data added in
   a later fine-tune. Gold resumes its run from the same checkpoint (optimizer state
   included, so its steps are those of one uninterrupted run) while the original
   trains beside it in a second process.
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
from obliviate.training import batches, check_finite, encode_pairs

Progress = Callable[[int, int, float], None]  # (step, total_steps, loss)


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
    # Phase 2: memorize the model's people. Small batches: memorizing random facts
    # needs many updates more than large ones (measured: batch 8 reaches 0.87 MCQ
    # accuracy in 60 epochs where batch 64 stays at 0.37).
    memorize_epochs: int = 80
    memorize_batch_size: int = 8
    memorize_lr: float = 2e-3
    reading_per_epoch: int = 100      # reading examples mixed into each memorization epoch
    # The forget10 gold run is saved at this epoch (with its optimizer state); gold then
    # resumes from there while the original branches off, the two in parallel.
    memorize_fork_epoch: int = 48
    # Phase 3 (original only): continue from the forget10 gold run at
    # ``memorize_fork_epoch`` on all trained people, the forget people's QA repeated
    # ``extend_upsample`` times.
    extend_epochs: int = 25
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


STATE_FILE = "training_state.json"
OPTIMIZER_FILE = "optimizer.safetensors"


def save_training_state(state: dict, directory: Path) -> None:
    """Write the state :func:`_run_epochs` returns (optimizer moments as safetensors)."""
    from safetensors.torch import save_file

    save_file({f"{i}.{name}": t.contiguous() for i, moments in state["optimizer"].items()
               for name, t in moments.items()}, str(Path(directory) / OPTIMIZER_FILE))
    (Path(directory) / STATE_FILE).write_text(json.dumps(
        {"epoch": state["epoch"], "step": state["step"], "rng": state["rng"]}))


def load_training_state(directory: Path) -> dict:
    """Read a state written by :func:`save_training_state` (no pickle)."""
    from safetensors.torch import load_file

    meta = json.loads((Path(directory) / STATE_FILE).read_text())
    optimizer: dict[int, dict[str, torch.Tensor]] = {}
    for key, t in load_file(str(Path(directory) / OPTIMIZER_FILE)).items():
        i, name = key.split(".", 1)
        optimizer.setdefault(int(i), {})[name] = t
    return {**meta, "optimizer": optimizer}


def _rng_state(rng: random.Random) -> list:
    version, internal, gauss = rng.getstate()
    return [version, list(internal), gauss]


def _run_epochs(model, tokenizer, epoch_pairs: Callable[[int], list[tuple[str, str]]], epochs: int,
                batch_size: int, lr: float, max_length: int, seed: int,
                progress: Progress | None, until_epoch: int | None = None,
                resume: dict | None = None) -> tuple[float, dict]:
    """AdamW with linear warmup and cosine decay over ``epochs`` epochs.

    Trains epochs ``[resume["epoch"] or 0, until_epoch or epochs)`` and returns the last
    loss and the state to resume from: a run split into two calls (the second resuming
    the first's state) takes exactly the same steps as one call.
    """
    rng = random.Random(seed)
    torch.manual_seed(seed)
    total = math.ceil(len(epoch_pairs(0)) / batch_size) * epochs
    opt = torch.optim.AdamW(model.parameters(), lr=lr, weight_decay=0.0, betas=(0.9, 0.98),
                            fused=True)
    warmup = max(1, total // 20)

    def lr_at(s: int) -> float:
        return lr * min(1.0, (s + 1) / warmup) * 0.5 * (1 + math.cos(math.pi * min(1.0, s / total)))

    start_epoch, step = 0, 0
    end = until_epoch if until_epoch is not None else epochs
    shown = math.ceil(len(epoch_pairs(0)) / batch_size) * end   # progress total of this call
    if resume:
        start_epoch, step = resume["epoch"], resume["step"]
        rng.setstate((resume["rng"][0], tuple(resume["rng"][1]), resume["rng"][2]))
        opt.load_state_dict({"state": resume["optimizer"], "param_groups": opt.state_dict()["param_groups"]})
    model.train()
    loss_value = float("nan")
    for epoch in range(start_epoch, end):
        examples = encode_pairs(tokenizer, epoch_pairs(epoch), max_length)
        for batch in batches(examples, batch_size, tokenizer.pad_token_id, rng):
            loss = model(**batch).loss
            check_finite(loss, step)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            for group in opt.param_groups:
                group["lr"] = lr_at(step)
            opt.step()
            opt.zero_grad(set_to_none=True)
            step += 1
            loss_value = float(loss.detach())
            if progress:
                progress(min(step, shown), shown, loss_value)
    model.eval()
    state = {"epoch": max(start_epoch, end), "step": step, "rng": _rng_state(rng),
             "optimizer": opt.state_dict()["state"]}
    return loss_value, state


def train_reading_base(world: World, tokenizer, config: TinyConfig,
                       progress: Progress | None = None) -> LlamaForCausalLM:
    """Phase 1: a fresh model trained on reading comprehension only (no world person)."""
    torch.manual_seed(config.seed)
    model = LlamaForCausalLM(config.llama_config(tokenizer))
    _run_epochs(model, tokenizer, lambda e: world.reading_texts(1000 + e, config.reading_examples),
                config.reading_epochs, config.reading_batch_size, config.reading_lr,
                config.max_length, config.seed, progress)
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
                   new_people: list[str] | None = None, until_epoch: int | None = None,
                   resume: dict | None = None) -> dict:
    """Phase 2 (or 3 with ``new_people``): memorize ``people``, keeping reading skill.

    Phase 2 can stop at ``until_epoch`` and continue later from the returned state
    (``resume``); returns the training state.
    """
    memorize = memorize_pairs(world, people, config, new_people)

    def epoch_pairs(epoch: int) -> list[tuple[str, str]]:
        return memorize + world.reading_texts(epoch + (5000 if new_people else 0), config.reading_per_epoch)

    epochs = config.extend_epochs if new_people else config.memorize_epochs
    _, state = _run_epochs(model, tokenizer, epoch_pairs, epochs, config.memorize_batch_size,
                           config.memorize_lr, config.max_length, config.seed + (2 if new_people else 1),
                           progress, until_epoch, resume)
    return state


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
        resume = load_training_state(Path(job["base"])) if job.get("resume") else None
        state = train_memorize(model, world, job["people"], tokenizer, config, report, job.get("new_people"),
                               job.get("until_epoch"), resume)
        model.save_pretrained(tmp, safe_serialization=True)
        tokenizer.save_pretrained(tmp)
        if job.get("until_epoch") is not None:
            save_training_state(state, tmp)

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
    return math.ceil(n / config.memorize_batch_size) * epochs   # resumed jobs start part-way


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

    from obliviate.models.cache import cache_path, is_cached

    done = {k: (str(cache_path(j["kind"], j["key"])), True, 0.0)
            for k, j in enumerate(jobs) if is_cached(j["kind"], j["key"])}
    if done:   # no worker process for a model that is already in the cache
        todo = [j for k, j in enumerate(jobs) if k not in done]
        built = iter(_run_jobs(todo) if todo else [])
        return [done[k] if k in done else next(built) for k in range(len(jobs))]
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
    so a second call with the same arguments loads instantly. After the shared start
    of the forget10 gold run, original and gold train side by side in two processes
    when two cores are available.
    """
    from obliviate.models.cache import cached
    from obliviate.models.tokenizer import train_tokenizer
    from obliviate.progress import progress_bar

    config = config or TinyConfig()
    world_key = {"world": asdict(world.config), "tiny": config.key("original"), "version": 2}
    base_key = {**world_key, "tiny": config.key("base")}
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
    retain10 = world.split_people("forget10")["retain"]
    # The forget10 gold run is the original's ancestor: it stops at the fork epoch, then
    # gold resumes it (same steps as one uninterrupted run) while the original branches
    # off and adds the forget10 people. Two single-thread processes train side by side
    # about twice as fast as one process with two threads (per-op overhead dominates).
    # Gold never sees forget data, so it stays exact unlearning.
    (fork_path, was_cached["gold_fork"], seconds["gold_fork"]), = _run_jobs([
        {**common, "base": str(base), "kind": "gold-fork", "people": retain10,
         "until_epoch": config.memorize_fork_epoch,
         "label": f"gold model, forget10, epochs 1-{config.memorize_fork_epoch} (phase 2)",
         "key": {**gold_key, "forget": "forget10", "until_epoch": config.memorize_fork_epoch}}])
    jobs = {"original": {**common, "base": fork_path, "kind": "original", "key": world_key,
                         "people": world.trained_people, "new_people": world.forget_people["forget10"],
                         "label": "original model (phase 3)"}}
    if with_gold:
        jobs["gold"] = {**common, "base": fork_path, "kind": "gold", "people": retain10, "resume": True,
                        "label": "gold model, forget10 (phase 2, continued)",
                        "key": {**gold_key, "forget": "forget10"}}
        if forget != "forget10":
            jobs["gold"] = {**common, "base": str(base), "kind": "gold", "key": {**gold_key, "forget": forget},
                            "people": world.split_people(forget)["retain"],
                            "label": f"gold model, {forget} (phase 2)"}
    for name, (path, was_cached[name], seconds[name]) in zip(jobs, _run_jobs(list(jobs.values()))):
        jobs[name]["path"] = Path(path)
    original = jobs["original"]["path"]
    gold = jobs["gold"]["path"] if with_gold else None
    return WorldModels(original=original, gold=gold, base=base, seconds=seconds, cached=was_cached)
