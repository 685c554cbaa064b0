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
def one_thread():
    """Small builds on one thread: quick on a busy machine (the weights do not depend on it)."""
    saved = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(saved)


def _all_weights(home):
    return {p.name: _weights(p) for p in (home / "models").iterdir() if (p / "obliviate_cache.json").exists()}


def _same(a, b):
    """Equal bit for bit: two state dicts, or two {cache entry: state dict} maps."""
    if isinstance(a, torch.Tensor):
        return torch.equal(a, b)
    return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)


def test_original_forks_from_gold_run_and_rebuilds_exactly_from_either_point(tmp_home, one_thread):
    world = World(SMALL_WORLD)
    # The caller's RNG state and thread count are left as found.
    rng = torch.get_rng_state()
    first = build_world_models(world, "forget10", SMALL_TINY)
    assert first.cached == {"base": False, "gold": False, "original": False}
    assert torch.get_num_threads() == 1 and torch.equal(torch.get_rng_state(), rng)
    forks = list((tmp_home / "models").glob("gold-fork-*"))
    assert len(forks) == 1
    fork, gold, original = _weights(forks[0]), _weights(first.gold), _weights(first.original)
    assert not _same(fork, gold)         # an earlier point of gold's run
    assert not _same(fork, original)
    built = _all_weights(tmp_home)

    # Without the original, only phase 3 runs again, from the cached checkpoint, and
    # gives the same weights bit for bit (phases are seeded, one process).
    import shutil

    shutil.rmtree(first.original)
    again = build_world_models(world, "forget10", SMALL_TINY)
    assert again.cached == {"base": True, "original": False, "gold": True}
    assert _same(_weights(again.original), original)

    # Without the original and the checkpoint, gold's first epochs run again for it.
    shutil.rmtree(again.original)
    shutil.rmtree(forks[0])
    third = build_world_models(world, "forget10", SMALL_TINY)
    assert third.cached == {"base": True, "original": False, "gold": True}
    assert _same(_all_weights(tmp_home), built)
    assert all(build_world_models(world, "forget10", SMALL_TINY).cached.values())


def test_a_build_interrupted_in_gold_keeps_what_was_finished_and_resumes_to_the_same_models(
        tmp_path, monkeypatch, one_thread):
    import obliviate.models.tiny as tiny

    world = World(SMALL_WORLD)
    monkeypatch.setenv("OBLIVIATE_HOME", str(tmp_path / "whole"))
    whole = build_world_models(world, "forget10", SMALL_TINY)
    expected = _all_weights(tmp_path / "whole")

    home = tmp_path / "interrupted"
    monkeypatch.setenv("OBLIVIATE_HOME", str(home))
    real = tiny.train_memorize

    def stop_in_last_epoch(model, world, people, tokenizer, config, progress=None, *args):
        def report(step, total, loss):
            progress(step, total, loss)
            if step == total - 1:     # gold's checkpoint (2 of 3 epochs) is written by now
                raise KeyboardInterrupt
        return real(model, world, people, tokenizer, config, report, *args)

    monkeypatch.setattr(tiny, "train_memorize", stop_in_last_epoch)
    with pytest.raises(KeyboardInterrupt):
        build_world_models(world, "forget10", SMALL_TINY)
    kept = sorted(p.name.rsplit("-", 1)[0] for p in (home / "models").iterdir())
    assert kept == ["gold-fork", "reading-base"]      # finished ones only; no temp dir left
    monkeypatch.setattr(tiny, "train_memorize", real)
    resumed = build_world_models(world, "forget10", SMALL_TINY)
    assert resumed.cached == {"base": True, "gold": False, "original": False}
    assert _same(_all_weights(home), expected) and resumed.original.name == whole.original.name


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


def test_cached_kind_tells_the_worlds_own_models_from_other_directories(zoo, tmp_path):
    from obliviate.models.cache import cached_kind

    assert cached_kind(zoo.base) == "reading-base"
    assert (cached_kind(zoo.original), cached_kind(zoo.gold)) == ("original", "gold")
    (tmp_path / "obliviate_cache.json").write_text('["a list"]')
    assert cached_kind(tmp_path) is None and cached_kind(tmp_path / "missing") is None
