"""Run directories, and the one rule that no output may delete or overwrite an input.

Every command that writes goes through this module:

* :func:`check_outputs` refuses any output path that is, contains, lies inside, or is
  the same file as (hard link, symbolic link) any input: a model directory, a data
  file, a ledger, a previous run. Paths are compared after resolving symbolic links,
  and existing files also by device and inode.
* :func:`check_output_dir` adds the rules for a directory output: an existing file is
  refused, a non-empty directory is refused unless ``overwrite`` is given, and the
  location must be writable. All of this runs before any model is loaded.
* :func:`staged_dir` builds a directory output in a temporary directory beside its
  destination and swaps it into place only when complete; on any error or interrupt
  the temporary directory is removed, so nothing half-written is left behind.
* :class:`RunDir` owns the layout of a run directory (``run.json``, ``model/``,
  ``forget.jsonl``, ``retain.jsonl``, ``report.json``) and reads/writes it atomically.

This module imports nothing heavy (no torch), so commands can validate outputs in
milliseconds before their heavy imports.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterable, Iterator

from obliviate.errors import ObliviateError, RunNotFoundError

PathLike = str | os.PathLike


class OutputError(ObliviateError):
    """An output path would overwrite an input, is not empty, or cannot be written."""


def _real(path: PathLike) -> Path:
    # realpath (not Path.resolve(strict=True)): works for paths that do not exist yet
    # and for symlink loops, which it leaves unresolved instead of raising.
    return Path(os.path.realpath(os.path.abspath(os.fspath(path))))


def _inode(path: Path) -> tuple[int, int] | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return st.st_dev, st.st_ino


def _is_within(child: Path, parent: Path) -> bool:
    return child == parent or parent in child.parents


def _conflict(out: Path, inp: Path) -> str | None:
    """Why writing ``out`` could harm ``inp`` (both real paths), or None."""
    if out == inp:
        return "is the same path as"
    if _is_within(inp, out):
        return "contains"
    if _is_within(out, inp):
        return "lies inside"
    a, b = _inode(out), _inode(inp)
    if a is not None and a == b:
        return "is the same file (a hard link) as"
    return None


def check_outputs(inputs: Iterable[tuple[str, PathLike | None]] | Iterable[PathLike | None],
                  outputs: Iterable[tuple[str, PathLike]] | Iterable[PathLike]) -> None:
    """Refuse any output that could delete or overwrite an input.

    ``inputs`` and ``outputs`` are paths, or ``(label, path)`` pairs whose label names
    the option in the message (e.g. ``("--model", path)``); ``None`` inputs are skipped.
    An output conflicts with an input when, after resolving symbolic links, it is the
    same path, contains it, lies inside it, or is the same file by device and inode.
    """
    ins = [_labelled(x, "input") for x in inputs]
    outs = [_labelled(x, "output") for x in outputs]
    for out_label, out in outs:
        real_out = _real(out)
        for in_label, inp in ins:
            if inp is None:
                continue
            why = _conflict(real_out, _real(inp))
            if why:
                raise OutputError(f"{out_label} {out} {why} the input {in_label} {inp}; writing it could "
                                  f"delete or overwrite that input. Choose another {out_label}")


def _labelled(x: Any, default: str) -> tuple[str, Any]:
    if isinstance(x, tuple):
        return x[0], x[1]
    return default, x


def _nearest_existing(path: Path) -> Path:
    p = path
    while not p.exists() and p != p.parent:
        p = p.parent
    return p


def check_input_dir(path: PathLike, label: str = "--model") -> Path:
    """An input model directory exists (the message :func:`obliviate.models.load.load_model` gives, early)."""
    path = Path(path)
    if path.is_symlink() and not path.exists():
        raise _input_error(f"{label} {path} is a broken or looping symbolic link")
    if not path.exists():
        raise _input_error(f"model directory {path} does not exist; pass a local Hugging Face "
                           "model directory (config.json + *.safetensors)")
    if not path.is_dir():
        raise _input_error(f"{label} {path} is a file; pass a model directory (config.json + *.safetensors)")
    return path


def _input_error(message: str) -> ObliviateError:
    from obliviate.errors import ModelLoadError

    return ModelLoadError(message)


def check_writable(path: PathLike, label: str = "--out") -> None:
    """The directory that will receive ``path`` (its nearest existing ancestor) is writable."""
    path = Path(os.path.abspath(os.fspath(path)))
    parent = _nearest_existing(path.parent)
    if not parent.is_dir():
        raise OutputError(f"{label} {path}: {parent} is a file, so {path} cannot be created")
    if not os.access(parent, os.W_OK | os.X_OK):
        raise OutputError(f"{label} {path}: {parent} is not writable")


def check_output_dir(out: PathLike, inputs: Iterable = (), overwrite: bool = False,
                     label: str = "--out", marker: str | None = None) -> Path:
    """Validate a directory output before any work; returns the path to write (real path).

    Refused: an existing file (or a broken or looping symbolic link), a non-empty
    directory unless ``overwrite``, an unwritable location, and any conflict with
    ``inputs`` (see :func:`check_outputs`). With ``marker`` (e.g. ``run.json``),
    ``overwrite`` replaces only a directory holding that file, i.e. an earlier output
    of the same kind, never some other directory given by mistake (``--out ~``).
    """
    out = Path(out)
    if out.is_symlink() and not out.exists():
        raise OutputError(f"{label} {out} is a broken or looping symbolic link")
    if out.exists() and not out.is_dir():
        raise OutputError(f"{label} {out} is an existing file; give a directory")
    check_outputs(inputs, [(label, out)])
    real = _real(out)
    if real.is_dir():
        entries = sorted(p.name for p in real.iterdir())
        shown = ", ".join(entries[:5]) + (", ..." if len(entries) > 5 else "")
        if entries and not overwrite:
            raise OutputError(f"{label} {out} is not empty ({len(entries)} entries: {shown}); pass --overwrite "
                              "to replace it, or choose another directory")
        if entries and marker and marker not in entries:
            raise OutputError(f"{label} {out} holds {len(entries)} entries ({shown}) but no {marker}, so it is "
                              "not an earlier output of this command; --overwrite replaces only those. Remove "
                              "it yourself or choose another directory")
        if not os.access(real, os.W_OK | os.X_OK):
            raise OutputError(f"{label} {out} is not writable")
    check_writable(real, label)
    return real


def check_output_file(out: PathLike, inputs: Iterable = (), overwrite: bool = False,
                      label: str = "--out") -> Path:
    """Validate a single-file output: not a directory, not an input, existing only with ``overwrite``."""
    out = Path(out)
    if out.is_dir():
        raise OutputError(f"{label} {out} is a directory; give a file name")
    if out.is_symlink() and not out.exists():
        raise OutputError(f"{label} {out} is a broken or looping symbolic link")
    check_outputs(inputs, [(label, out)])
    if out.exists() and not overwrite:
        raise OutputError(f"{label} {out} exists; pass --overwrite to replace it, or choose another file")
    check_writable(out, label)
    return _real(out)


@contextmanager
def staged_dir(target: PathLike) -> Iterator[Path]:
    """Yield a temporary directory beside ``target``; swap it into place when the block succeeds.

    On any exception, including KeyboardInterrupt, the temporary directory is removed
    and ``target`` is left exactly as it was.
    """
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.tmp-", dir=target.parent))
    try:
        yield tmp
        _swap(tmp, target)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def _swap(src: Path, dst: Path) -> None:
    """Move the finished ``src`` onto ``dst``; the old ``dst`` is removed only after the rename."""
    if dst.exists():
        old = Path(tempfile.mkdtemp(prefix=f".{dst.name}.old-", dir=dst.parent))
        os.replace(dst, old / dst.name)
        try:
            os.replace(src, dst)
        except BaseException:
            os.replace(old / dst.name, dst)  # put the previous one back
            raise
        shutil.rmtree(old, ignore_errors=True)
    else:
        os.replace(src, dst)


def atomic_write_json(path: PathLike, data: Any) -> Path:
    """Write JSON via a temp file and rename."""
    from obliviate.files import atomic_write_text

    atomic_write_text(path, json.dumps(data, indent=2) + "\n")
    return Path(path)


class RunDir:
    """A run directory: ``run.json``, ``model/``, ``forget.jsonl``, ``retain.jsonl``, ``report.json``.

    ``root`` is where the run lives; while a run is being created (:meth:`create`), files
    are written under ``staging`` and the paths recorded in ``run.json`` name ``root``.
    """

    RUN = "run.json"
    REPORT = "report.json"
    MODEL = "model"
    FORGET = "forget.jsonl"
    RETAIN = "retain.jsonl"

    def __init__(self, root: PathLike, staging: PathLike | None = None):
        self.root = Path(root)
        self.staging = Path(staging) if staging is not None else self.root

    # ---- paths (where to write: staging; where it will live: root) -----------------
    @property
    def model_dir(self) -> Path:
        return self.staging / self.MODEL

    @property
    def final_model_dir(self) -> Path:
        return self.root / self.MODEL

    def path(self, name: str) -> Path:
        return self.staging / name

    # ---- creation ---------------------------------------------------------------
    @classmethod
    @contextmanager
    def create(cls, out: PathLike, inputs: Iterable = (), overwrite: bool = False,
               label: str = "--out") -> Iterator["RunDir"]:
        """Check ``out`` (:func:`check_output_dir`; ``overwrite`` replaces only an earlier run,
        one holding run.json), then build the run in a staging dir and swap it in."""
        real = check_output_dir(out, inputs, overwrite, label, marker=cls.RUN)
        with staged_dir(real) as tmp:
            yield cls(Path(os.path.abspath(os.fspath(out))), staging=tmp)

    # ---- reading ----------------------------------------------------------------
    def _read_json(self, name: str, what: str) -> dict:
        path = self.staging / name
        if not path.is_file():
            raise RunNotFoundError(f"{path} not found; {what}")
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as err:
            raise RunNotFoundError(f"{path}: not a valid JSON file ({err})") from err
        if not isinstance(data, dict):
            raise RunNotFoundError(f"{path}: expected a JSON object")
        return data

    def read_run(self) -> dict:
        return self._read_json(self.RUN, "is this a directory written by `obliviate unlearn --out`?")

    def read_report(self) -> dict:
        return self._read_json(self.REPORT, "run `obliviate demo` or `obliviate audit` first")

    def forget_items(self) -> list:
        from obliviate.data.formats import read_jsonl

        return read_jsonl(self.staging / self.FORGET)

    def retain_items(self) -> list:
        from obliviate.data.formats import read_jsonl

        path = self.staging / self.RETAIN
        return read_jsonl(path, allow_empty=True) if path.is_file() else []

    # ---- writing (each file atomically) ------------------------------------------
    def write_run(self, data: dict) -> Path:
        return atomic_write_json(self.staging / self.RUN, data)

    def write_items(self, forget: list, retain: list) -> None:
        from obliviate.data.formats import write_jsonl

        write_jsonl(self.staging / self.FORGET, forget)
        write_jsonl(self.staging / self.RETAIN, retain)

    def write_report(self, data: dict) -> Path:
        return atomic_write_json(self.staging / self.REPORT, data)

    def merge_report(self, updates: dict) -> dict:
        """Add ``updates`` to report.json (created if missing), atomically; returns the merged report."""
        path = self.staging / self.REPORT
        report = self.read_report() if path.is_file() else {}
        report.update(updates)
        self.write_report(report)
        return report
