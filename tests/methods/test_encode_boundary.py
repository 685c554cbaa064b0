"""training.encode_pairs tokenizes prompt + answer as one text, as scoring and TOFU do.

A GPT-2-style byte-level BPE (built here from a few sentences, nothing downloaded) merges
a prompt's trailing space into the answer's first word (" Paris"); tokenized apart, the
prompt ends in a lone " " token and the answer starts with "Paris", a sequence the
model is never scored on. Training must see the tokens scoring scores.
"""

from __future__ import annotations

import pytest

from obliviate.evals.scoring import encode_full_text
from obliviate.training import IGNORE, encode_pairs


@pytest.fixture(scope="module")
def byte_bpe():
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
    from transformers import PreTrainedTokenizerFast

    tok = Tokenizer(models.BPE())
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tok.decoder = decoders.ByteLevel()
    corpus = ["Question: Where was Ann born? Answer: Paris", "Answer: Paris is in France.",
              "Question: What does Bo do? Answer: Bo paints.", "Paris Paris Paris, Ann, Bo, France"] * 20
    tok.train_from_iterator(corpus, trainers.BpeTrainer(vocab_size=300, special_tokens=["<|endoftext|>"],
                                                        initial_alphabet=pre_tokenizers.ByteLevel.alphabet()))
    return PreTrainedTokenizerFast(tokenizer_object=tok, eos_token="<|endoftext|>", pad_token="<|endoftext|>")


def test_encode_pairs_boundary_matches_scoring(byte_bpe):
    tok = byte_bpe
    pairs = [("Question: Where was Ann born? Answer: ", "Paris"),   # the prompt ends in a space
             ("Question: Where was Ann born? Answer:", " Paris")]   # the boundary at a word start
    apart = tok(["Answer: "], add_special_tokens=False)["input_ids"][0]
    assert tok.convert_ids_to_tokens(apart)[-1] == "Ġ"  # the case that differs: a lone space token
    scored = encode_full_text(tok, pairs, add_eos=True, max_length=256)
    for enc, (ids, n_prompt, _, _) in zip(encode_pairs(tok, pairs), scored):
        assert enc.input_ids == ids  # GPT-2 style: no BOS, EOS appended on both sides
        assert enc.labels == [IGNORE] * n_prompt + ids[n_prompt:]
    first, second = encode_pairs(tok, pairs)
    # Both pairs are the same text, so they train on the same tokens (before: "Ġ", "Paris" vs "ĠParis").
    assert first.input_ids == second.input_ids
    answer = [t for t, label in zip(second.input_ids, second.labels) if label != IGNORE]
    assert tok.convert_ids_to_tokens(answer) == ["ĠParis", "<|endoftext|>"]
    # A prompt ending in a space masks as many tokens as the prompt has alone (TOFU's rule,
    # and scoring's): here that includes "ĠParis", so only EOS is trained and scored.
    assert sum(label != IGNORE for label in first.labels) == 1
