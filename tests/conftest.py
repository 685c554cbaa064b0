"""Shared fixtures: a small world and its tiny models, built once per test session."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import torch

os.environ.setdefault("OBLIVIATE_PROGRESS", "0")

from obliviate.data.world import ATTRIBUTES, World, WorldConfig  # noqa: E402
from obliviate.models.tiny import TinyConfig, build_world_models  # noqa: E402

# Small enough to train in about a minute per model on 2 CPU cores; large enough
# that accuracies are measured on 40+ items per split.
TEST_WORLD = WorldConfig(seed=0, n_people=60, attributes=tuple(ATTRIBUTES)[:4], n_reading=1000)
TEST_TINY = TinyConfig(reading_examples=1500, reading_epochs=10, memorize_epochs=70)


@pytest.fixture(scope="session")
def obliviate_home(tmp_path_factory) -> Path:
    # A persistent cache can be reused across local runs with OBLIVIATE_TEST_HOME.
    home = Path(os.environ.get("OBLIVIATE_TEST_HOME") or tmp_path_factory.mktemp("obliviate_home"))
    os.environ["OBLIVIATE_HOME"] = str(home)
    return home


@pytest.fixture(scope="session")
def world() -> World:
    return World(TEST_WORLD)


@pytest.fixture(scope="session")
def zoo(obliviate_home, world):
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
