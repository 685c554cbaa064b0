"""Time from `obliviate ...` to its error for bad inputs (issue 16: errors should come fast).

Each case is a fresh `python -m obliviate` process, as a user runs it; the figure is the
wall time to exit (median of --repeat runs), with the exit code and the error's first
line. Prints one JSON line. Usage: python benchmarks/bench_cli_errors.py [--repeat 3]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp())
    model = tmp / "run" / "model"
    model.mkdir(parents=True)
    (model / "config.json").write_text("{}")
    forget = tmp / "forget.jsonl"
    forget.write_text('{"question": "Who?", "answer": "Ann"}\n')
    bad = tmp / "bad.jsonl"
    bad.write_bytes(b'{"question": "Caf\xe9?", "answer": "a"}\n')
    big = tmp / "big.jsonl"
    big.write_text(json.dumps({"question": "q?", "answer": "x" * (4 << 20)}) + "\n")
    base = ["unlearn", "--model", str(model), "--forget", str(forget)]
    cases = {
        "out_contains_model": base + ["--out", str(tmp / "run")],
        "out_is_a_file": base + ["--out", str(forget)],
        "forget_equals_retain": base + ["--retain", str(forget), "--out", str(tmp / "o")],
        "non_utf8_forget": ["unlearn", "--model", str(model), "--forget", str(bad), "--out", str(tmp / "o")],
        "answer_4mb": ["unlearn", "--model", str(model), "--forget", str(big), "--out", str(tmp / "o")],
        "missing_model": ["unlearn", "--model", str(tmp / "nope"), "--forget", str(forget), "--out", str(tmp / "o")],
        "missing_option": ["unlearn", "--forget", str(forget)],
        "unknown_command": ["no-such-command"],
        # Needs the method registry (torch, transformers): checked before the model loads.
        "option_lr_abc": base + ["--out", str(tmp / "o"), "-o", "lr=abc"],
        "option_misspelled": base + ["--out", str(tmp / "o"), "-o", "learning_rate=1e-4"],
        "unknown_method": base + ["--out", str(tmp / "o"), "--method", "npoo"],
    }
    env = {**os.environ, "OBLIVIATE_PROGRESS": "0"}
    results = {}
    for name, argv in cases.items():
        times, proc = [], None
        for _ in range(args.repeat):
            start = time.perf_counter()
            proc = subprocess.run([sys.executable, "-m", "obliviate", *argv], capture_output=True, text=True,
                                  env=env, timeout=300)
            times.append(time.perf_counter() - start)
        first = (proc.stderr.strip().splitlines() or [""])
        results[name] = {"seconds": round(statistics.median(times), 3), "exit": proc.returncode,
                         "error": next((ln for ln in first if "rror" in ln or "No such" in ln or "Missing" in ln),
                                       first[0])[:100]}
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", "pass"], check=True)
    results["python_startup"] = {"seconds": round(time.perf_counter() - start, 3)}
    print(json.dumps({"benchmark": "cli_errors", "repeat": args.repeat, "results": results}))


if __name__ == "__main__":
    main()
