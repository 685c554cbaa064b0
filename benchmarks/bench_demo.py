"""Wall time of `obliviate demo`, cold (empty model cache) and warm (cache filled).

Prints one JSON line: {"benchmark": "demo", "cold_s": ..., "warm_s": ..., ...}.
Run with the machine otherwise idle: `python benchmarks/bench_demo.py`.
"""

from __future__ import annotations

import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from datetime import date


def run_demo(home: str, out: str) -> float:
    env = {**os.environ, "OBLIVIATE_HOME": home, "OBLIVIATE_PROGRESS": "0"}
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "obliviate", "demo", "--out", out], check=True, env=env,
                   stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        home = os.path.join(tmp, "home")
        cold = run_demo(home, os.path.join(tmp, "cold"))
        warm = run_demo(home, os.path.join(tmp, "warm"))
        cold_report = json.load(open(os.path.join(tmp, "cold", "report.json")))
        report = json.load(open(os.path.join(tmp, "warm", "report.json")))
    print(json.dumps({
        "benchmark": "demo", "cold_s": round(cold, 1), "warm_s": round(warm, 1),
        "cold_timings_s": cold_report["timings_s"], "timings_s": report["timings_s"],
        "date": date.today().isoformat(),
        "machine": f"{platform.machine()} {os.cpu_count()} cores", "python": platform.python_version(),
    }))


if __name__ == "__main__":
    main()
