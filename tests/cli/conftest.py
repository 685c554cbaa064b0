"""Fixtures of the CLI tests: the CLI run in-process, and a tiny random model.

``cli(*args)`` calls :func:`obliviate.cli.main` with ``args`` and returns its exit code
and captured output; only the interrupt test starts a real process.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

import pytest


@dataclass
class Result:
    code: int
    out: str
    err: str

    @property
    def output(self) -> str:
        return self.out + self.err


@pytest.fixture
def cli(capsys, monkeypatch):
    from obliviate.cli import main

    def run(*args) -> Result:
        capsys.readouterr()
        # Through sys.argv, as the console script calls it (main() reads sys.argv[1:]).
        monkeypatch.setattr(sys, "argv", ["obliviate", *map(str, args)])
        try:
            main()
            code = 0
        except SystemExit as exit_:
            code = exit_.code if isinstance(exit_.code, int) else (0 if exit_.code is None else 1)
        captured = capsys.readouterr()
        return Result(code, captured.out, captured.err)

    return run


@pytest.fixture(scope="session")
def tiny_model(tmp_path_factory, world) -> Path:
    """A 2-layer, width-32 Llama (random init, seed 0) on the world's tokenizer, saved as a HF dir."""
    import torch
    from transformers import LlamaConfig, LlamaForCausalLM

    from obliviate.models.tokenizer import train_tokenizer

    tokenizer = train_tokenizer(world.all_text(), 2048)
    torch.manual_seed(0)
    config = LlamaConfig(vocab_size=len(tokenizer), hidden_size=32, intermediate_size=64,
                         num_hidden_layers=2, num_attention_heads=2, num_key_value_heads=2,
                         max_position_embeddings=128, tie_word_embeddings=True,
                         bos_token_id=tokenizer.bos_token_id, eos_token_id=tokenizer.eos_token_id,
                         pad_token_id=tokenizer.pad_token_id)
    path = tmp_path_factory.mktemp("tiny_model") / "model"
    LlamaForCausalLM(config).save_pretrained(path, safe_serialization=True)
    tokenizer.save_pretrained(path)
    return path


@pytest.fixture
def data_files(tmp_path, splits) -> tuple[Path, Path]:
    """A forget file of 4 items and a retain file of 4 other items."""
    from obliviate.data.formats import write_jsonl

    return (write_jsonl(tmp_path / "forget.jsonl", splits["forget"][:4]),
            write_jsonl(tmp_path / "retain.jsonl", splits["retain"][:4]))


def _tree(path: Path) -> dict[str, bytes]:
    path = Path(path)
    if path.is_file():
        return {path.name: path.read_bytes()}
    return {str(p.relative_to(path)): p.read_bytes() for p in sorted(path.rglob("*")) if p.is_file()}


@pytest.fixture
def tree():
    """``tree(path)``: every file under ``path`` (relative name -> bytes), to assert nothing changed."""
    return _tree
