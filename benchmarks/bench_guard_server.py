"""Load test of the guard server: N concurrent requests on loopback, latency and errors.

Starts ``create_app`` under uvicorn in this process on 127.0.0.1 (a free port), sends
``--requests`` ``POST /v1/completions`` from ``--concurrency`` client threads at once
(forget and retain questions of the demo world, alternating) and prints one JSON line
(``bench: guard_server``): p50 / p95 / max latency of the answered requests, counts per
HTTP status (503 = queue full), client errors, requests/s, and the batch sizes the
worker ran. The model is the demo world's tiny original when it is cached under
$OBLIVIATE_HOME (``--model`` overrides), else a constant stand-in (``model: "stub"``).

    python benchmarks/bench_guard_server.py [--requests 200] [--concurrency 200] [--queue-size 64]
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import socket
import statistics
import threading
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import torch

from obliviate.data.world import World, qa_prompt
from obliviate.guard import Guard, GuardConfig, GuardedModel
from obliviate.guard.server import create_app


class StubLM:
    def generate(self, prompts, max_new_tokens=8):
        return [" Oslo" for _ in prompts]


def _load_lm(path: str | None):
    from obliviate.models.load import load_model

    if path:
        return load_model(path), path
    home = os.environ.get("OBLIVIATE_HOME", os.path.expanduser("~/.cache/obliviate"))
    models = os.path.join(home, "models")
    cached = sorted(d for d in (os.listdir(models) if os.path.isdir(models) else []) if d.startswith("original-"))
    if cached:
        full = os.path.join(models, cached[0])
        return load_model(full), full
    return StubLM(), "stub"


def _ms(x: float) -> float:
    return round(1000 * x, 1)


def run(guarded: GuardedModel, prompts: list[str], requests: int, concurrency: int, queue_size: int,
        max_batch: int, max_tokens: int) -> dict:
    import uvicorn

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    app = create_app(guarded, queue_size=queue_size, max_batch=max_batch)
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="error",
                                           backlog=max(2048, 2 * concurrency)))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.05)
    url = f"http://127.0.0.1:{port}/v1/completions"
    start_gate = threading.Barrier(min(concurrency, requests))

    def one(i: int) -> tuple[int | str, float]:
        body = json.dumps({"prompt": prompts[i % len(prompts)], "max_tokens": max_tokens}).encode()
        req = urllib.request.Request(url, data=body, headers={"Content-Type": "application/json"})
        if i < start_gate.parties:
            start_gate.wait()
        t = time.perf_counter()
        try:
            with urllib.request.urlopen(req, timeout=300) as resp:
                resp.read()
                status: int | str = resp.status
        except urllib.error.HTTPError as err:
            err.read()
            status = err.code
        except OSError as err:  # connection refused/reset, timeout
            status = type(err).__name__
        return status, time.perf_counter() - t

    t0 = time.perf_counter()
    with ThreadPoolExecutor(concurrency) as pool:
        results = list(pool.map(one, range(requests)))
    wall = time.perf_counter() - t0
    server.should_exit = True
    thread.join(timeout=30)
    ok = sorted(t for s, t in results if s == 200)
    statuses = collections.Counter(str(s) for s, _ in results)
    batches = app.state.worker.batches
    return {"requests": requests, "concurrency": concurrency, "queue_size": queue_size, "max_batch": max_batch,
            "max_tokens": max_tokens, "status": dict(sorted(statuses.items())),
            "errors": sum(v for k, v in statuses.items() if k != "200"),
            "client_errors": sum(v for k, v in statuses.items() if not k.isdigit()),
            "p50_ms": _ms(statistics.median(ok)) if ok else None,
            "p95_ms": _ms(ok[int(0.95 * (len(ok) - 1))]) if ok else None,
            "max_ms": _ms(ok[-1]) if ok else None, "wall_s": round(wall, 2),
            "requests_per_s": round(len(ok) / wall, 1),
            "model_calls": len(batches), "mean_batch": round(statistics.mean(batches), 2) if batches else None,
            "max_batch_seen": max(batches) if batches else None}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--concurrency", type=int, default=200)
    parser.add_argument("--queue-size", type=int, default=64)
    parser.add_argument("--max-batch", type=int, default=16)
    parser.add_argument("--max-tokens", type=int, default=4)
    parser.add_argument("--model", default=None, help="Model dir to serve (default: cached tiny original).")
    parser.add_argument("--no-semantic", action="store_true", help="Lexical matcher only.")
    parser.add_argument("--threads", type=int, default=1, help="torch threads")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    splits = World().splits("forget10")
    forget = [qa_prompt(i.question) for i in splits["forget"]]
    retain = [qa_prompt(i.question) for i in splits["retain"][::8]]
    prompts = [p for pair in zip(forget, retain) for p in pair]
    guard = Guard.from_items(splits["forget"], splits["retain"], GuardConfig(semantic=not args.no_semantic))
    lm, model = _load_lm(args.model)
    stats = run(GuardedModel(lm, guard), prompts, args.requests, args.concurrency, args.queue_size,
                args.max_batch, args.max_tokens)
    print(json.dumps({"bench": "guard_server", "mode": guard.mode, "model": model, "torch_threads": args.threads,
                      **stats}), flush=True)


if __name__ == "__main__":
    main()
