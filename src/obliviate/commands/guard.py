"""`obliviate guard eval|serve`: the content filter built from a run's forget set."""

from __future__ import annotations

import ipaddress
import json
from pathlib import Path

import typer

from obliviate.cli import app, console
from obliviate.errors import ObliviateError

guard_app = typer.Typer(no_args_is_help=True, help="Content filter built from a forget set (see docs/guard.md).")
app.add_typer(guard_app, name="guard")


def _config(threshold: float, semantic: bool, refusal: str | None = None):
    from obliviate.guard import GuardConfig

    if not 0.0 <= threshold <= 1.0:
        raise ObliviateError(f"--threshold must be a cosine similarity in [0, 1], got {threshold}")
    return GuardConfig(threshold=threshold, semantic=semantic, **({"refusal": refusal} if refusal else {}))


@guard_app.command("eval")
def guard_eval(run: Path = typer.Argument(..., help="Run directory (run.json, forget.jsonl, retain.jsonl)."),
               threshold: float = typer.Option(0.9, help="Semantic similarity threshold."),
               semantic: bool = typer.Option(True, help="Use the sentence encoder when installed."),
               as_json: bool = typer.Option(False, "--json", help="Print guard.json.")) -> None:
    """Block rate on forget queries and false-positive rate elsewhere; writes RUN/guard.json."""
    from rich.table import Table

    from obliviate.guard.evaluate import run_guard_eval

    result = run_guard_eval(run, _config(threshold, semantic))
    if as_json:
        print(json.dumps(result, indent=2))
        return
    table = Table(title=f"guard ({result['mode']}) on {run}")
    for col in ("query kind", "rate", "queries"):
        table.add_column(col)
    for k, v in result["block_rate"].items():
        table.add_row(f"block: {k}", f"{v:.3f}", str(result["n_queries"][k]))
    for k, v in result["false_positive_rate"].items():
        table.add_row(f"false positive: {k}", f"{v:.3f}", str(result["n_queries"][k]))
    console.print(table)
    console.print(f"goal (block >= 0.99, false positives <= 0.02 on retain/neighbor) met: {result['goal']['met']}"
                  f"  -> {run / 'guard.json'}")


@guard_app.command("serve")
def guard_serve(run: Path = typer.Option(..., help="Run directory whose model and forget set to serve."),
                host: str = typer.Option("127.0.0.1", help="Bind address (the server has no authentication)."),
                port: int = typer.Option(8000, help="TCP port."),
                threshold: float = typer.Option(0.9, help="Semantic similarity threshold."),
                semantic: bool = typer.Option(True, help="Use the sentence encoder when installed."),
                refusal: str = typer.Option("I can't help with that.", help="Text returned when blocked."),
                trust_remote_code: bool = typer.Option(False, help="Allow the model's own code to run.")) -> None:
    """Serve the run's unlearned model behind the guard (OpenAI-compatible API)."""
    from obliviate.guard import Guard, GuardedModel
    from obliviate.guard.server import serve
    from obliviate.models.load import load_model
    from obliviate.ununlearning import load_run_inputs

    if not 0 < port < 65536:
        raise ObliviateError(f"--port must be in 1..65535, got {port}")
    try:
        loopback = ipaddress.ip_address(host).is_loopback
    except ValueError:
        loopback = host == "localhost"
    if not loopback:
        console.print(f"[yellow]warning:[/yellow] binding to {host}: the server has no authentication")
    inputs = load_run_inputs(run)
    guard = Guard.from_items(inputs.forget, inputs.retain, _config(threshold, semantic, refusal))
    lm = load_model(inputs.unlearned, trust_remote_code=trust_remote_code)
    console.print(f"serving {inputs.unlearned} behind the guard ({guard.mode}) on http://{host}:{port}/v1")
    serve(GuardedModel(lm, guard, refusal), host=host, port=port)
