"""The `obliviate` command line: a thin typer layer over the Python API.

Exit codes: 0 success; 1 a check that failed (``ledger verify``); 2 a usage error or
an :class:`~obliviate.errors.ObliviateError` (one line on stderr, nothing written);
130 interrupted (Ctrl-C / SIGINT: what was interrupted is printed, temporary output
removed). These do not depend on how typer or click report errors internally:
:func:`main` lets typer handle usage errors in standalone mode (exit 2, ``--help``
exit 0) and maps everything else itself.

Commands live in :mod:`obliviate.commands`; :data:`COMMAND_MODULES` lists them.
"""

from __future__ import annotations

import importlib
import json
import shlex
import sys
import warnings
from pathlib import Path
from typing import Optional

import typer
from rich.table import Table

from obliviate.commands import console, include
from obliviate.errors import ObliviateError
from obliviate.options import check_method_options, parse_options

# No args: the callback prints the help and exits 2 itself (click's own no-args
# handling exits 0 or 2 depending on its version).
app = typer.Typer(add_completion=False, no_args_is_help=False,
                  help="Make a language model forget, then prove whether it really forgot. "
                       "Exit codes: 0 ok, 1 a failed check, 2 usage or input error, 130 interrupted.")
world_app = typer.Typer(no_args_is_help=True, help="The embedded synthetic world.")
app.add_typer(world_app, name="world")

# The command modules, in --help order. Adding a command module is one line here
# (see obliviate/commands/__init__.py for what the module defines).
COMMAND_MODULES = [
    "obliviate.commands.audit",
    "obliviate.commands.guard",
    "obliviate.commands.ledger",
    "obliviate.commands.ununlearn",
    "obliviate.commands.models",
    "obliviate.commands.eval",
    "obliviate.commands.checkpoints",
]

OVERWRITE_HELP = ("Replace an earlier output at --out (the new one is built beside it and swapped in "
                  "when complete); a directory that is not an earlier output is never replaced.")


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
         people: Optional[int] = typer.Option(None, help="People in the embedded world (default 100; with "
                                              "--model 30, asked 3 attributes each)."),
         seed: int = typer.Option(0, help="World seed."),
         audit: bool = typer.Option(True, help="Run the removal-vs-suppression audit."),
         ununlearning: bool = typer.Option(True, help="Measure in-context reintroduction."),
         guard: bool = typer.Option(True, help="Evaluate the content guard."),
         model: Optional[str] = typer.Option(None, help="A named pretrained model (`obliviate models list`, e.g. "
                                             "smollm2-135m) fine-tuned on the world instead of the tiny models "
                                             "(CPU: about an hour the first time; cached).")) -> None:
    """Embedded world + tiny models, end to end: unlearn, evaluate, audit, report."""
    check_method_options(method, {})  # an unknown method fails here, before any model is built
    from obliviate.models.cache import obliviate_home
    from obliviate.rundir import check_reused_output_dir

    # Before any model is built: OUT is new, empty or an earlier demo output, never in the model cache.
    check_reused_output_dir(out, [("the model cache", obliviate_home())], marker="unlearned/run.json",
                            what="an earlier demo output")
    from obliviate.data.world import DEFAULT_ATTRIBUTES, WorldConfig
    from obliviate.demo import run_demo

    world = WorldConfig(seed=seed, n_people=people or 100)
    if model:
        from obliviate.models.pretrained import prepare

        prepare(model)   # unknown name or package not installed: a one-line error before any work
        world = WorldConfig(seed=seed, n_people=people or 30, attributes=DEFAULT_ATTRIBUTES[:3])
    report = run_demo(out=out, method=method, forget=forget, audit=audit, ununlearning=ununlearning,
                      guard=guard, world_config=world, model=model)
    print_summary(report)
    console.print(f"report: {out / 'report.html'}  ({report['timings_s']['total']:.0f} s)")


@app.command("unlearn")
def unlearn_cmd(model: Path = typer.Option(..., help="Local Hugging Face model directory."),
                forget: Path = typer.Option(..., help="Forget set: JSONL or JSON array of QA items (obliviate or TOFU "
                                            "fields, MUSE knowmem), or WMDP multiple-choice records."),
                retain: Optional[Path] = typer.Option(None, help="Retain set (formats as --forget); shares no "
                                                 "item with --forget."),
                method: str = typer.Option("npo", help="Method name (see `obliviate methods`)."),
                out: Path = typer.Option(..., help="Run directory to write (must be new or empty)."),
                overwrite: bool = typer.Option(False, "--overwrite", help=OVERWRITE_HELP),
                option: list[str] = typer.Option([], "--option", "-o",
                                                 help="Method option key=value (checked against the method's config)."),
                trust_remote_code: bool = typer.Option(False, help="Allow the model's own code to run."),
                lora: int = typer.Option(0, "--lora", help="LoRA rank for gradient methods (0: full fine-tuning)."),
                lora_adapter: bool = typer.Option(False, help="With --lora, save the adapter instead of a merged model."),
                resume: bool = typer.Option(False, "--resume", help="Continue a stopped run of the same inputs and "
                                            "options from its checkpoint (an error if there is none). Without it, "
                                            "such a checkpoint is resumed too.")
                ) -> None:
    """Unlearn a forget set from a model; writes OUT/model and OUT/run.json.

    Inputs (model, forget, retain) are never written: an --out that is, contains or
    lies inside any of them is refused, as is a non-empty --out without --overwrite.
    """
    from obliviate.data.benchmarks import load_forget_retain_files
    from obliviate.models.cache import checkpoint_max_age_days
    from obliviate.rundir import check_input_dir, check_output_dir

    # Everything a user can get wrong is checked here, before torch and the model load.
    options = parse_options(option)
    if lora:
        options.update(lora_rank=lora, lora_merge=not lora_adapter)
    check_method_options(method, options)  # names and types, read from the method's source: no torch yet
    from obliviate.models.pretrained import resolve_model_arg

    model = resolve_model_arg(model, "--model")  # a name from `obliviate models list` -> its directory
    check_input_dir(model, "--model")
    checkpoint_max_age_days()  # a bad $OBLIVIATE_CHECKPOINT_DAYS fails here, not after the model loads
    load_forget_retain_files(forget, retain)  # TOFU / MUSE knowmem / WMDP files as published
    check_output_dir(out, [("--model", model), ("--forget", forget), ("--retain", retain)], overwrite,
                     marker="run.json")

    from obliviate.api import unlearn

    result = unlearn(model, forget, retain, method=method, out=out, trust_remote_code=trust_remote_code,
                     overwrite=overwrite, resume=True if resume else None, **options)
    resumed = (f", resumed from the checkpoint of a stopped run at step {result.resumed_from_step}"
               if result.resumed_from_step else "")
    console.print(f"unlearned with {method} ({result.intention}) in {result.seconds:.1f} s{resumed} -> {out}")


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
def world_export(out: Path = typer.Option(..., help="Directory for the JSONL files (must be new or empty)."),
                 people: int = typer.Option(100, help="People in the world."),
                 seed: int = typer.Option(0, help="World seed."),
                 forget: str = typer.Option("forget10", help="Forget split."),
                 overwrite: bool = typer.Option(False, "--overwrite", help=OVERWRITE_HELP)) -> None:
    """Write the world's splits as TOFU-compatible JSONL, with a schema note."""
    from obliviate.data.export import export_world
    from obliviate.data.world import World, WorldConfig

    paths = export_world(World(WorldConfig(seed=seed, n_people=people)), out, forget, overwrite=overwrite)
    for p in paths:
        console.print(str(p))


@app.command()
def report(run: Path = typer.Argument(..., help="Directory holding report.json.")) -> None:
    """Re-render report.html from report.json (or eval.html from an `obliviate eval` eval.json)."""
    if (run / "eval.json").is_file() and not (run / "report.json").is_file():
        from obliviate.evals.benchmark import rerender_benchmark_report

        console.print(f"re-rendered {rerender_benchmark_report(run)}")
        return
    from obliviate.report import write_report
    from obliviate.rundir import RunDir, check_outputs

    run_dir = RunDir(run)
    data = run_dir.read_report()
    # report.html is the only file written; it must not be (a link to) anything the run reads.
    check_outputs([("report.json", run_dir.path(RunDir.REPORT)), ("run.json", run_dir.path(RunDir.RUN)),
                   ("model", run_dir.model_dir)], [("report.html", run / "report.html")])
    write_report(data, run)
    print_summary(data)


def _load_command_modules() -> None:
    """Import the modules of :data:`COMMAND_MODULES` and add their commands to ``app``."""
    for name in COMMAND_MODULES:
        include(app, importlib.import_module(name))


_load_command_modules()


def _convert_interrupts(typer_app: typer.Typer) -> None:
    """Make every command callback raise :class:`Interrupted` where it would raise KeyboardInterrupt.

    A KeyboardInterrupt raised inside a command (by a library, or with no handler of
    ours installed) is turned by click/typer into exit 1 ("Aborted!") or a silent 130
    depending on their version; :class:`Interrupted` passes through both to :func:`main`.
    """
    import functools

    for info in typer_app.registered_commands:
        callback = info.callback
        if callback is None or getattr(callback, "_obliviate_interrupts", False):
            continue

        @functools.wraps(callback)
        def wrapper(*args, __callback=callback, **kwargs):
            try:
                return __callback(*args, **kwargs)
            except KeyboardInterrupt as err:
                raise Interrupted() from err

        wrapper._obliviate_interrupts = True
        info.callback = wrapper
    for group in typer_app.registered_groups:
        if group.typer_instance is not None:
            _convert_interrupts(group.typer_instance)


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("obliviate")
    except PackageNotFoundError:  # running from a source tree that is not installed
        from obliviate import __version__

        return __version__


def _show_version(value: bool) -> None:
    if value:
        print(f"obliviate {_version()}")
        raise typer.Exit()


@app.callback(invoke_without_command=True)
def _start(ctx: typer.Context,
           version: bool = typer.Option(False, "--version", callback=_show_version, is_eager=True,
                                        help="Print the version and exit.")) -> None:
    if ctx.invoked_subcommand is None:
        print(ctx.get_help())
        raise typer.Exit(2)


class Interrupted(BaseException):
    """What a command's KeyboardInterrupt becomes on its way out of the command.

    Ctrl-C raises KeyboardInterrupt as usual (Python's own SIGINT handler), so code
    inside a command can react to it, e.g. the training loop saves a checkpoint to
    resume from. :func:`_convert_interrupts` re-raises it as this BaseException, which
    is not KeyboardInterrupt: click/typer, which turn KeyboardInterrupt into exit 1
    ("Aborted!") or a silent 130 depending on their version, let it through to
    :func:`main`; ``finally`` blocks and context managers (temporary directories) run.
    """


def _stderr():
    from rich.console import Console

    # soft_wrap: paths and "file:line" stay on one line for people and for grep.
    return Console(stderr=True, soft_wrap=True, highlight=False)


def _show_warning(message, category, filename, lineno, file=None, line=None) -> None:
    from rich.text import Text

    _stderr().print(Text("warning: ", style="yellow") + Text(str(message)))


# What an interrupted command keeps, printed after "interrupted: <command>".
RESUME_HINTS = {
    ("ledger", "run"): "requests already done are kept; run the same command to resume",
    ("unlearn",): "a gradient method's training state is checkpointed; the same command resumes it "
                  "(kept $OBLIVIATE_CHECKPOINT_DAYS days, default 7; `obliviate checkpoints clear` discards it)",
}


def _command_words(args: list[str]) -> str:
    """The command line as typed, and what it keeps, for the interrupt message."""
    words = shlex.join(args) if args else "obliviate"
    hint = next((h for prefix, h in RESUME_HINTS.items() if tuple(args[:len(prefix)]) == prefix), None)
    return f"{words} ({hint})" if hint else words


def main(argv: list[str] | None = None) -> None:
    """Entry point: run the app; map errors and interrupts to exit codes (see module docstring).

    ``argv`` defaults to ``sys.argv[1:]``; always ends with :class:`SystemExit`.
    """
    from rich.text import Text

    args = list(sys.argv[1:] if argv is None else argv)
    try:
        with warnings.catch_warnings():
            warnings.showwarning = _show_warning
            app(args=args, prog_name="obliviate", standalone_mode=True)
    except ObliviateError as err:
        _stderr().print(Text("error: ", style="red") + Text(str(err)))
        sys.exit(2)
    except (Interrupted, KeyboardInterrupt):
        _stderr().print(Text("interrupted: ", style="yellow") + Text(_command_words(args)))
        sys.exit(130)
    sys.exit(0)  # typer exits itself in standalone mode; this is never reached in practice


_convert_interrupts(app)

if __name__ == "__main__":
    main()
