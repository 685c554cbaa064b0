"""The tiny original and gold models: knowledge, gold control, cache, determinism, safe loading."""

from __future__ import annotations

import json

import pytest
import torch

from obliviate.data.world import World, WorldConfig
from obliviate.errors import ModelLoadError
from obliviate.evals.metrics import mcq_accuracy
from obliviate.models.load import directory_hash, load_model
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


def test_training_is_deterministic_from_seed():
    world = World(WorldConfig(n_people=20, attributes=("birth_city", "occupation")))
    config = TinyConfig(reading_examples=64, reading_epochs=1, hidden_size=32, intermediate_size=64,
                        num_layers=1, num_heads=2)
    tok_a, tok_b = train_tokenizer(world.all_text()), train_tokenizer(world.all_text())
    assert tok_a.get_vocab() == tok_b.get_vocab()
    a = train_reading_base(world, tok_a, config).state_dict()
    b = train_reading_base(world, tok_b, config).state_dict()
    assert all(torch.equal(a[k], b[k]) for k in a)
    c = train_reading_base(world, tok_a, TinyConfig(**{**config.to_dict(), "seed": 1})).state_dict()
    assert not all(torch.equal(a[k], c[k]) for k in a)


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
