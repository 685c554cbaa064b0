"""Shared fixtures: the embedded world and its tiny models, built once and cached.

Tests use the demo's world and recipe, so `make demo` and `make test` share one
model cache (``$OBLIVIATE_HOME``, default ``~/.cache/obliviate``): memorizing the
world takes a fixed number of optimizer steps whatever its size, so a smaller test
world would not train faster. Set ``OBLIVIATE_TEST_HOME`` to use another cache.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
import torch

os.environ.setdefault("OBLIVIATE_PROGRESS", "0")
if os.environ.get("OBLIVIATE_TEST_HOME"):
    os.environ["OBLIVIATE_HOME"] = os.environ["OBLIVIATE_TEST_HOME"]

from obliviate.data.world import World, WorldConfig  # noqa: E402
from obliviate.models.tiny import TinyConfig, build_world_models  # noqa: E402

TEST_WORLD = WorldConfig()
TEST_TINY = TinyConfig()


@pytest.fixture(scope="session")
def world() -> World:
    return World(TEST_WORLD)


@pytest.fixture(scope="session")
def zoo(world):
    torch.set_num_threads(max(1, os.cpu_count() or 1))
    return build_world_models(world, "forget10", TEST_TINY)


@pytest.fixture(scope="session")
def splits(world):
    return world.splits("forget10")


@pytest.fixture(scope="session")
def original(zoo):
    from obliviate.models.load import load_model

    return load_model(zoo.original)


@pytest.fixture(scope="session")
def gold(zoo):
    from obliviate.models.load import load_model

    return load_model(zoo.gold)


@pytest.fixture(scope="session")
def retain_sample(splits):
    """A fixed subset of the retain set (every 5th item) to keep evaluations quick.

    Items come person by person, six attributes each; a stride coprime with 6 covers
    every attribute (every 4th item held only birth city, occupation and award).
    """
    return splits["retain"][::5]


@pytest.fixture
def tmp_home(tmp_path, monkeypatch) -> Path:
    """An empty, private OBLIVIATE_HOME for tests that must build from scratch."""
    monkeypatch.setenv("OBLIVIATE_HOME", str(tmp_path / "home"))
    return tmp_path / "home"


@dataclass
class CliResult:
    """Exit code and captured output of one in-process CLI call (also spelled like subprocess's)."""

    code: int
    out: str
    err: str

    @property
    def output(self) -> str:
        return self.out + self.err

    returncode = property(lambda self: self.code)
    stdout = property(lambda self: self.out)
    stderr = property(lambda self: self.err)


@pytest.fixture
def cli(capsys, monkeypatch):
    """``cli(*args)``: :func:`obliviate.cli.main` in this process, as the console script calls it."""
    from obliviate.cli import main

    def run(*args) -> CliResult:
        capsys.readouterr()
        monkeypatch.setattr(sys, "argv", ["obliviate", *map(str, args)])
        try:
            main()
            code = 0
        except SystemExit as exit_:
            code = exit_.code if isinstance(exit_.code, int) else int(exit_.code is not None)
        captured = capsys.readouterr()
        return CliResult(code, captured.out, captured.err)

    return run


@pytest.fixture(scope="session")
def random_model(tmp_path_factory, world) -> Path:
    """A 2-layer, width-32 Llama (random init, seed 0) on the world's tokenizer, saved as a HF dir."""
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


def stop_training_at(monkeypatch, step: int, error: type[BaseException]) -> None:
    """Make a run fail when it reaches optimizer step ``step`` (as Ctrl-C or a crash would)."""
    from obliviate import training

    real = training.check_finite

    def check(loss, at):
        if at == step:
            raise error("stopped by the test")
        real(loss, at)

    monkeypatch.setattr(training, "check_finite", check)


@pytest.fixture
def stop_at():
    """:func:`stop_training_at`, for tests that stop a run midway."""
    return stop_training_at
