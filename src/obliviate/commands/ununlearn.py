"""`obliviate ununlearn RUN_DIR`: forgotten knowledge handed back in the prompt."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from obliviate.commands import console

commands = typer.Typer()


@commands.command("ununlearn")
def ununlearn(run: Path = typer.Argument(..., help="Run directory (run.json, model/, forget.jsonl)."),
              gold: Optional[Path] = typer.Option(None, help="Gold (retrained) model dir; default: the report's."),
              original: Optional[Path] = typer.Option(None, help="Original model dir; default: run.json's."),
              seed: int = typer.Option(0, help="Seed for distractor facts.")) -> None:
    """In-context reintroduction and compositional probes; writes RUN/ununlearning.json."""
    from rich.table import Table

    from obliviate.errors import ModelLoadError
    from obliviate.rundir import RunDir, check_outputs

    from obliviate.models.pretrained import resolve_model_arg

    gold, original = resolve_model_arg(gold, "--gold"), resolve_model_arg(original, "--original")
    for name, path in (("--gold", gold), ("--original", original)):
        if path is not None and not path.is_dir():
            raise ModelLoadError(f"{name} {path} is not a directory")
    run_dir = RunDir(run)
    recorded = run_dir.model_paths()  # a clear error for a directory that is not a run
    gold_in = gold or recorded["gold"]  # as the run records them (report: the run's own or the demo's)
    original_in = original or recorded["original"]
    # ununlearning.json and report.json are written into RUN: never into (or as) a model.
    check_outputs([("gold model", gold_in), ("original model", original_in), ("the run's model", run_dir.model_dir),
                   ("the run's forget set", run_dir.path(RunDir.FORGET))],
                  [("RUN/ununlearning.json", run / "ununlearning.json"), ("RUN/report.json", run / "report.json")])
    from obliviate.ununlearning import run_ununlearning

    table_data = run_ununlearning(run, gold=gold, original=original, seed=seed)
    models = list(next(iter(table_data.values())))
    table = Table(title=f"UnUnlearning on {run} (MCQ accuracy on forget people)")
    table.add_column("condition")
    for m in models:
        table.add_column(m, justify="right")
    for condition, by_model in table_data.items():
        table.add_row(condition, *[f"{by_model[m]:.3f}" if m in by_model else "—" for m in models])
    console.print(table)
    console.print(f"-> {run / 'ununlearning.json'}")
