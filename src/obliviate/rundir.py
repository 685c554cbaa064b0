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
from typing import Any, Callable, Iterable, Iterator

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


def check_reused_output_dir(out: PathLike, inputs: Iterable = (), marker: str | None = None,
                            what: str = "an earlier output of this command", label: str = "--out") -> Path:
    """Validate a directory a command writes into again on every run (the demo's OUT, compare's
    OUT); returns its real path. Refused: an existing file, an unwritable location, any
    conflict with ``inputs``, and, with ``marker`` (a path relative to ``out``), a non-empty
    directory that does not hold it, i.e. one that is not ``what``.
    """
    real = check_output_dir(out, inputs, overwrite=True, label=label)
    if marker and real.is_dir() and not (real / marker).exists():
        entries = sorted(p.name for p in real.iterdir())
        if entries:
            shown = ", ".join(entries[:5]) + (", ..." if len(entries) > 5 else "")
            raise OutputError(f"{label} {out} is not empty ({len(entries)} entries: {shown}) and holds no {marker}, "
                              f"so it is not {what}; choose a new or empty directory")
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


def read_json_object(path: PathLike, what: str = "") -> dict:
    """A JSON object file, or a :class:`RunNotFoundError` that names it (missing, invalid, not an object)."""
    path = Path(path)
    if not path.is_file():
        raise RunNotFoundError(f"{path} not found" + (f"; {what}" if what else ""))
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as err:
        raise RunNotFoundError(f"{path}: not a valid JSON file ({err})") from err
    if not isinstance(data, dict):
        raise RunNotFoundError(f"{path}: expected a JSON object")
    return data


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
        return read_json_object(self.staging / name, what)

    def read_run(self) -> dict:
        return self._read_json(self.RUN, "is this a directory written by `obliviate unlearn --out`?")

    def read_report(self) -> dict:
        return self._read_json(self.REPORT, "run `obliviate demo` or `obliviate audit` first")

    def forget_items(self) -> list:
        from obliviate.data.formats import read_jsonl

        self.require(self.FORGET)
        return read_jsonl(self.staging / self.FORGET)

    def retain_items(self) -> list:
        from obliviate.data.formats import read_jsonl

        path = self.staging / self.RETAIN
        return read_jsonl(path, allow_empty=True) if path.is_file() else []

    def require(self, *names: str) -> None:
        """Each of ``names`` (e.g. ``forget.jsonl``, ``model``) exists in the run, else a clear error."""
        for name in names:
            if not (self.staging / name).exists():
                raise RunNotFoundError(f"{self.staging / name} not found; the run directory is incomplete")

    def find_report(self) -> Path | None:
        """The report.json this run belongs to: its own, else its parent's (the demo writes
        OUT/report.json beside its run OUT/unlearned); None when there is neither."""
        for candidate in (self.staging / self.REPORT, self.staging.parent / self.REPORT):
            if candidate.is_file():
                return candidate
        return None

    def model_paths(self, run: dict | None = None, report: dict | None = None) -> dict[str, str | None]:
        """``{"original", "unlearned", "gold"}`` model directories as the run records them.

        original: run.json's ``original.path``; unlearned: run.json's ``unlearned.path``, or
        the run's own ``model/`` when that path is missing or gone (a run moved since it was
        written); gold: the report's ``models.gold.path`` (``report`` defaults to the one
        :meth:`find_report` finds). Missing entries are None.
        """
        run = self.read_run() if run is None else run
        if report is None:
            found = self.find_report()
            report = read_json_object(found) if found else {}
        unlearned = (run.get("unlearned") or {}).get("path") or str(self.staging / self.MODEL)
        if not Path(unlearned).is_dir() and (self.staging / self.MODEL).is_dir():
            unlearned = str(self.staging / self.MODEL)
        return {"original": (run.get("original") or {}).get("path"), "unlearned": unlearned,
                "gold": ((report.get("models") or {}).get("gold") or {}).get("path")}

    def world(self, forget: list | None = None, report: dict | None = None) -> tuple[Any, str | None]:
        """The embedded world and forget split the run's items come from, or ``(None, None)``.

        The world's config is the report's ``world`` entry (``report`` defaults to the one
        :meth:`find_report` finds); the split is the one whose forget people are exactly the
        people of ``forget`` (default: the run's forget items).
        """
        from obliviate.data.world import World, WorldConfig

        if report is None:
            found = self.find_report()
            report = read_json_object(found) if found else {}
        fields = WorldConfig.__dataclass_fields__
        raw = {k: v for k, v in (report.get("world") or {}).items() if k in fields}
        if "attributes" in raw:
            raw["attributes"] = tuple(raw["attributes"])
        try:
            world = World(WorldConfig(**raw))
        except (ObliviateError, TypeError):
            return None, None
        entities = {i.entity for i in (self.forget_items() if forget is None else forget)}
        for split, people in world.forget_people.items():
            if set(people) == entities:
                return world, split
        return None, None

    def report_defaults(self, models: dict[str, Any] | None = None, run: dict | None = None,
                        forget_split: str | None = None) -> dict[str, Any]:
        """The fields a report needs (for its HTML page) when a command starts one from a run:
        method and intention from run.json, the forget split (default: the run directory's
        name), ``models`` (default: :meth:`model_paths`, without hashes), and empty metrics,
        model utility and timings."""
        run = self.read_run() if run is None else run
        if models is None:
            models = {name: {"path": p, "sha256": None} for name, p in self.model_paths(run).items() if p}
        return {"method": run.get("method", "unknown"), "intention": run.get("intention", ""),
                "forget_split": forget_split or self.root.name, "models": models,
                "metrics": {}, "model_utility": {}, "timings_s": {}}

    def check_writes(self, outputs: Iterable[tuple[str, PathLike]], inputs: Iterable = ()) -> dict:
        """Refuse ``outputs`` (``(label, path)``: files a command adds to the run, e.g. report.json)
        when one is an existing directory, or is, contains, lies inside or is the same file as
        an input: the run's own run.json, model and item files, the models the run records
        (:meth:`model_paths`) and ``inputs`` (e.g. ``("--gold", path)``). Run before any work;
        returns run.json."""
        run = self.read_run()
        recorded = self.model_paths(run)
        ins = [("run.json", self.path(self.RUN)), ("the run's model", self.path(self.MODEL)),
               ("the run's forget set", self.path(self.FORGET)), ("the run's retain set", self.path(self.RETAIN)),
               ("the original model", recorded["original"]), ("the unlearned model", recorded["unlearned"]),
               ("the gold model", recorded["gold"]), *inputs]
        outputs = list(outputs)
        for label, path in outputs:
            if Path(path).is_dir():
                raise OutputError(f"{label} {path} is a directory; the command writes a file there. Move it away")
        check_outputs(ins, outputs)
        return run

    # ---- writing (each file atomically) ------------------------------------------
    def write_run(self, data: dict) -> Path:
        return atomic_write_json(self.staging / self.RUN, data)

    def write_items(self, forget: list, retain: list) -> None:
        from obliviate.data.formats import write_jsonl

        write_jsonl(self.staging / self.FORGET, forget)
        write_jsonl(self.staging / self.RETAIN, retain)

    def write_report(self, data: dict) -> Path:
        return atomic_write_json(self.staging / self.REPORT, data)

    def merge_report(self, updates: dict, defaults: dict | None = None, path: PathLike | None = None,
                     render: Callable[[dict, Path], Any] | None = None) -> dict:
        """Add ``updates`` to a report.json, atomically; returns the merged report.

        ``path`` is the report to merge into (default: the run's own report.json). Keys of
        ``defaults`` missing from the report are filled in first (see :meth:`report_defaults`).
        The report is read just before it is written, so what other commands merged
        meanwhile is kept. ``render(report, directory)``, when given, writes report.json
        itself, with its HTML page (:func:`obliviate.report.write_report`); otherwise
        report.json alone is written.
        """
        path = Path(path) if path is not None else self.staging / self.REPORT
        report = read_json_object(path) if path.is_file() else {}
        for key, value in (defaults or {}).items():
            report.setdefault(key, value)
        report.update(updates)
        if render is not None:
            render(report, path.parent)
        else:
            atomic_write_json(path, report)
        return report
