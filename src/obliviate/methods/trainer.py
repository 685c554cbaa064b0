"""The one training loop every gradient method shares, built on `accelerate`.

The same code runs on CPU, one GPU, or several processes under ``accelerate launch``
(DDP, FSDP, DeepSpeed ZeRO): batches are sharded by the accelerator and gradients
are synchronized by it. LoRA adapters (peft) are optional.
"""

from __future__ import annotations

import itertools
import math
import random
from typing import Callable

import torch
from accelerate import Accelerator, DataLoaderConfiguration
from torch.utils.data import DataLoader

from obliviate.data.schema import QAItem
from obliviate.data.world import qa_prompt
from obliviate.errors import EmptySplitError
from obliviate.models.load import LanguageModel
from obliviate.training import Encoded, check_finite, collate, encode_pairs

_ACCELERATOR: Accelerator | None = None


def accelerator() -> Accelerator:
    """One process-wide accelerator (accelerate allows a single one per process)."""
    global _ACCELERATOR
    if _ACCELERATOR is None:
        # split_batches: ``batch_size`` is the global batch, split across processes, so
        # N processes take the same steps on the same examples as one process does.
        # (accelerate 1.x ignores the old ``Accelerator(split_batches=...)`` keyword.)
        _ACCELERATOR = Accelerator(dataloader_config=DataLoaderConfiguration(split_batches=True))
    return _ACCELERATOR


def _loader(examples: list, batch_size: int, pad_id: int, seed: int,
            encode: Callable[[list], list[Encoded]] | None = None) -> DataLoader:
    """Shuffled batches; with ``encode``, ``examples`` are raw items tokenized batch by batch."""
    generator = torch.Generator().manual_seed(seed)
    return DataLoader(examples, batch_size=batch_size, shuffle=True, generator=generator,
                      collate_fn=lambda b: collate(encode(b) if encode else b, pad_id), drop_last=False)


def _cycle(loader: DataLoader):
    while True:
        yield from loader


def qa_pairs(items: list[QAItem]) -> list[tuple[str, str]]:
    return [(qa_prompt(i.question), " " + i.answer) for i in items]


def apply_lora(model, config):
    """Wrap ``model`` with a LoRA adapter when ``config.lora_rank`` > 0."""
    if not getattr(config, "lora_rank", 0):
        return model
    from peft import LoraConfig, get_peft_model

    lora = LoraConfig(r=config.lora_rank, lora_alpha=config.lora_alpha,
                      target_modules=list(config.lora_target_modules), lora_dropout=0.0,
                      task_type="CAUSAL_LM")
    return get_peft_model(model, lora)


def train_gradient_method(method, lm: LanguageModel, forget: list[QAItem], retain: list[QAItem],
                          progress: Callable[..., None] | None = None) -> LanguageModel:
    """Run ``method.loss`` over the forget set for ``config.epochs`` epochs.

    ``lm.model`` is trained in place: callers pass a copy, never the original.
    Each step draws one forget batch and, when the method uses it, one retain batch.
    Raises :class:`TrainingDivergedError` on a NaN/inf loss before anything is saved.
    """
    cfg = method.config
    if not forget:
        raise EmptySplitError("the forget set is empty: there is nothing to unlearn. "
                              "Check the --forget file or split name.")
    acc = accelerator()
    random.seed(cfg.seed)
    torch.manual_seed(cfg.seed)
    tok = lm.tokenizer
    method.tokenizer = tok   # methods that build sequences (DPO's refusal) need it
    method.retain_items = retain if method.uses_retain else []   # RMU masks shared prefixes
    pad = tok.pad_token_id
    forget_examples = encode_pairs(tok, method.forget_pairs(forget))
    forget_loader = _loader(forget_examples, cfg.batch_size, pad, cfg.seed)
    retain_loader = None
    if method.uses_retain and retain:
        # Tokenized per batch: a run draws ``steps`` retain batches, so its cost does not
        # grow with the size of the retain set (which can be the whole training set).
        retain_loader = _loader(retain, cfg.batch_size, pad, cfg.seed + 1,
                                encode=lambda items: encode_pairs(tok, qa_pairs(items)))

    model = apply_lora(lm.model, cfg)
    model.train()
    if not getattr(model, "hf_device_map", None):
        # Where accelerate will train it, before prepare() copies reference models.
        model = model.to(acc.device)
    # prepare() runs before accelerate moves batches: hand it batches on the model's device.
    device = next(model.parameters()).device
    method.prepare(model, [{k: v.to(device) for k, v in b.items()}
                           for b in _loader(forget_examples, cfg.batch_size, pad, cfg.seed)])
    trainable = [p for p in model.parameters() if p.requires_grad]
    optimizer = torch.optim.AdamW(trainable, lr=cfg.lr, weight_decay=0.0)
    model, optimizer, forget_loader = acc.prepare(model, optimizer, forget_loader)
    if retain_loader is not None:
        retain_loader = acc.prepare(retain_loader)
    steps = max(1, cfg.epochs * math.ceil(len(forget_examples) / cfg.batch_size))
    forget_iter = _cycle(forget_loader)
    retain_iter = _cycle(retain_loader) if retain_loader is not None else itertools.repeat(None)
    method.steps = steps
    for step in range(steps):
        loss = method.loss(model, next(forget_iter), next(retain_iter), step)
        check_finite(loss, step)
        acc.backward(loss)
        if cfg.max_grad_norm:
            acc.clip_grad_norm_(model.parameters(), cfg.max_grad_norm)
        optimizer.step()
        optimizer.zero_grad(set_to_none=True)
        if progress:
            progress(step + 1, steps, float(loss.detach()))
    model = acc.unwrap_model(model)
    wrapper = {}
    if getattr(cfg, "lora_rank", 0):
        if cfg.lora_merge:
            model = model.merge_and_unload()
        else:
            wrapper = lora_adapter_wrapper(method, lm)
    model.eval()
    return LanguageModel(model, tok, path=None, wrapper=wrapper)


def lora_adapter_wrapper(method, lm: LanguageModel) -> dict:
    """Wrapper record of an unmerged LoRA adapter: saved alone, loaded on top of its base."""
    from obliviate.errors import ObliviateError
    from obliviate.methods.wrappers import make_wrapper

    if not lm.path:
        raise ObliviateError("lora_merge=false saves only the adapter, which must point at its base "
                             "model: pass the model as a directory path, or use lora_merge=true")
    return make_wrapper("lora_adapter", method.info.name, method.config, {}, base_model=str(lm.path))
