"""Exit codes and messages that do not depend on typer/click internals (run in-process)."""

from __future__ import annotations

import pkgutil
import signal
from importlib.metadata import version

import pytest


def _short(text: str, lines: int = 8) -> bool:
    return "Traceback" not in text and len(text.strip().splitlines()) <= lines


def test_help_exits_0(cli):
    r = cli("--help")
    assert r.code == 0 and "unlearn" in r.out and "ledger" in r.out
    assert cli("unlearn", "--help").code == 0
    assert cli("ledger", "run", "--help").code == 0


def test_version(cli):
    r = cli("--version")
    assert r.code == 0 and r.out.strip() == f"obliviate {version('obliviate')}"


def test_no_command_prints_help_and_exits_2(cli):
    r = cli()
    assert r.code == 2 and "Commands" in r.out


@pytest.mark.parametrize("args, needle", [
    (["no-such-command"], "No such command"),
    (["unlearn", "--forget", "f.jsonl", "--out", "o"], "Missing option"),
    (["unlearn", "--model", "m", "--forget", "f", "--out", "o", "--bogus"], "No such option"),
    (["world", "export", "--out", "o", "--people", "abc"], "--people"),
    (["guard", "serve", "--run", "r", "--port", "abc"], "--port"),
    (["ledger", "certificate"], "Missing argument"),
])
def test_usage_errors_exit_2_with_a_short_message(cli, args, needle):
    r = cli(*args)
    assert r.code == 2, r.output
    assert needle in r.err and _short(r.err), r.err


def test_project_error_is_one_line_and_exit_2(cli, tmp_path):
    r = cli("ledger", "status", tmp_path / "nowhere")
    assert r.code == 2
    assert r.err.startswith("error: ") and len(r.err.strip().splitlines()) == 1 and "not a ledger" in r.err


def test_every_command_module_is_assembled(cli):
    """A module added to obliviate/commands but not to cli.COMMAND_MODULES would silently vanish."""
    import obliviate.commands as commands
    from obliviate.cli import COMMAND_MODULES

    found = {f"obliviate.commands.{m.name}" for m in pkgutil.iter_modules(commands.__path__)}
    assert found == set(COMMAND_MODULES)
    help_text = cli("--help").out
    for name in ("audit", "guard", "ledger", "ununlearn", "world", "report", "demo", "methods"):
        assert name in help_text


def test_sigint_prints_what_was_interrupted_and_leaves_no_partial_output(cli, tmp_path, monkeypatch):
    """SIGINT while the export writes its files: exit 130, the command named, no temp dir left."""
    import obliviate.data.export as export

    written = []
    real_write = export.write_jsonl

    def write_then_interrupt(path, items):
        written.append(real_write(path, items))
        if len(written) == 2:
            signal.raise_signal(signal.SIGINT)  # Python raises KeyboardInterrupt here, as on Ctrl-C
        return written[-1]

    monkeypatch.setattr(export, "write_jsonl", write_then_interrupt)
    # Python's own Ctrl-C handler, even when the tests run where SIGINT is inherited as ignored.
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    out = tmp_path / "world"
    try:
        r = cli("world", "export", "--out", out, "--people", 20)
    finally:
        handler_after = signal.signal(signal.SIGINT, previous)
    assert r.code == 130
    assert f"interrupted: world export --out {out}" in r.err
    assert len(written) == 2 and not out.exists()
    assert list(tmp_path.iterdir()) == []  # the staging directory is gone too
    # The CLI leaves SIGINT to Python (code inside a command may catch KeyboardInterrupt).
    assert handler_after is signal.default_int_handler


def test_keyboard_interrupt_from_a_library_also_exits_130(cli, tmp_path, monkeypatch):
    import obliviate.data.export as export

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(export, "write_jsonl", interrupted)
    r = cli("world", "export", "--out", tmp_path / "w", "--people", 20)
    assert r.code == 130 and "interrupted: world export" in r.err and not (tmp_path / "w").exists()
