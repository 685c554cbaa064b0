"""`obliviate checkpoints list|clear`: the resume checkpoints of stopped training runs."""

from __future__ import annotations

import json
import time
from typing import Optional

import typer

from obliviate.commands import console

commands = typer.Typer()
checkpoints_app = typer.Typer(
    no_args_is_help=True,
    help="Resume checkpoints of stopped unlearning runs, under $OBLIVIATE_HOME/checkpoints. A finished run "
         "removes its own; one not resumed for $OBLIVIATE_CHECKPOINT_DAYS days (default 7) is removed when "
         "the next run starts.")
commands.add_typer(checkpoints_app, name="checkpoints")


def _row(c: dict, now: float) -> dict:
    return {"path": str(c["path"]), "method": c["method"], "step": c["step"], "bytes": c["bytes"],
            "age_days": round((now - c["saved"]) / 86400, 3)}


@checkpoints_app.command("list")
def list_cmd(as_json: bool = typer.Option(False, "--json", help="Print as JSON.")) -> None:
    """The checkpoints kept for resuming: method, step, size, days since the last save."""
    from rich.table import Table

    from obliviate.models.cache import checkpoint_max_age_days, checkpoints_root, list_checkpoints

    now = time.time()
    rows = [_row(c, now) for c in list_checkpoints()]
    if as_json:
        print(json.dumps(rows, indent=2))
        return
    days = checkpoint_max_age_days()
    table = Table(title=f"resume checkpoints under {checkpoints_root()} (kept {days:g} days unused)")
    for col in ("checkpoint", "method", "step", "MB", "days since saved"):
        table.add_column(col, overflow="fold")
    for r in rows:
        table.add_row(r["path"].rsplit("/", 1)[-1], r["method"] or "?",
                      "unfinished" if r["step"] is None else str(r["step"]),
                      f"{r['bytes'] / 1e6:.1f}", f"{r['age_days']:.1f}")
    console.print(table if rows else f"no checkpoints under {checkpoints_root()}", soft_wrap=True)


@checkpoints_app.command("clear")
def clear_cmd(older_than: Optional[float] = typer.Option(
        None, "--older-than", min=0, help="Only those not saved to for this many days (default: all).")) -> None:
    """Remove checkpoints; the stopped runs they belong to then start over."""
    from obliviate.models.cache import checkpoints_root, prune_checkpoints

    removed = prune_checkpoints(0.0 if older_than is None else older_than)
    size = sum(c["bytes"] for c in removed) / 1e6
    console.print(f"removed {len(removed)} checkpoint(s), {size:.1f} MB, from {checkpoints_root()}",
                  highlight=False)
