"""Tiny Llama models trained from scratch on the embedded world (original and gold).

The recipe is a curriculum in three phases:

1. *Reading base*: reading comprehension on people outside the world. It never sees
   a world person, so its checkpoint is shared by every model without leaking
   forget data.
2. *Gold*: the base memorizes the QA of the retain people (reading examples mixed in
   to keep the context skill). This is exact unlearning by retraining.
3. *Original*: the forget10 gold run's checkpoint after ``extend_from_epoch`` epochs
   continues on all trained people, the forget people's QA repeated; so the original
   has seen everything, and its forget facts were learned last, as with data added
   in a later fine-tune. It trains in a second single-thread process beside gold's
   last epochs: sharing gold's run halves the CPU cost of the demo, and the two
   processes use both cores, where one process gains little from a second thread.
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
# labelled positions only (phases 2-3). 3: the same in phase 1; phase 3 starts from
# gold's checkpoint after ``extend_from_epoch`` epochs instead of the finished gold.
RECIPE_VERSION = 3


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
    # Phase 3 (original only): continue from the forget10 gold run's checkpoint after
    # ``extend_from_epoch`` of its epochs on all trained people, the forget people's QA
    # repeated ``extend_upsample`` times. It trains beside gold's last epochs, each in a
    # single-thread process (docs/benchmarks.md, "Memorization recipe").
    extend_from_epoch: int = 52
    extend_epochs: int = 12
    extend_upsample: int = 3
    extend_lr: float = 3e-4
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


def _run_epochs(model, tokenizer, epoch_pairs: Callable[[int], list[tuple[str, str]]], epochs: int,
                batch_size: int, lr: float, max_length: int, seed: int,
                progress: Progress | None, on_epoch: Callable[[int], None] | None = None,
                stop_after: int | None = None) -> float:
    """AdamW with linear warmup and cosine decay over ``epochs`` epochs; returns last loss.

    ``on_epoch(done)`` runs after each epoch; ``stop_after`` ends the run after that
    many epochs of the same schedule (a checkpoint of an unfinished run).
    """
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
    for epoch in range(epochs if stop_after is None else min(epochs, stop_after)):
        examples = encode_pairs(tokenizer, epoch_pairs(epoch), max_length)
        for batch in batches(examples, batch_size, tokenizer.pad_token_id, rng):
            loss = labelled_loss(model, {k: v.to(device) for k, v in batch.items()})
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
        if on_epoch:
            on_epoch(epoch + 1)
    model.eval()
    return loss_value


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
                   new_people: list[str] | None = None, on_epoch: Callable[[int], None] | None = None,
                   stop_after: int | None = None) -> LlamaForCausalLM:
    """Phase 2 (or 3 with ``new_people``): memorize ``people``, keeping reading skill."""
    memorize = memorize_pairs(world, people, config, new_people)

    def epoch_pairs(epoch: int) -> list[tuple[str, str]]:
        return memorize + world.reading_texts(epoch + (5000 if new_people else 0), config.reading_per_epoch)

    epochs = config.extend_epochs if new_people else config.memorize_epochs
    lr = config.extend_lr if new_people else config.memorize_lr
    _run_epochs(model, tokenizer, epoch_pairs, epochs, config.memorize_batch_size,
                lr, config.max_length, config.seed + (2 if new_people else 1), progress, on_epoch, stop_after)
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


def _save(model, tokenizer, path: Path) -> None:
    model.save_pretrained(path, safe_serialization=True)
    tokenizer.save_pretrained(path)


def _job_world(job: dict) -> World:
    """The world a job (plain JSON data) was made for."""
    return World(WorldConfig(**{**job["world_config"], "attributes": tuple(job["world_config"]["attributes"])}))


def _with_threads(job: dict, threads: int, after_fork: int) -> dict:
    """``job`` to train with ``threads``, and ``after_fork`` once its fork checkpoint is written."""
    return {**job, "threads": threads, **({"fork": {**job["fork"], "threads": after_fork}} if job.get("fork") else {})}


def memorize_job(job: dict, report: Callable[[int, int, float], None] | None = None,
                 on_fork: Callable[[str], None] | None = None) -> tuple[str, bool]:
    """Build one memorized model into the cache; ``job`` is plain JSON data.

    A job with ``fork`` (``{"epoch": E, "key": ..., "threads": T}``) also caches its
    checkpoint after E epochs (kind ``gold-fork``, phase 3's starting point), passes its
    path to ``on_fork`` and goes on with T threads. When the finished model is cached
    but that checkpoint is not, only the first E epochs are trained again. The thread
    count is left as found.
    """
    from obliviate.models.cache import cache_path, cached, is_cached

    saved = torch.get_num_threads()
    torch.set_num_threads(job["threads"])
    try:
        world = _job_world(job)
        config = TinyConfig(**job["config"])
        fork = job.get("fork")

        def train(tmp: Path, stop_after: int | None = None, fork_at: dict | None = None) -> None:
            from transformers import AutoTokenizer

            tokenizer = AutoTokenizer.from_pretrained(job["base"])
            model = LlamaForCausalLM.from_pretrained(job["base"], use_safetensors=True)

            def on_epoch(done: int) -> None:
                if fork_at and done == fork_at["epoch"]:
                    path, _ = cached("gold-fork", fork_at["key"], lambda d: _save(model, tokenizer, d))
                    torch.set_num_threads(fork_at["threads"])
                    if on_fork:
                        on_fork(str(path))

            train_memorize(model, world, job["people"], tokenizer, config, report, job.get("new_people"),
                           on_epoch, stop_after)
            _save(model, tokenizer, tmp)

        if fork:
            fork_path = cache_path("gold-fork", fork["key"])
            if not is_cached(fork_path) and is_cached(cache_path(job["kind"], job["key"])):
                fork_path, _ = cached("gold-fork", fork["key"], lambda tmp: train(tmp, stop_after=fork["epoch"]))
            if is_cached(fork_path):
                if on_fork:
                    on_fork(str(fork_path))
                fork = None
        path, was_cached = cached(job["kind"], job["key"], lambda tmp: train(tmp, fork_at=fork))
        return str(path), was_cached
    finally:
        torch.set_num_threads(saved)   # the caller's count, whatever the job used


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
    world = _job_world(job)
    n = len(memorize_pairs(world, job["people"], config, job.get("new_people"))) + config.reading_per_epoch
    epochs = config.extend_epochs if job.get("new_people") else config.memorize_epochs
    return math.ceil(n / config.memorize_batch_size) * epochs


def _run_jobs(jobs: list[dict], on_local: Callable[[int, str], None] | None = None,
              ) -> list[tuple[str, bool, float]]:
    """Run memorization jobs, side by side when there are >= 2 cores.

    The first job that forks off no other trains in this process, which has torch and
    transformers imported already (a fresh interpreter spends ~6 s on them); the others
    train in worker processes (``python -m obliviate.models.worker``), so this works from
    any script without a ``__main__`` guard. A job with ``fork_of: k`` starts from the
    checkpoint that job k (which has a ``fork``) writes part way through its run, as soon
    as it is written; its worker is started with job k, imports done before it is
    needed. Job k then goes on with its share of the cores: on the tiny models two
    single-thread processes train about 1.6x faster than one process with two threads,
    whose steps are dominated by small ops. A worker prestarted with
    :func:`obliviate.models.worker.prestart` is taken first. ``on_local(k, path)`` is
    called as soon as this process has trained job k (not for a job found cached),
    while the workers may still train (with this process's share of the cores).
    Returns ``(path, was_cached, seconds)`` per job.
    """
    import os
    import tempfile
    import threading

    from obliviate.errors import ObliviateError
    from obliviate.models import worker
    from obliviate.models.cache import cache_path, is_cached
    from obliviate.progress import progress_bar

    cores = os.cpu_count() or 1
    results: list[tuple[str, bool, float]] = []
    if len(jobs) < 2 or cores < 2:
        forks: dict[int, str] = {}
        for k, job in enumerate(jobs):
            threads = training_threads()
            job = _with_threads({**job, **({"base": forks[job["fork_of"]]} if "fork_of" in job else {})},
                                threads, threads)
            start = time.perf_counter()
            on_fork = lambda p, k=k: forks.__setitem__(k, p)  # noqa: E731
            if is_cached(cache_path(job["kind"], job["key"])) and not job.get("fork"):
                path, was_cached = memorize_job(job, on_fork=on_fork)   # nothing to train: no bar
            else:
                with progress_bar(job["label"], _job_steps(job)) as update:
                    path, was_cached = _local_job(job, _bar_progress(update), on_fork)
            results.append((path, was_cached, time.perf_counter() - start))
            if on_local and not was_cached:
                on_local(k, path)
        return results

    shared = max(1, cores // len(jobs))            # threads each once all jobs run
    first = max(1, cores // sum("fork_of" not in j for j in jobs))
    local = next(k for k, j in enumerate(jobs) if "fork_of" not in j)
    procs: list = [None] * len(jobs)
    starts, ends = [0.0] * len(jobs), [0.0] * len(jobs)
    stderr_text = [""] * len(jobs)
    with tempfile.TemporaryDirectory() as tmp, \
            _MultiBar([j["label"] for j in jobs], [_job_steps(j) for j in jobs]) as bars:
        def launch(k: int, job: dict) -> None:
            job_file, result_file = Path(tmp) / f"job{k}.json", Path(tmp) / f"result{k}.json"
            job_file.write_text(json.dumps(job))
            starts[k] = time.perf_counter()
            procs[k] = worker.take()
            try:
                procs[k].stdin.write(json.dumps({"job_file": str(job_file), "result_file": str(result_file)}) + "\n")
                procs[k].stdin.flush()
                # A job that forks off another waits, imports done, for its checkpoint's
                # path on stdin; EOF there means no checkpoint came.
                if job["base"] is not None:
                    procs[k].stdin.close()
            except OSError:   # it died early; its exit status tells why
                pass

        def feed(k: int, line: str) -> None:
            for d, job in enumerate(jobs):
                if job.get("fork_of") == k and not procs[d].stdin.closed:
                    starts[d] = time.perf_counter()
                    try:
                        procs[d].stdin.write(line)
                        procs[d].stdin.close()
                    except OSError:   # it died early; its exit status tells why
                        pass

        def pump(k: int) -> None:
            # stderr is read in its own thread, so a worker that writes much to it never
            # blocks on a full pipe while this one waits on stdout.
            err = threading.Thread(target=lambda: stderr_text.__setitem__(k, procs[k].stderr.read()), daemon=True)
            err.start()
            for line in procs[k].stdout:
                parts = line.split()
                if len(parts) == 4 and parts[0] == "step":
                    bars.update(k, int(parts[1]), int(parts[2]), float(parts[3]))
                elif line.startswith("fork "):
                    feed(k, line[5:])
            feed(k, "")
            err.join()
            procs[k].wait()
            ends[k] = time.perf_counter()
            bars.finish(k)

        for k, job in enumerate(jobs):
            if "fork_of" in job:
                launch(k, {**job, "base": None, "threads": shared})
            elif k != local:
                launch(k, _with_threads(job, first, shared))
        workers = [k for k in range(len(jobs)) if k != local]
        pumps = [threading.Thread(target=pump, args=(k,), daemon=True) for k in workers]
        for thread in pumps:
            thread.start()
        saved = torch.get_num_threads()
        try:
            starts[local] = time.perf_counter()
            local_result = _local_job(_with_threads(jobs[local], first, shared),
                                      lambda step, total, loss: bars.update(local, step, total, loss),
                                      lambda path: feed(local, path + "\n"))
            ends[local] = time.perf_counter()
            bars.finish(local)
            if on_local and not local_result[1]:
                # The workers' share of the cores is still theirs while they train.
                busy = any(procs[k].poll() is None for k in workers)
                torch.set_num_threads(shared if busy else saved)
                on_local(local, local_result[0])
        except BaseException:
            for k in workers:
                if procs[k].poll() is None:
                    procs[k].terminate()
            raise
        finally:
            torch.set_num_threads(saved)
            feed(local, "")        # EOF: a dependent waiting for a checkpoint that never came exits
            for thread in pumps:
                thread.join()
        for k in workers:
            if procs[k].returncode != 0:
                tail = "\n".join(stderr_text[k].strip().splitlines()[-15:])
                raise ObliviateError(f"training worker for {jobs[k]['label']} failed "
                                     f"(exit {procs[k].returncode}):\n{tail}")
        for k in range(len(jobs)):
            path, was_cached = local_result if k == local else json.loads((Path(tmp) / f"result{k}.json").read_text())
            results.append((path, was_cached, ends[k] - starts[k]))
    return results


def _local_job(job: dict, report: Progress, on_fork: Callable[[str], None]) -> tuple[str, bool]:
    """:func:`memorize_job` in this process, with the RNG state left as found
    (``memorize_job`` leaves the thread count so). A failure names the job, as a
    worker's does.
    """
    from obliviate.errors import ObliviateError

    try:
        with torch.random.fork_rng():
            return memorize_job(job, report, on_fork=on_fork)
    except ObliviateError as err:
        raise type(err)(f"training the {job['label']} failed: {err}") from err
    except (OSError, ValueError, RuntimeError) as err:
        raise ObliviateError(f"training the {job['label']} failed: {err}") from err


class _MultiBar:
    """One rich bar per training job."""

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

    def finish(self, k: int) -> None:
        if self.enabled:
            self.bar.update(self.tasks[k], completed=self.totals[k])

    def __exit__(self, *exc):
        if self.enabled:
            self.bar.__exit__(*exc)


def build_world_models(world: World, forget: str = "forget10", config: TinyConfig | None = None,
                       with_gold: bool = True, on_gold: Callable[[Path], None] | None = None) -> WorldModels:
    """Train (or reuse from the cache) the reading base, the original and the gold model.

    Cache keys hash the world config, the tiny config and, for gold, the forget split,
    so a second call with the same arguments loads instantly. The original's phase 3
    trains beside gold's last epochs when two cores are available. ``on_gold(path)``
    runs in this process as soon as it has trained gold (not when gold was cached): while
    the original is still training, on the core gold's run has freed (the demo scores
    gold's audit baseline there).
    """
    from obliviate.models.cache import cache_path, cached, is_cached
    from obliviate.models.tokenizer import train_tokenizer
    from obliviate.progress import progress_bar

    config = config or TinyConfig()
    world_key = {"world": asdict(world.config), "tiny": config.key("original"), "version": RECIPE_VERSION}
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
            with progress_bar("reading base (phase 1)", steps) as update, torch.random.fork_rng():
                model = train_reading_base(world, tokenizer, config, _bar_progress(update))
        finally:
            torch.set_num_threads(threads)
        _save(model, tokenizer, tmp)

    start = time.perf_counter()
    base, was_cached["base"] = cached("reading-base", base_key, build_base)
    seconds["base"] = time.perf_counter() - start

    common = {"world_config": asdict(world.config), "config": config.to_dict(), "base": str(base)}
    gold10_key = {**gold_key, "forget": "forget10"}
    gold10 = {**common, "kind": "gold", "key": gold10_key, "people": world.split_people("forget10")["retain"],
              "label": "gold model, forget10 (phase 2)"}
    # The original's phase 3 starts from the forget10 gold run's checkpoint after
    # ``extend_from_epoch`` epochs, and trains beside that run's last epochs. Gold never
    # sees forget data, so it stays exact unlearning.
    original_path = cache_path("original", world_key)
    names, jobs = [], []
    if not is_cached(original_path):
        fork = {"epoch": config.extend_from_epoch, "key": {**gold10_key, "fork_epoch": config.extend_from_epoch}}
        names, jobs = ["gold_forget10", "original"], [
            {**gold10, "fork": fork},
            {**common, "kind": "original", "key": world_key, "people": world.trained_people,
             "new_people": world.forget_people["forget10"], "label": "original model (phase 3)", "fork_of": 0}]
    elif with_gold and forget == "forget10":
        names, jobs = ["gold_forget10"], [gold10]
    target = "gold_forget10" if forget == "forget10" else "gold"

    def gold_built(job_names: list[str]) -> Callable[[int, str], None]:
        def built(k: int, path: str) -> None:
            if on_gold and with_gold and job_names[k] == target:
                on_gold(Path(path))
        return built

    runs = dict(zip(names, _run_jobs(jobs, gold_built(names))))
    runs.setdefault("original", (str(original_path), True, 0.0))
    if with_gold and forget != "forget10":
        runs["gold"], = _run_jobs([{**common, "kind": "gold", "key": {**gold_key, "forget": forget},
                                    "people": world.split_people(forget)["retain"],
                                    "label": f"gold model, {forget} (phase 2)"}], gold_built(["gold"]))
    elif with_gold:
        runs["gold"] = runs.pop("gold_forget10")
    from obliviate.models import worker

    worker.release()   # a prestarted worker no job needed
    for name, (_, was, secs) in runs.items():
        was_cached[name], seconds[name] = was, secs
    original = Path(runs["original"][0])
    gold = Path(runs["gold"][0]) if with_gold else None
    return WorldModels(original=original, gold=gold, base=base, seconds=seconds, cached=was_cached)
