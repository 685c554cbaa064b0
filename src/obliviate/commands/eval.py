"""`obliviate eval`: TOFU, MUSE or WMDP on a model, with the benchmark's own metric definitions."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer
from rich.console import Console

commands = typer.Typer()
console = Console()
BENCHMARKS = ("tofu", "muse", "wmdp")


HELP = ("Evaluate a model on a published unlearning benchmark; writes OUT/eval.json and OUT/eval.html.\n\n"
        "TOFU: probability, truth ratio, ROUGE-L recall, model utility, forget quality, extraction strength, "
        "exact memorization. MUSE: VerbMem, KnowMem, PrivLeak. WMDP: letter-choice accuracy. Membership "
        "inference: LOSS, zlib, Min-K%, Min-K%++, reference model. Definitions: docs/datasets.md.")


@commands.command("eval", help=HELP)
def eval_cmd(model: Path = typer.Option(..., help="Local Hugging Face model directory to evaluate, or a "
                                       "name from `obliviate models list`."),
             benchmark: str = typer.Option(..., help="tofu, muse or wmdp."),
             data: Path = typer.Option(..., help="The benchmark's files as published: TOFU's qa folder, a MUSE "
                                       "data/<corpus> folder, or WMDP file(s) (docs/datasets.md)."),
             out: Path = typer.Option(..., help="Directory for eval.json and eval.html."),
             forget_split: str = typer.Option("forget10", help="TOFU forget split (file name stem)."),
             retain_model: Optional[Path] = typer.Option(None, help="Model trained without the forget data "
                                                         "(TOFU forget quality, MUSE PrivLeak, reference MIA)."),
             prompt_format: str = typer.Option("auto", help="TOFU prompt format: auto (the tokenizer's chat "
                                               "template if it has one, else obliviate), chat, obliviate, "
                                               "tofu-llama2, tofu-phi, plain."),
             max_new_tokens: Optional[int] = typer.Option(None, help="Override the benchmark's generation length "
                                                          "(TOFU 200, MUSE VerbMem 128 / KnowMem 32)."),
             limit: Optional[int] = typer.Option(None, help="Evaluate only the first N items of each file."),
             option: list[str] = typer.Option([], "--option", "-o", help="key=value, e.g. "
                                              "privleak_retrained_auc=0.5 (MUSE without --retain-model)."),
             overwrite: bool = typer.Option(False, help="Replace an earlier eval output at --out "
                                            "(a directory holding eval.json)."),
             trust_remote_code: bool = typer.Option(False, help="Allow the model's own code to run.")) -> None:
    """Evaluate a model on a published unlearning benchmark (the help text is ``HELP``)."""
    from obliviate.errors import ObliviateError
    from obliviate.options import parse_options
    from obliviate.prompts import FORMAT_NAMES
    from obliviate.rundir import check_input_dir, check_output_dir

    # Inputs are checked before torch loads (obliviate.evals.benchmark.BENCHMARKS, kept light here).
    options = parse_options(option)
    if benchmark not in BENCHMARKS:
        raise ObliviateError(f"--benchmark {benchmark!r}: choose one of {', '.join(BENCHMARKS)}")
    if prompt_format not in FORMAT_NAMES:
        raise ObliviateError(f"--prompt-format {prompt_format!r}: choose one of {', '.join(FORMAT_NAMES)}")
    unknown = set(options) - {"privleak_retrained_auc"}
    if unknown:
        raise ObliviateError(f"unknown --option {', '.join(sorted(unknown))}; known: privleak_retrained_auc")
    from obliviate.models.pretrained import resolve_model_arg

    model = resolve_model_arg(model, "--model")  # a name from `obliviate models list` -> its directory
    retain_model = resolve_model_arg(retain_model, "--retain-model")
    check_input_dir(model, "--model")
    if retain_model is not None:
        check_input_dir(retain_model, "--retain-model")
    if not data.exists():
        raise ObliviateError(f"--data {data} does not exist")
    check_output_dir(out, [("--model", model), ("--data", data), ("--retain-model", retain_model)], overwrite,
                     marker="eval.json")

    from obliviate.evals.benchmark import run_benchmark
    from obliviate.progress import progress_bar

    with progress_bar(f"eval ({benchmark})", None) as update:
        report = run_benchmark(benchmark, model, data, out, forget_split=forget_split, retain_model=retain_model,
                               prompt_format=prompt_format, max_new_tokens=max_new_tokens, limit=limit,
                               trust_remote_code=trust_remote_code, options=options,
                               progress=lambda what: update(info=what))
    from rich.table import Table

    table = Table(title=f"{benchmark} on {model}")
    table.add_column("metric")
    table.add_column("value", justify="right")
    for key, value in report["aggregates"].items():
        items = value.items() if isinstance(value, dict) else [("", value)]
        for sub, v in items:
            table.add_row(f"{key} {sub}".strip(), "—" if v is None else f"{v:.4g}")
    console.print(table)
    for note in report["notes"]:
        console.print(f"[dim]note: {note}[/dim]")
    console.print(f"wrote {out / 'eval.json'} and {out / 'eval.html'}")
