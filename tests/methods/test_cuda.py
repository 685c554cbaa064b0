"""On a GPU, every method runs with the model on CUDA and matches the CPU run.

Skipped without CUDA (CI has none); run on a GPU machine with
``pytest tests/methods/test_cuda.py``. The model is a random-init Llama with the
world's tokenizer, so the test needs no cached models and takes seconds.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
import torch

from obliviate.api import unlearn
from obliviate.evals.scoring import completion_logprobs
from obliviate.methods import all_methods
from obliviate.methods.base import GradientMethod
from obliviate.models.load import load_model
from obliviate.training import qa_pairs

# Another accelerator (or "cpu", to check the test itself) via OBLIVIATE_TEST_DEVICE.
DEVICE = os.environ.get("OBLIVIATE_TEST_DEVICE", "cuda")
pytestmark = pytest.mark.skipif(DEVICE == "cuda" and not torch.cuda.is_available(), reason="needs a CUDA GPU")

QUICK = {"epochs": 2}
# Every registered method: gradient methods with QUICK, the others with their entry here
# (a new non-gradient method fails with a KeyError until it gets one).
OTHERS = {"rome": {"steps": 20}, "steering": {}, "icul": {}, "retrain": {"epochs": 1},
          "sisa": {"epochs": 1, "shards": 2}}
CONFIGS = {m.name: QUICK if issubclass(m.cls, GradientMethod) else OTHERS[m.name] for m in all_methods()}


@pytest.fixture(scope="module")
def model_dir(tmp_path_factory, world):
    from transformers import LlamaConfig, LlamaForCausalLM

    from obliviate.models.tokenizer import train_tokenizer

    torch.manual_seed(0)
    tok = train_tokenizer(world.all_text(), 2048)
    config = LlamaConfig(vocab_size=len(tok), hidden_size=64, intermediate_size=256, num_hidden_layers=4,
                         num_attention_heads=4, num_key_value_heads=4, max_position_embeddings=256,
                         tie_word_embeddings=True, bos_token_id=tok.bos_token_id,
                         eos_token_id=tok.eos_token_id, pad_token_id=tok.pad_token_id)
    path = tmp_path_factory.mktemp("random-llama")
    LlamaForCausalLM(config).save_pretrained(path, safe_serialization=True)
    tok.save_pretrained(path)
    return path


def _forget_logprob(lm, forget) -> float:
    sums, counts = completion_logprobs(lm, qa_pairs(forget))
    return sum(sums) / sum(counts)


@pytest.mark.parametrize("method", sorted(CONFIGS))
def test_method_runs_on_device(method, model_dir, splits, tmp_home):
    forget, retain = splits["forget"][:16], splits["retain"][:32]
    lm = load_model(model_dir, device=DEVICE)
    config = dict(CONFIGS[method])
    if method in ("retrain", "sisa"):
        config["base_model"] = str(model_dir)   # they train from a checkpoint, on lm's device
    result = unlearn(lm, forget, retain, method=method, seed=0, **config)
    devices = {p.device.type for p in result.model.model.parameters()}
    assert devices == {torch.device(DEVICE).type}, f"{method} left parameters on {devices}"
    if method in ("npo", "rmu", "rome", "ga_kl", "dpo", "retrain"):
        # The same run on the CPU (a process that sees no GPU, so accelerate cannot move
        # the model): the device's result must match it, and differ from the start.
        before = _forget_logprob(load_model(model_dir), forget)
        on_device = _forget_logprob(result.model, forget)
        on_cpu = _cpu_forget_logprob(model_dir, method, config)
        assert abs(on_device - on_cpu) < 0.1 * abs(on_cpu - before), (before, on_cpu, on_device)


def _cpu_forget_logprob(model_dir, method: str, config: dict) -> float:
    script = f"""
import json, sys
sys.path.insert(0, {os.path.dirname(__file__)!r})
from test_cuda import _forget_logprob
from obliviate.api import unlearn
from obliviate.data.world import World
from obliviate.models.load import load_model
splits = World().splits("forget10")
forget, retain = splits["forget"][:16], splits["retain"][:32]
result = unlearn(load_model({str(model_dir)!r}), forget, retain, method={method!r}, seed=0, **{config!r})
print(json.dumps(_forget_logprob(result.model, forget)))
"""
    env = {**os.environ, "CUDA_VISIBLE_DEVICES": "", "ACCELERATE_USE_CPU": "true", "OBLIVIATE_TEST_DEVICE": "cpu"}
    out = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr[-2000:]
    return json.loads(out.stdout.strip().splitlines()[-1])
