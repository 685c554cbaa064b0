"""`ledger run` interrupted midway resumes, with the same command, to the very result of a clean run."""

from __future__ import annotations

import json

import pytest

RUN = ["-o", "epochs=3", "-o", "lr=0.01", "--no-audit", "--retain-eval", "20"]
# What legitimately differs between two ledgers: where they live, when and how long, how often tried.
VOLATILE = {"ledger", "timestamps", "seconds"}


@pytest.fixture
def requests(tmp_path, splits):
    from obliviate.data.formats import write_jsonl

    forget = splits["forget"]
    return ([write_jsonl(tmp_path / f"req{k}.jsonl", forget[3 * k:3 * k + 3]) for k in range(3)],
            write_jsonl(tmp_path / "retain.jsonl", splits["retain"][::24]))


def _ledger(cli, root, model, requests):
    files, retain = requests
    assert cli("ledger", "init", root, "--model", model, "--retain", retain).code == 0
    for f in files:
        assert cli("ledger", "add", root, "--items", f).code == 0


def _certificates(cli, root, n):
    out = []
    for k in range(1, n + 1):
        r = cli("ledger", "certificate", root, f"r{k:04d}")
        assert r.code == 0, r.output
        out.append({key: v for key, v in json.loads(r.out).items() if key not in VOLATILE})
    return out


def test_interrupted_ledger_run_resumes_to_the_same_certificates(cli, tmp_path, tiny_model, requests, monkeypatch):
    import obliviate.models.load as load
    from obliviate.ledger import Ledger

    clean = tmp_path / "clean"
    _ledger(cli, clean, tiny_model, requests)
    assert cli("ledger", "run", clean, *RUN).code == 0

    resumed = tmp_path / "resumed"
    _ledger(cli, resumed, tiny_model, requests)
    real_save, saves = load.save_model, []

    def save_then_interrupt(*args, **kwargs):
        path = real_save(*args, **kwargs)
        saves.append(path)
        if len(saves) == 2:  # request 2's checkpoint is on disk, the ledger has not committed it
            raise KeyboardInterrupt
        return path

    monkeypatch.setattr(load, "save_model", save_then_interrupt)
    r = cli("ledger", "run", resumed, *RUN)
    assert r.code == 130 and f"interrupted: ledger run {resumed}" in r.err and "run the same command" in r.err
    statuses = [q.status for q in Ledger(resumed).requests()]
    assert statuses == ["done", "running", "pending"]
    monkeypatch.setattr(load, "save_model", real_save)

    r = cli("ledger", "run", resumed, *RUN)  # the same command resumes
    assert r.code == 0, r.output
    assert "applied 2 request(s)" in r.out
    ledger = Ledger(resumed)
    assert [q.status for q in ledger.requests()] == ["done"] * 3
    assert ledger.get("r0002").attempts == 2
    assert all(ledger.verify(q.id)["ok"] for q in ledger.requests())
    # Deterministic training: same checkpoints (hashes) and the same certificates as the clean run.
    assert _certificates(cli, resumed, 3) == _certificates(cli, clean, 3)
