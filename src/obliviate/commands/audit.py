"""`obliviate audit` and `obliviate compare`: removal-vs-suppression audit and leaderboard."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from obliviate.cli import app, console


@app.command("audit")
def audit_cmd(run: Path = typer.Argument(..., help="Run directory written by `obliviate unlearn --out`."),
              gold: Optional[Path] = typer.Option(None, help="Gold model directory (retrained without the forget set)."),
              attacks: Optional[str] = typer.Option(None, help="Comma-separated attacks (default: all)."),
              trust_remote_code: bool = typer.Option(False, help="Allow the model's own code to run.")) -> None:
    """Attack original, unlearned and gold; add attacks, residual knowledge and verdict to report.json."""
    from obliviate.audit import AuditConfig, audit_run_dir

    config = AuditConfig(attacks=tuple(a.strip() for a in attacks.split(",") if a.strip())) if attacks else None
    report = audit_run_dir(run, gold, config, trust_remote_code=trust_remote_code)
    from rich.table import Table

    table = Table(title=f"audit of {run}")
    for col in ("attack", "original", "unlearned", "gold", "rho", "95% CI"):
        table.add_column(col, justify="right")
    fmt = lambda v: "—" if v is None else f"{v:.2f}"  # noqa: E731
    for a, by_model in report["attacks"].items():
        rk = report["residual_knowledge"].get(a, {})
        ci = rk.get("ci", [None, None])
        table.add_row(a, *[fmt(by_model.get(m, {}).get("mcq_accuracy")) for m in ("original", "unlearned", "gold")],
                      fmt(rk.get("rho")), f"[{fmt(ci[0])}, {fmt(ci[1])}]")
    console.print(table)
    console.print(f"verdict: [bold]{report['verdict']}[/bold] {report['verdict_reason']}")
    if report["audit"]["needs_gold"]:
        console.print("without --gold these need the gold model: " + "; ".join(report["audit"]["needs_gold"]))
    console.print(f"report: {run / 'report.json'}")


@app.command("compare")
def compare_cmd(methods: Optional[str] = typer.Option(None, help="Comma-separated methods (default: all registered)."),
                out: Path = typer.Option(Path("obliviate_runs/leaderboard"), help="Output directory."),
                forget: str = typer.Option("forget10", help="Forget split.")) -> None:
    """Run several methods on the embedded world; write leaderboard.json and leaderboard.html."""
    from rich.table import Table

    from obliviate.compare import run_compare

    names = [m.strip() for m in methods.split(",") if m.strip()] if methods else None
    rows = run_compare(names, out, forget=forget)
    table = Table(title="leaderboard")
    for col in ("method", "intention", "verdict", "forget acc", "retain acc", "utility"):
        table.add_column(col)
    fmt = lambda v: "—" if v is None else f"{v:.2f}"  # noqa: E731
    for r in rows:
        table.add_row(r["method"], r["intention"], r["verdict"], fmt(r["forget_accuracy"]),
                      fmt(r["retain_accuracy"]), fmt(r["model_utility"]))
    console.print(table)
    console.print(f"leaderboard: {out / 'leaderboard.html'}")
