"""The training core of every gradient method, built on `accelerate`.

It owns what methods share: batching, devices, LoRA (peft), the loop (``training.train_steps``),
the retain term (NLL or KL to the original, chosen by ``config.retain_loss``), the frozen
reference model a method asks for (``uses_reference``) and checkpoints. A method supplies
only its forget loss (:meth:`GradientMethod.forget_loss`) and its config.

The same code runs on CPU, one GPU, or several processes under ``accelerate launch``
(DDP, FSDP, DeepSpeed ZeRO): batches are sharded by the accelerator and gradients
are synchronized by it.
"""

from __future__ import annotations

import copy
import dataclasses
import hashlib
import itertools
import json
import math
import random
from dataclasses import dataclass, field
from typing import Any, Callable

import torch
from accelerate import Accelerator, DataLoaderConfiguration
from torch.utils.data import DataLoader

from obliviate.data.schema import QAItem
from obliviate.errors import ObliviateError, TrainingDivergedError
from obliviate.models.load import LanguageModel
from obliviate.training import Checkpoint, Encoded, Progress, collate, encode_pairs, qa_pairs, train_steps

_ACCELERATOR: Accelerator | None = None
RETAIN_LOSSES = ("nll", "kl")


def accelerator() -> Accelerator:
    """One process-wide accelerator (accelerate allows a single one per process)."""
    global _ACCELERATOR
    if _ACCELERATOR is None:
        # split_batches: ``batch_size`` is the global batch, split across processes, so
        # N processes take the same steps on the same examples as one process does.
        # (accelerate 1.x ignores the old ``Accelerator(split_batches=...)`` keyword.)
        _ACCELERATOR = Accelerator(dataloader_config=DataLoaderConfiguration(split_batches=True))
    return _ACCELERATOR


@dataclass
class TrainingContext:
    """What the core hands a method's ``prepare`` and losses (nothing is set on the method)."""

    tokenizer: Any
    retain_items: list[QAItem]          # the retain set (empty when the method ignores it)
    reference: torch.nn.Module | None   # frozen copy of the model before any update, if asked for
    forget_batches: list[dict[str, torch.Tensor]] = field(default_factory=list)  # on the model's device


def _loader(examples: list, batch_size: int, pad_id: int, seed: int,
            encode: Callable[[list], list[Encoded]] | None = None) -> DataLoader:
    """Shuffled batches; with ``encode``, ``examples`` are raw items tokenized batch by batch."""
    generator = torch.Generator().manual_seed(seed)
    return DataLoader(examples, batch_size=batch_size, shuffle=True, generator=generator,
                      collate_fn=lambda b: collate(encode(b) if encode else b, pad_id), drop_last=False)


def _cycle(loader: DataLoader):
    while True:
        yield from loader


def frozen_copy(model) -> torch.nn.Module:
    """A frozen copy of ``model`` as it is now: the reference of KL terms and preference losses."""
    reference = copy.deepcopy(model).eval()
    for p in reference.parameters():
        p.requires_grad_(False)
    return reference


def apply_lora(model, config):
    """Wrap ``model`` with a LoRA adapter when ``config.lora_rank`` > 0."""
    if not getattr(config, "lora_rank", 0):
        return model
    from peft import LoraConfig, get_peft_model

    lora = LoraConfig(r=config.lora_rank, lora_alpha=config.lora_alpha,
                      target_modules=list(config.lora_target_modules), lora_dropout=0.0,
                      task_type="CAUSAL_LM")
    return get_peft_model(model, lora)


def checkpoint_for(lm: LanguageModel, forget: list[QAItem], retain: list[QAItem], method: str, config,
                   every_steps: int = 0) -> Checkpoint:
    """The checkpoint directory of an unlearning run, keyed by everything that determines its result.

    The key hashes the model's weights and vocabulary, the forget and retain items, the
    method, its config, the number of processes and obliviate's version, so a checkpoint
    is resumed only by the same run: under ``$OBLIVIATE_HOME/checkpoints/unlearn-KEY``.
    """
    from obliviate.version import __version__
    from obliviate.models.cache import checkpoints_root

    digest = hashlib.sha256()
    for name, tensor in lm.model.state_dict().items():
        digest.update(name.encode())
        digest.update(tensor.detach().cpu().contiguous().view(torch.uint8).numpy().tobytes())
    digest.update(json.dumps(sorted(lm.tokenizer.get_vocab().items())).encode())
    parts = {"method": method, "config": dataclasses.asdict(config),
             "forget": [dataclasses.asdict(i) for i in forget], "retain": [dataclasses.asdict(i) for i in retain],
             "processes": accelerator().num_processes, "prompt_prefix": lm.prompt_prefix,
             "obliviate": __version__}
    digest.update(json.dumps(parts, sort_keys=True, default=str).encode())
    key = digest.hexdigest()[:20]
    return Checkpoint(checkpoints_root() / f"unlearn-{key}", every_steps=every_steps,
                      meta={"method": method, "key": key})


def train_gradient_method(method, lm: LanguageModel, forget: list[QAItem], retain: list[QAItem],
                          progress: Progress | None = None, checkpoint: Checkpoint | None = None
                          ) -> LanguageModel:
    """Train ``method.forget_loss`` (+ ``retain_weight`` x the retain term) for ``config.epochs``.

    ``lm.model`` is trained in place: callers pass a copy, never the original. Each step
    draws one forget batch and, when the method uses it, one retain batch. With
    ``checkpoint``, the state is saved as it says and a saved state of the same run is
    resumed (the batches already drawn are drawn again, so the run continues on the
    same examples); it is removed when the run finishes, and when the loss diverges
    (:class:`TrainingDivergedError`, raised before anything is written: the exact resume
    would diverge at the same step again).
    """
    cfg = method.config
    if method.uses_retain and cfg.retain_loss not in method.retain_losses:
        raise ObliviateError(f"{method.info.name}: retain_loss must be one of {list(method.retain_losses)}, "
                             f"got {cfg.retain_loss!r}")
    if getattr(cfg, "lora_rank", 0) and not cfg.lora_merge and not lm.path:
        raise ObliviateError("lora_merge=false saves only the adapter, which must point at its base "
                             "model: pass the model as a directory path, or use lora_merge=true")
    acc = accelerator()
    if acc.num_processes > 1:
        checkpoint = None   # each process would write the same directory; resume is single-process
    random.seed(cfg.seed)
    torch.manual_seed(cfg.seed)
    tok = lm.tokenizer
    pad = tok.pad_token_id
    retain = retain if method.uses_retain else []
    forget_examples = encode_pairs(tok, method.forget_pairs(forget))
    forget_loader = _loader(forget_examples, cfg.batch_size, pad, cfg.seed)
    retain_loader = None
    if retain:
        # Tokenized per batch: a run draws ``steps`` retain batches, so its cost does not
        # grow with the size of the retain set (which can be the whole training set).
        retain_loader = _loader(retain, cfg.batch_size, pad, cfg.seed + 1,
                                encode=lambda items: encode_pairs(tok, qa_pairs(items)))

    model = apply_lora(lm.model, cfg)
    model.train()
    if not getattr(model, "hf_device_map", None):
        # Where accelerate will train it, before the reference copy is made.
        model = model.to(acc.device)
    # prepare() runs before accelerate moves batches: hand it batches on the model's device.
    device = next(model.parameters()).device
    steps = max(1, cfg.epochs * math.ceil(len(forget_examples) / cfg.batch_size))
    wants_reference = method.uses_reference or (bool(retain) and cfg.retain_loss == "kl")
    ctx = TrainingContext(tokenizer=tok, retain_items=retain,
                          reference=frozen_copy(model) if wants_reference else None,
                          forget_batches=[{k: v.to(device) for k, v in b.items()}
                                          for b in _loader(forget_examples, cfg.batch_size, pad, cfg.seed)])
    method.prepare(model, ctx)
    trainable = [p for p in model.parameters() if p.requires_grad]
    optimizer = torch.optim.AdamW(trainable, lr=cfg.lr, weight_decay=0.0)
    model, optimizer, forget_loader = acc.prepare(model, optimizer, forget_loader)
    if retain_loader is not None:
        retain_loader = acc.prepare(retain_loader)
    forget_iter = _cycle(forget_loader)
    retain_iter = _cycle(retain_loader) if retain_loader is not None else itertools.repeat(None)

    start = 0
    saved = checkpoint.load() if checkpoint is not None else None
    if saved is not None and saved.get("meta") == checkpoint.meta and 0 < saved["step"] < steps:
        for _ in range(saved["step"]):   # the same batches as the interrupted run drew
            next(forget_iter), next(retain_iter)
        start = checkpoint.restore(saved, model, optimizer)

    def loss_fn(batches) -> torch.Tensor:
        forget_batch, retain_batch = batches
        loss = method.forget_loss(model, forget_batch, ctx)
        if retain_batch is not None:
            loss = loss + cfg.retain_weight * method.retain_loss(model, retain_batch, ctx)
        return loss

    try:
        train_steps(model, optimizer, lambda: (next(forget_iter), next(retain_iter)), loss_fn, steps,
                    max_grad_norm=cfg.max_grad_norm, accelerator=acc, progress=progress,
                    checkpoint=checkpoint, start=start)
    except TrainingDivergedError:
        if checkpoint is not None:
            checkpoint.clear()
        raise
    model = acc.unwrap_model(model)
    wrapper = {}
    if getattr(cfg, "lora_rank", 0):
        if cfg.lora_merge:
            model = model.merge_and_unload()
        else:
            wrapper = lora_adapter_wrapper(method, lm)
    model.eval()
    if checkpoint is not None:
        checkpoint.clear()
    return LanguageModel(model, tok, path=None, wrapper=wrapper)


def lora_adapter_wrapper(method, lm: LanguageModel) -> dict:
    """Wrapper record of an unmerged LoRA adapter: saved alone, loaded on top of its base."""
    from obliviate.models.artifact import make_wrapper

    return make_wrapper("lora_adapter", method.info.name, method.config, {}, base_model=str(lm.path))


def run_checkpoint(method_cls: type, lm: LanguageModel, forget: list[QAItem], retain: list[QAItem], config,
                   method: str, every_steps: int = 0, resume: bool | None = None) -> Checkpoint | None:
    """The checkpoint :func:`obliviate.api.unlearn` hands a method, or None for quick methods.

    ``resume``: None resumes a checkpoint of the same run when there is one; True requires
    one (an error otherwise); False discards it and starts over. The checkpoints of other
    runs not saved to for ``$OBLIVIATE_CHECKPOINT_DAYS`` days (default 7) are removed
    first, with a warning (:func:`obliviate.models.cache.prune_checkpoints`).
    """
    if not method_cls.checkpoints:
        if resume:
            raise ObliviateError(f"{method} runs in one quick pass and keeps no checkpoint: nothing to resume")
        return None
    from obliviate.models.cache import CHECKPOINT_DAYS_ENV, checkpoint_max_age_days, prune_checkpoints

    days = checkpoint_max_age_days()
    checkpoint = checkpoint_for(lm, forget, retain, method, config, every_steps)
    removed = prune_checkpoints(days, keep=checkpoint.directory)
    if removed:
        import warnings

        size = sum(c["bytes"] for c in removed) / 1e6
        warnings.warn(f"removed {len(removed)} checkpoint(s) of stopped runs not resumed for {days:g} days "
                      f"({size:.0f} MB) from {checkpoint.directory.parent}; {CHECKPOINT_DAYS_ENV} sets the period",
                      stacklevel=2)
    if resume is False:
        checkpoint.clear()
    elif resume and checkpoint.load() is None:
        raise ObliviateError(f"no checkpoint of this run to resume (same model, data, method and options) "
                             f"under {checkpoint.directory.parent}; run without --resume to start it")
    return checkpoint
