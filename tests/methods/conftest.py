"""Shared fixtures of the method tests: reference metrics and each method's default run.

Every method is run once per session with its defaults on forget10 and a fixed retain
sample (every 5th retain item: all six attributes), through :func:`obliviate.api.unlearn`
with a run directory; the acceptance test and the method-specific tests share that run.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from obliviate.api import unlearn
from obliviate.evals.metrics import generation_accuracy, mcq_accuracy


@dataclass
class Baseline:
    original_forget_mcq: float
    original_retain_mcq: float
    original_forget_gen: float
    gold_forget_mcq: float
    gold_forget_gen: float


@pytest.fixture(scope="session")
def baseline(original, gold, splits, retain_sample) -> Baseline:
    forget = splits["forget"]
    return Baseline(
        original_forget_mcq=mcq_accuracy(original, forget),
        original_retain_mcq=mcq_accuracy(original, retain_sample),
        original_forget_gen=generation_accuracy(original, forget),
        gold_forget_mcq=mcq_accuracy(gold, forget),
        gold_forget_gen=generation_accuracy(gold, forget),
    )


def run_options(name: str, zoo) -> dict:
    """Options of a method's default run beyond its config defaults.

    The exact methods train from the reading base (which never saw a world person) on
    the retain sample only: 48 epochs memorize it (docs/methods.md). SISA skips the
    reading examples, so its four shard trainings (two before, two after) cost about as
    much as one retraining.
    """
    if name == "retrain":
        return {"base_model": str(zoo.base), "epochs": 48}
    if name == "sisa":
        return {"base_model": str(zoo.base), "epochs": 48, "shards": 2, "reading_per_epoch": 0}
    return {}


@pytest.fixture(scope="session")
def unlearned(zoo, splits, retain_sample, tmp_path_factory):
    """``unlearned(name)``: the :class:`UnlearnResult` of the method's default run (``run_dir`` set)."""
    runs = {}

    def get(name: str):
        if name not in runs:
            out = tmp_path_factory.mktemp(name) / "run"
            runs[name] = unlearn(zoo.original, splits["forget"], retain_sample, method=name, seed=0, out=out,
                                 **run_options(name, zoo))
        return runs[name]

    return get
