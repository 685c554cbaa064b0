"""The quantization attack on a GPT-2-architecture model (Conv1D layers), built from a config."""

from __future__ import annotations

import torch

from obliviate.evals.attacks.quantize import quantizable_weights, quantize_weight, quantized_copy
from obliviate.models.load import LanguageModel


def tiny_gpt2():
    from transformers import GPT2Config, GPT2LMHeadModel

    torch.manual_seed(0)
    config = GPT2Config(vocab_size=64, n_positions=32, n_embd=256, n_layer=2, n_head=4)
    return LanguageModel(GPT2LMHeadModel(config).eval(), tokenizer=None)


def test_quantization_changes_every_conv1d_weight_of_gpt2():
    lm = tiny_gpt2()
    names = {n.split(".")[-1] for n, _, transposed in quantizable_weights(lm.model) if transposed}
    assert names == {"c_attn", "c_proj", "c_fc"}
    before = {n: p.detach().clone() for n, p in lm.model.named_parameters()}
    q = quantized_copy(lm, 4)
    after = dict(q.model.named_parameters())
    modules = dict(q.model.named_modules())
    for name, module, transposed in quantizable_weights(lm.model):
        if not transposed:
            continue  # lm_head: tied to the token embeddings, quantized with them
        key = f"{name}.weight"
        assert not torch.equal(after[key], before[key]), key
        # Conv1D stores [in, out]: each output column's groups of 128 inputs hold <= 16 levels.
        w = modules[name].weight.detach().T
        for group in w.reshape(w.shape[0], -1, 128)[:4].reshape(-1, 128):
            assert len(torch.unique(group)) <= 16
    # The original is untouched; embeddings are not quantized.
    assert all(torch.equal(p, before[n]) for n, p in lm.model.named_parameters())
    assert torch.equal(after["transformer.wpe.weight"], before["transformer.wpe.weight"])


def test_group_wise_scales_differ_from_per_channel():
    torch.manual_seed(1)
    w = torch.randn(3, 256)
    w[:, :128] *= 10  # the first group's range is 10x the second's
    grouped, channel = quantize_weight(w, 4, 128), quantize_weight(w, 4, None)
    # Per group: scale = max|w_group| / 7, every value on that group's grid.
    for g in (slice(0, 128), slice(128, 256)):
        scale = w[:, g].abs().amax(1, keepdim=True) / 7
        assert torch.allclose(grouped[:, g] / scale, torch.round(w[:, g] / scale), atol=1e-5)
    err_g, err_c = (grouped - w)[:, 128:].abs().mean(), (channel - w)[:, 128:].abs().mean()
    assert err_g < err_c / 3
