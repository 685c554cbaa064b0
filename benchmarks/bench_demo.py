"""Wall time of `obliviate demo`, cold (empty model cache) and warm (cache filled).

Prints one JSON line: {"benchmark": "demo", "cold_s": ..., "warm_s": ..., ...}, with the
SHA-256 of each trained model's weights (``model.safetensors``) and the demo's NPO
figures, so a recipe change that moves the models shows. Run with the machine
otherwise idle: `python benchmarks/bench_demo.py`; `--home DIR` (new or empty) keeps
the cold run's model cache there, to compare with another build.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path


def run_demo(home: str, out: str) -> tuple[float, float]:
    """(wall seconds, CPU seconds) of one `obliviate demo` process.

    The CPU seconds (user + system) say how much work it was; on a machine shared with
    other jobs the wall time also says how much of the cores it got.
    """
    env = {**os.environ, "OBLIVIATE_HOME": home, "OBLIVIATE_PROGRESS": "0"}
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "obliviate", "demo", "--out", out], check=True, env=env,
                   stdout=subprocess.DEVNULL)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime


def weights_sha256(home: str) -> dict[str, str]:
    """``{cache entry: sha256 of its model.safetensors}`` for the tiny models in ``home``."""
    out = {}
    for entry in sorted((Path(home) / "models").iterdir()):
        weights = entry / "model.safetensors"
        if weights.is_file() and not entry.name.startswith("."):
            out[entry.name] = hashlib.sha256(weights.read_bytes()).hexdigest()
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--home", default=None, help="OBLIVIATE_HOME for the runs (new or empty; kept)")
    args = parser.parse_args()
    if args.home and Path(args.home).exists() and any(Path(args.home).iterdir()):
        sys.exit(f"--home {args.home} is not empty: a cold run needs an empty model cache")
    # Other jobs on the machine slow every step: the load when the runs start says how busy it was.
    load = round(os.getloadavg()[0], 2)
    with tempfile.TemporaryDirectory() as tmp:
        home = args.home or os.path.join(tmp, "home")
        cold, cold_cpu = run_demo(home, os.path.join(tmp, "cold"))
        warm, warm_cpu = run_demo(home, os.path.join(tmp, "warm"))
        cold_report = json.load(open(os.path.join(tmp, "cold", "report.json")))
        report = json.load(open(os.path.join(tmp, "warm", "report.json")))
        weights = weights_sha256(home)
    metrics = report["metrics"]
    print(json.dumps({
        "benchmark": "demo", "cold_s": round(cold, 1), "warm_s": round(warm, 1),
        "cold_cpu_s": round(cold_cpu, 1), "warm_cpu_s": round(warm_cpu, 1),
        "cold_timings_s": cold_report["timings_s"], "timings_s": report["timings_s"],
        "unlearned_forget_mcq": metrics["forget"]["unlearned"]["mcq_accuracy"],
        "unlearned_retain_mcq": metrics["retain"]["unlearned"]["mcq_accuracy"],
        "verdict": report.get("verdict"), "weights_sha256": weights,
        "load_avg_1min_at_start": load, "OMP_NUM_THREADS": os.environ.get("OMP_NUM_THREADS"),
        "date": date.today().isoformat(),
        "machine": f"{platform.machine()} {os.cpu_count()} cores", "python": platform.python_version(),
    }))


if __name__ == "__main__":
    main()
