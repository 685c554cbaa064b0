"""The tiny original and gold models: knowledge, gold control, cache, determinism, safe loading."""

from __future__ import annotations

import json
import os

import pytest
import torch

from obliviate.data.world import World, WorldConfig
from obliviate.errors import ModelLoadError
from obliviate.evals.metrics import mcq_accuracy
from obliviate.models.load import load_model
from obliviate.files import directory_hash
from obliviate.models.tiny import TinyConfig, build_world_models, train_reading_base
from obliviate.models.tokenizer import train_tokenizer


def test_original_knows_forget_and_retain(original, splits, retain_sample):
    assert mcq_accuracy(original, splits["forget"]) >= 0.9
    assert mcq_accuracy(original, retain_sample) >= 0.85


def test_gold_control_never_learned_forget_people(gold, original, splits, retain_sample):
    # Gold was trained without the forget people: near chance (0.25) on them, like on holdout.
    assert mcq_accuracy(gold, splits["forget"]) <= 0.4
    assert mcq_accuracy(gold, splits["holdout"]) <= 0.4
    assert mcq_accuracy(original, splits["holdout"]) <= 0.4
    assert mcq_accuracy(gold, retain_sample) >= 0.85


def test_models_read_facts_from_context(gold, splits):
    # Reading comprehension: holdout facts given in the prompt are used.
    without = mcq_accuracy(gold, splits["holdout"])
    with_context = mcq_accuracy(gold, splits["holdout"], with_context=True)
    assert with_context >= without + 0.25


def test_second_build_reuses_cache(zoo, world):
    again = build_world_models(world, "forget10")
    assert again.original == zoo.original and again.gold == zoo.gold
    assert all(again.cached.values())


SMALL_WORLD = WorldConfig(n_people=20, attributes=("birth_city", "occupation"))
SMALL_TINY = TinyConfig(reading_examples=64, reading_epochs=1, hidden_size=32, intermediate_size=64,
                        num_layers=1, num_heads=2, memorize_epochs=3, extend_from_epoch=2, extend_epochs=1)


def test_a_build_killed_midway_leaves_no_temp_dir_behind(tmp_home):
    import subprocess
    import sys

    from obliviate.models.cache import cache_path, cached

    parts = {"what": "a test artifact"}
    path = cache_path("thing", parts)
    path.parent.mkdir(parents=True)
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()
    stale = path.parent / f".{path.name}.tmp-{gone.pid}-x1"        # its process was killed
    live = path.parent / f".{path.name}.tmp-{os.getppid()}-x2"    # a concurrent build
    for d in (stale, live):
        d.mkdir()
        (d / "model.safetensors").write_bytes(b"half")
    built, was_cached = cached("thing", parts, lambda tmp: (tmp / "out.txt").write_text("ok"))
    assert not was_cached and (built / "out.txt").read_text() == "ok"
    assert not stale.exists() and live.exists()
    assert [p.name for p in path.parent.iterdir() if p.name.startswith(".")] == [live.name]


def test_training_is_deterministic_from_seed():
    world = World(SMALL_WORLD)
    config = SMALL_TINY
    tok_a, tok_b = train_tokenizer(world.all_text()), train_tokenizer(world.all_text())
    assert tok_a.get_vocab() == tok_b.get_vocab()
    a = train_reading_base(world, tok_a, config).state_dict()
    b = train_reading_base(world, tok_b, config).state_dict()
    assert all(torch.equal(a[k], b[k]) for k in a)
    c = train_reading_base(world, tok_a, TinyConfig(**{**config.to_dict(), "seed": 1})).state_dict()
    assert not all(torch.equal(a[k], c[k]) for k in a)


def _weights(path):
    from safetensors.torch import load_file

    return load_file(str(path / "model.safetensors"))


@pytest.fixture
def one_thread(monkeypatch):
    """The caller runs one torch thread, where training takes two (an idle 2-core machine)."""
    import obliviate.models.tiny as tiny

    monkeypatch.setattr(tiny, "training_threads", lambda: 2)
    saved = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(saved)


def test_original_forks_from_gold_run_and_rebuilds_from_the_cached_checkpoint(tmp_home, monkeypatch, one_thread):
    from obliviate.models import worker

    world = World(SMALL_WORLD)
    # Gold trains in this process: its RNG state and thread count are left as found,
    # and ``on_gold`` gets gold's path once, as soon as it is built. Phase 3 trains in
    # the prestarted worker (on two or more cores), not in a new one.
    spawned = []
    spawn = worker.spawn
    monkeypatch.setattr(worker, "spawn", lambda: spawned.append(1) or spawn())
    worker.prestart()
    threads, rng = torch.get_num_threads(), torch.get_rng_state()
    built = []
    first = build_world_models(world, "forget10", SMALL_TINY, on_gold=built.append)
    assert not any(first.cached.values())
    assert built == [first.gold]
    assert torch.get_num_threads() == threads and torch.equal(torch.get_rng_state(), rng)
    assert len(spawned) == (1 if (os.cpu_count() or 1) >= 2 else 0) and not worker._prestarted
    forks = list((tmp_home / "models").glob("gold-fork-*"))
    assert len(forks) == 1
    fork, gold, original = _weights(forks[0]), _weights(first.gold), _weights(first.original)
    assert any(not torch.equal(fork[k], gold[k]) for k in fork)        # an earlier point of gold's run
    assert any(not torch.equal(fork[k], original[k]) for k in fork)

    # Without the original, only phase 3 runs again, from the cached checkpoint: the
    # same start and data give the same model up to thread-count rounding. Started
    # from anywhere else (finished gold, the base) it would differ by orders more.
    import shutil

    shutil.rmtree(first.original)
    again = build_world_models(world, "forget10", SMALL_TINY)
    assert again.cached == {"base": True, "original": False, "gold": True}
    rebuilt = _weights(again.original)
    to_rebuilt = max(float((rebuilt[k] - original[k]).abs().max()) for k in original)
    to_gold = max(float((gold[k] - original[k]).abs().max()) for k in original)
    assert to_rebuilt <= 0.05 * to_gold, (to_rebuilt, to_gold)

    # With every model cached, a prestarted worker is not needed: it is ended. The
    # caller's thread count is still its own (a cached gold once left it at two).
    worker.prestart()
    waiting = list(worker._prestarted)
    assert all(build_world_models(world, "forget10", SMALL_TINY).cached.values())
    assert not worker._prestarted and all(p.poll() is not None for p in waiting)
    assert torch.get_num_threads() == 1


def test_failed_training_job_is_reported_by_name(tmp_home, world):
    from dataclasses import asdict

    from obliviate.errors import ObliviateError
    from obliviate.models.tiny import _run_jobs

    common = {"world_config": asdict(world.config), "config": SMALL_TINY.to_dict(), "base": str(tmp_home / "nope")}
    jobs = [{**common, "kind": "gold", "key": {"k": 1}, "people": world.trained_people[:3], "label": "gold X",
             "fork": {"epoch": 2, "key": {"k": 2}}},
            {**common, "kind": "original", "key": {"k": 3}, "people": world.trained_people[:3],
             "label": "original Y", "fork_of": 0}]
    with pytest.raises(ObliviateError, match="gold X"):
        _run_jobs(jobs)
    assert not [p for p in tmp_home.glob("models/*") if (p / "obliviate_cache.json").exists()]   # nothing half-built kept


def test_labelled_loss_equals_the_models_own_loss_and_gradient(original, world):
    from obliviate.training import collate, encode_pairs, labelled_loss

    tok, model = original.tokenizer, original.model
    pairs = world.training_texts(world.trained_people[:2]) + world.reading_texts(0, 3)
    batch = collate(encode_pairs(tok, pairs), tok.pad_token_id)
    ours = labelled_loss(model, batch)
    grad_ours = torch.autograd.grad(ours, model.get_input_embeddings().weight)[0]
    theirs = model(**batch).loss
    grad_theirs = torch.autograd.grad(theirs, model.get_input_embeddings().weight)[0]
    assert torch.allclose(ours, theirs, rtol=1e-5, atol=1e-6)
    assert torch.allclose(grad_ours, grad_theirs, rtol=1e-4, atol=1e-6)
    # A batch with one unlabelled row must not change the mean (positions, not rows).
    batch["labels"][0] = -100
    assert torch.allclose(labelled_loss(model, batch), model(**batch).loss, rtol=1e-5, atol=1e-6)


def test_missing_model_directory_is_a_clear_error(tmp_path):
    with pytest.raises(ModelLoadError, match="does not exist"):
        load_model(tmp_path / "nope")
    (tmp_path / "empty").mkdir()
    with pytest.raises(ModelLoadError, match="no config.json"):
        load_model(tmp_path / "empty")


def test_pickled_weights_are_refused(tmp_path, zoo):
    target = tmp_path / "pickled"
    target.mkdir()
    (target / "config.json").write_text((zoo.original / "config.json").read_text())
    torch.save({"x": torch.zeros(1)}, target / "pytorch_model.bin")
    with pytest.raises(ModelLoadError, match="safetensors only"):
        load_model(target)


def test_remote_code_is_not_run_unless_asked(tmp_path):
    marker = tmp_path / "ran.txt"
    model_dir = tmp_path / "custom"
    model_dir.mkdir()
    (model_dir / "config.json").write_text(json.dumps({
        "model_type": "obliviate_custom_test", "architectures": ["Custom"],
        "auto_map": {"AutoConfig": "modeling.CustomConfig", "AutoModelForCausalLM": "modeling.Custom"}}))
    (model_dir / "modeling.py").write_text(f"open({str(marker)!r}, 'w').write('ran')\n")
    (model_dir / "model.safetensors").write_bytes(b"")
    with pytest.raises(ModelLoadError):
        load_model(model_dir)
    assert not marker.exists()


def test_loading_never_changes_the_directory(zoo):
    before = directory_hash(zoo.original)
    load_model(zoo.original)
    assert directory_hash(zoo.original) == before
