"""Reports: ``report.json`` (plain data) and a self-contained ``report.html``."""

from obliviate.report.writer import render_html, write_report

__all__ = ["render_html", "write_report"]
