"""The training core's ground floor: tokenization, batches, losses, one step loop, checkpoints.

Every training loop of obliviate (the unlearning trainer in ``methods/trainer.py``, the
tiny-model recipe, the relearning attack) is a model, examples, a loss and a number of
steps; :func:`train_steps` is that loop, and :class:`Checkpoint` saves and restores it
(model, optimizer, RNG and step: safetensors for tensors, JSON for the rest, no pickle).
:func:`finetune` is the whole of a plain fine-tune (seeding, AdamW, a cycled batch
stream, the loop): the relearning attacks are calls to it.
"""

from __future__ import annotations

import json
import math
import random
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterator

import torch

from obliviate.errors import TrainingDivergedError

IGNORE = -100

Progress = Callable[[int, int, float], None]
"""The one progress-callback signature: ``progress(step, total_steps, loss)``."""


def qa_pairs(items) -> list[tuple[str, str]]:
    """(prompt, completion) pairs of QA items: the question prompt and ``" " + answer``."""
    from obliviate.data.world import qa_prompt

    return [(qa_prompt(i.question), " " + i.answer) for i in items]


@dataclass
class Encoded:
    input_ids: list[int]
    labels: list[int]


def encode_pairs(tokenizer, pairs: list[tuple[str, str]], max_length: int = 256,
                 add_eos: bool = True) -> list[Encoded]:
    """Token ids with labels only on the completion (prompt tokens are ``IGNORE``).

    A pair longer than ``max_length`` never loses its question: the completion's end is
    cut (and gets no EOS, since the answer does not end there); only a prompt longer
    than its share (all but ``min(len(completion), max_length // 2)`` tokens) is cut, at
    its start, keeping the question that ends it.

    Prompt and completion are tokenized as one text and the prompt's own token count is
    masked, as TOFU's ``convert_raw_data_to_model_format`` does and as scoring does
    (:func:`obliviate.evals.scoring.encode_full_text`): tokenizing them apart changes the
    tokens at the boundary for BPE tokenizers that merge across it.
    """
    bos = [tokenizer.bos_token_id] if tokenizer.bos_token_id is not None else []
    eos = [tokenizer.eos_token_id] if add_eos and tokenizer.eos_token_id is not None else []
    texts = tokenizer([p + c for p, c in pairs], add_special_tokens=False)["input_ids"]
    n_prompts = [len(p) for p in tokenizer([p for p, _ in pairs], add_special_tokens=False)["input_ids"]]
    out = []
    room = max_length - len(bos)
    for text, n in zip(texts, n_prompts):
        p, c = text[:n], text[n:]
        full = c + eos
        keep = min(len(p), room - min(len(full), max_length // 2))
        prompt = p[len(p) - keep:]
        ids = bos + prompt + full[:room - keep]
        n_prompt = len(bos) + keep
        labels = [IGNORE] * n_prompt + ids[n_prompt:]
        out.append(Encoded(ids, labels))
    return out


def collate(examples: list[Encoded], pad_id: int) -> dict[str, torch.Tensor]:
    """Right-padded batch: input_ids, attention_mask, labels."""
    width = max(len(e.input_ids) for e in examples)
    ids = torch.full((len(examples), width), pad_id, dtype=torch.long)
    labels = torch.full((len(examples), width), IGNORE, dtype=torch.long)
    mask = torch.zeros((len(examples), width), dtype=torch.long)
    for row, e in enumerate(examples):
        n = len(e.input_ids)
        ids[row, :n] = torch.tensor(e.input_ids)
        labels[row, :n] = torch.tensor(e.labels)
        mask[row, :n] = 1
    return {"input_ids": ids, "attention_mask": mask, "labels": labels}


def batches(examples: list[Encoded], batch_size: int, pad_id: int, rng: random.Random | None = None,
            ) -> Iterator[dict[str, torch.Tensor]]:
    """Batches of similar length (bucketed, then shuffled) to waste little on padding."""
    order = list(range(len(examples)))
    if rng is not None:
        rng.shuffle(order)
        # Sort within windows of 8 batches by length, keep the windows shuffled.
        window = batch_size * 8
        order = [i for s in range(0, len(order), window)
                 for i in sorted(order[s:s + window], key=lambda j: len(examples[j].input_ids))]
        chunks = [order[s:s + batch_size] for s in range(0, len(order), batch_size)]
        rng.shuffle(chunks)
    else:
        chunks = [order[s:s + batch_size] for s in range(0, len(order), batch_size)]
    for chunk in chunks:
        yield collate([examples[i] for i in chunk], pad_id)


def cycled_batches(examples: list[Encoded], batch_size: int, pad_id: int, rng: random.Random,
                   ) -> Iterator[dict[str, torch.Tensor]]:
    """An endless stream of full batches for a fixed number of steps on few examples.

    The examples are shuffled afresh (by ``rng``) on every pass and the passes are
    concatenated, so a batch may span two passes and every example is drawn equally
    often; only when there are fewer examples than ``batch_size`` is a batch smaller.
    """
    order: list[int] = []
    while True:
        if len(order) < batch_size:
            fresh = list(range(len(examples)))
            rng.shuffle(fresh)
            order += fresh
        yield collate([examples[i] for i in order[:batch_size]], pad_id)
        order = order[batch_size:]


def labelled_loss(model, batch: dict[str, torch.Tensor]) -> torch.Tensor:
    """Mean next-token cross-entropy over the labelled positions of a causal LM batch.

    The same quantity as ``model(**batch).loss`` (Hugging Face's causal-LM loss), but the
    output layer and the softmax run on the labelled positions only: a QA answer is 2
    of ~15 tokens, so most of the vocabulary projection would be thrown away.
    """
    hidden = model.get_decoder()(input_ids=batch["input_ids"],
                                 attention_mask=batch["attention_mask"]).last_hidden_state
    labels = batch["labels"][:, 1:]
    keep = labels != IGNORE
    logits = model.get_output_embeddings()(hidden[:, :-1][keep])
    return torch.nn.functional.cross_entropy(logits.float(), labels[keep])


def sequence_logprobs(logits: torch.Tensor, labels: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """Sum of log-probabilities of labelled tokens per row, and their count."""
    shift_logits = logits[:, :-1].float()
    shift_labels = labels[:, 1:]
    mask = shift_labels != IGNORE
    safe = shift_labels.clamp(min=0)
    logp = torch.log_softmax(shift_logits, dim=-1).gather(-1, safe.unsqueeze(-1)).squeeze(-1)
    return (logp * mask).sum(-1), mask.sum(-1)


def check_finite(loss: torch.Tensor, step: int) -> None:
    """Raise :class:`TrainingDivergedError` on a NaN/inf loss."""
    value = float(loss.detach())
    if not math.isfinite(value):
        raise TrainingDivergedError(
            f"loss became {value} at step {step}; lower the learning rate or check the data. "
            "Nothing was written.")


def train_steps(model, optimizer, next_batch: Callable[[], Any], loss_fn: Callable[[Any], torch.Tensor],
                steps: int, *, max_grad_norm: float = 1.0, scheduler=None, accelerator=None,
                progress: Progress | None = None, checkpoint: "Checkpoint | None" = None,
                start: int = 0) -> float:
    """Run optimizer steps ``start .. steps - 1``; returns the last loss.

    Each step: ``loss_fn(next_batch())``, a finiteness check (:class:`TrainingDivergedError`),
    backward (through ``accelerator`` when given), gradient clipping at ``max_grad_norm``
    (0: none), the optimizer and scheduler steps. ``checkpoint.maybe_save`` runs after each
    step, before ``progress``, so a run stopped from ``progress`` can resume from it.
    """
    loss_value = float("nan")
    done, updating = start, False
    try:
        for step in range(start, steps):
            loss = loss_fn(next_batch())
            check_finite(loss, step)
            if accelerator is not None:
                accelerator.backward(loss)
            else:
                loss.backward()
            if max_grad_norm:
                if accelerator is not None:
                    accelerator.clip_grad_norm_(model.parameters(), max_grad_norm)
                else:
                    torch.nn.utils.clip_grad_norm_(model.parameters(), max_grad_norm)
            updating = True
            optimizer.step()
            if scheduler is not None:
                scheduler.step()
            optimizer.zero_grad(set_to_none=True)
            done, updating = step + 1, False
            loss_value = float(loss.detach())
            if checkpoint is not None:
                checkpoint.maybe_save(done, model, optimizer, scheduler)
            if progress:
                progress(done, steps, loss_value)
    except KeyboardInterrupt:
        # Ctrl-C between updates: keep what is done, so the same command resumes from here.
        if checkpoint is not None and not updating and done > start:
            checkpoint.save(done, model, optimizer, scheduler)
        raise
    return loss_value


def finetune(model, examples: list[Encoded], steps: int, *, lr: float, batch_size: int, pad_id: int,
             seed: int, loss_fn: Callable[[dict[str, torch.Tensor]], torch.Tensor] | None = None,
             max_grad_norm: float = 1.0, progress: Progress | None = None) -> float:
    """Fine-tune ``model`` in place for ``steps`` steps; returns the last loss.

    ``torch.manual_seed(seed)``, then AdamW (``lr``, no weight decay) on the trainable
    parameters, :func:`cycled_batches` ordered by ``random.Random(seed)`` and moved to
    the model's device, and :func:`train_steps` with clipping at ``max_grad_norm``.
    ``loss_fn(batch)`` defaults to the model's own causal-LM loss on the labelled
    tokens. The model trains in train mode and is left in eval mode.
    """
    torch.manual_seed(seed)
    stream = cycled_batches(examples, batch_size, pad_id, random.Random(seed))
    device = next(model.parameters()).device
    optimizer = torch.optim.AdamW([p for p in model.parameters() if p.requires_grad], lr=lr, weight_decay=0.0)
    loss_fn = loss_fn or (lambda batch: model(**batch).loss)
    model.train()
    try:
        return train_steps(model, optimizer, lambda: {k: v.to(device) for k, v in next(stream).items()},
                           loss_fn, steps, max_grad_norm=max_grad_norm, progress=progress)
    finally:
        model.eval()


class Checkpoint:
    """A resumable training state in a directory of its own (one run, one directory).

    Saved every ``every_steps`` steps (and at least every ``every_seconds``): the trainable
    parameters and the optimizer's tensors as safetensors, the optimizer's hyperparameters,
    the scheduler's counters, Python's and torch's RNG states and the step as JSON.
    ``state.json`` is written last, so a half-written checkpoint is never read.
    """

    STATE = "state.json"

    def __init__(self, directory: str | Path, every_steps: int = 0, every_seconds: float = 600.0,
                 meta: dict | None = None):
        self.directory = Path(directory)
        self.every_steps, self.every_seconds = every_steps, every_seconds
        self.meta = meta or {}
        self._last = time.monotonic()
        self.resumed_from = 0  # the step restore() continued from (0: the run started afresh)

    def maybe_save(self, step: int, model, optimizer, scheduler=None) -> bool:
        due = (self.every_steps and step % self.every_steps == 0) or (
            self.every_seconds and time.monotonic() - self._last >= self.every_seconds)
        if due:
            self.save(step, model, optimizer, scheduler)
        return bool(due)

    def save(self, step: int, model, optimizer, scheduler=None) -> None:
        from safetensors.torch import save_file

        from obliviate.files import atomic_write_text

        self.directory.mkdir(parents=True, exist_ok=True)
        params = {n: p.detach().cpu().contiguous() for n, p in _unwrap(model).named_parameters()
                  if p.requires_grad}
        opt = optimizer.state_dict()
        tensors, scalars = {}, {}
        for index, state in opt["state"].items():
            for key, value in state.items():
                if torch.is_tensor(value):
                    tensors[f"{index}.{key}"] = value.detach().cpu().contiguous()
                else:
                    scalars[f"{index}.{key}"] = value
        tensors["torch_rng"] = torch.get_rng_state()
        if torch.cuda.is_available():
            for k, s in enumerate(torch.cuda.get_rng_state_all()):
                tensors[f"cuda_rng.{k}"] = s
        # Write tensors under a step-specific name, then point state.json at them.
        save_file(params, self.directory / f"model-{step}.safetensors")
        save_file(tensors, self.directory / f"optimizer-{step}.safetensors")
        version, internal, gauss = random.getstate()
        state = {"step": step, "meta": self.meta, "param_groups": opt["param_groups"],
                 "optimizer_scalars": scalars, "python_rng": [version, list(internal), gauss],
                 "scheduler": scheduler.state_dict() if scheduler is not None else None}
        atomic_write_text(self.directory / self.STATE, json.dumps(state))
        for old in self.directory.glob("*.safetensors"):
            if not old.name.endswith(f"-{step}.safetensors"):
                old.unlink()
        self._last = time.monotonic()

    def load(self) -> dict | None:
        """The saved state (``step``, ``meta``, ...) or None when there is none."""
        try:
            return json.loads((self.directory / self.STATE).read_text())
        except (OSError, ValueError):
            return None

    def restore(self, state: dict, model, optimizer, scheduler=None) -> int:
        """Load a saved state into ``model``/``optimizer``/RNGs; returns the step to continue from."""
        from safetensors.torch import load_file

        step = int(state["step"])
        self.resumed_from = step
        params = load_file(self.directory / f"model-{step}.safetensors")
        named = dict(_unwrap(model).named_parameters())
        with torch.no_grad():
            for name, value in params.items():
                named[name].copy_(value.to(named[name].device, named[name].dtype))
        tensors = load_file(self.directory / f"optimizer-{step}.safetensors")
        opt_state: dict[int, dict] = {}
        for key, value in [*tensors.items(), *state["optimizer_scalars"].items()]:
            index, _, field = key.partition(".")
            if index.isdigit():
                opt_state.setdefault(int(index), {})[field] = value
        optimizer.load_state_dict({"state": opt_state, "param_groups": state["param_groups"]})
        if scheduler is not None and state.get("scheduler") is not None:
            scheduler.load_state_dict(state["scheduler"])
        torch.set_rng_state(tensors["torch_rng"])
        cuda = [tensors[k] for k in sorted(t for t in tensors if t.startswith("cuda_rng."))]
        if cuda and torch.cuda.is_available():
            torch.cuda.set_rng_state_all(cuda)
        version, internal, gauss = state["python_rng"]
        random.setstate((version, tuple(internal), gauss))
        return step

    def clear(self) -> None:
        import shutil

        shutil.rmtree(self.directory, ignore_errors=True)


def _unwrap(model):
    """The module whose parameter names a checkpoint uses (DDP/accelerate wrappers removed)."""
    return getattr(model, "module", model)
