"""`obliviate audit` and `obliviate compare`: removal-vs-suppression audit and leaderboard."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from obliviate.cli import app, console
from obliviate.options import check_method_options

AUDIT_HELP = """Attack original, unlearned and a never-known reference; add the verdict to RUN/report.json.

The attacks, the residual knowledge under each and the verdict are merged into RUN/report.json.

\b
rho_a = (U_a - G_a) / (O_a - G_a) for each attack a: the unlearned
model's forget accuracy over the reference G (gold; without --gold,
the original on --holdout people), relative to the original O under
the same attack. 0 = never learned, 1 = as in the original.
Intervals: bootstrap over forget people (and attack seeds); 'ci' is
simultaneous over the informative attacks, 'tost_ci' the 90% interval
of the equivalence test. An attack whose ceiling O_a - G_a has a
lower bound under 0.25 is flagged uninformative and decides nothing.

\b
Verdict, the first rule that holds:
  not_unlearned   rho_none's simultaneous lower bound >= 0.3
  suppression     a revealing attack's simultaneous lower bound
                  >= 0.3 (the attack is named)
  over_unlearned  an attack's simultaneous upper bound < 0
  removal         every informative attack's 90% interval inside
                  (-delta, +delta): TOST + intersection-union;
                  delta calibrated on independent exact retrains
                  against gold (benchmarks/bench_calibration.py)
  inconclusive    otherwise, with the interval and how many more
                  people would decide it
Without --gold and --holdout only not_unlearned can be concluded."""


@app.command("audit", help=AUDIT_HELP)
def audit_cmd(run: Path = typer.Argument(..., help="Run directory written by `obliviate unlearn --out`."),
              gold: Optional[Path] = typer.Option(None, help="Gold model directory (retrained without the forget set)."),
              holdout: Optional[Path] = typer.Option(
                  None, help="Without --gold: JSONL of QA items about people never trained on, the never-known "
                             "reference (default: RUN/holdout.jsonl when present)."),
              attacks: Optional[str] = typer.Option(
                  None, help="Comma-separated attacks (default: all but relearn_tuned, the 8-fine-tune search)."),
              delta: Optional[float] = typer.Option(None, help="Equivalence margin of 'removal' (default: calibrated)."),
              calibration: Optional[Path] = typer.Option(None, help="Calibration JSON to read delta from."),
              trust_remote_code: bool = typer.Option(False, help="Allow the model's own code to run.")) -> None:
    from obliviate.models.pretrained import resolve_model_arg
    from obliviate.rundir import RunDir

    gold = resolve_model_arg(gold, "--gold")  # a name from `obliviate models list` -> its directory
    # RUN/report.json and report.html are written: never as, into or around an input (before any import of torch).
    RunDir(run).check_writes([("RUN/report.json", run / "report.json"), ("RUN/report.html", run / "report.html")],
                             [("--gold", gold), ("--holdout", holdout), ("--calibration", calibration)])
    from obliviate.audit import AuditConfig, audit_run_dir
    from obliviate.evals.attacks import DEFAULT_ATTACKS

    chosen = tuple(a.strip() for a in attacks.split(",") if a.strip()) if attacks else DEFAULT_ATTACKS
    config = AuditConfig(attacks=chosen, delta=delta, calibration=str(calibration) if calibration else None)
    report = audit_run_dir(run, gold, config, trust_remote_code=trust_remote_code, holdout=holdout)
    from rich.table import Table

    reference = report["audit"]["reference"]
    table = Table(title=f"audit of {run} (reference: {reference})")
    for col in ("attack", "original", "unlearned", reference, "ceiling", "rho", "simultaneous CI", ""):
        table.add_column(col, justify="right")
    fmt = lambda v: "—" if v is None else f"{v:.2f}"  # noqa: E731
    for a, by_model in report["attacks"].items():
        rk = report["residual_knowledge"].get(a, {})
        ci = rk.get("ci", [None, None])
        table.add_row(a, *[fmt(by_model.get(m, {}).get("mcq_accuracy")) for m in ("original", "unlearned", reference)],
                      fmt(rk.get("ceiling", {}).get("gap")), fmt(rk.get("rho")), f"[{fmt(ci[0])}, {fmt(ci[1])}]",
                      "" if rk.get("informative") else "uninformative")
    console.print(table)
    delta_info = report["audit"]["delta"]
    console.print(f"delta = {delta_info['value']:.2f} ({delta_info.get('source', '')})")
    console.print(f"verdict: [bold]{report['verdict']}[/bold] {report['verdict_reason']}")
    if report["audit"]["needs_gold"]:
        console.print("without --gold: " + "; ".join(report["audit"]["needs_gold"]))
    console.print(f"report: {run / 'report.json'}")


@app.command("compare")
def compare_cmd(methods: Optional[str] = typer.Option(None, help="Comma-separated methods (default: all registered)."),
                out: Path = typer.Option(Path("obliviate_runs/leaderboard"), help="Output directory."),
                forget: str = typer.Option("forget10", help="Forget split."),
                fresh: bool = typer.Option(False, help="Ignore the rows already checkpointed in OUT/rows.")) -> None:
    """Run several methods on the embedded world; write leaderboard.json and leaderboard.html.

    Each finished method is checkpointed in OUT/rows/; the same command after an
    interruption resumes with the methods still missing (--fresh starts over)."""
    from rich.table import Table

    from obliviate.models.cache import obliviate_home
    from obliviate.rundir import check_reused_output_dir

    # OUT is written again on every run (resume); never a file, the model cache or inside it.
    check_reused_output_dir(out, [("the model cache", obliviate_home())])
    names = [m.strip() for m in methods.split(",") if m.strip()] if methods else None
    for name in names or []:
        check_method_options(name, {})  # an unknown name fails here, before torch
    from obliviate.compare import run_compare

    rows = run_compare(names, out, forget=forget, resume=not fresh)
    table = Table(title="leaderboard")
    for col in ("method", "intention", "verdict", "deciding attack", "interval", "delta", "forget acc",
                "retain acc", "utility"):
        table.add_column(col)
    fmt = lambda v: "—" if v is None else f"{v:.2f}"  # noqa: E731
    for r in rows:
        d = r.get("decision") or {}
        ci = d.get("interval") or [None, None]
        table.add_row(r["method"], r["intention"], r["verdict"], d.get("attack") or "—",
                      f"[{fmt(ci[0])}, {fmt(ci[1])}]", fmt(d.get("delta")), fmt(r["forget_accuracy"]),
                      fmt(r["retain_accuracy"]), fmt(r["model_utility"]))
    console.print(table)
    console.print(f"leaderboard: {out / 'leaderboard.html'}")
