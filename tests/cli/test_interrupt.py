"""Ctrl-C during training, in a real process: exit 130, what was interrupted, no partial output."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

# The child is the real CLI; the only change is a progress bar that says on stderr when
# the first optimizer step is done, so the signal lands during training, not during imports.
CHILD = """
import contextlib, signal, sys
# A shell that starts the tests in the background passes SIGINT on as ignored; Ctrl-C is what we test.
signal.signal(signal.SIGINT, signal.default_int_handler)
import obliviate.api as api

@contextlib.contextmanager
def announcing_bar(description, total):
    def update(*args, **kwargs):
        print("STEP", flush=True, file=sys.stderr)
    yield update

api.progress_bar = announcing_bar
from obliviate.cli import main
main()
"""


def test_sigint_during_training_exits_130_and_writes_nothing(tmp_path, tiny_model, data_files):
    forget, retain = data_files
    out = tmp_path / "run"
    proc = subprocess.Popen(
        [sys.executable, "-c", CHILD, "unlearn", "--model", str(tiny_model), "--forget", str(forget),
         "--retain", str(retain), "--method", "ga", "-o", "epochs=100000", "--out", str(out)],
        stderr=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
        # A private OBLIVIATE_HOME: the training loop may leave a resume checkpoint there.
        env={**os.environ, "OBLIVIATE_PROGRESS": "1", "OMP_NUM_THREADS": "1",
             "OBLIVIATE_HOME": str(tmp_path / "home")})
    deadline = time.time() + 240
    line = ""
    while time.time() < deadline and "STEP" not in line:
        line = proc.stderr.readline()
        if not line and proc.poll() is not None:
            break
    assert "STEP" in line, f"training never started: rc={proc.poll()}"
    proc.send_signal(signal.SIGINT)
    stdout, stderr = proc.communicate(timeout=120)
    assert proc.returncode == 130, (stdout, stderr[-2000:])
    assert f"interrupted: unlearn --model {tiny_model}" in stderr
    assert "Traceback" not in stderr
    assert not out.exists()
    assert sorted(p.name for p in tmp_path.iterdir() if p.name != "home") == ["forget.jsonl", "retain.jsonl"]


def test_a_stopped_unlearn_says_it_resumes_and_the_rerun_says_it_resumed(cli, tmp_path, tiny_model, data_files,
                                                                        monkeypatch):
    """The same command after Ctrl-C continues the checkpoint without --resume; both runs say so."""
    import json

    import obliviate.training as training

    forget, retain = data_files
    monkeypatch.setenv("OBLIVIATE_HOME", str(tmp_path / "home"))
    args = ["unlearn", "--model", tiny_model, "--forget", forget, "--retain", retain, "--method", "ga",
            "-o", "epochs=3", "-o", "batch_size=1"]  # 4 items: 12 steps
    real = training.check_finite

    def stop_at_step_5(loss, at):
        if at == 5:
            raise KeyboardInterrupt
        real(loss, at)

    with monkeypatch.context() as patch:
        patch.setattr(training, "check_finite", stop_at_step_5)
        r = cli(*args, "--out", tmp_path / "a")
    assert r.code == 130 and "the same command resumes it" in " ".join(r.err.split()), r.output
    r = cli(*args, "--out", tmp_path / "a")
    assert r.code == 0 and "resumed from the checkpoint of a stopped run at step 5" in " ".join(r.out.split())
    assert json.loads((tmp_path / "a" / "run.json").read_text())["resumed_from_step"] == 5
    r = cli(*args, "--out", tmp_path / "b")  # the checkpoint is gone once the run finished
    assert r.code == 0 and "resumed" not in r.out
    runs = [json.loads((tmp_path / d / "run.json").read_text()) for d in ("a", "b")]
    assert runs[1]["resumed_from_step"] == 0 and runs[0]["unlearned"]["sha256"] == runs[1]["unlearned"]["sha256"]
