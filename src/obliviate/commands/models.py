"""`obliviate models list|prepare`: named pretrained models prepared from installed packages."""

from __future__ import annotations

import json

import typer

from obliviate.commands import console

commands = typer.Typer()
models_app = typer.Typer(no_args_is_help=True, help="Named pretrained models (e.g. smollm2-135m), "
                         "prepared offline from installed packages into $OBLIVIATE_HOME.")
commands.add_typer(models_app, name="models")


@models_app.command("list")
def list_cmd(as_json: bool = typer.Option(False, "--json", help="Print as JSON.")) -> None:
    """The named models: source package, whether it is installed, where the model is prepared."""
    from rich.table import Table

    from obliviate.models.pretrained import list_models

    rows = list_models()
    if as_json:
        print(json.dumps(rows, indent=2))
        return
    table = Table(title="named models (any local Hugging Face directory works as --model too)")
    for col in ("name", "model", "package", "status"):
        table.add_column(col, overflow="fold")
    for r in rows:
        if not r["installed"]:
            status = f"not installed: {r['install_command']}"
        elif r["prepared"]:
            status = f"prepared: {r['prepared']}"
        else:
            status = f"installed ({r['installed_version']}); `obliviate models prepare {r['name']}`"
        table.add_row(r["name"], f"{r['description'].split(' (')[0]}, {r['parameters']}, {r['license']}",
                      f"{r['package']} {r['version']}", status)
    console.print(table, soft_wrap=True)


@models_app.command("prepare")
def prepare_cmd(name: str = typer.Argument(..., help="Model name (see `obliviate models list`)."),
                dtype: str = typer.Option("float32", help="Weight dtype of the prepared copy: float32 or bfloat16.")
                ) -> None:
    """Convert the named model once into a safetensors directory (cached); print its path.

    The first run converts (about 40 s for smollm2-135m); later runs print the cached path.
    """
    from obliviate.models.pretrained import prepare, prepared_path

    from rich.console import Console

    was = prepared_path(name, dtype)
    path = prepare(name, dtype)
    # The path alone on stdout: `--model "$(obliviate models prepare smollm2-135m)"`.
    Console(stderr=True).print(f"{name}: {'already prepared' if was else 'prepared'}", highlight=False)
    print(path)
