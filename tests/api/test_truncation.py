"""A long answer never cuts the question away when a pair is truncated to max_length."""

from __future__ import annotations

import pytest

from obliviate.training import IGNORE, encode_pairs


@pytest.fixture(scope="module")
def tokenizer(world):
    from obliviate.models.tokenizer import train_tokenizer

    return train_tokenizer(world.all_text(), 2048)


def _decoded_prompt(tok, enc):
    return tok.decode([i for i, label in zip(enc.input_ids, enc.labels) if label == IGNORE])


def test_long_answer_keeps_the_whole_question(tokenizer):
    prompt = "Question: Where was Ulmo Larch born?\nAnswer:"
    (enc,) = encode_pairs(tokenizer, [(prompt, " Perth" * 2000)], max_length=64)
    assert len(enc.input_ids) == 64
    assert "Where was Ulmo Larch born?" in _decoded_prompt(tokenizer, enc)
    assert enc.input_ids[0] == tokenizer.bos_token_id
    assert enc.labels[-1] != IGNORE and enc.input_ids[-1] != tokenizer.eos_token_id  # cut: no EOS


def test_long_prompt_keeps_its_end_and_the_answer(tokenizer):
    prompt = "Some context. " * 200 + "Question: Where was Ulmo Larch born?\nAnswer:"
    (enc,) = encode_pairs(tokenizer, [(prompt, " Perth")], max_length=64)
    assert len(enc.input_ids) == 64
    assert _decoded_prompt(tokenizer, enc).rstrip().endswith("Where was Ulmo Larch born?\nAnswer:")
    answer = [i for i, label in zip(enc.input_ids, enc.labels) if label != IGNORE]
    assert tokenizer.decode(answer[:-1]).strip() == "Perth" and answer[-1] == tokenizer.eos_token_id


def test_short_pairs_are_unchanged(tokenizer):
    (enc,) = encode_pairs(tokenizer, [("Question: Who?\nAnswer:", " Ann")], max_length=64)
    p = tokenizer("Question: Who?\nAnswer:", add_special_tokens=False)["input_ids"]
    c = tokenizer(" Ann", add_special_tokens=False)["input_ids"]
    assert enc.input_ids == [tokenizer.bos_token_id, *p, *c, tokenizer.eos_token_id]
    assert enc.labels == [IGNORE] * (1 + len(p)) + [*c, tokenizer.eos_token_id]
