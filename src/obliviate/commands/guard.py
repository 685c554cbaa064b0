"""`obliviate guard eval|serve`: the content filter built from a run's forget set."""

from __future__ import annotations

import json
from pathlib import Path
from typing import List, Optional

import typer

from obliviate.commands import console
from obliviate.errors import ObliviateError

commands = typer.Typer()
guard_app = typer.Typer(no_args_is_help=True, help="Content filter built from a forget set (see docs/guard.md).")
commands.add_typer(guard_app, name="guard")


OPAQUE_HELP = ("Prompts the guard cannot read (codes, letter soup, foreign-script names, transformations it "
               "could not check, one of its own questions about a subject that does not read as a name or "
               "hides who it is, or about an unknown name near a forget person's): "
               "'block' (fail closed) or 'allow' (see docs/guard.md).")


def _config(threshold: float, semantic: bool, refusal: str | None = None, opaque: str = "block"):
    from obliviate.guard import GuardConfig

    if not 0.0 <= threshold <= 1.0:
        raise ObliviateError(f"--threshold must be a cosine similarity in [0, 1], got {threshold}")
    if opaque not in ("block", "allow"):
        raise ObliviateError(f"--opaque must be 'block' or 'allow', got {opaque!r}")
    return GuardConfig(threshold=threshold, semantic=semantic, opaque=opaque,
                       **({"refusal": refusal} if refusal else {}))


@guard_app.command("eval")
def guard_eval(run: Path = typer.Argument(..., help="Run directory (run.json, forget.jsonl, retain.jsonl)."),
               threshold: float = typer.Option(0.9, help="Semantic similarity threshold."),
               semantic: bool = typer.Option(True, help="Use the sentence encoder when installed."),
               opaque: str = typer.Option("block", help=OPAQUE_HELP),
               as_json: bool = typer.Option(False, "--json", help="Print guard.json.")) -> None:
    """Block rate on forget queries and false-positive rate elsewhere; writes RUN/guard.json."""
    from rich.table import Table

    from obliviate.guard.evaluate import run_guard_eval

    result = run_guard_eval(run, _config(threshold, semantic, opaque=opaque))
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
    console.print(f"goal (block >= 0.99, false positives <= 0.02 on every kind but holdout) met: "
                  f"{result['goal']['met']}"
                  f"  -> {run / 'guard.json'}")


@guard_app.command("serve")
def guard_serve(run: Path = typer.Option(..., help="Run directory whose model and forget set to serve."),
                host: str = typer.Option("127.0.0.1", help="Bind address; beyond loopback an API key is required."),
                port: int = typer.Option(8000, help="TCP port."),
                threshold: float = typer.Option(0.9, help="Semantic similarity threshold."),
                semantic: bool = typer.Option(True, help="Use the sentence encoder when installed."),
                refusal: str = typer.Option("I can't help with that.", help="Text returned when blocked."),
                opaque: str = typer.Option("block", help=OPAQUE_HELP),
                api_key: Optional[str] = typer.Option(None, envvar="OBLIVIATE_GUARD_API_KEY", show_default=False,
                                                      help="Require 'Authorization: Bearer KEY' on every request "
                                                           "(env OBLIVIATE_GUARD_API_KEY)."),
                allowed_host: List[str] = typer.Option([], help="Host header name clients may use, besides the "
                                                               "loopback names and --host (repeat; '*': any)."),
                allow_public_without_key: bool = typer.Option(False, help="Bind beyond loopback without a key."),
                admin_detail: bool = typer.Option(False, help="Put the guard's reason, entity and score in "
                                                              "replies (for debugging; it tells clients what "
                                                              "the forget set holds)."),
                decision_log: Optional[Path] = typer.Option(None, help="Append each decision (with its entity, "
                                                                       "reason, score and prompt) to this "
                                                                       "JSON-lines file (mode 0600)."),
                queue_size: int = typer.Option(64, help="Requests that may wait; one more gets HTTP 503."),
                max_batch: int = typer.Option(16, help="Prompts per model call when requests queue up."),
                trust_remote_code: bool = typer.Option(False, help="Allow the model's own code to run.")) -> None:
    """Serve the run's unlearned model behind the guard (OpenAI-compatible API)."""
    from obliviate.guard.server import check_bind

    if not 0 < port < 65536:
        raise ObliviateError(f"--port must be in 1..65535, got {port}")
    if queue_size < 1 or max_batch < 1:
        raise ObliviateError(f"--queue-size and --max-batch must be >= 1, got {queue_size} and {max_batch}")
    if decision_log is not None and decision_log.is_dir():
        raise ObliviateError(f"--decision-log {decision_log} is a directory; pass a file path")
    check_bind(host, api_key, allow_public_without_key, allowed_host)
    config = _config(threshold, semantic, refusal, opaque)

    from obliviate.guard import Guard, GuardedModel
    from obliviate.guard.server import serve
    from obliviate.models.load import load_model
    from obliviate.rundir import RunDir

    run_dir = RunDir(run)
    unlearned = run_dir.model_paths()["unlearned"]
    guard = Guard.from_items(run_dir.forget_items(), run_dir.retain_items(), config)
    lm = load_model(unlearned, trust_remote_code=trust_remote_code)
    if admin_detail:
        console.print("[yellow]warning:[/yellow] --admin-detail: replies name the forget entity and score; "
                      "do not expose this server to untrusted clients")
    console.print(f"serving {unlearned} behind the guard ({guard.mode}) on http://{host}:{port}/v1"
                  + (" (API key required)" if api_key else ""))
    serve(GuardedModel(lm, guard, refusal), host=host, port=port, api_key=api_key, allowed_hosts=allowed_host,
          allow_public_without_key=allow_public_without_key, admin_detail=admin_detail,
          decision_log=decision_log, queue_size=queue_size, max_batch=max_batch)
