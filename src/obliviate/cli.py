"""The `obliviate` command line: a thin typer layer over the Python API."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Optional

import typer
from rich.console import Console
from rich.table import Table

from obliviate.errors import ObliviateError

app = typer.Typer(add_completion=False, no_args_is_help=True,
                  help="Make a language model forget, then prove whether it really forgot.")
world_app = typer.Typer(no_args_is_help=True, help="The embedded synthetic world.")
app.add_typer(world_app, name="world")
console = Console()


def _parse_options(options: list[str]) -> dict:
    """``key=value`` pairs; values parsed as JSON when they can be (numbers, lists, booleans)."""
    out = {}
    for opt in options:
        if "=" not in opt:
            raise ObliviateError(f"option {opt!r} must look like key=value (e.g. lr=1e-4)")
        key, value = opt.split("=", 1)
        try:
            out[key] = json.loads(value)
        except json.JSONDecodeError:
            out[key] = value
    return out


def print_summary(report: dict) -> None:
    table = Table(title=f"{report['method']} ({report['intention']}) on {report['forget_split']}")
    table.add_column("MCQ accuracy")
    models = ["original", "unlearned", "gold"]
    for m in models:
        table.add_column(m, justify="right")
    for split, by_model in report["metrics"].items():
        table.add_row(split, *[f"{by_model[m]['mcq_accuracy']:.3f}" if m in by_model else "—" for m in models])
    util = report.get("model_utility", {})
    table.add_row("model utility", *[f"{util[m]:.3f}" if util.get(m) is not None else "—" for m in models])
    fq = report.get("forget_quality_all", {})
    table.add_row("forget quality", *[f"{fq[m]:.3g}" if m in fq else "—" for m in models])
    console.print(table)
    if report.get("verdict"):
        console.print(f"verdict: [bold]{report['verdict']}[/bold] {report.get('verdict_reason', '')}")


@app.command()
def demo(out: Path = typer.Option(Path("obliviate_runs/demo"), help="Output directory."),
         method: str = typer.Option("npo", help="Unlearning method (see `obliviate methods`)."),
         forget: str = typer.Option("forget10", help="Forget split: forget01, forget05 or forget10."),
         people: int = typer.Option(100, help="People in the embedded world."),
         seed: int = typer.Option(0, help="World seed."),
         audit: bool = typer.Option(True, help="Run the removal-vs-suppression audit."),
         ununlearning: bool = typer.Option(True, help="Measure in-context reintroduction."),
         guard: bool = typer.Option(True, help="Evaluate the content guard.")) -> None:
    """Embedded world + tiny models, end to end: unlearn, evaluate, audit, report."""
    from obliviate.data.world import WorldConfig
    from obliviate.demo import run_demo

    report = run_demo(out=out, method=method, forget=forget, audit=audit, ununlearning=ununlearning,
                      guard=guard, world_config=WorldConfig(seed=seed, n_people=people))
    print_summary(report)
    console.print(f"report: {out / 'report.html'}  ({report['timings_s']['total']:.0f} s)")


@app.command("unlearn")
def unlearn_cmd(model: Path = typer.Option(..., help="Local Hugging Face model directory."),
                forget: Path = typer.Option(..., help="Forget set (JSONL, obliviate or TOFU fields)."),
                retain: Optional[Path] = typer.Option(None, help="Retain set (JSONL)."),
                method: str = typer.Option("npo", help="Method name (see `obliviate methods`)."),
                out: Path = typer.Option(..., help="Run directory to write."),
                option: list[str] = typer.Option([], "--option", "-o", help="Method option key=value."),
                trust_remote_code: bool = typer.Option(False, help="Allow the model's own code to run."),
                lora: int = typer.Option(0, "--lora", help="LoRA rank for gradient methods (0: full fine-tuning)."),
                lora_adapter: bool = typer.Option(False, help="With --lora, save the adapter instead of a merged model.")
                ) -> None:
    """Unlearn a forget set from a model; writes OUT/model and OUT/run.json."""
    from obliviate.api import unlearn

    options = _parse_options(option)
    if lora:
        options.update(lora_rank=lora, lora_merge=not lora_adapter)
    result = unlearn(model, forget, retain, method=method, out=out, trust_remote_code=trust_remote_code,
                     **options)
    console.print(f"unlearned with {method} ({result.intention}) in {result.seconds:.1f} s -> {out}")


@app.command()
def methods(as_json: bool = typer.Option(False, "--json", help="Print as JSON.")) -> None:
    """List the unlearning methods with their family, intention and reference."""
    from obliviate.methods import all_methods

    rows = [m.to_dict() for m in all_methods()]
    if as_json:
        print(json.dumps(rows, indent=2))
        return
    table = Table(title="unlearning methods")
    for col in ("name", "family", "intention", "reference"):
        table.add_column(col)
    for r in rows:
        table.add_row(r["name"], r["family"], r["intention"], r["reference"])
    console.print(table)


@world_app.command("export")
def world_export(out: Path = typer.Option(..., help="Directory for the JSONL files."),
                 people: int = typer.Option(100, help="People in the world."),
                 seed: int = typer.Option(0, help="World seed."),
                 forget: str = typer.Option("forget10", help="Forget split.")) -> None:
    """Write the world's splits as TOFU-compatible JSONL, with a schema note."""
    from obliviate.data.export import export_world
    from obliviate.data.world import World, WorldConfig

    paths = export_world(World(WorldConfig(seed=seed, n_people=people)), out, forget)
    for p in paths:
        console.print(str(p))


@app.command()
def report(run: Path = typer.Argument(..., help="Directory holding report.json.")) -> None:
    """Re-render report.html from report.json."""
    from obliviate.errors import RunNotFoundError
    from obliviate.report import write_report

    path = run / "report.json"
    if not path.is_file():
        raise RunNotFoundError(f"{path} not found; run `obliviate demo` or `obliviate audit` first")
    data = json.loads(path.read_text())
    write_report(data, run)
    print_summary(data)


def _load_command_modules() -> None:
    """Import every module of :mod:`obliviate.commands` (each adds its commands to ``app``)."""
    import importlib
    import pkgutil

    import obliviate.commands as commands

    for module in pkgutil.iter_modules(commands.__path__):
        importlib.import_module(f"obliviate.commands.{module.name}")


_load_command_modules()


def _set_threads() -> None:
    """One torch thread on a busy machine: tiny-model ops stall on descheduled threads."""
    import torch

    from obliviate.models.tiny import training_threads

    torch.set_num_threads(training_threads())


@app.callback()
def _start(ctx: typer.Context) -> None:
    if ctx.invoked_subcommand == "demo":
        # A training worker imports torch beside this process's own imports; the demo
        # takes it if it has models to train and ends it otherwise.
        from obliviate.models import worker

        worker.prestart()
    _set_threads()


def main() -> None:
    """Entry point: run the app, printing project errors without a traceback."""
    try:
        app(standalone_mode=False)
    except ObliviateError as err:
        # soft_wrap: paths and "file:line" stay on one line for people and for grep.
        from rich.text import Text

        Console(stderr=True, soft_wrap=True, highlight=False).print(Text("error: ", style="red") + Text(str(err)))
        sys.exit(2)
    except KeyboardInterrupt:
        Console(stderr=True).print("[yellow]interrupted[/yellow]")
        sys.exit(130)
    except Exception as err:  # click usage errors
        import click

        if isinstance(err, click.exceptions.ClickException):
            err.show()
            sys.exit(err.exit_code)
        if isinstance(err, click.exceptions.Exit):
            sys.exit(err.exit_code)
        if isinstance(err, click.exceptions.Abort):
            sys.exit(1)
        raise


if __name__ == "__main__":
    main()
