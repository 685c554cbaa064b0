"""Fixtures of the ledger tests: a small random-init Llama on the world's tokenizer.

Crash/resume, duplicates and hashes do not depend on what the model knows, so these
tests use a model that builds in a second instead of the trained tiny models.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import torch

from obliviate.data.formats import write_jsonl


@pytest.fixture(scope="session")
def random_model(tmp_path_factory, world) -> Path:
    """A 2-layer, width-32 Llama (random init, seed 0) saved as a HF directory."""
    from transformers import LlamaConfig, LlamaForCausalLM

    from obliviate.models.tokenizer import train_tokenizer

    tokenizer = train_tokenizer(world.all_text(), 2048)
    torch.manual_seed(0)
    config = LlamaConfig(vocab_size=len(tokenizer), hidden_size=32, intermediate_size=64,
                         num_hidden_layers=2, num_attention_heads=2, num_key_value_heads=2,
                         max_position_embeddings=128, tie_word_embeddings=True,
                         bos_token_id=tokenizer.bos_token_id, eos_token_id=tokenizer.eos_token_id,
                         pad_token_id=tokenizer.pad_token_id)
    path = tmp_path_factory.mktemp("random_model") / "model"
    LlamaForCausalLM(config).save_pretrained(path, safe_serialization=True)
    tokenizer.save_pretrained(path)
    return path


@pytest.fixture(scope="session")
def request_files(tmp_path_factory, splits) -> list[Path]:
    """Four request files of 3 forget items each, and the retain sample file."""
    root = tmp_path_factory.mktemp("requests")
    forget = splits["forget"]
    return [write_jsonl(root / f"req{k}.jsonl", forget[3 * k:3 * k + 3]) for k in range(4)]


@pytest.fixture(scope="session")
def retain_file(tmp_path_factory, splits) -> Path:
    return write_jsonl(tmp_path_factory.mktemp("retain") / "retain.jsonl", splits["retain"][::24])
