"""Worker process: build one memorized tiny model (``python -m obliviate.models.worker JOB OUT``).

A job without ``base`` reads its base checkpoint's path from stdin first. Prints
``step N TOTAL LOSS`` lines for the parent's progress bar, ``fork PATH`` when
the job's fork checkpoint is written (phase 3 starts from it), and writes
``[path, was_cached]`` as JSON to OUT.
"""

from __future__ import annotations

import json
import sys

from obliviate.models.tiny import memorize_job


def main(job_file: str, result_file: str) -> None:
    job = json.loads(open(job_file).read())
    if job.get("base") is None:
        # Started ahead of the checkpoint it continues (phase 3): the imports are done,
        # the parent sends the checkpoint's path when it is written.
        from transformers import AutoTokenizer  # noqa: F401

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
    with open(result_file, "w") as fh:
        json.dump([path, was_cached], fh)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
