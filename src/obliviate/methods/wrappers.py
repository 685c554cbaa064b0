"""Loadable artifacts for methods that leave the weights untouched (steering, ICUL).

Such a method returns a :class:`~obliviate.models.load.LanguageModel` whose ``hooks``
(activation steering) or prompt transform (in-context unlearning) carry the
intervention, plus a JSON-ready ``wrapper`` dict. ``api.write_run`` saves the model
directory with that dict as ``obliviate_wrapper.json``; :func:`load_wrapped` (called
by ``load_model`` when it finds that file) rebuilds the same intervention, so every
evaluation scores the wrapped model exactly like any other model.

``obliviate_wrapper.json``::

    {"format": 1, "kind": "steering" | "icul", "method": "<registry name>",
     "base_model": ".",            # weights: "." = this directory, or a path
     "config": {...},              # the method's config
     "state": {...}}               # what the intervention needs (vectors, facts, ...)

Vectors are stored as JSON lists: a steering vector is one hidden-size row, so even
a 4096-wide model adds ~80 KB, and the file stays a single, human-readable artifact.
"""

from __future__ import annotations

import dataclasses
import json
import os
from pathlib import Path
from typing import Any, Callable

import torch

from obliviate.errors import ModelLoadError
from obliviate.models.load import WRAPPER_FILE, LanguageModel

WRAPPER_FORMAT = 1

# kind -> function(base LanguageModel or None, wrapper dict, root) -> wrapped LanguageModel
_BUILDERS: dict[str, Callable[[LanguageModel | None, dict, Path], LanguageModel]] = {}


def wrapper_kind(kind: str) -> Callable:
    """Decorator registering how a wrapper ``kind`` is rebuilt at load time."""

    def wrap(fn: Callable) -> Callable:
        _BUILDERS[kind] = fn
        return fn

    return wrap


def make_wrapper(kind: str, method: str, config: Any, state: dict, base_model: str = ".") -> dict:
    """The JSON-ready ``obliviate_wrapper.json`` content."""
    cfg = dataclasses.asdict(config) if dataclasses.is_dataclass(config) else dict(config)
    return {"format": WRAPPER_FORMAT, "kind": kind, "method": method, "base_model": base_model,
            "config": cfg, "state": state}


def _load_weights(root: Path, trust_remote_code: bool, dtype, device) -> LanguageModel:
    """Load the plain HF model in ``root`` (safetensors only), without the wrapper."""
    from obliviate.models.load import load_weights

    return load_weights(root, trust_remote_code=trust_remote_code, dtype=dtype, device=device)


def load_wrapped(root: str | os.PathLike, trust_remote_code: bool = False,
                 dtype: torch.dtype | None = None, device: str | None = None) -> LanguageModel:
    """Load a directory holding ``obliviate_wrapper.json``: base weights + intervention.

    ``base_model`` "." means the weights sit beside the wrapper file (what
    ``api.write_run`` writes); any other value is a model directory, absolute or
    relative to ``root``, loaded with :func:`~obliviate.models.load.load_model`.
    Raises :class:`ModelLoadError` on a malformed or unknown wrapper.
    """
    import obliviate.methods  # noqa: F401  (registers the wrapper kinds)
    from obliviate.models.load import load_model

    root = Path(root)
    path = root / WRAPPER_FILE
    try:
        wrapper = json.loads(path.read_text())
    except (OSError, json.JSONDecodeError) as err:
        raise ModelLoadError(f"{path} is not valid JSON: {err}") from err
    for key in ("kind", "state"):
        if key not in wrapper:
            raise ModelLoadError(f"{path} has no field {key!r}; expected an obliviate wrapper file")
    if wrapper.get("format", WRAPPER_FORMAT) > WRAPPER_FORMAT:
        raise ModelLoadError(f"{path} has format {wrapper['format']}; this obliviate reads up to "
                             f"{WRAPPER_FORMAT}. Upgrade obliviate.")
    kind = wrapper["kind"]
    if kind not in _BUILDERS:
        raise ModelLoadError(f"{path}: unknown wrapper kind {kind!r}; known: {sorted(_BUILDERS)}")
    base_ref = wrapper.get("base_model", ".")
    if base_ref is None:       # the builder loads its own weights (e.g. SISA's shards)
        base = None
    elif base_ref in (".", ""):
        base = _load_weights(root, trust_remote_code, dtype, device)
    else:
        base_path = Path(base_ref) if os.path.isabs(base_ref) else root / base_ref
        base = load_model(base_path, trust_remote_code=trust_remote_code, dtype=dtype, device=device)
    wrapped = _BUILDERS[kind](base, wrapper, root)
    wrapped.path = str(root)
    wrapped.wrapper = wrapper
    return wrapped


@wrapper_kind("lora_adapter")
def build_lora_adapter(base: LanguageModel, wrapper: dict, root: Path) -> LanguageModel:
    """A peft LoRA adapter saved in ``root`` applied to its base model."""
    from peft import PeftModel

    model = PeftModel.from_pretrained(base.model, root).eval()
    return LanguageModel(model, base.tokenizer, path=str(root), prompt_prefix=base.prompt_prefix,
                         hooks=list(base.hooks), wrapper=wrapper)


def find_mentions(input_ids: torch.Tensor, patterns: list[list[int]]) -> torch.Tensor:
    """Bool ``[batch, seq]``: True at and after the first token of any pattern occurrence."""
    batch, seq = input_ids.shape
    hit = torch.zeros(batch, seq, dtype=torch.bool, device=input_ids.device)
    for pattern in patterns:
        n = len(pattern)
        if n == 0 or n > seq:
            continue
        target = torch.tensor(pattern, device=input_ids.device)
        windows = input_ids.unfold(1, n, 1)               # [batch, seq-n+1, n]
        starts = (windows == target).all(-1)
        hit[:, : seq - n + 1] |= starts
    # Everything from the first mention on is gated: the answer position comes after it.
    return hit.cumsum(1) > 0


def decoder_layers(model) -> list:
    """The list of decoder blocks of a HF causal LM (Llama, Mistral, GPT-2 style)."""
    core = getattr(model, "model", None) or getattr(model, "transformer", None) or model
    for name in ("layers", "h", "blocks"):
        if hasattr(core, name):
            return list(getattr(core, name))
    raise ValueError(f"cannot find the decoder layers of {type(model).__name__}")


def entity_patterns(tokenizer, names: list[str]) -> list[list[int]]:
    """Token ids of each name, with and without a leading space (BPE splits differ)."""
    out = []
    for name in names:
        for text in (" " + name, name):
            ids = tokenizer(text, add_special_tokens=False)["input_ids"]
            if ids and ids not in out:
                out.append(ids)
    return out
