"""A ledger of deletion requests: SQLite (WAL), resumable sequential unlearning, certificates.

Layout of a ledger directory::

    DIR/ledger.sqlite          requests, settings and the current model state
    DIR/checkpoints/NNNN-ID/   the model after request NNNN (HF dir, safetensors)
    DIR/run.lock               held (flock) by the one ``ledger run`` allowed at a time

The original model is referenced by path and SHA-256 (:func:`directory_hash`) and
never written to; ``init(..., copy=True)`` copies it into ``DIR/original`` instead.

Crash safety: a request is applied as (1) mark it ``running`` and commit, (2) unlearn
from the current checkpoint, (3) save the new checkpoint atomically
(:func:`save_model` writes a temp dir and renames it), (4) in ONE transaction mark the
request ``done`` with its after-hash and move the model state to the new checkpoint.
A process killed before (4) leaves at most an unreferenced checkpoint directory: on
the next run the request goes back to ``pending`` and such directories are deleted,
so every request is applied exactly once to the model state the ledger records, and
each request's before-hash equals the previous request's after-hash.
"""

from __future__ import annotations

import dataclasses
import fcntl
import hashlib
import json
import os
import re
import shutil
import signal
import sqlite3
import time
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable, Iterator

from obliviate.data.formats import check_disjoint, item_record, read_jsonl, write_jsonl
from obliviate.data.schema import QAItem
from obliviate.errors import ObliviateError
from obliviate.rundir import check_output_dir, check_outputs

DB_FILE = "ledger.sqlite"
LOCK_FILE = "run.lock"
CHECKPOINTS = "checkpoints"
SCHEMA_VERSION = 1
# Fault injection for the crash tests: kill this process right after the checkpoint is
# saved and before the ledger commits it (the narrowest window the design must survive).
FAULT_ENV = "OBLIVIATE_LEDGER_FAULT"
REQUEST_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")

SCHEMA = """
CREATE TABLE IF NOT EXISTS settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS requests (
    seq           INTEGER PRIMARY KEY AUTOINCREMENT,
    id            TEXT NOT NULL UNIQUE,
    items         TEXT NOT NULL,            -- JSON list of TOFU-compatible records
    items_hash    TEXT NOT NULL UNIQUE,     -- order-independent hash of the item hashes
    item_hashes   TEXT NOT NULL,            -- JSON list, one SHA-256 per item
    status        TEXT NOT NULL DEFAULT 'pending'
                  CHECK (status IN ('pending', 'running', 'done', 'failed')),
    method        TEXT,
    config        TEXT,                     -- JSON: the method's full config
    model_before  TEXT,
    model_after   TEXT,
    checkpoint    TEXT,                     -- relative to the ledger directory
    metrics       TEXT,                     -- JSON
    verdict       TEXT,
    verdict_reason TEXT,
    error         TEXT,
    attempts      INTEGER NOT NULL DEFAULT 0,
    seconds       REAL,
    created_at    TEXT NOT NULL,
    started_at    TEXT,
    finished_at   TEXT
);
CREATE TABLE IF NOT EXISTS model_state (
    id          INTEGER PRIMARY KEY CHECK (id = 1),
    checkpoint  TEXT NOT NULL,              -- relative to the ledger dir, or absolute original path
    sha256      TEXT NOT NULL,
    applied     INTEGER NOT NULL,           -- requests applied so far
    updated_at  TEXT NOT NULL
);
"""


class LedgerError(ObliviateError):
    """A ledger operation cannot proceed (missing ledger, duplicate request, busy, ...)."""


def now() -> str:
    """UTC timestamp, ISO 8601 with seconds."""
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def item_hash(item: QAItem) -> str:
    """SHA-256 of an item's canonical JSON record (sorted keys)."""
    blob = json.dumps(item_record(item), sort_keys=True, ensure_ascii=False).encode()
    return hashlib.sha256(blob).hexdigest()


def items_hash(hashes: list[str]) -> str:
    """Order-independent hash of a request: the same items in any order are the same request."""
    return hashlib.sha256("\n".join(sorted(hashes)).encode()).hexdigest()


@dataclass
class Request:
    """One row of the ``requests`` table, JSON columns decoded."""

    seq: int
    id: str
    items: list[dict]
    items_hash: str
    item_hashes: list[str]
    status: str
    method: str | None
    config: dict | None
    model_before: str | None
    model_after: str | None
    checkpoint: str | None
    metrics: dict | None
    verdict: str | None
    verdict_reason: str | None
    error: str | None
    attempts: int
    seconds: float | None
    created_at: str
    started_at: str | None
    finished_at: str | None

    @classmethod
    def from_row(cls, row: sqlite3.Row) -> "Request":
        data = dict(row)
        for key in ("items", "item_hashes", "config", "metrics"):
            data[key] = json.loads(data[key]) if data[key] is not None else None
        return cls(**data)

    def qa_items(self) -> list[QAItem]:
        from obliviate.data.formats import item_from_record

        return [item_from_record(r, f"request {self.id} item {k}") for k, r in enumerate(self.items)]

    def summary(self) -> dict:
        """The row without its items (for ``ledger status``)."""
        out = dataclasses.asdict(self)
        out.pop("items")
        out.pop("item_hashes")
        out["n_items"] = len(self.items)
        return out


@dataclass
class LedgerRunConfig:
    """How ``ledger run`` applies requests.

    ``method``/``options`` pick the unlearning method (``obliviate.api.unlearn``) and its
    config overrides; ``retain_eval`` caps the retain items scored after each request
    (every k-th item, so the cost of a request does not grow with the retain set);
    ``audit`` calls ``obliviate.audit.run_audit`` when that function exists.
    """

    method: str | None = None          # None: the method given at init
    options: dict = dataclasses.field(default_factory=dict)
    retain_eval: int = 120
    audit: bool = True
    stop_after: int | None = None      # apply at most this many requests, then return


class Ledger:
    """A deletion-request ledger rooted at a directory (see module docstring)."""

    def __init__(self, root: str | os.PathLike):
        self.root = Path(root)
        db = self.root / DB_FILE
        if not db.is_file():
            raise LedgerError(f"{self.root} is not a ledger (no {DB_FILE}); "
                              f"create one with `obliviate ledger init {self.root} --model MODEL_DIR`")
        self.db = _connect(db)

    # ---- creation ----------------------------------------------------------------
    @classmethod
    def init(cls, root: str | os.PathLike, model: str | os.PathLike,
             retain: str | os.PathLike | list[QAItem] | None = None, method: str = "npo",
             options: dict | None = None, copy: bool = False) -> "Ledger":
        """Create a ledger for ``model`` (a local HF directory, never modified).

        ``retain`` (JSONL or items) is the retain set every request trains and scores
        against; ``method`` and ``options`` are the defaults of ``ledger run``.
        """
        from obliviate.methods.registry import build_config, get_method
        from obliviate.files import directory_hash

        root = Path(root)
        if (root / DB_FILE).exists():
            raise LedgerError(f"{root} already holds a ledger; use another directory")
        model_path = Path(model).resolve()
        if not model_path.is_dir() or not (model_path / "config.json").is_file():
            raise LedgerError(f"--model {model}: not a Hugging Face model directory (config.json missing)")
        if root.resolve() == model_path or model_path in root.resolve().parents:
            raise LedgerError(f"the ledger directory {root} is inside the model directory {model_path}; "
                              "choose another directory so the original is never modified")
        # New or empty, never (around, inside or the same file as) the model or the retain file.
        check_output_dir(root, [("--model", model_path),
                                ("--retain", retain if not isinstance(retain, list) else None)],
                         overwrite=False, label="the ledger directory")
        build_config(get_method(method), options or {})  # fail now on a bad method/option
        retain_items: list[QAItem] = []
        if retain is not None:
            retain_items = retain if isinstance(retain, list) else read_jsonl(retain, allow_empty=True)
        root.mkdir(parents=True, exist_ok=True)
        if copy:
            dest = root / "original"
            shutil.copytree(model_path, dest)
            model_ref = "original"
        else:
            model_ref = str(model_path)
        sha = directory_hash(model_path)
        write_jsonl(root / "retain.jsonl", retain_items)
        db = _connect(root / DB_FILE)
        with db:
            db.executescript(SCHEMA)
            settings = {"schema_version": SCHEMA_VERSION, "original": model_ref, "original_sha256": sha,
                        "method": method, "options": options or {}, "retain_items": len(retain_items),
                        "created_at": now()}
            db.executemany("INSERT INTO settings(key, value) VALUES (?, ?)",
                           [(k, json.dumps(v)) for k, v in settings.items()])
            db.execute("INSERT INTO model_state(id, checkpoint, sha256, applied, updated_at) "
                       "VALUES (1, ?, ?, 0, ?)", (model_ref, sha, now()))
        db.close()
        return cls(root)

    # ---- reading -------------------------------------------------------------------
    def setting(self, key: str) -> Any:
        row = self.db.execute("SELECT value FROM settings WHERE key = ?", (key,)).fetchone()
        return json.loads(row["value"]) if row else None

    def original_path(self) -> Path:
        ref = self.setting("original")
        return self.root / ref if not os.path.isabs(ref) else Path(ref)

    def retain_items(self) -> list[QAItem]:
        return read_jsonl(self.root / "retain.jsonl", allow_empty=True)

    def requests(self, status: str | None = None) -> list[Request]:
        """All requests in application order (optionally only those with ``status``)."""
        sql = "SELECT * FROM requests" + (" WHERE status = ?" if status else "") + " ORDER BY seq"
        return [Request.from_row(r) for r in self.db.execute(sql, (status,) if status else ())]

    def get(self, request_id: str) -> Request:
        row = self.db.execute("SELECT * FROM requests WHERE id = ?", (request_id,)).fetchone()
        if row is None:
            known = [r["id"] for r in self.db.execute("SELECT id FROM requests ORDER BY seq LIMIT 20")]
            raise LedgerError(f"no request {request_id!r} in {self.root}; known ids: {known or 'none'}")
        return Request.from_row(row)

    def state(self) -> dict:
        """The current model: ``{checkpoint, sha256, applied, updated_at}``."""
        return dict(self.db.execute("SELECT * FROM model_state WHERE id = 1").fetchone())

    def resolve(self, checkpoint: str) -> Path:
        return Path(checkpoint) if os.path.isabs(checkpoint) else self.root / checkpoint

    def status(self) -> dict:
        """Counts per status, the model state, one summary per request and the sequential curves."""
        from obliviate.sequential import sequential_from_ledger

        rows = self.requests()
        counts = {s: sum(r.status == s for r in rows) for s in ("pending", "running", "done", "failed")}
        return {"ledger": str(self.root), "original": str(self.original_path()),
                "original_sha256": self.setting("original_sha256"), "method": self.setting("method"),
                "counts": counts, "model": self.state(), "requests": [r.summary() for r in rows],
                "sequential": sequential_from_ledger(self)}

    # ---- adding requests -------------------------------------------------------------
    def add(self, items: str | os.PathLike | list[QAItem], request_id: str | None = None) -> Request:
        """Append a pending request. Duplicates (same id, or same items in any order) are refused."""
        source = items if not isinstance(items, list) else "the item list"
        qa = items if isinstance(items, list) else read_jsonl(items)
        if not qa:
            raise LedgerError(f"{source}: a deletion request needs at least one item")
        check_disjoint(qa, self.retain_items(), f"{source}", "the ledger's retain set")
        hashes = [item_hash(i) for i in qa]
        if len(set(hashes)) != len(hashes):
            raise LedgerError(f"{source}: holds the same item twice; remove the repeated lines")
        digest = items_hash(hashes)
        if request_id is None:
            seq = self._next_seq()
            taken = {r["id"] for r in self.db.execute("SELECT id FROM requests")}
            while f"r{seq:04d}" in taken:  # a user may have chosen an id of this form
                seq += 1
            request_id = f"r{seq:04d}"
        if not REQUEST_ID.match(request_id):
            raise LedgerError(f"request id {request_id!r}: use 1-64 letters, digits, '.', '_' or '-', "
                              "starting with a letter or digit")
        same = self.db.execute("SELECT id, status FROM requests WHERE id = ? OR items_hash = ?",
                               (request_id, digest)).fetchone()
        if same is not None:
            why = "this id was" if same["id"] == request_id else "the same items were"
            raise LedgerError(f"duplicate request: {why} already added as request {same['id']!r} "
                              f"(status {same['status']}); a request is applied once")
        with self.db:
            self.db.execute(
                "INSERT INTO requests(id, items, items_hash, item_hashes, created_at) VALUES (?, ?, ?, ?, ?)",
                (request_id, json.dumps([item_record(i) for i in qa], ensure_ascii=False), digest,
                 json.dumps(hashes), now()))
        return self.get(request_id)

    def _next_seq(self) -> int:
        row = self.db.execute("SELECT seq FROM sqlite_sequence WHERE name = 'requests'").fetchone()
        return (row["seq"] if row else 0) + 1

    # ---- applying requests ------------------------------------------------------------
    @contextmanager
    def _run_lock(self) -> Iterator[None]:
        # flock is released by the OS when the process dies, even on SIGKILL.
        with open(self.root / LOCK_FILE, "w") as fh:
            try:
                fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError as err:
                raise LedgerError(f"another `ledger run` is applying requests in {self.root}; "
                                  "wait for it to finish") from err
            try:
                yield
            finally:
                fcntl.flock(fh, fcntl.LOCK_UN)

    def recover(self) -> dict:
        """Undo what a killed run left: ``running``/``failed`` -> ``pending``, orphan checkpoints removed."""
        with self.db:
            reset = self.db.execute(
                "UPDATE requests SET status = 'pending' WHERE status IN ('running', 'failed')").rowcount
        referenced = {r.checkpoint for r in self.requests("done")}
        removed = []
        ckpt_root = self.root / CHECKPOINTS
        if ckpt_root.is_dir():
            for path in sorted(ckpt_root.iterdir()):
                rel = f"{CHECKPOINTS}/{path.name}"
                if rel not in referenced:
                    shutil.rmtree(path, ignore_errors=True) if path.is_dir() else path.unlink()
                    removed.append(path.name)
        return {"reset_to_pending": reset, "removed_checkpoints": removed}

    def run(self, config: LedgerRunConfig | None = None,
            on_request: Callable[[Request], None] | None = None) -> list[Request]:
        """Apply every pending request in order; returns the requests applied by this call.

        Safe to call again after a crash (see module docstring). A request whose method
        fails is marked ``failed`` with the error and the run stops: later requests
        assume it was applied. The next run retries it.
        """
        config = config or LedgerRunConfig()
        applied: list[Request] = []
        # Checkpoints are written (and orphans deleted) under DIR/checkpoints: never the original.
        check_outputs([("the original model", self.original_path())], [("checkpoints", self.root / CHECKPOINTS)])
        with self._run_lock():
            self.recover()
            retain = self.retain_items()
            for request in self.requests("pending"):
                if config.stop_after is not None and len(applied) >= config.stop_after:
                    break
                try:
                    done = self._apply(request, retain, config)
                except Exception as err:
                    with self.db:
                        self.db.execute("UPDATE requests SET status = 'failed', error = ?, finished_at = ? "
                                        "WHERE seq = ?", (f"{type(err).__name__}: {err}", now(), request.seq))
                    raise
                applied.append(done)
                if on_request:
                    on_request(done)
        return applied

    def _apply(self, request: Request, retain: list[QAItem], config: LedgerRunConfig) -> Request:
        from obliviate.api import unlearn
        from obliviate.methods.registry import build_config, get_method
        from obliviate.models.load import load_model, save_model
        from obliviate.files import directory_hash

        method = config.method or self.setting("method")
        options = {**(self.setting("options") or {}), **config.options}
        method_config = dataclasses.asdict(build_config(get_method(method), options))
        state = self.state()
        with self.db:
            self.db.execute("UPDATE requests SET status = 'running', started_at = ?, attempts = attempts + 1, "
                            "method = ?, config = ?, model_before = ?, error = NULL WHERE seq = ?",
                            (now(), method, json.dumps(method_config), state["sha256"], request.seq))
        current = self.resolve(state["checkpoint"])
        found = directory_hash(current)
        if found != state["sha256"]:
            raise LedgerError(f"the current model {current} has SHA-256 {found[:12]}..., the ledger "
                              f"recorded {state['sha256'][:12]}...; it was modified outside the ledger")
        start = time.perf_counter()
        lm = load_model(current)
        forget = request.qa_items()
        result = unlearn(lm, forget, retain, method=method, **options)
        rel = f"{CHECKPOINTS}/{request.seq:04d}-{request.id}"
        save_model(result.model, result.model.tokenizer, self.root / rel,
                   extra_files={"obliviate_request.json": {"id": request.id, "seq": request.seq,
                                                           "model_before": state["sha256"]}})
        after = directory_hash(self.root / rel)
        if os.environ.get(FAULT_ENV) == "after_save":
            os.kill(os.getpid(), signal.SIGKILL)
        metrics = self._metrics(result.model, request, retain, config.retain_eval)
        verdict, reason = _audit_verdict(lm, result.model, forget, retain) if config.audit else \
            (None, "audit disabled for this run")
        seconds = time.perf_counter() - start
        # The one transaction that makes the request count: row done + model state moved.
        with self.db:
            self.db.execute(
                "UPDATE requests SET status = 'done', model_after = ?, checkpoint = ?, metrics = ?, "
                "verdict = ?, verdict_reason = ?, seconds = ?, finished_at = ? WHERE seq = ?",
                (after, rel, json.dumps(metrics), verdict, reason, seconds, now(), request.seq))
            self.db.execute("UPDATE model_state SET checkpoint = ?, sha256 = ?, applied = applied + 1, "
                            "updated_at = ? WHERE id = 1", (rel, after, now()))
        return self.get(request.id)

    def _metrics(self, lm, request: Request, retain: list[QAItem], retain_eval: int) -> dict:
        """MCQ accuracy on this request, on every request applied so far, and on the retain set."""
        from obliviate.evals.metrics import mcq_accuracy

        forget = request.qa_items()
        earlier = [i for r in self.requests("done") for i in r.qa_items()]
        step = max(1, -(-len(retain) // retain_eval)) if retain_eval else 1
        retain_sample = retain[::step]
        return {
            "forget_accuracy": mcq_accuracy(lm, forget),
            "forget_accuracy_all": mcq_accuracy(lm, earlier + forget),
            "retain_accuracy": mcq_accuracy(lm, retain_sample) if retain_sample else None,
            "n_forget": len(forget), "n_forget_all": len(earlier) + len(forget),
            "n_retain_scored": len(retain_sample),
        }

    # ---- certificates -----------------------------------------------------------------
    def certificate(self, request_id: str) -> dict:
        """The deletion certificate of a request (JSON-ready)."""
        r = self.get(request_id)
        return {
            "certificate_version": 1,
            "ledger": str(self.root.resolve()),
            "request_id": r.id,
            "sequence": r.seq,
            "status": r.status,
            "items_hash": r.items_hash,
            "item_hashes": r.item_hashes,
            "method": r.method,
            "config": r.config,
            "original_sha256": self.setting("original_sha256"),
            "model_sha256_before": r.model_before,
            "model_sha256_after": r.model_after,
            "checkpoint": r.checkpoint,
            "metrics": r.metrics,
            "verdict": r.verdict,
            "verdict_reason": r.verdict_reason,
            "timestamps": {"added": r.created_at, "started": r.started_at, "finished": r.finished_at},
            "seconds": r.seconds,
        }

    def verify(self, request_id: str) -> dict:
        """Recompute a done request's hashes (items, model before, model after) and compare.

        Returns ``{"ok": bool, "checks": [{name, expected, found, ok}]}``.
        """
        from obliviate.files import directory_hash

        r = self.get(request_id)
        if r.status != "done":
            raise LedgerError(f"request {r.id!r} is {r.status}, not done: there is nothing to verify yet")
        checks = []

        def check(name: str, expected: str | None, found: str | None) -> None:
            checks.append({"name": name, "expected": expected, "found": found, "ok": expected == found})

        hashes = [item_hash(i) for i in r.qa_items()]
        check("item_hashes", json.dumps(r.item_hashes), json.dumps(hashes))
        check("items_hash", r.items_hash, items_hash(hashes))
        done = self.requests("done")
        previous = [d for d in done if d.seq < r.seq]
        before_dir = self.resolve(previous[-1].checkpoint) if previous else self.original_path()
        check("model_before", r.model_before, _hash_or_none(before_dir, directory_hash))
        if previous:
            check("chain", previous[-1].model_after, r.model_before)
        else:
            check("chain", self.setting("original_sha256"), r.model_before)
        check("model_after", r.model_after, _hash_or_none(self.resolve(r.checkpoint), directory_hash))
        return {"request_id": r.id, "ok": all(c["ok"] for c in checks), "checks": checks}

    def close(self) -> None:
        self.db.close()


def _hash_or_none(path: Path, fn: Callable[[Path], str]) -> str | None:
    return fn(path) if path.is_dir() else None


def _connect(path: Path) -> sqlite3.Connection:
    db = sqlite3.connect(path, timeout=30, isolation_level=None)
    db.row_factory = sqlite3.Row
    # WAL: readers (`ledger status`) never block the writer; synchronous=FULL makes a
    # commit durable before we go on to the next request.
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=FULL")
    db.execute("PRAGMA foreign_keys=ON")
    # isolation_level=None means autocommit; `with db:` blocks need an explicit BEGIN.
    db.isolation_level = "DEFERRED"
    return db


# Cheap attacks only: relearning and probing train models, which would multiply the cost
# of every request. The full audit of a checkpoint is `obliviate audit`.
CHEAP_ATTACKS = ("none", "paraphrase", "jailbreak", "quantize_int8", "quantize_int4")


def _audit_verdict(before, after, forget: list[QAItem], retain: list[QAItem]) -> tuple[str | None, str]:
    """The audit verdict when :func:`obliviate.audit.run_audit` exists; otherwise ``(None, why)``.

    The ledger has no gold model, so residual knowledge is estimated against chance
    (``run_audit(gold=None)``), with the cheap attacks only; a request of a few items
    gives wide confidence intervals, which the verdict reason reports.
    """
    try:
        from obliviate.audit import AuditConfig, run_audit
    except ImportError:
        return None, "obliviate.audit.run_audit is not available in this installation"
    try:
        config = AuditConfig(attacks=CHEAP_ATTACKS, n_bootstrap=200)
        report = run_audit(before, after, None, forget, retain[:60], config)
    except (TypeError, ObliviateError) as err:
        return None, f"audit not possible: {type(err).__name__}: {err}"
    return report.get("verdict"), (report.get("verdict_reason") or "") + \
        f" (attacks {', '.join(CHEAP_ATTACKS)}; no gold model: rho vs chance)"
