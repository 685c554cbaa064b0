"""Rich progress bars for long steps; silent when disabled or not on a terminal."""

from __future__ import annotations

import os
from contextlib import contextmanager
from typing import Callable, Iterator

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn

console = Console(stderr=True)
Update = Callable[..., None]


def quiet_libraries() -> None:
    """Silence library progress bars and chatter so only obliviate's bars show."""
    try:
        from transformers.utils import logging as hf_logging

        hf_logging.disable_progress_bar()
        hf_logging.set_verbosity_error()
    except ImportError:  # pragma: no cover
        pass


quiet_libraries()


def enabled() -> bool:
    return os.environ.get("OBLIVIATE_PROGRESS", "1") != "0"


@contextmanager
def progress_bar(description: str, total: int) -> Iterator[Update]:
    """Yield ``update(advance=1, **fields)``; shows a bar with ETA while the block runs."""
    if not enabled():
        yield lambda *a, **k: None
        return
    columns = [TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(),
               TextColumn("{task.fields[info]}"), TimeElapsedColumn(), TimeRemainingColumn()]
    with Progress(*columns, console=console, transient=False) as bar:
        task = bar.add_task(description, total=total, info="")

        def update(advance: int = 1, info: str = "", completed: int | None = None, total: int | None = None) -> None:
            kwargs = {"info": info}
            if completed is not None:
                kwargs["completed"] = completed
            else:
                kwargs["advance"] = advance
            if total is not None:
                kwargs["total"] = total
            bar.update(task, **kwargs)

        yield update
