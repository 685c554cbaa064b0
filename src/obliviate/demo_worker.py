"""The demo's second process: the steps that need no unlearned model, beside the others.

``python -m obliviate.demo_worker JOB OUT``. JOB names the world, the forget split and
the original model; the worker scores the original's audit baseline into the audit
cache (``$OBLIVIATE_HOME/audits``, where the main process's audit then finds it) and
evaluates the content guard, then writes ``{"guard": ..., "seconds": {...}}`` as JSON
to OUT. It prints ``done STEP`` after each step, for the parent's progress bar.

Both processes run one torch thread: the tiny models gain little from a second thread,
and a busy second process stalls a two-thread process at every op's barrier.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

STEPS = ("audit baseline (original)", "guard")


def guard_report(world, forget: str) -> dict[str, Any]:
    """Build the forget split's content guard and evaluate it on the demo's queries."""
    from obliviate.guard.evaluate import build_guard, evaluate_guard, guard_queries

    splits = world.splits(forget)
    content_guard = build_guard(splits["forget"], splits["retain"])
    # Every 5th retain item keeps the false-positive check at ~400 queries (4 phrasings
    # each) and, items coming six attributes per person, covers all six (every 4th: three).
    queries = guard_queries(splits["forget"], splits["retain"][::5], world.compositional_items(forget),
                            splits["holdout"], neighbor=splits["neighbor"])
    return evaluate_guard(content_guard, queries)


def run(job: dict) -> dict[str, Any]:
    """The job's steps in this process; returns the guard report and each step's seconds."""
    import torch

    from obliviate.audit import AuditConfig, attack_model_cached
    from obliviate.data.world import World, WorldConfig
    from obliviate.models.load import load_model

    torch.set_num_threads(job.get("threads", 1))
    world = World(WorldConfig(**{**job["world_config"], "attributes": tuple(job["world_config"]["attributes"])}))
    out: dict[str, Any] = {"seconds": {}}
    if job.get("audit"):
        start = time.perf_counter()
        splits = world.splits(job["forget"])
        attack_model_cached(load_model(job["original"]), splits["forget"], splits["retain"], AuditConfig())
        out["seconds"]["audit_original"] = time.perf_counter() - start
        print(f"done {STEPS[0]}", flush=True)
    if job.get("guard"):
        start = time.perf_counter()
        out["guard"] = guard_report(world, job["forget"])
        out["seconds"]["guard"] = time.perf_counter() - start
        print(f"done {STEPS[1]}", flush=True)
    return out


class DemoWorker:
    """The second process, started with :meth:`start` and collected with :meth:`result`."""

    def __init__(self, job: dict):
        self.job = job
        self.tmp = tempfile.TemporaryDirectory()
        job_file, self.out_file = Path(self.tmp.name) / "job.json", Path(self.tmp.name) / "out.json"
        job_file.write_text(json.dumps(job))
        self.start_time = time.perf_counter()
        self.proc = subprocess.Popen([sys.executable, "-m", "obliviate.demo_worker", str(job_file), str(self.out_file)],
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env={**os.environ})

    def result(self) -> dict[str, Any] | None:
        """Wait for the worker; its JSON output, or None (with a warning) if it failed."""
        import threading
        import warnings

        from obliviate.progress import progress_bar

        steps = [s for s, on in zip(STEPS, (self.job.get("audit"), self.job.get("guard"))) if on]
        err: list[str] = []
        reader = threading.Thread(target=lambda: err.append(self.proc.stderr.read()), daemon=True)
        reader.start()
        with progress_bar("second process: " + ", ".join(steps), len(steps)) as update:
            for line in self.proc.stdout:
                if line.startswith("done "):
                    update(info=line[5:].strip())
        reader.join()
        self.proc.wait()
        try:
            if self.proc.returncode != 0:
                tail = "\n".join("".join(err).strip().splitlines()[-5:])
                warnings.warn(f"the demo's second process failed (exit {self.proc.returncode}); its steps run "
                              f"in this process instead:\n{tail}", RuntimeWarning, stacklevel=2)
                return None
            out = json.loads(self.out_file.read_text())
            out["seconds"]["wall"] = time.perf_counter() - self.start_time
            return out
        finally:
            self.tmp.cleanup()

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        self.tmp.cleanup()


def main(job_file: str, out_file: str) -> None:
    from obliviate.models.load import atomic_write_text

    out = run(json.loads(Path(job_file).read_text()))
    atomic_write_text(Path(out_file), json.dumps(out))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
