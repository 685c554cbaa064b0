"""`obliviate ledger ...`: deletion requests applied one after another, with certificates."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Optional

import typer
from rich.table import Table

from obliviate.commands import console, parse_options
from obliviate.options import check_method_options

commands = typer.Typer()
ledger_app = typer.Typer(no_args_is_help=True,
                         help="A ledger of deletion requests: add, run (resumable), status, certificates.")
commands.add_typer(ledger_app, name="ledger")


@ledger_app.command("init")
def init_cmd(directory: Path = typer.Argument(..., help="Ledger directory to create (new or empty)."),
             model: Path = typer.Option(..., help="Original model (local HF directory, never modified, or a "
                                        "name from `obliviate models list`)."),
             retain: Optional[Path] = typer.Option(None, help="Retain set (JSONL) every request keeps."),
             method: str = typer.Option("npo", help="Default unlearning method of `ledger run`."),
             option: list[str] = typer.Option([], "--option", "-o", help="Default method option key=value."),
             copy: bool = typer.Option(False, help="Copy the model into DIR/original instead of "
                                                   "referencing it by path and hash.")) -> None:
    """Create a ledger for a model."""
    options = parse_options(option)
    check_method_options(method, options)  # before torch: names and types from the method's source
    from obliviate.ledger import Ledger
    from obliviate.models.pretrained import resolve_model_arg

    model = resolve_model_arg(model, "--model")  # a name from `obliviate models list` -> its directory
    ledger = Ledger.init(directory, model, retain=retain, method=method, options=options, copy=copy)
    state = ledger.state()
    console.print(f"ledger {directory}: model {ledger.original_path()} (sha256 {state['sha256'][:12]}...), "
                  f"{ledger.setting('retain_items')} retain items, method {method}")


@ledger_app.command("add")
def add_cmd(directory: Path = typer.Argument(..., help="Ledger directory."),
            items: Path = typer.Option(..., help="JSONL file of the items to forget."),
            request_id: Optional[str] = typer.Option(None, "--id", help="Request id (default r0001, ...).")) -> None:
    """Add a pending deletion request."""
    from obliviate.ledger import Ledger

    request = Ledger(directory).add(items, request_id)
    console.print(f"added request {request.id} ({len(request.items)} items, hash {request.items_hash[:12]}...)")


@ledger_app.command("run")
def run_cmd(directory: Path = typer.Argument(..., help="Ledger directory."),
            method: Optional[str] = typer.Option(None, help="Method (default: the one given at init)."),
            option: list[str] = typer.Option([], "--option", "-o", help="Method option key=value."),
            retain_eval: int = typer.Option(120, help="Retain items scored after each request."),
            audit: bool = typer.Option(True, help="Call obliviate.audit.run_audit when available."),
            limit: Optional[int] = typer.Option(None, help="Apply at most this many requests.")) -> None:
    """Apply pending requests in order; safe to kill (Ctrl-C, SIGKILL) and run again to resume.

    Each request is committed with its checkpoint in one transaction; a run that is
    interrupted leaves the finished requests done and redoes the one in progress.
    """
    options = parse_options(option)
    if method is not None:
        check_method_options(method, options)  # before torch (the ledger's own method is checked on load)
    from obliviate.ledger import Ledger, LedgerRunConfig

    ledger = Ledger(directory)

    def show(r) -> None:
        m = r.metrics or {}
        console.print(f"{r.id}: done in {r.seconds:.1f} s; forget acc {m.get('forget_accuracy', float('nan')):.3f}, "
                      f"all requests {m.get('forget_accuracy_all', float('nan')):.3f}, "
                      f"retain {m.get('retain_accuracy') if m.get('retain_accuracy') is not None else '—'}")

    config = LedgerRunConfig(method=method, options=options, retain_eval=retain_eval,
                             audit=audit, stop_after=limit)
    applied = ledger.run(config, on_request=show)
    console.print(f"applied {len(applied)} request(s); model {ledger.state()['sha256'][:12]}...")


@ledger_app.command("status")
def status_cmd(directory: Path = typer.Argument(..., help="Ledger directory."),
               as_json: bool = typer.Option(False, "--json", help="Print as JSON.")) -> None:
    """Requests and their status, and the current model."""
    from obliviate.ledger import Ledger

    status = Ledger(directory).status()
    if as_json:
        print(json.dumps(status, indent=2))
        return
    table = Table(title=f"ledger {directory}: {status['counts']}")
    for col in ("seq", "id", "items", "status", "method", "forget acc", "retain acc", "after"):
        table.add_column(col)
    for r in status["requests"]:
        m = r["metrics"] or {}
        fmt = lambda v: f"{v:.3f}" if isinstance(v, float) else "—"  # noqa: E731
        table.add_row(str(r["seq"]), r["id"], str(r["n_items"]), r["status"], r["method"] or "—",
                      fmt(m.get("forget_accuracy")), fmt(m.get("retain_accuracy")),
                      (r["model_after"] or "—")[:12])
    console.print(table)
    console.print(f"model: {status['model']['checkpoint']} ({status['model']['sha256'][:12]}...), "
                  f"{status['model']['applied']} applied")


@ledger_app.command("certificate")
def certificate_cmd(directory: Path = typer.Argument(..., help="Ledger directory."),
                    request_id: str = typer.Argument(..., help="Request id."),
                    out: Optional[Path] = typer.Option(None, help="Write the certificate here too (a new file)."),
                    overwrite: bool = typer.Option(False, "--overwrite", help="Replace an existing --out file.")
                    ) -> None:
    """Print a request's deletion certificate (JSON)."""
    from obliviate.files import atomic_write_text
    from obliviate.ledger import Ledger
    from obliviate.rundir import check_output_file

    ledger = Ledger(directory)
    if out:
        check_output_file(out, [("ledger", ledger.root), ("original model", ledger.original_path())], overwrite)
    text = json.dumps(ledger.certificate(request_id), indent=2)
    if out:
        atomic_write_text(out, text + "\n")
    print(text)


@ledger_app.command("verify")
def verify_cmd(directory: Path = typer.Argument(..., help="Ledger directory."),
               request_id: str = typer.Argument(..., help="Request id.")) -> None:
    """Recompute a request's item and checkpoint hashes; exit 1 on a mismatch."""
    from obliviate.ledger import Ledger

    result = Ledger(directory).verify(request_id)
    for c in result["checks"]:
        mark = "[green]ok[/green]" if c["ok"] else "[red]MISMATCH[/red]"
        console.print(f"{c['name']:<13} {mark}  expected {str(c['expected'])[:16]}  found {str(c['found'])[:16]}")
    if not result["ok"]:
        # sys.exit, not typer.Exit: the app runs with standalone_mode=False, which turns
        # typer.Exit into a return value that main() ignores.
        sys.exit(1)
