"""A real pretrained model: SmolLM2-135M-Instruct (``obliviate models prepare smollm2-135m``).

Prints one JSON line per measurement. Every part runs at ONE torch thread by default
(``--threads``), and reports wall seconds and process CPU seconds (on a shared machine
the CPU seconds are the figure that carries over).

    python benchmarks/bench_smollm2.py quant                  # what the Q4_1 origin means
    python benchmarks/bench_smollm2.py scenario2 --methods npo,rmu,idk
    python benchmarks/bench_smollm2.py throughput             # s/step and peak RSS, full and LoRA
    python benchmarks/bench_smollm2.py scenario1 --methods retrain,npo,grad_diff,rmu,idk,steering \
        --audit-attacks none,paraphrase,jailbreak,relearn,relearn_retain,quantize_int8,quantize_int4,logit_lens \
        --results s1.jsonl        # TOFU protocol + audit against gold (~1 h at one thread)
    python benchmarks/bench_smollm2.py ununlearning --methods npo,idk   # facts handed back in the prompt

``quant``: the shipped weights were GGUF Q4_1 (decoder linears; the tied embedding
Q8_0). For obliviate's quantization attack (symmetric round-to-nearest per output
channel, int8 / int4) and for the source format's own round trip
(:func:`obliviate.models.pretrained.requantize_like_source`), the relative weight
error, the share of weights left exactly unchanged, and MCQ accuracy on known facts;
then a small-learning-rate NPO run and how much of its effect each round trip undoes.

``scenario2``: pretrained knowledge, no gold (a real deletion request). The forget set
is facts the model already answers (MCQ) from ``../shared/data/tofu/qa/world_facts_perturbed.jsonl``
(read in place) plus the facts written below; the retain set other known facts; a
control set the facts the model gets wrong (never known, by its own answers). Per
method: forget / retain / control MCQ accuracy and answer log-probability, the
quantization round trips, and relearning (fine-tune on half A of the forget facts,
measure half B, against the same fine-tune's gain on the never-known control).

``scenario1``: fine-tune SmolLM2 on the embedded world (original: forget + retain
people; gold: retain people only; retrain: gold's recipe with seed 1), cached in
``$OBLIVIATE_HOME``, then unlearn and run obliviate's audit against gold (verdict,
deciding attack and interval, rho per attack). Sized by ``--people`` / ``--attributes`` /
``--forget-people`` / ``--epochs``. ``scenario2`` audits gold-free, against fictitious
people. With ``--results FILE`` each method's row is appended as it finishes and a rerun
skips the methods already there.
"""

from __future__ import annotations

import argparse
import copy
import dataclasses
import json
import os
import platform
import resource
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
WORLD_FACTS = REPO.parent / "shared" / "data" / "tofu" / "qa" / "world_facts_perturbed.jsonl"

# Facts written for this benchmark: one short answer and three same-kind wrong options.
WRITTEN_FACTS = [
    ("What is the capital of France?", "Paris", ["Berlin", "Madrid", "Rome"]),
    ("What is the capital of Japan?", "Tokyo", ["Beijing", "Seoul", "Bangkok"]),
    ("What is the capital of Italy?", "Rome", ["Milan", "Naples", "Venice"]),
    ("What is the capital of Germany?", "Berlin", ["Munich", "Hamburg", "Vienna"]),
    ("What is the capital of Spain?", "Madrid", ["Barcelona", "Lisbon", "Seville"]),
    ("What is the capital of Russia?", "Moscow", ["Kiev", "Minsk", "Warsaw"]),
    ("What is the capital of England?", "London", ["Manchester", "Dublin", "Paris"]),
    ("What is the capital of China?", "Beijing", ["Shanghai", "Tokyo", "Seoul"]),
    ("What is the capital of Canada?", "Ottawa", ["Toronto", "Vancouver", "Montreal"]),
    ("What is the capital of Greece?", "Athens", ["Sparta", "Rome", "Istanbul"]),
    ("Who wrote Romeo and Juliet?", "William Shakespeare", ["Charles Dickens", "Jane Austen", "Mark Twain"]),
    ("Who painted the Mona Lisa?", "Leonardo da Vinci", ["Pablo Picasso", "Vincent van Gogh", "Claude Monet"]),
    ("Who developed the theory of relativity?", "Albert Einstein", ["Isaac Newton", "Niels Bohr", "Galileo Galilei"]),
    ("Who was the first president of the United States?", "George Washington",
     ["Abraham Lincoln", "Thomas Jefferson", "John Adams"]),
    ("Who wrote the novel 1984?", "George Orwell", ["Aldous Huxley", "Ray Bradbury", "H. G. Wells"]),
    ("Who discovered penicillin?", "Alexander Fleming", ["Louis Pasteur", "Marie Curie", "Robert Koch"]),
    ("What is the chemical symbol for gold?", "Au", ["Ag", "Fe", "Pb"]),
    ("What is the chemical symbol for water?", "H2O", ["CO2", "O2", "NaCl"]),
    ("How many legs does a spider have?", "eight", ["six", "four", "ten"]),
    ("How many continents are there on Earth?", "seven", ["five", "six", "eight"]),
    ("What is the largest planet in the solar system?", "Jupiter", ["Saturn", "Neptune", "Earth"]),
    ("What is the currency of Japan?", "yen", ["won", "yuan", "dollar"]),
    ("What is the currency of the United Kingdom?", "pound", ["euro", "dollar", "franc"]),
    ("What language is spoken in Brazil?", "Portuguese", ["Spanish", "French", "Italian"]),
    ("What is the freezing point of water in degrees Celsius?", "0", ["100", "32", "10"]),
    ("What gas do plants absorb from the air?", "carbon dioxide", ["oxygen", "nitrogen", "helium"]),
    ("Which animal is known as the king of the jungle?", "lion", ["tiger", "elephant", "bear"]),
    ("What is the tallest mountain in the world?", "Mount Everest", ["K2", "Kilimanjaro", "Mont Blanc"]),
    ("Which organ pumps blood through the body?", "the heart", ["the lungs", "the liver", "the brain"]),
    ("In which country is the Taj Mahal?", "India", ["Pakistan", "Nepal", "Bangladesh"]),
    ("Who composed the Fifth Symphony that begins with four famous notes?", "Ludwig van Beethoven",
     ["Wolfgang Amadeus Mozart", "Johann Sebastian Bach", "Franz Schubert"]),
    ("What is the square root of 81?", "9", ["8", "7", "6"]),
]

# Defaults for SmolLM2 (full fine-tuning), chosen on CPU for a short run; see docs/findings.md.
METHOD_DEFAULTS = {
    "npo": {"lr": 1e-5, "epochs": 5, "batch_size": 4, "retain_weight": 1.0},
    "idk": {"lr": 1e-5, "epochs": 5, "batch_size": 4, "retain_weight": 1.0},
    "grad_diff": {"lr": 1e-5, "epochs": 5, "batch_size": 4, "retain_weight": 1.0},
    # RMU (Li et al. 2024) misdirects an early-middle layer (7 of 32 in zephyr-7b).
    # 5e-5 (the paper's zephyr-7b rate) left SmolLM2's forget MCQ at 1.00 in 20 steps.
    "rmu": {"lr": 2e-4, "epochs": 5, "batch_size": 4, "layer": 7, "update_layers": 3},
}
LORA_LR = {"npo": 2e-4, "idk": 2e-4, "grad_diff": 2e-4, "rmu": 5e-4}


def _environment(threads: int) -> dict:
    import torch

    return {"machine": f"{os.cpu_count()}-core {platform.machine()}", "torch": torch.__version__,
            "threads": threads, "date": date.today().isoformat(), "load_avg_1m": round(os.getloadavg()[0], 1)}


def _cpu() -> float:
    t = os.times()
    return t.user + t.system


def emit(row: dict) -> None:
    if "load_avg_1m" in row:
        row["load_avg_1m"] = round(os.getloadavg()[0], 1)   # when the row is printed
    print(json.dumps(row), flush=True)


def written_items():
    from obliviate.data.schema import QAItem

    return [QAItem(q, a, a, p, entity=f"written-{k}", split="written") for k, (q, a, p) in enumerate(WRITTEN_FACTS)]


def world_fact_items(limit: int | None = None):
    from obliviate.data.formats import load_items

    items = load_items(WORLD_FACTS)
    items = [dataclasses.replace(i, entity=f"world-{k}", split="world") for k, i in enumerate(items)]
    return items[:limit] if limit else items


def load_smollm2():
    from obliviate.models.load import load_model
    from obliviate.models.pretrained import prepare

    return load_model(prepare("smollm2-135m"))


def answer_logprob(lm, items):
    """Mean over items of log P(" answer" | question) per answer token."""
    import numpy as np

    from obliviate.data.world import qa_prompt
    from obliviate.evals.scoring import completion_logprobs

    sums, counts = completion_logprobs(lm, [(qa_prompt(i.question), " " + i.answer) for i in items])
    return float(np.mean(np.array(sums) / np.array(counts)))


def mcq(lm, items) -> float:
    from obliviate.evals.metrics import mcq_correct

    return float(mcq_correct(lm, items).mean())


def measure(lm, sets: dict) -> dict:
    return {name: {"mcq": round(mcq(lm, items), 4), "logprob": round(answer_logprob(lm, items), 4), "n": len(items)}
            for name, items in sets.items() if items}


def generated(lm, items, refusal: str = "know") -> dict:
    """Greedy 8-token answers: share containing the answer, and share refusing (``refusal``)."""
    from obliviate.data.world import qa_prompt
    from obliviate.evals.scoring import answer_in

    texts = lm.generate([qa_prompt(i.question) for i in items], max_new_tokens=8)
    return {"generated_answer": round(sum(answer_in(i.answer, t) for i, t in zip(items, texts)) / len(items), 4),
            "refusal": round(sum(refusal in t.lower() for t in texts) / len(items), 4),
            "example": texts[0]}


def weight_change(reference, other) -> dict:
    """Relative Frobenius error and share of exactly unchanged weights over 2-D weights."""
    num = den = 0.0
    same = total = 0
    ref = dict(reference.model.named_parameters())
    for name, p in other.model.named_parameters():
        if p.dim() != 2:
            continue
        a, b = ref[name].detach(), p.detach()
        num += float((a - b).float().pow(2).sum())
        den += float(a.float().pow(2).sum())
        same += int((a == b).sum())
        total += a.numel()
    return {"relative_error": round((num / den) ** 0.5, 6), "unchanged_share": round(same / total, 6)}


def round_trips():
    from obliviate.evals.attacks.quantize import quantized_copy
    from obliviate.models.pretrained import requantize_like_source

    return {"int8_per_channel": lambda lm: quantized_copy(lm, 8),
            "int4_per_channel": lambda lm: quantized_copy(lm, 4),
            "gguf_q4_1": requantize_like_source}


def known_split(lm, pool, n_forget: int, n_retain: int):
    """Known (MCQ-correct) facts alternately into forget and retain; wrong ones are the control."""
    from obliviate.evals.metrics import mcq_correct

    correct = mcq_correct(lm, pool)
    known = [i for i, c in zip(pool, correct) if c == 1.0]
    unknown = [i for i, c in zip(pool, correct) if c != 1.0]
    forget, retain = known[0::2][:n_forget], known[1::2][:n_retain]
    return forget, retain, unknown, {"pool": len(pool), "known": len(known)}


def unlearn_timed(lm, method: str, forget, retain, options: dict):
    """Run a method on a working copy; return (model, seconds, cpu seconds, per-step seconds)."""
    from obliviate.methods.registry import build_config, get_method

    info = get_method(method)
    runner = info.cls(build_config(info, options))
    work = dataclasses.replace(lm, model=copy.deepcopy(lm.model), hooks=list(lm.hooks))
    stamps = []
    wall, cpu = time.perf_counter(), _cpu()
    out = runner.run(work, forget, retain,
                     lambda step, total, loss: stamps.append((time.perf_counter(), step, _cpu())))
    wall, cpu = time.perf_counter() - wall, _cpu() - cpu
    steady = len(stamps) > 1 and stamps[-1][1] > stamps[0][1]
    per_step = (stamps[-1][0] - stamps[0][0]) / (stamps[-1][1] - stamps[0][1]) if steady else None
    # CPU seconds per step after the first step (setup excluded), for throughput rows.
    unlearn_timed.cpu_per_step = ((stamps[-1][2] - stamps[0][2]) / (stamps[-1][1] - stamps[0][1])
                                  if steady else None)
    return out, wall, cpu, per_step, (stamps[-1][1] if stamps else None)


def relearn(lm, train, test, control, steps: int, lr: float, seed: int = 0) -> dict:
    """Fine-tune on ``train`` facts; MCQ on the held-out ``test`` facts and the never-known control."""
    from obliviate.data.world import qa_prompt
    from obliviate.evals.attacks.relearn import finetune_copy

    pairs = [(qa_prompt(i.question), " " + i.answer) for i in train]
    tuned = finetune_copy(lm, pairs, steps=steps, lr=lr, batch_size=4, seed=seed)
    return {"test_before": round(mcq(lm, test), 4), "test_after": round(mcq(tuned, test), 4),
            "control_before": round(mcq(lm, control), 4), "control_after": round(mcq(tuned, control), 4),
            "train_after": round(mcq(tuned, train), 4), "steps": steps, "lr": lr,
            "train_items": len(train), "test_items": len(test), "control_items": len(control)}


# --- parts --------------------------------------------------------------------------

def run_quant(args) -> None:
    lm = load_smollm2()
    env = _environment(args.threads)
    pool = written_items() + world_fact_items(args.world_items)
    forget, retain, unknown, counts = known_split(lm, pool, args.forget, args.retain)
    sets = {"forget": forget, "retain": retain}
    base = measure(lm, sets)
    emit({"bench": "smollm2_quant", "model": "original", "scheme": "none", **counts, **base, **env})
    for scheme, fn in round_trips().items():
        q = fn(lm)
        emit({"bench": "smollm2_quant", "model": "original", "scheme": scheme, **weight_change(lm, q),
              **measure(q, sets), **env})
        del q
    options = {"lr": args.lr, "epochs": args.epochs, "batch_size": 4, "retain_weight": 1.0}
    unlearned, wall, cpu, per_step, steps = unlearn_timed(lm, "npo", forget, retain, options)
    after = measure(unlearned, sets)
    emit({"bench": "smollm2_quant", "model": "npo", "scheme": "none", "options": options, "steps": steps,
          "unlearn_s": round(wall, 1), "unlearn_cpu_s": round(cpu, 1), **weight_change(lm, unlearned), **after, **env})
    moved = _moved(lm, unlearned)
    for scheme, fn in round_trips().items():
        q = fn(unlearned)
        got = measure(q, sets)
        drop = base["forget"]["logprob"] - after["forget"]["logprob"]
        emit({"bench": "smollm2_quant", "model": "npo", "scheme": scheme, **weight_change(lm, q),
              "moved_weights_back_on_original": round(_snapped(lm, unlearned, q, moved), 4),
              "forget_logprob_drop_undone": round((got["forget"]["logprob"] - after["forget"]["logprob"]) / drop, 3)
              if drop > 0 else None, **got, **env})
        del q


def _moved(a, b):
    return {n: (p.detach() != dict(a.model.named_parameters())[n].detach())
            for n, p in b.model.named_parameters() if p.dim() == 2}


def _snapped(original, unlearned, quantized, moved) -> float:
    """Among the weights unlearning changed, the share the round trip puts back exactly."""
    orig = dict(original.model.named_parameters())
    back = total = 0
    for n, p in quantized.model.named_parameters():
        if n in moved:
            mask = moved[n]
            total += int(mask.sum())
            back += int((p.detach() == orig[n].detach())[mask].sum())
    return back / max(total, 1)


def fictitious_holdout(n_people: int, attributes: int = 3):
    """QA about people of the embedded world (fictitious: no pretrained model knows them),
    the never-known reference of the gold-free audit in scenario 2."""
    from obliviate.data.world import DEFAULT_ATTRIBUTES, World, WorldConfig

    world = World(WorldConfig(attributes=DEFAULT_ATTRIBUTES[:attributes]))
    return world.qa_items([p.name for p in world.people[:n_people]], "holdout")


def run_scenario2(args) -> None:
    """Pretrained knowledge, no gold: unlearn facts SmolLM2 knows, then the gold-free audit
    (the reference is the original on never-known facts: fictitious people's QA)."""
    from obliviate.audit import attack_model, audit_outputs

    lm = load_smollm2()
    env = _environment(args.threads)
    pool = written_items() + world_fact_items(args.world_items)
    forget, retain, unknown, counts = known_split(lm, pool, args.forget, args.retain)
    control = unknown[:args.control]
    holdout = fictitious_holdout(args.holdout_people)
    sets = {"forget": forget, "retain": retain, "control": control, "holdout": holdout}
    config = smol_audit_config(args, args.audit_relearn_lr or 2e-5)
    done = done_methods(args.results, "smollm2_scenario2")
    base = measure(lm, sets)
    base["forget"].update(generated(lm, forget))
    start = time.perf_counter()
    reference = {"original": attack_model(lm, forget, retain, config),
                 "holdout": attack_model(lm, holdout, retain, config)}
    emit_result({"bench": "smollm2_scenario2", "stage": "original", **counts, **base,
                 "reference_attacks_s": round(time.perf_counter() - start, 1),
                 "audit_config": {"attacks": list(config.attacks), "attack": dataclasses.asdict(config.attack),
                                  "n_bootstrap": config.n_bootstrap},
                 "original_attacks": {a: round(o.accuracy, 4) for a, o in reference["original"].items()},
                 "holdout_attacks": {a: round(o.accuracy, 4) for a, o in reference["holdout"].items()},
                 **env}, args.results)
    for method in args.methods.split(","):
        if method in done:
            print(f"# {method}: already in {args.results}, skipped", file=sys.stderr, flush=True)
            continue
        cpu0 = _cpu()
        name, overrides = method_spec(method)
        options = dict(METHOD_DEFAULTS.get(name, {}))
        if args.epochs:
            options["epochs"] = args.epochs
        if args.lora:
            options.update(lora_rank=args.lora, lr=LORA_LR.get(name, 2e-4), lora_merge=True)
        options.update(overrides)
        unlearned, wall, cpu, per_step, steps = unlearn_timed(lm, name, forget, retain, options)
        row = {"bench": "smollm2_scenario2", "method": method, "options": options, "steps": steps,
               "unlearn_s": round(wall, 1), "unlearn_cpu_s": round(cpu, 1),
               "s_per_step": round(per_step, 2) if per_step else None, **measure(unlearned, sets)}
        row["forget"].update(generated(unlearned, forget))
        if args.q41:
            row["gguf_q4_1"] = measure(requantized(unlearned), {"forget": forget})["forget"]
        audit_start = time.perf_counter()
        outputs = {**reference, "unlearned": attack_model(unlearned, forget, retain, config)}
        row.update(audit_summary(audit_outputs(outputs, forget, config, holdout=holdout)))
        row["audit_s"] = round(time.perf_counter() - audit_start, 1)
        row["cpu_s"] = round(_cpu() - cpu0, 1)
        emit_result({**row, **env}, args.results)
        del unlearned


def requantized(lm):
    from obliviate.models.pretrained import requantize_like_source

    return requantize_like_source(lm)


def run_throughput(args) -> None:
    configs = [(m, lora, b) for m in args.methods.split(",") for lora in (0, 8) for b in (4, 8)]
    for method, lora, batch in configs:
        cmd = [sys.executable, __file__, "_step", "--method", method, "--lora", str(lora),
               "--batch", str(batch), "--steps", str(args.steps), "--threads", str(args.threads)]
        out = subprocess.run(cmd, capture_output=True, text=True, env={**os.environ, "OBLIVIATE_PROGRESS": "0"})
        line = [ln for ln in out.stdout.splitlines() if ln.startswith("{")]
        if out.returncode or not line:
            emit({"bench": "smollm2_throughput", "method": method, "lora": lora, "batch": batch,
                  "error": out.stderr.strip().splitlines()[-1:]})
        else:
            print(line[-1], flush=True)


def run_step(args) -> None:
    """One throughput measurement in this (fresh) process: peak RSS is this config's."""
    import torch

    lm = load_smollm2()
    rss_loaded = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    items = written_items()
    forget, retain = items[:args.batch * 2], items[args.batch * 2:args.batch * 4]
    epochs = max(2, -(-args.steps // 2))  # two steps per epoch (2 batches of forget)
    options = {**METHOD_DEFAULTS.get(args.method, {}), "batch_size": args.batch, "epochs": epochs}
    if args.lora:
        options.update(lora_rank=args.lora, lr=LORA_LR.get(args.method, 2e-4))
    _, wall, cpu, per_step, steps = unlearn_timed(lm, args.method, forget, retain, options)
    emit({"bench": "smollm2_throughput", "method": args.method, "lora": args.lora, "batch": args.batch,
          "steps": steps, "s_per_step": round(per_step, 3) if per_step else None,
          "cpu_s_per_step": round(cpu / steps, 3) if steps else None,   # setup included
          "cpu_s_per_step_steady": (round(unlearn_timed.cpu_per_step, 3)
                                    if unlearn_timed.cpu_per_step else None),   # steps 2..n
          "peak_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
          "rss_after_load_mib": round(rss_loaded, 1), "device": "cpu",
          "dtype": str(lm.model.dtype).replace("torch.", ""), **_environment(torch.get_num_threads())})


def world_finetuned(lm, world, people: list[str], epochs: int, lr: float, kind: str, batch_size: int = 8,
                    seed: int = 0):
    """SmolLM2 fine-tuned on the QA of ``people`` (cached in $OBLIVIATE_HOME, shared with
    ``obliviate demo --model``): (model, steps, build seconds; zero when cached)."""
    from obliviate.models.load import load_model
    from obliviate.models.pretrained import WorldRecipe, world_finetuned as finetuned

    path, steps, spent = finetuned(Path(lm.path), world, people, kind, WorldRecipe(epochs, lr, batch_size), seed)
    return load_model(path), steps, spent


# --- the audit on SmolLM2 ---------------------------------------------------------------

def smol_audit_config(args, relearn_lr: float):
    """The audit for SmolLM2 (:func:`obliviate.audit.pretrained_audit_config`:
    the default attacks, relearning at one seed, ``--audit-relearn-steps`` full fine-tuning
    steps), with delta pinned to the shipped calibration (the tiny world's; see findings)."""
    from obliviate.calibration import SHIPPED
    from obliviate.evals.attacks import DEFAULT_ATTACKS
    from obliviate.audit import pretrained_audit_config

    attacks = tuple(args.audit_attacks.split(",")) if args.audit_attacks else DEFAULT_ATTACKS
    return pretrained_audit_config(relearn_lr, args.audit_relearn_steps, attacks=attacks,
                                   n_bootstrap=args.bootstrap, calibration=str(SHIPPED))


def audit_summary(report: dict) -> dict:
    """The verdict, its deciding attack / interval / delta, and rho per attack, from a report."""
    def r4(x):
        return None if x is None else round(float(x), 4)

    per_attack = {}
    for a, r in report["residual_knowledge"].items():
        c = r["ceiling"]
        per_attack[a] = {"rho": r4(r["rho"]), "ci": [r4(x) for x in r["ci"]], "tost_ci": [r4(x) for x in r["tost_ci"]],
                         "informative": r["informative"], "original": r4(c["original"]),
                         "unlearned": r4(c["unlearned"]), "reference": r4(c["reference"]),
                         "gap_lower": r4(c["gap_lower"])}
    d = report["decision"]
    return {"verdict": report["verdict"], "verdict_reason": report["verdict_reason"],
            "deciding_attack": d.get("attack"), "deciding_rho": r4(d.get("rho")),
            "deciding_interval": [r4(x) for x in (d.get("interval") or [None, None])],
            "delta": r4(d.get("delta")), "uninformative_attacks": d.get("uninformative_attacks"),
            "reference": report["audit"]["reference"], "relearn_control": report["audit"].get("relearn_control"),
            "attack_seconds": {a: {m: v.get("seconds") for m, v in det.items()}
                               for a, det in report["audit"]["details"].items()},
            "rho": per_attack}


def method_spec(text: str) -> tuple[str, dict]:
    """``"rmu:lr=1e-3:steering_scale=8"`` -> ("rmu", {"lr": 0.001, "steering_scale": 8.0}):
    a method with option overrides; the whole text labels its result row."""
    name, *pairs = text.split(":")
    overrides = {}
    for pair in pairs:
        key, _, value = pair.partition("=")
        overrides[key] = int(value) if value.isdigit() else float(value)
    return name, overrides


def rejudge(outputs: dict, forget, config, delta: float, holdout=None) -> dict:
    """The verdict from the same attack outputs with another delta (the bootstrap is seeded,
    so the intervals are the same draws)."""
    from obliviate.audit import audit_outputs

    other = dataclasses.replace(config, calibration=None, delta=delta)
    s = audit_summary(audit_outputs(outputs, forget, other, holdout=holdout))
    return {k: s[k] for k in ("verdict", "deciding_attack", "deciding_rho", "deciding_interval", "delta")}


def done_methods(path: str | None, bench: str) -> dict:
    """Rows already written to ``--results`` (resume: finished methods are not rerun)."""
    if not path or not Path(path).is_file():
        return {}
    rows = {}
    for line in Path(path).read_text().splitlines():
        try:
            row = json.loads(line)
        except ValueError:
            continue
        if row.get("bench") == bench and "method" in row and "verdict" in row:
            rows[row["method"]] = row
    return rows


def emit_result(row: dict, path: str | None) -> None:
    emit(row)
    if path:
        with open(path, "a") as fh:
            fh.write(json.dumps(row) + "\n")


def scenario1_world(args):
    """Scenario 1's world (``--people`` people, ``--attributes`` attributes, the first
    ``--forget-people`` trained people forgotten): (world, attributes, forget people, retain
    people, forget items, retain items)."""
    from obliviate.data.world import DEFAULT_ATTRIBUTES, World, WorldConfig

    attributes = tuple(args.attribute_names.split(",")) if args.attribute_names else DEFAULT_ATTRIBUTES[:args.attributes]
    world = World(WorldConfig(n_people=args.people, attributes=attributes))
    trained = world.trained_people
    forget_people, retain_people = trained[:args.forget_people], trained[args.forget_people:]
    forget = world.qa_items(forget_people, "forget")
    retain = world.qa_items(retain_people, "retain")
    return world, attributes, forget_people, retain_people, forget, retain


def run_scenario1_ununlearning(args) -> None:
    """UnUnlearning on the scenario-1 models (Shumailov et al. 2024): the cached original, gold
    and the seed-1 retrain (exact models: they never saw the forget people) answering the
    forget questions with no context, with the fact sentence handed back in the prompt, with a
    retain person's sentence beside it, and on compositional questions (one forget and one
    retain fact), by :func:`obliviate.ununlearning.measure_ununlearning`. Same world flags as
    ``scenario1``, so the fine-tuned models come from the cache."""
    from obliviate.ununlearning import measure_ununlearning

    env = _environment(args.threads)
    world, attributes, forget_people, retain_people, forget, retain = scenario1_world(args)
    lm = load_smollm2()
    start, cpu = time.perf_counter(), _cpu()
    models = {"original": world_finetuned(lm, world, forget_people + retain_people, args.epochs,
                                          args.finetune_lr, "original")[0],
              "gold": world_finetuned(lm, world, retain_people, args.epochs, args.finetune_lr, "gold")[0],
              "retrain": world_finetuned(lm, world, retain_people, args.epochs, args.finetune_lr, "gold",
                                         seed=1)[0]}
    table = measure_ununlearning(models, forget, retain, compositional=None)
    emit({"bench": "smollm2_scenario1_ununlearning", "n_forget": len(forget), "n_retain": len(retain),
          **{c: {k: round(v, 4) for k, v in row.items()} for c, row in table.items()},
          "seconds": round(time.perf_counter() - start, 1), "cpu_s": round(_cpu() - cpu, 1), **env})


def run_scenario1(args) -> None:
    """TOFU protocol on SmolLM2: fine-tune original (forget + retain people) and gold (retain
    only) on the embedded world, unlearn the forget people, audit against gold.

    The world: ``--people`` people asked ``--attributes`` attributes each; the holdout is
    the world's (10%), the forget set the first ``--forget-people`` trained people. The
    retrain row is gold's recipe with another seed (an exact model: it should come out
    removal or inconclusive); its bootstrap draws also give a SmolLM2 delta (one exact
    model), reported beside the verdicts with the shipped (tiny-world) delta.
    """
    from obliviate.audit import AuditData, audit_outputs, attack_model_cached, max_abs_rho_draws
    from obliviate.calibration import calibrate_delta

    env = _environment(args.threads)
    world, attributes, forget_people, retain_people, forget, retain = scenario1_world(args)
    holdout = world.qa_items(world.holdout, "holdout")
    general = written_items()
    sets = {"forget": forget, "retain": retain, "holdout": holdout, "general": general}
    lm = load_smollm2()
    done = done_methods(args.results, "smollm2_scenario1")
    start = time.perf_counter()
    original, steps_o, spent_o = world_finetuned(lm, world, forget_people + retain_people, args.epochs,
                                                 args.finetune_lr, "original")
    gold, steps_g, spent_g = world_finetuned(lm, world, retain_people, args.epochs, args.finetune_lr, "gold")
    retrain, steps_r, spent_r = world_finetuned(lm, world, retain_people, args.epochs, args.finetune_lr, "gold",
                                                seed=1)
    config = smol_audit_config(args, args.audit_relearn_lr or args.finetune_lr)
    emit_result({"bench": "smollm2_scenario1", "stage": "finetune", "people": args.people,
                 "attributes": list(attributes), "forget_people": len(forget_people),
                 "retain_people": len(retain_people), "holdout_people": len(world.holdout),
                 "items": {k: len(v) for k, v in sets.items()}, "epochs": args.epochs, "lr": args.finetune_lr,
                 "steps": {"original": steps_o, "gold": steps_g, "retrain": steps_r},
                 "build": {"original": spent_o, "gold": spent_g, "retrain": spent_r},
                 "seconds": round(time.perf_counter() - start, 1),
                 "audit_config": {"attacks": list(config.attacks), "attack": dataclasses.asdict(config.attack),
                                  "n_bootstrap": config.n_bootstrap},
                 **({} if "base" in done else {"base": measure(lm, sets)}),
                 "original": measure(original, sets), "gold": measure(gold, sets), **env}, args.results)
    del lm
    q41 = round_trips()["gguf_q4_1"]
    gold_q41 = None
    if args.q41:
        gold_q41 = measure(q41(gold), {"forget": forget, "retain": retain})
    # The original's and gold's attack outputs are cached ($OBLIVIATE_HOME/audits), so every
    # method (and a resumed run) reuses them.
    reference = {"original": attack_model_cached(original, forget, retain, config),
                 "gold": attack_model_cached(gold, forget, retain, config)}
    smol_delta = (done.get("retrain") or {}).get("smollm2_delta")
    for method in args.methods.split(","):
        if method in done:
            print(f"# {method}: already in {args.results}, skipped", file=sys.stderr, flush=True)
            continue
        cpu0 = _cpu()
        if method == "retrain":
            unlearned, wall, steps, options, per_step = retrain, spent_r.get("s", 0.0), steps_r, {
                "recipe": "gold's fine-tune from the pretrained base on the retain people, seed 1 (gold: seed 0)",
                "epochs": args.epochs, "lr": args.finetune_lr}, None
        else:
            name, overrides = method_spec(method)
            options = dict(METHOD_DEFAULTS.get(name, {}))
            if "lr" in options:   # TOFU's protocol: unlearn at the fine-tune's learning rate
                options["lr"] = args.unlearn_lr or args.finetune_lr
            if args.lora:
                options.update(lora_rank=args.lora, lr=LORA_LR.get(name, 2e-4), lora_merge=True)
            options.update(overrides)
            unlearned, wall, _, per_step, steps = unlearn_timed(original, name, forget, retain, options)
        row = {"bench": "smollm2_scenario1", "method": method, "options": options, "steps": steps,
               "unlearn_s": round(wall, 1), "s_per_step": round(per_step, 2) if per_step else None,
               **measure(unlearned, sets)}
        audit_start = time.perf_counter()
        outputs = {**reference, "unlearned": attack_model_cached(unlearned, forget, retain, config)}
        report = audit_outputs(outputs, forget, config)
        row.update(audit_summary(report))
        row["audit_s"] = round(time.perf_counter() - audit_start, 1)
        if smol_delta and method != "retrain":
            row["with_smollm2_delta"] = rejudge(outputs, forget, config, smol_delta)
        if method == "retrain":
            data = AuditData(forget, outputs["original"], outputs["unlearned"], outputs["gold"], "gold")
            try:
                row["smollm2_delta"] = round(calibrate_delta(max_abs_rho_draws(data, config)), 4)
            except Exception as err:   # no informative attack: say so in the row
                row["smollm2_delta"] = None
                row["smollm2_delta_error"] = str(err)
            smol_delta = row["smollm2_delta"]
            if smol_delta:
                row["with_smollm2_delta"] = rejudge(outputs, forget, config, smol_delta)
        if args.q41:
            row["gguf_q4_1"] = {"unlearned": measure(q41(unlearned), {"forget": forget})["forget"],
                                "gold": gold_q41}
        row["cpu_s"] = round(_cpu() - cpu0, 1)
        emit_result({**row, **env}, args.results)
        del unlearned


def stated(items, wrong: bool = False):
    """Copies whose ``context`` states the fact (``wrong``: states the first wrong option instead,
    and the stated option becomes the item's answer, so MCQ accuracy is the share following the prompt)."""
    out = []
    for i in items:
        if wrong:
            said, rest = i.perturbed_answers[0], [i.answer, *i.perturbed_answers[1:]]
            i = dataclasses.replace(i, answer=said, paraphrased_answer=said, perturbed_answers=rest)
        out.append(dataclasses.replace(i, context=f'The answer to the question "{i.question}" is {i.answer}.'))
    return out


def run_ununlearning(args) -> None:
    """In-context reintroduction (Shumailov et al. 2024) on pretrained knowledge.

    obliviate.ununlearning.measure_ununlearning on the scenario-2 forget facts, each with a
    sentence stating it as context (distractor: another retain fact's sentence beside it),
    for the original and each unlearned model; plus the same on the never-known control
    facts (the nearest thing to a gold model here: facts the model never had) and a
    counterfactual context (the sentence states a wrong option: share of answers that
    follow the prompt instead of the weights).
    """
    from obliviate.evals.metrics import mcq_accuracy
    from obliviate.ununlearning import measure_ununlearning

    lm = load_smollm2()
    env = _environment(args.threads)
    pool = written_items() + world_fact_items(args.world_items)
    forget, retain, unknown, counts = known_split(lm, pool, args.forget, args.retain)
    forget, retain, control = stated(forget), stated(retain), stated(unknown[:args.control])
    models = {"original": lm}
    runs = {}
    for method in args.methods.split(","):
        options = dict(METHOD_DEFAULTS.get(method, {}))
        if args.epochs:
            options["epochs"] = args.epochs
        unlearned, wall, cpu, _, steps = unlearn_timed(lm, method, forget, retain, options)
        models[method] = unlearned
        runs[method] = {"options": options, "steps": steps, "unlearn_s": round(wall, 1), "unlearn_cpu_s": round(cpu, 1)}
    table = measure_ununlearning(models, forget, retain, compositional=[])
    extra = {"control_no_context": {}, "control_in_context": {}, "forget_counterfactual_follows_prompt": {}}
    wrong = stated(forget, wrong=True)
    for name, m in models.items():
        extra["control_no_context"][name] = mcq_accuracy(m, control)
        extra["control_in_context"][name] = mcq_accuracy(m, control, with_context=True)
        extra["forget_counterfactual_follows_prompt"][name] = mcq_accuracy(m, wrong, with_context=True)
    result = {c: {k: round(v, 4) for k, v in row.items()} for c, row in {**table, **extra}.items()}
    emit({"bench": "smollm2_ununlearning", **counts, "n_forget": len(forget), "n_retain": len(retain),
          "n_control": len(control), "runs": runs, **result, **env})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("part", choices=["quant", "scenario2", "throughput", "scenario1", "scenario1_ununlearning",
                                           "ununlearning", "_step"])
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--methods", default="npo,rmu,idk")
    parser.add_argument("--world-items", type=int, default=0, help="world facts in the pool (0: all 117)")
    parser.add_argument("--forget", type=int, default=16)
    parser.add_argument("--retain", type=int, default=16)
    parser.add_argument("--control", type=int, default=16)
    parser.add_argument("--epochs", type=int, default=0, help="override the methods' epochs")
    parser.add_argument("--lr", type=float, default=1e-5, help="quant: the NPO run's learning rate")
    parser.add_argument("--lora", type=int, default=0, help="LoRA rank (0: full fine-tuning)")
    parser.add_argument("--relearn-steps", type=int, default=8)
    parser.add_argument("--relearn-lr", type=float, default=2e-5)
    parser.add_argument("--steps", type=int, default=6)
    parser.add_argument("--method", default="npo")
    parser.add_argument("--batch", type=int, default=4)
    parser.add_argument("--people", type=int, default=30)
    parser.add_argument("--finetune-lr", type=float, default=1e-4)
    parser.add_argument("--unlearn-lr", type=float, default=0.0,
                        help="scenario1: the methods' learning rate (0: the fine-tune's, as TOFU does)")
    parser.add_argument("--attributes", type=int, default=3, help="scenario1: attributes asked per person")
    parser.add_argument("--attribute-names", default="", help="scenario1: comma-separated attributes (overrides)")
    parser.add_argument("--forget-people", type=int, default=6, help="scenario1: forget people")
    parser.add_argument("--holdout-people", type=int, default=8, help="scenario2: fictitious never-known people")
    parser.add_argument("--audit-attacks", default="", help="comma-separated (default: the audit's defaults)")
    parser.add_argument("--audit-relearn-steps", type=int, default=8)
    parser.add_argument("--audit-relearn-lr", type=float, default=0.0,
                        help="0: scenario1 the fine-tune lr, scenario2 2e-5")
    parser.add_argument("--bootstrap", type=int, default=1000)
    parser.add_argument("--q41", type=int, default=1, help="also the GGUF Q4_1 round trip (1) or not (0)")
    parser.add_argument("--results", default="", help="append result rows to this JSONL; rerun skips finished methods")
    args = parser.parse_args()
    import torch

    torch.set_num_threads(args.threads)
    os.environ.setdefault("OBLIVIATE_PROGRESS", "0")
    if args.part == "quant" and not args.epochs:
        args.epochs = 3
    {"quant": run_quant, "scenario2": run_scenario2, "throughput": run_throughput,
     "scenario1": run_scenario1, "scenario1_ununlearning": run_scenario1_ununlearning,
     "ununlearning": run_ununlearning, "_step": run_step}[args.part](args)


if __name__ == "__main__":
    main()
