"""Loading and saving Hugging Face causal LMs safely, and the wrapper evaluation uses.

Weights load from safetensors only (``use_safetensors=True``): a directory holding
only pickled ``.bin`` weights is refused rather than unpickled. Remote code runs only
when the caller passes ``trust_remote_code=True``.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterator

import torch

from obliviate.errors import ModelLoadError
from obliviate.files import replace_dir
from obliviate.progress import quiet_libraries  # noqa: F401  (silences HF bars)

WRAPPER_FILE = "obliviate_wrapper.json"


@dataclass
class LanguageModel:
    """A causal LM plus its tokenizer, and optional inference-time interventions.

    Methods that leave the weights untouched (in-context unlearning, activation
    steering) are represented by ``prompt_prefix`` and ``hooks``; every evaluation
    goes through :meth:`logits` and :meth:`generate`, so they are scored like any
    other model.
    """

    model: Any
    tokenizer: Any
    path: str | None = None
    prompt_prefix: str = ""
    # Each hook factory installs forward hooks on ``model`` and returns their handles.
    hooks: list[Callable[[Any], list]] = field(default_factory=list)
    wrapper: dict = field(default_factory=dict)

    @property
    def device(self) -> torch.device:
        return next(self.model.parameters()).device

    def format_prompt(self, prompt: str) -> str:
        return self.prompt_prefix + prompt

    def white_box(self) -> "LanguageModel":
        """The model as whoever holds its weights runs it (the audit's white-box attacks).

        The weights, the prompt format and the forward hooks stay: a hook changes the
        forward computation, as a weight edit would. A prompt rewrite placed in front of
        the model by an unlearning method (in-context unlearning) does not: someone who
        holds the weights sends their own prompts. Subclasses with such a rewrite return
        the model without it.
        """
        return self

    @contextmanager
    def interventions(self) -> Iterator[None]:
        """Install the inference-time hooks for the duration of a forward pass."""
        handles = [h for factory in self.hooks for h in factory(self.model)]
        try:
            yield
        finally:
            for h in handles:
                h.remove()

    def logits(self, input_ids: torch.Tensor, attention_mask: torch.Tensor,
               output_hidden_states: bool = False):
        """Model outputs with interventions applied (no gradient)."""
        with torch.no_grad(), self.interventions():
            return self.model(input_ids=input_ids.to(self.device),
                              attention_mask=attention_mask.to(self.device),
                              output_hidden_states=output_hidden_states)

    def generate(self, prompts: list[str], max_new_tokens: int = 8, batch_size: int = 64) -> list[str]:
        """Greedy continuations of ``prompts`` (prompt transform and hooks applied)."""
        tok = self.tokenizer
        side = tok.padding_side
        tok.padding_side = "left"
        outputs: list[str] = []
        try:
            for start in range(0, len(prompts), batch_size):
                chunk = [self.format_prompt(p) for p in prompts[start:start + batch_size]]
                enc = tok(chunk, return_tensors="pt", padding=True)
                with torch.no_grad(), self.interventions():
                    out = self.model.generate(
                        input_ids=enc["input_ids"].to(self.device),
                        attention_mask=enc["attention_mask"].to(self.device),
                        max_new_tokens=max_new_tokens, do_sample=False,
                        pad_token_id=tok.pad_token_id, eos_token_id=tok.eos_token_id)
                new = out[:, enc["input_ids"].shape[1]:]
                outputs.extend(tok.batch_decode(new, skip_special_tokens=True))
        finally:
            tok.padding_side = side
        return outputs


def load_model(path: str | os.PathLike, *, trust_remote_code: bool = False,
               dtype: torch.dtype | None = None, device: str | None = None) -> LanguageModel:
    """Load a local Hugging Face causal-LM directory (safetensors only).

    Raises :class:`ModelLoadError` naming the path and the fix when the directory is
    missing, has no config, or holds only pickled weights. Directories written by
    prompt-only or steering methods carry ``obliviate_wrapper.json`` and load their
    base model with the intervention applied.
    """
    root = Path(path)
    if not root.is_dir():
        raise ModelLoadError(f"model directory {root} does not exist; pass a local Hugging Face "
                             "model directory (config.json + *.safetensors)")
    wrapper_file = root / WRAPPER_FILE
    if wrapper_file.exists():
        from obliviate.methods.wrappers import load_wrapped

        return load_wrapped(root, trust_remote_code=trust_remote_code, dtype=dtype, device=device)
    if not (root / "config.json").exists():
        raise ModelLoadError(f"{root} has no config.json; it is not a Hugging Face model directory")
    return load_weights(root, trust_remote_code=trust_remote_code, dtype=dtype, device=device)


def load_weights(root: Path, *, trust_remote_code: bool = False, dtype: torch.dtype | None = None,
                 device: str | None = None) -> LanguageModel:
    """Load the plain HF model in ``root`` from safetensors (no wrapper handling)."""
    from transformers import AutoModelForCausalLM, AutoTokenizer

    if not (root / "config.json").exists():
        raise ModelLoadError(f"{root} has no config.json; the model's weights are missing")
    if not any(root.glob("*.safetensors")):
        if any(root.glob("*.bin")) or any(root.glob("*.pt")):
            raise ModelLoadError(
                f"{root} holds only pickled weights (*.bin/*.pt); obliviate loads safetensors only. "
                "Convert with `model.save_pretrained(dir, safe_serialization=True)` in a trusted setting.")
        raise ModelLoadError(f"{root} has no *.safetensors weights")
    try:
        model = AutoModelForCausalLM.from_pretrained(
            root, use_safetensors=True, trust_remote_code=trust_remote_code,
            dtype=dtype or "auto")
        tokenizer = AutoTokenizer.from_pretrained(root, trust_remote_code=trust_remote_code)
    except (OSError, ValueError) as err:
        raise ModelLoadError(f"could not load model from {root}: {err}") from err
    if tokenizer.pad_token is None:
        tokenizer.pad_token = tokenizer.eos_token
    if device:
        model.to(device)
    model.eval()
    return LanguageModel(model, tokenizer, path=str(root))


def save_model(lm: LanguageModel | Any, tokenizer: Any, out_dir: str | os.PathLike,
               extra_files: dict[str, Any] | None = None) -> Path:
    """Save model + tokenizer atomically: write to a temp dir beside, then rename.

    An existing ``out_dir`` is replaced only after the new one is complete, so an
    interrupted save never leaves a half-written model.
    """
    model = lm.model if isinstance(lm, LanguageModel) else lm
    out = Path(out_dir)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.tmp-", dir=out.parent))
    try:
        model.save_pretrained(tmp, safe_serialization=True)
        tokenizer.save_pretrained(tmp)
        for name, content in (extra_files or {}).items():
            (tmp / name).write_text(json.dumps(content, indent=2) if not isinstance(content, str) else content)
        replace_dir(tmp, out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return out
