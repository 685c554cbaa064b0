"""The deletion-request ledger: bad input, kill-and-resume, certificates that verify."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from obliviate.data.formats import write_jsonl
from obliviate.errors import DataFormatError, EmptySplitError, ObliviateError
from obliviate.ledger import CHECKPOINTS, FAULT_ENV, Ledger, LedgerError, LedgerRunConfig

RUN_OPTIONS = ["-o", "epochs=3", "-o", "lr=0.01", "--no-audit", "--retain-eval", "20"]


def _cli(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    """A real CLI process: only for the tests that kill it."""
    return subprocess.run([sys.executable, "-m", "obliviate", *args], capture_output=True, text=True,
                          env={**os.environ, "OBLIVIATE_PROGRESS": "0", **(env or {})}, timeout=300)


def _new_ledger(root: Path, model: Path, retain: Path, requests: list[Path]) -> Ledger:
    ledger = Ledger.init(root, model, retain=retain)
    for path in requests:
        ledger.add(path)
    return ledger


def _statuses(db: Path) -> list[str]:
    con = sqlite3.connect(db, timeout=30)
    try:
        return [r[0] for r in con.execute("SELECT status FROM requests ORDER BY seq")]
    finally:
        con.close()


def _assert_consistent(ledger: Ledger, n: int) -> None:
    """Every request done exactly once, hashes chained, no stray checkpoint, all verify."""
    done = ledger.requests()
    assert [r.status for r in done] == ["done"] * n
    assert ledger.state()["applied"] == n
    assert ledger.state()["sha256"] == done[-1].model_after
    previous = ledger.setting("original_sha256")
    for r in done:
        assert r.model_before == previous, f"{r.id}: before-hash does not chain"
        previous = r.model_after
        assert ledger.verify(r.id)["ok"]
    on_disk = sorted(p.name for p in (ledger.root / CHECKPOINTS).iterdir())
    assert on_disk == sorted(Path(r.checkpoint).name for r in done)


def test_duplicate_and_malformed_requests(tmp_path, random_model, retain_file, request_files, splits, cli):
    ledger = _new_ledger(tmp_path / "L", random_model, retain_file, request_files[:1])
    with pytest.raises(LedgerError, match="this id was already added"):
        ledger.add(request_files[1], "r0001")
    # The same items in another order are the same request.
    reordered = write_jsonl(tmp_path / "reordered.jsonl", splits["forget"][:3][::-1])
    with pytest.raises(LedgerError, match="same items were already added as request 'r0001'"):
        ledger.add(reordered)
    twice = write_jsonl(tmp_path / "twice.jsonl", [splits["forget"][5]] * 2)
    with pytest.raises(LedgerError, match="same item twice"):
        ledger.add(twice)
    bad_json = tmp_path / "bad.jsonl"
    bad_json.write_text('{"question": "Who?", "answer": "x"}\n{not json\n')
    with pytest.raises(DataFormatError, match=r"bad.jsonl:2: not valid JSON"):
        ledger.add(bad_json)
    no_answer = tmp_path / "no_answer.jsonl"
    no_answer.write_text('{"question": "Who?"}\n')
    with pytest.raises(DataFormatError, match="missing required field 'answer'"):
        ledger.add(no_answer)
    empty = tmp_path / "empty.jsonl"
    empty.write_text("")
    with pytest.raises(EmptySplitError):
        ledger.add(empty)
    with pytest.raises(LedgerError, match="request id"):
        ledger.add(request_files[1], "../escape")
    assert [r.id for r in ledger.requests()] == ["r0001"]  # nothing bad was recorded
    # An automatic id skips ids a user already chose.
    ledger.add(request_files[1], "r0002")
    assert ledger.add(request_files[2]).id == "r0003"
    with pytest.raises(LedgerError, match="already holds a ledger"):
        Ledger.init(tmp_path / "L", random_model)
    with pytest.raises(LedgerError, match="not a ledger"):
        Ledger(tmp_path / "nowhere")
    with pytest.raises(LedgerError, match="inside the model directory"):
        Ledger.init(random_model / "ledger", random_model)
    with pytest.raises(ObliviateError, match="unknown method"):
        Ledger.init(tmp_path / "L2", random_model, method="nope")
    with pytest.raises(LedgerError, match="no request 'r9'"):
        ledger.certificate("r9")
    with pytest.raises(LedgerError, match="pending, not done"):
        ledger.verify("r0001")
    # The CLI prints the error without a traceback and exits 2.
    proc = cli("ledger", "add", str(tmp_path / "L"), "--items", str(request_files[0]))
    assert proc.returncode == 2 and "duplicate request" in proc.stderr and "Traceback" not in proc.stderr


def test_kill_and_resume_applies_each_request_once(tmp_path, random_model, retain_file, request_files, cli):
    # Reference: one uninterrupted run (in this process; only the killed runs need their own).
    clean = _new_ledger(tmp_path / "clean", random_model, retain_file, request_files)
    assert cli("ledger", "run", str(clean.root), *RUN_OPTIONS).returncode == 0
    _assert_consistent(clean, len(request_files))

    ledger = _new_ledger(tmp_path / "L", random_model, retain_file, request_files)
    db = ledger.root / "ledger.sqlite"
    # 1. SIGKILL mid-run: once the first request is done, while the next one runs.
    proc = subprocess.Popen([sys.executable, "-m", "obliviate", "ledger", "run", str(ledger.root), *RUN_OPTIONS],
                            env={**os.environ, "OBLIVIATE_PROGRESS": "0"},
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 240
    while time.time() < deadline and proc.poll() is None and "done" not in _statuses(db):
        time.sleep(0.02)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    killed_at = _statuses(db)
    assert proc.returncode == -signal.SIGKILL
    assert killed_at.count("done") >= 1 and killed_at.count("pending") >= 1, killed_at

    # 2. Killed in the narrowest window: checkpoint saved, ledger not yet committed.
    proc = _cli("ledger", "run", str(ledger.root), *RUN_OPTIONS, env={FAULT_ENV: "after_save"})
    assert proc.returncode == -signal.SIGKILL
    statuses = _statuses(db)
    assert "running" in statuses
    running = ledger.requests("running")[0]
    orphan = ledger.root / CHECKPOINTS / f"{running.seq:04d}-{running.id}"
    assert orphan.is_dir(), "the fault fires after the checkpoint is saved"

    # 3. Resume: finishes the work; the orphan checkpoint is replaced, not trusted.
    proc = cli("ledger", "run", str(ledger.root), *RUN_OPTIONS)
    assert proc.returncode == 0, proc.stderr
    _assert_consistent(ledger, len(request_files))
    assert ledger.get(running.id).attempts >= 2
    # Deterministic training: the interrupted ledger ends at the very model of the clean run,
    # which it could not if any request had been applied twice or skipped.
    assert [r.model_after for r in ledger.requests()] == [r.model_after for r in clean.requests()]
    # A finished ledger has nothing left to do.
    assert Ledger(ledger.root).run(LedgerRunConfig(audit=False)) == []


def test_certificate_and_tampering(tmp_path, random_model, retain_file, request_files, cli):
    ledger = _new_ledger(tmp_path / "L", random_model, retain_file, request_files[:2])
    ledger.run(LedgerRunConfig(options={"epochs": 2}, audit=False, retain_eval=20))
    proc = cli("ledger", "certificate", str(ledger.root), "r0002", "--out", str(tmp_path / "cert.json"))
    assert proc.returncode == 0, proc.stderr
    cert = json.loads((tmp_path / "cert.json").read_text())
    first = ledger.get("r0001")
    assert cert["request_id"] == "r0002" and cert["method"] == "npo" and cert["config"]["epochs"] == 2
    assert cert["model_sha256_before"] == first.model_after != cert["model_sha256_after"]
    assert len(cert["item_hashes"]) == 3
    assert set(cert["metrics"]) >= {"forget_accuracy", "retain_accuracy", "forget_accuracy_all"}
    assert "verdict" in cert and (cert["verdict"] is not None or cert["verdict_reason"])
    assert cli("ledger", "verify", str(ledger.root), "r0002").returncode == 0
    curves = ledger.status()["sequential"]
    assert curves["forget_accuracy"] == [first.metrics["forget_accuracy_all"], cert["metrics"]["forget_accuracy_all"]]
    # Changing one byte of the checkpoint's weights is caught by verify.
    weights = next((ledger.root / cert["checkpoint"]).glob("*.safetensors"))
    data = bytearray(weights.read_bytes())
    data[-1] ^= 0xFF
    weights.write_bytes(bytes(data))
    result = ledger.verify("r0002")
    assert not result["ok"]
    assert [c["name"] for c in result["checks"] if not c["ok"]] == ["model_after"]
    proc = cli("ledger", "verify", str(ledger.root), "r0002")
    assert proc.returncode == 1 and "MISMATCH" in proc.stdout
    # ...and the next run refuses to build on a modified model.
    ledger.add(request_files[2])
    with pytest.raises(LedgerError, match="modified outside the ledger"):
        ledger.run(LedgerRunConfig(audit=False))
    assert ledger.get("r0003").status == "failed"
