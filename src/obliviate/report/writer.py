"""Write report.json and a self-contained HTML page (inline PNG plots, no external assets)."""

from __future__ import annotations

import base64
import io
import json
from pathlib import Path
from typing import Any

import jinja2

from obliviate.api import to_jsonable
from obliviate.files import atomic_write_text

MODEL_COLORS = {"original": "#4c72b0", "unlearned": "#dd8452", "gold": "#55a868"}


def _png(fig) -> str:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=110, bbox_inches="tight")
    import matplotlib.pyplot as plt

    plt.close(fig)
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode()


def grouped_bars(groups: dict[str, dict[str, float | None]], title: str, ylabel: str,
                 chance: float | None = None) -> str:
    """A grouped bar chart (groups on x, one bar per series) as a data URI."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    names = list(groups)
    series = sorted({s for g in groups.values() for s in g}, key=lambda s: list(MODEL_COLORS).index(s)
                    if s in MODEL_COLORS else 99)
    fig, ax = plt.subplots(figsize=(max(5, 1.3 * len(names) + 2), 3.2))
    width = 0.8 / max(1, len(series))
    for k, s in enumerate(series):
        xs = [i + k * width for i in range(len(names))]
        ys = [groups[n].get(s) or 0.0 for n in names]
        ax.bar(xs, ys, width, label=s, color=MODEL_COLORS.get(s))
    ax.set_xticks([i + width * (len(series) - 1) / 2 for i in range(len(names))], names, rotation=15)
    if chance is not None:
        ax.axhline(chance, color="grey", ls="--", lw=1, label="chance")
    ax.set_ylim(0, 1.05)
    ax.set_ylabel(ylabel)
    ax.set_title(title)
    ax.legend(fontsize=8, loc="upper right")
    return _png(fig)


def line_plot(xs: list, lines: dict[str, list[float]], title: str, xlabel: str, ylabel: str) -> str:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6, 3.2))
    for name, ys in lines.items():
        ax.plot(xs[:len(ys)], ys, marker="o", ms=3, label=name)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.set_title(title)
    ax.legend(fontsize=8)
    return _png(fig)


def _plots(report: dict) -> dict[str, str]:
    plots = {}
    metrics = report.get("metrics", {})
    if metrics:
        acc = {split: {m: v.get("mcq_accuracy") for m, v in by_model.items()} for split, by_model in metrics.items()}
        plots["mcq"] = grouped_bars(acc, "MCQ accuracy by split", "accuracy", chance=0.25)
    attacks = report.get("attacks")
    if attacks:
        acc = {a: {m: v.get("mcq_accuracy") for m, v in by_model.items()} for a, by_model in attacks.items()}
        plots["attacks"] = grouped_bars(acc, "Forget-set MCQ accuracy under attack", "accuracy", chance=0.25)
    ununlearning = report.get("ununlearning")
    if ununlearning:
        plots["ununlearning"] = grouped_bars(ununlearning, "Forget knowledge handed back in context", "accuracy")
    guard = report.get("guard", {}).get("sweep")
    if guard:
        plots["guard"] = line_plot(guard["thresholds"], {"block rate (forget)": guard["block_rate"],
                                                          "false-positive rate": guard["false_positive_rate"]},
                                   "Guard threshold sweep", "threshold", "rate")
    sequence = report.get("sequential")
    if sequence:
        plots["sequential"] = line_plot(list(range(1, len(sequence["forget_accuracy"]) + 1)),
                                        {"forget accuracy (requests so far)": sequence["forget_accuracy"],
                                         "retain accuracy": sequence["retain_accuracy"]},
                                        "Sequential deletion requests", "request", "MCQ accuracy")
    return plots


def render_html(report: dict[str, Any]) -> str:
    """The report as one HTML string with inline plots."""
    env = jinja2.Environment(loader=jinja2.PackageLoader("obliviate.report", "templates"),
                             autoescape=jinja2.select_autoescape(["html"]))
    env.filters["fmt"] = lambda v, nd=3: "—" if v is None else (f"{v:.{nd}f}" if isinstance(v, float) else v)
    return env.get_template("report.html.j2").render(r=report, plots=_plots(report))


def write_report(report: dict[str, Any], out_dir: str | Path) -> tuple[Path, Path]:
    """Write ``report.json`` and ``report.html`` into ``out_dir`` (atomically)."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    data = to_jsonable(report)
    atomic_write_text(out / "report.json", json.dumps(data, indent=2))
    atomic_write_text(out / "report.html", render_html(data))
    return out / "report.json", out / "report.html"
