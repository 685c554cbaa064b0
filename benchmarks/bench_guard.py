"""Guard latency per request and guard-server throughput (bounded, local-only load test).

Prints one JSON line per measurement:
- ``guard_latency``: lexical, semantic and combined check of one prompt (median / p95 ms),
  over forget and retain prompts of the embedded world;
- ``guard_server``: requests/s of ``/v1/completions`` on 127.0.0.1 with a fixed number of
  requests from a few client threads, stopped at a time limit. The served model is the
  embedded world's tiny original when it is cached under $OBLIVIATE_HOME (``--model``
  overrides), else a constant stand-in (reported as ``model: "stub"``).

    python benchmarks/bench_guard.py [--requests 200] [--clients 4] [--time-limit 60]
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import threading
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import torch

from obliviate.data.world import World, qa_prompt
from obliviate.guard import Guard, GuardConfig, GuardedModel
from obliviate.guard.server import create_app


class StubLM:
    def generate(self, prompts, max_new_tokens=8):
        return [" Oslo" for _ in prompts]


def _percentiles(samples: list[float]) -> dict[str, float]:
    samples = sorted(samples)
    return {"median_ms": round(1000 * statistics.median(samples), 3),
            "p95_ms": round(1000 * samples[int(0.95 * (len(samples) - 1))], 3)}


def latency(guard: Guard, prompts: list[str]) -> dict[str, dict[str, float]]:
    out = {}
    lex = []
    for p in prompts:
        t = time.perf_counter()
        guard.lexical.match(p)
        lex.append(time.perf_counter() - t)
    out["lexical"] = _percentiles(lex)
    if guard.semantic is not None:
        sem, both = [], []
        for p in prompts:
            t = time.perf_counter()
            guard.semantic_scores([p])
            sem.append(time.perf_counter() - t)
            t = time.perf_counter()
            guard.check(p)
            both.append(time.perf_counter() - t)
        out["semantic"] = _percentiles(sem)
        out["combined"] = _percentiles(both)
    return out


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


def throughput(guarded: GuardedModel, prompts: list[str], requests: int, clients: int,
               time_limit: float) -> dict:
    import uvicorn

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(create_app(guarded), host="127.0.0.1", port=port, log_level="error"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.05)
    url = f"http://127.0.0.1:{port}/v1/completions"
    deadline = time.perf_counter() + time_limit

    def one(i: int) -> tuple[float, bool] | None:
        if time.perf_counter() > deadline:
            return None
        body = json.dumps({"prompt": prompts[i % len(prompts)], "max_tokens": 4}).encode()
        req = urllib.request.Request(url, data=body, headers={"Content-Type": "application/json"})
        t = time.perf_counter()
        with urllib.request.urlopen(req, timeout=30) as resp:
            blocked = json.loads(resp.read())["choices"][0]["finish_reason"] == "content_filter"
        return time.perf_counter() - t, blocked

    start = time.perf_counter()
    with ThreadPoolExecutor(clients) as pool:
        results = [r for r in pool.map(one, range(requests)) if r is not None]
    elapsed = time.perf_counter() - start
    server.should_exit = True
    thread.join(timeout=10)
    return {"requests_done": len(results), "seconds": round(elapsed, 3),
            "requests_per_s": round(len(results) / elapsed, 2),
            "blocked_share": round(sum(b for _, b in results) / max(len(results), 1), 3),
            **_percentiles([r for r, _ in results])}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--time-limit", type=float, default=60.0)
    parser.add_argument("--model", default=None, help="Model dir to serve (default: cached tiny original).")
    parser.add_argument("--threads", type=int, default=1, help="torch threads")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    world = World()
    splits = world.splits("forget10")
    forget_prompts = [qa_prompt(i.question) for i in splits["forget"]]
    retain_prompts = [qa_prompt(i.question) for i in splits["retain"][::8]]
    prompts = [p for pair in zip(forget_prompts, retain_prompts) for p in pair]
    t = time.perf_counter()
    guard = Guard.from_items(splits["forget"], splits["retain"], GuardConfig())
    build_s = time.perf_counter() - t
    print(json.dumps({"bench": "guard_latency", "mode": guard.mode, "prompts": len(prompts),
                      "build_s": round(build_s, 3), "torch_threads": args.threads,
                      **latency(guard, prompts)}), flush=True)
    lm, model = _load_lm(args.model)
    for mode, g in (("lexical", Guard.from_items(splits["forget"], splits["retain"], GuardConfig(semantic=False))),
                    (guard.mode, guard)):
        stats = throughput(GuardedModel(lm, g), prompts, args.requests, args.clients, args.time_limit)
        print(json.dumps({"bench": "guard_server", "mode": mode, "model": model, "clients": args.clients,
                          "requests": args.requests, "time_limit_s": args.time_limit, **stats}), flush=True)


if __name__ == "__main__":
    main()
