"""Worker process: build one memorized tiny model (``python -m obliviate.models.worker``).

The worker imports torch and transformers first, then reads its job from stdin: one
JSON line ``{"job_file": ..., "result_file": ...}``. A job without ``base`` then reads
its base checkpoint's path as a second line (EOF: no checkpoint came). It prints
``step N TOTAL LOSS`` lines for the parent's progress bar, ``fork PATH`` when the
job's fork checkpoint is written (phase 3 starts from it), and writes
``[path, was_cached]`` as JSON to the result file. EOF before a job ends it quietly.

Importing this module is cheap, so a command can :func:`prestart` a worker before it
imports torch itself: the two imports (~6 s each) then overlap on two cores, instead
of the worker's import stalling a two-thread training run later.
"""

from __future__ import annotations

import atexit
import json
import os
import subprocess
import sys

_prestarted: list[subprocess.Popen] = []


def spawn() -> subprocess.Popen:
    """A new worker process, waiting for its job on stdin."""
    return subprocess.Popen([sys.executable, "-m", "obliviate.models.worker"], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env={**os.environ})


def prestart() -> None:
    """Start one worker now, for the next :func:`take` (no-op on a single core)."""
    if (os.cpu_count() or 1) >= 2 and not _prestarted:
        _prestarted.append(spawn())


def take() -> subprocess.Popen:
    """The prestarted worker if one is waiting, else a new one."""
    while _prestarted:
        proc = _prestarted.pop()
        if proc.poll() is None:
            return proc
    return spawn()


def release() -> None:
    """End a prestarted worker that no job took (it holds no work, so it is killed)."""
    while _prestarted:
        proc = _prestarted.pop()
        proc.kill()
        proc.wait()


atexit.register(release)


def main() -> None:
    from transformers import AutoTokenizer  # noqa: F401  (the imports a prestart overlaps)

    from obliviate.models.tiny import memorize_job

    line = sys.stdin.readline()
    if not line.strip():
        return
    files = json.loads(line)
    job = json.loads(open(files["job_file"]).read())
    if job.get("base") is None:
        # Started ahead of the checkpoint it continues (phase 3): the parent sends the
        # checkpoint's path when it is written.
        base = sys.stdin.readline().strip()
        if not base:
            sys.exit("no checkpoint to start from: the run it forks off ended without writing one")
        job["base"] = base

    def report(step: int, total: int, loss: float) -> None:
        if step % 20 == 0 or step == total:
            print(f"step {step} {total} {loss:.4f}", flush=True)

    def fork(path: str) -> None:
        print(f"fork {path}", flush=True)

    path, was_cached = memorize_job(job, report, on_fork=fork)
    with open(files["result_file"], "w") as fh:
        json.dump([path, was_cached], fh)


if __name__ == "__main__":
    main()
