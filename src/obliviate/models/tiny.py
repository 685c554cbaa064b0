"""Tiny Llama models trained from scratch on the embedded world (original and gold).

The recipe is a curriculum in three phases, run one after the other in this process:

1. *Reading base*: reading comprehension on people outside the world. It never sees
   a world person, so its checkpoint is shared by every model without leaking
   forget data.
2. *Gold*: the base memorizes the QA of the retain people (reading examples mixed in
   to keep the context skill). This is exact unlearning by retraining.
3. *Original*: the forget10 gold run's checkpoint after ``extend_from_epoch`` epochs
   (cached as ``gold-fork``) continues on all trained people, the forget people's QA
   repeated; so the original has seen everything, and its forget facts were learned
   last, as with data added in a later fine-tune. Sharing gold's run saves the
   original 52 epochs of training. Gold never sees forget data, so it stays exact
   unlearning.

Each model is cached (:mod:`obliviate.models.cache`) under a hash of the world config,
the recipe fields its phase depends on and :data:`RECIPE_VERSION`.
"""

from __future__ import annotations

import math
import random
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Callable

import torch
from transformers import AutoTokenizer, LlamaConfig, LlamaForCausalLM

from obliviate.data.world import World
from obliviate.models.cache import cache_path, cached, is_cached
from obliviate.models.tokenizer import train_tokenizer
from obliviate.progress import progress_bar
from obliviate.training import Progress, batches, encode_pairs, labelled_loss, train_steps

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
    # repeated ``extend_upsample`` times (docs/benchmarks.md, "Memorization recipe").
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

    ``epoch_pairs(e)`` are epoch ``e``'s (prompt, completion) pairs, the same number
    each epoch. ``on_epoch(done)`` runs after each epoch; ``stop_after`` ends the run
    after that many epochs of the same schedule (a checkpoint of an unfinished run).
    """
    rng = random.Random(seed)
    torch.manual_seed(seed)
    per_epoch = math.ceil(len(epoch_pairs(0)) / batch_size)
    total = per_epoch * epochs
    opt = torch.optim.AdamW(model.parameters(), lr=lr, weight_decay=0.0, betas=(0.9, 0.98),
                            fused=True)
    warmup = max(1, total // 20)
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt, lambda s: min(1.0, (s + 1) / warmup) * 0.5 * (1 + math.cos(math.pi * min(1.0, s / total))))
    model.train()
    device = next(model.parameters()).device
    report = (lambda step, _, loss: progress(step, total, loss)) if progress else None
    loss = float("nan")
    for epoch in range(epochs if stop_after is None else min(epochs, stop_after)):
        epoch_batches = batches(encode_pairs(tokenizer, epoch_pairs(epoch), max_length), batch_size,
                                tokenizer.pad_token_id, rng)
        loss = train_steps(model, opt, lambda: {k: v.to(device) for k, v in next(epoch_batches).items()},
                           lambda batch: labelled_loss(model, batch), (epoch + 1) * per_epoch,
                           scheduler=sched, progress=report, start=epoch * per_epoch)
        if on_epoch:
            on_epoch(epoch + 1)
    model.eval()
    return loss


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


def _bar_progress(update) -> Progress:
    def progress(step: int, total: int, loss: float) -> None:
        update(completed=step, total=total, info=f"loss {loss:.3f}")
    return progress


def _save(model, tokenizer, path: Path) -> None:
    model.save_pretrained(path, safe_serialization=True)
    tokenizer.save_pretrained(path)


def build_world_models(world: World, forget: str = "forget10", config: TinyConfig | None = None,
                       with_gold: bool = True) -> WorldModels:
    """Train (or reuse from the cache) the reading base, the original and the gold model.

    Cache keys hash the world config, the tiny config and, for gold, the forget split,
    so a second call with the same arguments loads instantly. Building the original
    needs the forget10 gold run's checkpoint: when it is not cached, the forget10 gold
    model is trained too (or, when gold is cached, its first ``extend_from_epoch``
    epochs again). The caller's RNG state is left as found.
    """
    config = config or TinyConfig()
    world_key = {"world": asdict(world.config), "tiny": config.key("original"), "version": RECIPE_VERSION}
    base_key = {**world_key, "tiny": config.key("base")}
    gold10_key = {**world_key, "tiny": config.key("gold"), "forget": "forget10"}
    fork_key = {**gold10_key, "fork_epoch": config.extend_from_epoch}
    seconds: dict[str, float] = {}
    was_cached: dict[str, bool] = {}

    def phase(name: str, kind: str, key: dict, label: str, train: Callable[[Path, Progress], None]) -> Path:
        """One model into the cache (or found there), timed under ``name``, with a progress bar."""
        def build(tmp: Path) -> None:
            with progress_bar(label, 0) as update, torch.random.fork_rng():
                train(tmp, _bar_progress(update))

        start = time.perf_counter()
        path, was_cached[name] = cached(kind, key, build)
        seconds[name] = seconds.get(name, 0.0) + time.perf_counter() - start
        return path

    def read(tmp: Path, progress: Progress) -> None:
        tokenizer = train_tokenizer(world.all_text(), config.vocab_size)
        _save(train_reading_base(world, tokenizer, config, progress), tokenizer, tmp)

    def memorize(start: Path, people: list[str], new_people: list[str] | None = None, fork: bool = False,
                 stop_after: int | None = None) -> Callable[[Path, Progress], None]:
        """Phase 2 (or 3 with ``new_people``) from the model in ``start``; ``fork``: cache
        the checkpoint after ``extend_from_epoch`` epochs (phase 3 starts from it)."""
        def train(tmp: Path, progress: Progress) -> None:
            tokenizer = AutoTokenizer.from_pretrained(start)
            model = LlamaForCausalLM.from_pretrained(start, use_safetensors=True)

            def on_epoch(done: int) -> None:
                if fork and done == config.extend_from_epoch:
                    cached("gold-fork", fork_key, lambda d: _save(model, tokenizer, d))

            train_memorize(model, world, people, tokenizer, config, progress, new_people, on_epoch, stop_after)
            _save(model, tokenizer, tmp)
        return train

    # Phase 1: the reading base.
    base = phase("base", "reading-base", base_key, "reading base (phase 1)", read)

    # Phase 2 on forget10's retain people, for the gold model and the original's checkpoint.
    retain10 = world.split_people("forget10")["retain"]
    want_gold10 = with_gold and forget == "forget10"
    fork = cache_path("gold-fork", fork_key)
    need_fork = not is_cached(cache_path("original", world_key)) and not is_cached(fork)
    if need_fork and is_cached(cache_path("gold", gold10_key)):
        # Gold is cached but not its checkpoint: gold's first epochs again, for the checkpoint.
        phase("original", "gold-fork", fork_key, "gold checkpoint (phase 2)",
              memorize(base, retain10, stop_after=config.extend_from_epoch))
    if want_gold10 or not is_cached(fork) and need_fork:
        phase("gold" if want_gold10 else "gold_forget10", "gold", gold10_key, "gold model, forget10 (phase 2)",
              memorize(base, retain10, fork=True))

    # Phase 3: the original, from gold's checkpoint.
    original = phase("original", "original", world_key, "original model (phase 3)",
                     memorize(fork, world.trained_people, world.forget_people["forget10"]))

    # Phase 2 on another split's retain people.
    gold = cache_path("gold", gold10_key) if with_gold else None
    if with_gold and forget != "forget10":
        gold = phase("gold", "gold", {**gold10_key, "forget": forget}, f"gold model, {forget} (phase 2)",
                     memorize(base, world.split_people(forget)["retain"]))
    return WorldModels(original=original, gold=gold, base=base, seconds=seconds, cached=was_cached)
