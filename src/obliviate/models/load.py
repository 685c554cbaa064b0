"""Loading and saving Hugging Face causal LMs safely.

Weights load from safetensors only (``use_safetensors=True``): a directory holding
only pickled ``.bin`` weights is refused rather than unpickled. Remote code runs only
when the caller passes ``trust_remote_code=True``. A directory holding
``obliviate_wrapper.json`` is rebuilt as :mod:`obliviate.models.artifact` says.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

import torch

from obliviate.errors import ModelLoadError
from obliviate.files import replace_dir
from obliviate.models.artifact import WRAPPER_FILE, read_wrapper, wrap
from obliviate.models.lm import LanguageModel
from obliviate.progress import quiet_libraries  # noqa: F401  (silences HF bars)

__all__ = ["WRAPPER_FILE", "LanguageModel", "load_model", "load_weights", "save_model"]


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
    if (root / WRAPPER_FILE).exists():
        return _load_wrapped(root, trust_remote_code=trust_remote_code, dtype=dtype, device=device)
    if not (root / "config.json").exists():
        raise ModelLoadError(f"{root} has no config.json; it is not a Hugging Face model directory")
    return load_weights(root, trust_remote_code=trust_remote_code, dtype=dtype, device=device)


def _load_wrapped(root: Path, *, trust_remote_code: bool, dtype: torch.dtype | None,
                  device: str | None) -> LanguageModel:
    """Base weights + the intervention of ``root/obliviate_wrapper.json``.

    ``base_model`` "." means the weights sit beside the wrapper file (what
    ``api.write_run`` writes); null means the kind loads its own (SISA's shards); any
    other value is a model directory, absolute or relative to ``root``.
    """
    wrapper = read_wrapper(root)
    base_ref = wrapper.get("base_model", ".")
    if base_ref is None:
        base = None
    elif base_ref in (".", ""):
        base = load_weights(root, trust_remote_code=trust_remote_code, dtype=dtype, device=device)
    else:
        base_path = Path(base_ref) if os.path.isabs(base_ref) else root / base_ref
        base = load_model(base_path, trust_remote_code=trust_remote_code, dtype=dtype, device=device)
    return wrap(base, wrapper, root)


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
