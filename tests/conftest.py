"""Shared fixtures: the embedded world and its tiny models, built once and cached.

Tests use the demo's world and recipe, so `make demo` and `make test` share one
model cache (``$OBLIVIATE_HOME``, default ``~/.cache/obliviate``): memorizing the
world takes a fixed number of optimizer steps whatever its size, so a smaller test
world would not train faster. Set ``OBLIVIATE_TEST_HOME`` to use another cache.
"""

from __future__ import annotations

import os
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
