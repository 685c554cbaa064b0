"""Two processes under `accelerate launch` (CPU, DDP over gloo) agree with one process.

The shared loop (methods/trainer.py) splits each batch across processes: the
configured batch is the global batch, split across processes, so with the same seed
both runs take the same steps on the same examples and DDP's gradient average equals
the single-process gradient (NPO's loss is a mean over sequences).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import torch

from obliviate.data.formats import write_jsonl

OPTIONS = ["-o", "epochs=2", "-o", "batch_size=8", "-o", "lr=0.01", "-o", "seed=3"]


@pytest.fixture(scope="module")
def small_model(tmp_path_factory, world) -> Path:
    """A random-init 2-layer Llama on the world's tokenizer (what is known does not matter here)."""
    from transformers import LlamaConfig, LlamaForCausalLM

    from obliviate.models.tokenizer import train_tokenizer

    tokenizer = train_tokenizer(world.all_text(), 2048)
    torch.manual_seed(0)
    config = LlamaConfig(vocab_size=len(tokenizer), hidden_size=32, intermediate_size=64, num_hidden_layers=2,
                         num_attention_heads=2, num_key_value_heads=2, max_position_embeddings=128,
                         tie_word_embeddings=True, bos_token_id=tokenizer.bos_token_id,
                         eos_token_id=tokenizer.eos_token_id, pad_token_id=tokenizer.pad_token_id)
    path = tmp_path_factory.mktemp("accelerate") / "model"
    LlamaForCausalLM(config).save_pretrained(path, safe_serialization=True)
    tokenizer.save_pretrained(path)
    return path


def _weights(run: Path) -> dict[str, torch.Tensor]:
    from safetensors.torch import load_file

    return load_file(next((run / "model").glob("*.safetensors")))


def test_two_processes_match_one(tmp_path, small_model, splits):
    accelerate = shutil.which("accelerate", path=str(Path(sys.executable).parent))
    if accelerate is None:
        pytest.skip("the accelerate launcher is not installed next to this Python")
    forget = write_jsonl(tmp_path / "forget.jsonl", splits["forget"][:16])  # 2 global batches of 8
    env = {**os.environ, "OBLIVIATE_PROGRESS": "0", "OMP_NUM_THREADS": "1",
           "HF_HOME": str(tmp_path / "hf")}  # no user accelerate config: flags only
    args = ["unlearn", "--model", str(small_model), "--forget", str(forget), "--method", "npo", *OPTIONS]
    one = subprocess.run([sys.executable, "-m", "obliviate", *args, "--out", str(tmp_path / "one")],
                         capture_output=True, text=True, env=env, timeout=300)
    assert one.returncode == 0, one.stderr[-2000:]
    # `accelerate launch --cpu` runs N > 1 processes only through MPI (--mpirun_hostfile); the
    # torchrun path (--multi_gpu) with ACCELERATE_USE_CPU=1 gives DDP over gloo on CPU instead.
    two = subprocess.run([accelerate, "launch", "--multi_gpu", "--num_processes", "2", "--num_machines", "1",
                          "--mixed_precision", "no", "--dynamo_backend", "no", "-m", "obliviate", *args,
                          "--out", str(tmp_path / "two")],
                         capture_output=True, text=True, env={**env, "ACCELERATE_USE_CPU": "1"}, timeout=300)
    assert two.returncode == 0, two.stderr[-2000:]
    runs = {name: json.loads((tmp_path / name / "run.json").read_text()) for name in ("one", "two")}
    assert runs["one"]["environment"]["processes"] == 1
    assert runs["two"]["environment"]["processes"] == 2, "the launch did not form a 2-process group"

    from safetensors.torch import load_file

    original = load_file(next(small_model.glob("*.safetensors")))
    w1, w2 = _weights(tmp_path / "one"), _weights(tmp_path / "two")
    assert w1.keys() == w2.keys()
    moved = max(float((w1[k] - original[k]).abs().max()) for k in w1)
    disagree = max(float((w1[k] - w2[k]).abs().max()) for k in w1)
    # Training moved the weights (lr 0.01, 4 steps) and both runs moved them the same way.
    assert moved > 1e-2
    assert disagree < 1e-4 * max(1.0, moved) and disagree < moved / 100, (moved, disagree)
