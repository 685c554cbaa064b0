"""``obliviate eval``: a published benchmark (TOFU, MUSE, WMDP) on a user's model.

:func:`run_benchmark` loads the benchmark's files as published, computes its metric set
with its own definitions (evals/tofu.py, evals/muse.py, evals/wmdp.py, evals/mia.py),
and writes ``eval.json`` (aggregates, per-item values, the config, the prompt format and
the models' SHA-256) and ``eval.html`` into ``out``. Everything is computed before
anything is written; each file is written atomically.
"""

from __future__ import annotations

import json
import os
import platform
import time
from pathlib import Path
from typing import Any

import numpy as np

from obliviate.data.benchmarks import (load_muse_knowmem, load_muse_texts, load_muse_verbmem,
                                       load_wmdp_questions)
from obliviate.errors import DataFormatError, ObliviateError
from obliviate.files import atomic_write_text, directory_hash
from obliviate.models.load import LanguageModel, load_model

BENCHMARKS = ("tofu", "muse", "wmdp")
OUTPUT_JSON = "eval.json"
OUTPUT_HTML = "eval.html"


# ---- MUSE -----------------------------------------------------------------------------
def find_muse_files(data_dir: str | os.PathLike) -> dict[str, Path]:
    """MUSE's files under ``data_dir`` (the ``data/<corpus>`` folder of muse_bench)."""
    root = Path(data_dir)
    if not root.is_dir():
        raise DataFormatError(f"--data {root}: not a directory")
    wanted = {"verbmem_forget": "verbmem/forget", "knowmem_forget": "knowmem/forget_qa",
              "knowmem_forget_icl": "knowmem/forget_qa_icl", "knowmem_retain": "knowmem/retain_qa",
              "knowmem_retain_icl": "knowmem/retain_qa_icl", "privleak_forget": "privleak/forget",
              "privleak_holdout": "privleak/holdout", "privleak_retain": "privleak/retain"}
    files = {}
    for key, stem in wanted.items():
        for ext in (".json", ".jsonl", ".parquet"):
            if (root / (stem + ext)).is_file():
                files[key] = root / (stem + ext)
                break
    if not any(k in files for k in ("verbmem_forget", "knowmem_forget", "privleak_forget")):
        raise DataFormatError(f"--data {root}: no MUSE files (expected verbmem/forget.json, "
                              "knowmem/forget_qa.json or privleak/forget.json)")
    return files


def evaluate_muse(lm: LanguageModel, files: dict[str, Path], *, retain_lm: LanguageModel | None = None,
                  retrained_auc: float | None = None, limit: int | None = None,
                  verbmem_tokens: int | None = None, knowmem_tokens: int | None = None, progress=None) -> dict:
    """MUSE's VerbMem, KnowMem (forget / retain), PrivLeak and the MIA AUCs on ``files``."""
    from obliviate.evals import mia, muse

    aggregates: dict[str, Any] = {}
    splits: dict[str, Any] = {}
    notes: list[str] = []
    if "verbmem_forget" in files:
        if progress:
            progress("muse/verbmem")
        res = muse.verbmem(lm, load_muse_verbmem(files["verbmem_forget"])[:limit],
                           verbmem_tokens or muse.VERBMEM_MAX_NEW_TOKENS)
        aggregates["verbmem_f"] = res["value"]
        splits["verbmem_forget"] = {"file": str(files["verbmem_forget"]), "per_item": res["per_item"]}
    for side in ("forget", "retain"):
        key = f"knowmem_{side}"
        if key in files:
            if progress:
                progress(f"muse/{key}")
            icl = load_muse_knowmem(files[key + "_icl"]) if key + "_icl" in files else []
            if not icl:
                notes.append(f"{key}: no {side}_qa_icl file, so no in-context examples (MUSE uses them)")
            res = muse.knowmem(lm, load_muse_knowmem(files[key])[:limit], icl,
                               knowmem_tokens or muse.KNOWMEM_MAX_NEW_TOKENS)
            aggregates[f"knowmem_{side[0]}"] = res["value"]
            splits[key] = {"file": str(files[key]), "icl_examples": len(icl), "per_item": res["per_item"]}
    if "privleak_forget" in files and "privleak_holdout" in files:
        if progress:
            progress("muse/privleak")
        forget = load_muse_texts(files["privleak_forget"])[:limit]
        holdout = load_muse_texts(files["privleak_holdout"])[:limit]
        f_scores, h_scores = muse.text_scores(lm, forget, stats=True), muse.text_scores(lm, holdout, stats=True)
        ref = None
        if retain_lm is not None:
            ref = (muse.text_scores(retain_lm, forget), muse.text_scores(retain_lm, holdout))
        s_f = mia.membership_scores(f_scores, forget, reference=ref[0] if ref else None)
        s_h = mia.membership_scores(h_scores, holdout, reference=ref[1] if ref else None)
        aucs = {a: mia.auc(s_f[a], s_h[a]) for a in s_f}
        aggregates["mia_auc"] = aucs
        aggregates["privleak_auc_min_k_40"] = aucs["min_k"]
        if retain_lm is not None:
            retrained_auc = mia.auc([mia.min_k_score(s) for s in ref[0]], [mia.min_k_score(s) for s in ref[1]]) \
                if retrained_auc is None else retrained_auc
        if retrained_auc is not None:
            aggregates["privleak"] = muse.privleak(aucs["min_k"], retrained_auc)
            aggregates["privleak_retrained_auc"] = retrained_auc
        else:
            aggregates["privleak"] = None
            notes.append("PrivLeak needs the retrained model's AUC: pass --retain-model or "
                         "--option privleak_retrained_auc=<AUC with forget as members>")
        splits["privleak"] = {"files": [str(files["privleak_forget"]), str(files["privleak_holdout"])],
                              "forget_scores": {a: v.tolist() for a, v in s_f.items()},
                              "holdout_scores": {a: v.tolist() for a, v in s_h.items()}}
    return {"aggregates": aggregates, "splits": splits, "notes": notes}


# ---- WMDP -----------------------------------------------------------------------------
def find_wmdp_files(data: str | os.PathLike) -> list[Path]:
    """A WMDP file, or the WMDP files (``*bio*``, ``*chem*``, ``*cyber*``) in a directory."""
    path = Path(data)
    if path.is_file():
        return [path]
    if not path.is_dir():
        raise DataFormatError(f"--data {path}: no such file or directory")
    files = sorted(p for p in path.rglob("*") if p.suffix in (".json", ".jsonl", ".parquet")
                   and any(s in p.name.lower() for s in ("bio", "chem", "cyber", "wmdp")))
    if not files:
        raise DataFormatError(f"--data {path}: no WMDP files (*bio*/*chem*/*cyber* .jsonl/.json/.parquet)")
    return files


def evaluate_wmdp(lm: LanguageModel, files: list[Path], *, limit: int | None = None, progress=None) -> dict:
    """Letter-choice accuracy per file and the size-weighted mean (lm-evaluation-harness's group)."""
    from obliviate.evals.wmdp import wmdp_letter_accuracy

    splits, sizes, values = {}, [], []
    for path in files:
        questions = load_wmdp_questions(path)[:limit]
        name = questions[0].subject or path.stem if questions else path.stem
        if progress:
            progress(f"wmdp/{name}")
        res = wmdp_letter_accuracy(lm, questions)
        splits[name] = {"file": str(path), "items": len(questions), "aggregates": {"accuracy": res["value"]},
                        "per_item": res["per_item"]}
        sizes.append(len(questions))
        values.append(res["value"])
    aggregates = {f"accuracy_{k}": v["aggregates"]["accuracy"] for k, v in splits.items()}
    aggregates["accuracy"] = float(np.average(values, weights=sizes)) if sum(sizes) else float("nan")
    return {"aggregates": aggregates, "splits": splits, "notes": []}


# ---- the command's core -----------------------------------------------------------------
def _model_record(lm: LanguageModel, path: str | os.PathLike) -> dict:
    return {"path": str(Path(path).resolve()), "sha256": directory_hash(path)}


def run_benchmark(benchmark: str, model: str | os.PathLike, data: str | os.PathLike, out: str | os.PathLike, *,
                  forget_split: str = "forget10", retain_model: str | os.PathLike | None = None,
                  prompt_format: str = "auto", max_new_tokens: int | None = None, limit: int | None = None,
                  trust_remote_code: bool = False, options: dict | None = None, progress=None) -> dict:
    """Evaluate ``model`` on ``benchmark`` and write ``out/eval.json`` + ``out/eval.html``."""
    from obliviate.version import __version__
    from obliviate.prompts import resolve_format

    if benchmark not in BENCHMARKS:
        raise ObliviateError(f"unknown benchmark {benchmark!r}; choose one of {', '.join(BENCHMARKS)}")
    if limit is not None and limit < 1:
        raise ObliviateError(f"--limit must be at least 1, got {limit}")
    if max_new_tokens is not None and max_new_tokens < 1:
        raise ObliviateError(f"--max-new-tokens must be at least 1, got {max_new_tokens}")
    options = dict(options or {})
    out = Path(out)
    from obliviate.models.pretrained import resolve_model_path

    model_path = resolve_model_path(model)  # a name from `obliviate models list` -> its directory
    retain_model = resolve_model_path(retain_model) if retain_model else None
    if out.resolve() == model_path.resolve() or model_path.resolve() in out.resolve().parents:
        raise ObliviateError(f"--out {out} is inside the model directory; choose another directory")
    # Find and check the data before loading any model (a bad path fails fast).
    if benchmark == "tofu":
        from obliviate.evals.tofu import find_tofu_files

        files: Any = find_tofu_files(data, forget_split)
    elif benchmark == "muse":
        files = find_muse_files(data)
    else:
        files = find_wmdp_files(data)
    lm = load_model(model_path, trust_remote_code=trust_remote_code)
    retain_lm = load_model(retain_model, trust_remote_code=trust_remote_code) if retain_model else None
    start = time.perf_counter()
    config: dict[str, Any] = {"benchmark": benchmark, "data": str(Path(data).resolve()), "limit": limit,
                              "options": options}
    if benchmark == "tofu":
        from obliviate.evals.metrics import TOFU_MAX_NEW_TOKENS
        from obliviate.evals.tofu import evaluate_tofu

        fmt = resolve_format(lm, prompt_format)
        config.update(forget_split=forget_split, prompt_format=fmt.describe(),
                      max_new_tokens=max_new_tokens or TOFU_MAX_NEW_TOKENS,
                      files={k: str(v) for k, v in files.items()})
        result = evaluate_tofu(lm, files, fmt, retain_lm=retain_lm, max_new_tokens=config["max_new_tokens"],
                               limit=limit, progress=progress)
    elif benchmark == "muse":
        from obliviate.evals import muse

        config.update(prompt_format={"name": "muse", "kind": "MUSE's own prompts (raw text; few-shot QA)"},
                      verbmem_max_new_tokens=max_new_tokens or muse.VERBMEM_MAX_NEW_TOKENS,
                      knowmem_max_new_tokens=max_new_tokens or muse.KNOWMEM_MAX_NEW_TOKENS,
                      files={k: str(v) for k, v in files.items()})
        retrained = options.get("privleak_retrained_auc")
        result = evaluate_muse(lm, files, retain_lm=retain_lm, limit=limit,
                               retrained_auc=float(retrained) if retrained is not None else None,
                               verbmem_tokens=max_new_tokens, knowmem_tokens=max_new_tokens, progress=progress)
    else:
        config.update(prompt_format={"name": "lm-eval-wmdp", "kind": "lm-evaluation-harness letter choice"},
                      files=[str(p) for p in files])
        result = evaluate_wmdp(lm, files, limit=limit, progress=progress)
    seconds = time.perf_counter() - start
    import torch

    models = {"model": _model_record(lm, model_path)}
    if retain_model:
        models["retain_model"] = _model_record(retain_lm, retain_model)
    report = {"obliviate_version": __version__, "benchmark": benchmark, "config": config, "models": models,
              "aggregates": result["aggregates"], "notes": result["notes"], "splits": result["splits"],
              "timings_s": {"metrics": round(seconds, 3)},
              "environment": {"python": platform.python_version(), "torch": torch.__version__,
                              "threads": torch.get_num_threads()}}
    write_benchmark_report(report, out)
    return report


def _jsonable(obj: Any) -> Any:
    if isinstance(obj, dict):
        return {str(k): _jsonable(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_jsonable(v) for v in obj]
    if isinstance(obj, np.ndarray):
        return _jsonable(obj.tolist())
    if isinstance(obj, (np.floating, np.integer, np.bool_)):
        return _jsonable(obj.item())
    if isinstance(obj, float) and not np.isfinite(obj):
        return None
    if isinstance(obj, Path):
        return str(obj)
    return obj


def render_benchmark_html(report: dict) -> str:
    """The evaluation as one HTML page, in the report's style (report/templates/eval.html.j2)."""
    import jinja2

    env = jinja2.Environment(loader=jinja2.PackageLoader("obliviate.report", "templates"),
                             autoescape=jinja2.select_autoescape(["html", "j2"]))
    env.filters["fmt"] = lambda v, nd=3: "—" if v is None else (f"{v:.{nd}g}" if isinstance(v, float) and
                                                                 abs(v) < 1e-3 and v != 0 else
                                                                 f"{v:.{nd}f}" if isinstance(v, float) else v)
    return env.get_template("eval.html.j2").render(r=report)


def write_benchmark_report(report: dict, out: str | os.PathLike) -> tuple[Path, Path]:
    """Write ``eval.json`` and ``eval.html`` into ``out`` (each atomically)."""
    data = _jsonable(report)
    html = render_benchmark_html(data)
    text = json.dumps(data, indent=1)
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    atomic_write_text(out / OUTPUT_JSON, text)
    atomic_write_text(out / OUTPUT_HTML, html)
    return out / OUTPUT_JSON, out / OUTPUT_HTML


def rerender_benchmark_report(out: str | os.PathLike) -> Path:
    """Re-render ``out/eval.html`` from ``out/eval.json`` (for ``obliviate report``)."""
    path = Path(out) / OUTPUT_JSON
    if not path.is_file():
        raise ObliviateError(f"{path} not found; run `obliviate eval ... --out {out}` first")
    try:
        report = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as err:
        raise DataFormatError(f"{path}: not valid JSON ({err.msg} at line {err.lineno})") from err
    atomic_write_text(Path(out) / OUTPUT_HTML, render_benchmark_html(report))
    return Path(out) / OUTPUT_HTML
