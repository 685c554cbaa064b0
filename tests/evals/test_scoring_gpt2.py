"""Scoring on a GPT-2-architecture model (absolute positions): shared-prompt == one pass per text."""

from __future__ import annotations

import numpy as np
import torch

from obliviate.evals.scoring import score_completions
from obliviate.models.load import LanguageModel

WORDS = "<pad> <s> </s> <unk> Question : Where was Alara born ? Answer Lisbon Oslo Lima the a in".split()


def tiny_gpt2_with_tokenizer() -> LanguageModel:
    from tokenizers import Tokenizer, models, pre_tokenizers, processors
    from transformers import GPT2Config, GPT2LMHeadModel, PreTrainedTokenizerFast

    tok = Tokenizer(models.WordLevel({w: i for i, w in enumerate(WORDS)}, unk_token="<unk>"))
    tok.pre_tokenizer = pre_tokenizers.WhitespaceSplit()
    tok.post_processor = processors.TemplateProcessing(single="<s> $A", special_tokens=[("<s>", 1)])
    fast = PreTrainedTokenizerFast(tokenizer_object=tok, pad_token="<pad>", bos_token="<s>", eos_token="</s>",
                                   unk_token="<unk>")
    torch.manual_seed(0)
    config = GPT2Config(vocab_size=len(WORDS), n_positions=64, n_embd=64, n_layer=2, n_head=2,
                        bos_token_id=1, eos_token_id=2, pad_token_id=0)
    return LanguageModel(GPT2LMHeadModel(config).eval(), fast)


def test_prompt_sharing_matches_one_pass_per_text_on_gpt2():
    lm = tiny_gpt2_with_tokenizer()
    long, short = "Question : Where was Alara born ? Answer :", "Question : Alara ? Answer :"
    pairs = [(long, " Lisbon"), (long, " Oslo the a"), (short, " Lima in the"), (short, " Lisbon")]
    shared = score_completions(lm, pairs)
    plain = score_completions(lm, pairs, share_prompts=False)
    assert [s.n for s in shared] == [2, 4, 4, 2]  # completion tokens + EOS
    for a, b in zip(shared, plain):
        np.testing.assert_allclose(a.logprobs, b.logprobs, atol=1e-5)
    # By hand for one text: log-softmax of one forward pass over BOS + prompt + completion + EOS.
    ids = lm.tokenizer(short + " Lima in the")["input_ids"] + [2]
    n_prompt = len(lm.tokenizer(short)["input_ids"])
    with torch.no_grad():
        logp = torch.log_softmax(lm.model(torch.tensor([ids])).logits[0, :-1], -1)
    expected = logp[torch.arange(len(ids) - 1), torch.tensor(ids[1:])][n_prompt - 1:]
    np.testing.assert_allclose(shared[2].logprobs, expected.numpy(), atol=1e-5)
