"""The Python API: ``unlearn`` and ``evaluate``; the CLI is a thin layer over these."""

from __future__ import annotations

import copy
import dataclasses
import platform
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import torch

from obliviate.data.benchmarks import load_forget_retain_files
from obliviate.data.schema import QAItem
from obliviate.evals.metrics import SplitMetrics, evaluate_split, forget_quality, world_model_utility
from obliviate.methods.registry import build_config, get_method
from obliviate.models.load import LanguageModel, load_model, save_model
from obliviate.files import directory_hash
from obliviate.progress import progress_bar
from obliviate.rundir import RunDir, check_output_dir

RUN_FILE = RunDir.RUN


@dataclass
class UnlearnResult:
    """What :func:`unlearn` returns: the unlearned model and how it was made."""

    model: LanguageModel
    method: str
    intention: str
    config: dict
    seconds: float
    run_dir: Path | None = None
    original_path: str | None = None
    original_sha256: str | None = None
    unlearned_sha256: str | None = None
    data: dict | None = None  # the forget/retain files read: path, sha256, format, items, people
    resumed_from_step: int = 0  # > 0: training continued a stopped run's checkpoint from this step


def _as_model(model: str | Path | LanguageModel, trust_remote_code: bool = False) -> LanguageModel:
    if isinstance(model, LanguageModel):
        return model
    return load_model(model, trust_remote_code=trust_remote_code)


def _working_copy(lm: LanguageModel) -> LanguageModel:
    """A deep copy the method may change: the original's weights are never touched."""
    return dataclasses.replace(lm, model=copy.deepcopy(lm.model), hooks=list(lm.hooks))


def unlearn(model: str | Path | LanguageModel, forget: str | Path | list[QAItem],
            retain: str | Path | list[QAItem] | None = None, method: str = "npo",
            out: str | Path | None = None, trust_remote_code: bool = False,
            overwrite: bool = False, resume: bool | None = None, checkpoint_every: int = 0, **config: Any) -> UnlearnResult:
    """Unlearn ``forget`` from ``model`` with a registered method.

    ``model`` is a local HF directory or a :class:`LanguageModel`; ``forget`` / ``retain``
    are item lists or JSONL paths; ``config`` overrides the method's config fields.
    With ``out``, writes ``out/model`` (HF directory, safetensors), ``out/run.json``
    and the forget/retain files. The run is built in a temporary directory beside
    ``out`` and swapped in when complete, so an error or Ctrl-C leaves nothing behind.
    No input is ever written: ``out`` may not be, contain or lie inside the model
    directory or a forget/retain file (:func:`obliviate.rundir.check_outputs`); a
    non-empty ``out`` is refused unless ``overwrite``. Inputs, options and ``out`` are
    all checked before the model is loaded.

    Gradient methods save a checkpoint of the run (every ``checkpoint_every`` steps, every
    10 minutes and on Ctrl-C) under ``$OBLIVIATE_HOME/checkpoints``; the same call resumes
    it to the same result. ``resume``: None resumes when a checkpoint of this run exists,
    True requires one, False starts over.
    """
    forget_items, retain_items, sources = load_forget_retain_files(forget, retain)  # TOFU/MUSE/WMDP files too
    if not isinstance(model, LanguageModel):
        from obliviate.models.pretrained import resolve_model_path

        model = resolve_model_path(model)  # a name from `obliviate models list` -> its directory
    original_path = None if isinstance(model, LanguageModel) else str(Path(model).resolve())
    inputs = _input_paths(model, forget, retain)
    if out is not None:
        check_output_dir(out, inputs, overwrite, marker=RunDir.RUN)  # --overwrite: an earlier run only
    info = get_method(method)
    cfg = build_config(info, config)
    lm = _as_model(model, trust_remote_code)
    original_sha = directory_hash(original_path) if original_path else None
    work = _working_copy(lm)
    runner = info.cls(cfg)
    from obliviate.methods.trainer import run_checkpoint

    checkpoint = run_checkpoint(info.cls, work, forget_items, retain_items, cfg, method, checkpoint_every, resume)
    start = time.perf_counter()
    with progress_bar(f"unlearning ({method})", 1) as update:
        def progress(step: int, total: int, loss: float) -> None:
            update(completed=step, total=total, info=f"loss {loss:.3f}")
        unlearned = runner.run(work, forget_items, retain_items, progress, checkpoint)
    seconds = time.perf_counter() - start
    result = UnlearnResult(model=unlearned, method=method, intention=info.intention.value,
                           config=dataclasses.asdict(cfg), seconds=seconds,
                           original_path=original_path, original_sha256=original_sha,
                           resumed_from_step=checkpoint.resumed_from if checkpoint is not None else 0)
    result.data = sources
    if out is not None and _is_main_process():
        write_run(result, Path(out), forget_items, retain_items, overwrite=overwrite, inputs=inputs)
    return result


def _input_paths(model: Any, forget: Any, retain: Any) -> list[tuple[str, Any]]:
    """The inputs given as paths, labelled as the CLI names them (for :func:`check_outputs`).

    A :class:`LanguageModel` loaded from a directory counts as that directory.
    """
    paths = [(label, value) for label, value in (("--model", model), ("--forget", forget), ("--retain", retain))
             if isinstance(value, (str, Path))]
    if isinstance(model, LanguageModel) and model.path:
        paths.append(("model directory", model.path))
    return paths


def _is_main_process() -> bool:
    """Under ``accelerate launch`` every process runs :func:`unlearn`; only the main one writes.

    Asked of the trainer's accelerator: a bare ``PartialState()`` made before it (CPU
    launch) sees one process, so every process would count itself the main one.
    """
    from obliviate.methods.trainer import accelerator

    return accelerator().is_main_process


def _num_processes() -> int:
    """Processes that trained together (``accelerate launch``); 1 for a plain run."""
    from obliviate.methods.trainer import accelerator

    return accelerator().num_processes


def write_run(result: UnlearnResult, out: Path, forget: list[QAItem], retain: list[QAItem],
              overwrite: bool = False, inputs: list | None = None) -> Path:
    """Save an unlearned model and its ``run.json`` into ``out`` (see :class:`obliviate.rundir.RunDir`).

    ``out`` is checked against ``inputs`` and the original model's path; a non-empty
    ``out`` is replaced only with ``overwrite``, and only once the new run is complete.
    """
    out = Path(out)
    inputs = [*(inputs or []), ("the original model", result.original_path)]
    with RunDir.create(out, inputs, overwrite) as run_dir:
        _write_run_files(result, run_dir, forget, retain)
    result.run_dir = out
    return out / RUN_FILE


def _write_run_files(result: UnlearnResult, run_dir: RunDir, forget: list[QAItem], retain: list[QAItem]) -> None:
    extra = result.model.wrapper and {"obliviate_wrapper.json": result.model.wrapper}
    save_model(result.model, result.model.tokenizer, run_dir.model_dir, extra_files=extra or None)
    run_dir.write_items(forget, retain)
    result.unlearned_sha256 = directory_hash(run_dir.model_dir)
    run = {
        "method": result.method,
        "intention": result.intention,
        "config": result.config,
        "seed": result.config.get("seed"),
        "original": {"path": result.original_path, "sha256": result.original_sha256},
        "unlearned": {"path": str(run_dir.final_model_dir), "sha256": result.unlearned_sha256},
        "forget_items": len(forget),
        "retain_items": len(retain),
        "data": result.data or {},
        "timings_s": {"unlearn": round(result.seconds, 3)},  # with a resume: the resumed part only
        "resumed_from_step": result.resumed_from_step,
        "environment": {"python": platform.python_version(), "torch": torch.__version__,
                        "processes": _num_processes()},
    }
    run_dir.write_run(run)


def evaluate(models: dict[str, LanguageModel], splits: dict[str, list[QAItem]],
             max_new_tokens: int = 200) -> dict[str, dict[str, SplitMetrics]]:
    """Metrics for every (split, model) pair: ``{split: {model: SplitMetrics}}``.

    TOFU's per-item definitions (:func:`obliviate.evals.metrics.evaluate_split`): a split
    whose name starts with ``forget`` gets TOFU's forget-split truth-ratio aggregate.
    """
    out: dict[str, dict[str, SplitMetrics]] = {}
    pairs = [(s, m) for s in splits for m in models if splits[s]]
    with progress_bar("evaluating", len(pairs)) as update:
        for split, name in pairs:
            out.setdefault(split, {})[name] = evaluate_split(models[name], splits[split],
                                                             forget=split.startswith("forget"),
                                                             max_new_tokens=max_new_tokens)
            update(info=f"{name}/{split}")
    return out


def summarize(results: dict[str, dict[str, SplitMetrics]], reference: str = "gold") -> dict[str, Any]:
    """JSON-ready metrics, forget quality (vs ``reference``) and model utility per model.

    ``model_utility`` is TOFU's formula over the retain and neighbor splits
    (:func:`obliviate.evals.metrics.world_model_utility`); ``forget_quality_all`` is TOFU's
    KS-test p-value of each model's forget truth ratios against ``reference``'s.
    """
    metrics = {split: {m: r.summary() for m, r in by_model.items()} for split, by_model in results.items()}
    names = sorted({m for by_model in results.values() for m in by_model})
    utility = {}
    for name in names:
        parts = {s: results[s][name] for s in ("retain", "neighbor") if s in results and name in results[s]}
        utility[name] = world_model_utility(parts) if parts else None
    quality = {}
    forget = results.get("forget", {})
    if reference in forget:
        for name in names:
            if name in forget:
                quality[name] = forget_quality(forget[name].truth_ratios, forget[reference].truth_ratios)
    return {"metrics": metrics, "model_utility": utility, "forget_quality_all": quality,
            "metric_definitions": "TOFU (Maini et al. 2024) per docs/datasets.md; model_utility over "
                                  "retain + neighbor"}


def to_jsonable(obj: Any) -> Any:
    if isinstance(obj, dict):
        return {k: to_jsonable(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [to_jsonable(v) for v in obj]
    if isinstance(obj, (np.floating, np.integer)):
        return obj.item()
    if isinstance(obj, Path):
        return str(obj)
    if isinstance(obj, float) and obj != obj:
        return None
    return obj
