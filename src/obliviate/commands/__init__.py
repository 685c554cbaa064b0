"""CLI command modules, assembled explicitly by :mod:`obliviate.cli`.

A command module defines ``commands = typer.Typer()`` and declares its commands on it::

    import typer
    from obliviate.commands import console          # shared stdout console
    from obliviate.options import parse_options     # -o key=value parsing

    commands = typer.Typer()

    @commands.command("eval")                       # a top-level command: `obliviate eval`
    def eval_cmd(...): ...

    group = typer.Typer(no_args_is_help=True, help="...")
    commands.add_typer(group, name="models")        # or a group: `obliviate models list`

Adding a command module to the CLI is then ONE line in ``obliviate/cli.py``: its
dotted name in ``COMMAND_MODULES``, e.g.::

    COMMAND_MODULES = [
        ...
        "obliviate.commands.eval",
    ]

(``tests/cli/test_exit_codes.py`` fails when a module of this package is not listed.)
Modules written the older way, ``from obliviate.cli import app`` and ``@app.command``,
still work when listed: importing them registers their commands on ``app`` directly.

Keep module top levels light (typer, rich, pathlib): import torch, transformers and
the API inside the command functions, after the inputs are checked, so a mistake is
reported in well under a second.
"""

from __future__ import annotations

from types import ModuleType

import typer
from rich.console import Console

from obliviate.options import parse_options

console = Console()

__all__ = ["console", "include", "parse_options"]


def include(app: typer.Typer, module: ModuleType) -> None:
    """Add the commands and groups of ``module.commands`` (a :class:`typer.Typer`) to ``app``.

    Done on typer's public ``registered_commands`` / ``registered_groups`` lists (the
    same in every typer version the project admits), not with a nameless ``add_typer``,
    which older typer versions silently drop.
    """
    sub = getattr(module, "commands", None)
    if sub is None:
        return  # an older-style module: it registered itself on import
    if not isinstance(sub, typer.Typer):
        raise TypeError(f"{module.__name__}.commands must be a typer.Typer, not {type(sub).__name__}")
    app.registered_commands.extend(sub.registered_commands)
    app.registered_groups.extend(sub.registered_groups)
