"""What a saved model *is*: the artifact format obliviate writes and reads back.

A model directory is either a plain Hugging Face model (``config.json`` +
``*.safetensors``) or one that also holds ``obliviate_wrapper.json``: a model whose
forgetting lives outside its weights, rebuilt at load time so that every evaluation
scores it exactly like any other model. The kinds, and what rebuilds each:

- ``lora_adapter``: a peft LoRA adapter in the directory, applied to ``base_model``;
- ``steering``: :class:`SteeringHook`, a vector added to one decoder layer's output
  from the first mention of a named entity on;
- ``icul``: :class:`ICULModel`, a prompt rewrite putting flipped facts in the context;
- ``sisa``: :class:`ShardEnsemble`, constituent models under ``shard_k/`` whose
  next-token probabilities are averaged.

Unlearning methods only fill this in (:func:`make_wrapper`, then :func:`wrap`); loading
(:func:`obliviate.models.load.load_model`) reads it back with :func:`read_wrapper` and
:func:`wrap`. Nothing here imports a method.

``obliviate_wrapper.json``::

    {"format": 1, "kind": "steering" | "icul" | "sisa" | "lora_adapter",
     "method": "<registry name>",
     "base_model": ".",            # weights: "." = this directory, a path, or null (sisa)
     "config": {...},              # the method's config
     "state": {...}}               # what the intervention needs (vectors, facts, ...)

Vectors are stored as JSON lists: a steering vector is one hidden-size row, so even
a 4096-wide model adds ~80 KB, and the file stays a single, human-readable artifact.
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace
from typing import Any, Callable

import torch

from obliviate.data.world import CONTEXT_PREFIX, QUESTION_PREFIX
from obliviate.errors import ModelLoadError
from obliviate.models.lm import LanguageModel

WRAPPER_FILE = "obliviate_wrapper.json"
WRAPPER_FORMAT = 1


def make_wrapper(kind: str, method: str, config: Any, state: dict, base_model: str | None = ".") -> dict:
    """The JSON-ready ``obliviate_wrapper.json`` content."""
    cfg = dataclasses.asdict(config) if dataclasses.is_dataclass(config) else dict(config)
    return {"format": WRAPPER_FORMAT, "kind": kind, "method": method, "base_model": base_model,
            "config": cfg, "state": state}


def read_wrapper(root: Path) -> dict:
    """The checked wrapper file of ``root``; :class:`ModelLoadError` on a malformed or unknown one."""
    path = Path(root) / WRAPPER_FILE
    try:
        wrapper = json.loads(path.read_text())
    except (OSError, json.JSONDecodeError) as err:
        raise ModelLoadError(f"{path} is not valid JSON: {err}") from err
    if not isinstance(wrapper, dict):
        raise ModelLoadError(f"{path} holds no JSON object; expected an obliviate wrapper file")
    for key in ("kind", "state"):
        if key not in wrapper:
            raise ModelLoadError(f"{path} has no field {key!r}; expected an obliviate wrapper file")
    if wrapper.get("format", WRAPPER_FORMAT) > WRAPPER_FORMAT:
        raise ModelLoadError(f"{path} has format {wrapper['format']}; this obliviate reads up to "
                             f"{WRAPPER_FORMAT}. Upgrade obliviate.")
    if wrapper["kind"] not in KINDS:
        raise ModelLoadError(f"{path}: unknown wrapper kind {wrapper['kind']!r}; known: {sorted(KINDS)}")
    return wrapper


def wrap(base: LanguageModel | None, wrapper: dict, root: Path | None = None) -> LanguageModel:
    """``base`` with the intervention of ``wrapper`` (``root``: the directory it was saved in).

    A method calls it on the model it was given (``root`` None) to return its result;
    loading calls it on the base weights it read. ``base`` is None for a kind that
    loads its own weights from ``root`` (``sisa``).
    """
    wrapped = KINDS[wrapper["kind"]](base, wrapper, root)
    wrapped.wrapper = wrapper
    if root is not None:
        wrapped.path = str(root)
    return wrapped


# ---- helpers of the steering hook, also used by the methods that edit layers

def find_mentions(input_ids: torch.Tensor, patterns: list[list[int]]) -> torch.Tensor:
    """Bool ``[batch, seq]``: True at and after the first token of any pattern occurrence."""
    batch, seq = input_ids.shape
    hit = torch.zeros(batch, seq, dtype=torch.bool, device=input_ids.device)
    for pattern in patterns:
        n = len(pattern)
        if n == 0 or n > seq:
            continue
        target = torch.tensor(pattern, device=input_ids.device)
        windows = input_ids.unfold(1, n, 1)               # [batch, seq-n+1, n]
        starts = (windows == target).all(-1)
        hit[:, : seq - n + 1] |= starts
    # Everything from the first mention on is gated: the answer position comes after it.
    return hit.cumsum(1) > 0


def decoder_layers(model) -> list:
    """The list of decoder blocks of a HF causal LM (Llama, Mistral, GPT-2 style)."""
    core = getattr(model, "model", None) or getattr(model, "transformer", None) or model
    for name in ("layers", "h", "blocks"):
        if hasattr(core, name):
            return list(getattr(core, name))
    raise ValueError(f"cannot find the decoder layers of {type(model).__name__}")


def entity_patterns(tokenizer, names: list[str]) -> list[list[int]]:
    """Token ids of each name, with and without a leading space (BPE splits differ)."""
    out = []
    for name in names:
        for text in (" " + name, name):
            ids = tokenizer(text, add_special_tokens=False)["input_ids"]
            if ids and ids not in out:
                out.append(ids)
    return out


# ---- steering: a vector added after entity mentions

class SteeringHook:
    """Hook factory: add ``vector`` to a layer's output at gated positions.

    The gate is computed from ``input_ids`` in a pre-hook on the whole model; in
    cached generation the decode steps see one new token, so the per-row gate of
    the prompt is carried over.
    """

    def __init__(self, layer: int, vector: torch.Tensor, patterns: list[list[int]]):
        self.layer, self.vector, self.patterns = layer, vector, patterns
        self._gate: torch.Tensor | None = None

    def __call__(self, model) -> list:
        layers = decoder_layers(model)

        def before(module, args, kwargs):
            ids = kwargs.get("input_ids", args[0] if args else None)
            if ids is None:
                self._gate = None
                return
            cache = kwargs.get("cache", kwargs.get("past_key_values"))
            past = cache.get_seq_length() if cache is not None and hasattr(cache, "get_seq_length") else 0
            if past > 0 and self._gate is not None and self._gate.shape[0] == ids.shape[0]:
                rows = self._gate[:, -1:]
                self._gate = rows.expand(-1, ids.shape[1])
            else:
                self._gate = find_mentions(ids, self.patterns)

        def after(module, args, output):
            if self._gate is None or not bool(self._gate.any()):
                return output
            hidden = output[0] if isinstance(output, tuple) else output
            add = self._gate.unsqueeze(-1).to(hidden.dtype) * self.vector.to(hidden.device, hidden.dtype)
            hidden = hidden + add
            return (hidden, *output[1:]) if isinstance(output, tuple) else hidden

        return [model.register_forward_pre_hook(before, with_kwargs=True),
                layers[self.layer].register_forward_hook(after)]


def _build_steering(base: LanguageModel, wrapper: dict, root: Path | None) -> LanguageModel:
    """The base model with the steering hook of ``wrapper`` installed."""
    state = wrapper["state"]
    vector = torch.tensor(state["vector"], dtype=torch.float32)
    hook = SteeringHook(int(state["layer"]), vector, entity_patterns(base.tokenizer, state["entities"]))
    return LanguageModel(base.model, base.tokenizer, path=base.path, prompt_prefix=base.prompt_prefix,
                         hooks=[*base.hooks, hook], wrapper=wrapper)


# ---- in-context unlearning: a prompt rewrite

@dataclass
class ICULModel(LanguageModel):
    """A language model whose prompts get flipped forget facts as context."""

    rewrite: Callable[[str], str] | None = field(default=None, repr=False)

    def format_prompt(self, prompt: str) -> str:
        prompt = super().format_prompt(prompt)
        return self.rewrite(prompt) if self.rewrite else prompt

    def white_box(self) -> LanguageModel:
        """The same weights, prompt format and hooks, without the flipped-fact context."""
        return LanguageModel(self.model, self.tokenizer, path=self.path, prompt_prefix=self.prompt_prefix,
                             hooks=list(self.hooks), wrapper=self.wrapper)


def make_rewriter(state: dict) -> Callable[[str], str]:
    """The prompt transform of an ICUL wrapper state."""
    by_question = state["by_question"]
    by_entity = state["by_entity"]
    max_facts = int(state["max_facts"])
    # Longest names first so "Ann Lee-Smith" wins over "Ann Lee".
    names = sorted(by_entity, key=len, reverse=True)

    def rewrite(prompt: str) -> str:
        start = prompt.rfind(QUESTION_PREFIX)
        question = prompt[start + len(QUESTION_PREFIX):].split("\n", 1)[0].strip() if start >= 0 else prompt
        facts = by_question.get(question)
        if facts is None:
            name = next((n for n in names if n in prompt), None)
            if name is None:
                return prompt
            facts = by_entity[name][:max_facts]
        else:
            facts = [facts]
        context = " ".join(facts)
        if prompt.startswith(CONTEXT_PREFIX):
            return CONTEXT_PREFIX + context + " " + prompt[len(CONTEXT_PREFIX):]
        return f"{CONTEXT_PREFIX}{context}\n{prompt}"

    return rewrite


def _build_icul(base: LanguageModel, wrapper: dict, root: Path | None) -> LanguageModel:
    """The base model with the ICUL prompt transform of ``wrapper``."""
    return ICULModel(base.model, base.tokenizer, path=base.path, prompt_prefix=base.prompt_prefix,
                     hooks=list(base.hooks), wrapper=wrapper, rewrite=make_rewriter(wrapper["state"]))


# ---- SISA: an ensemble of shard models

class ShardEnsemble(torch.nn.Module):
    """Constituent models whose next-token probabilities are averaged (SISA aggregation)."""

    def __init__(self, models: list):
        super().__init__()
        self.constituents = torch.nn.ModuleList(models)
        self.config = models[0].config

    def forward(self, input_ids, attention_mask=None, output_hidden_states=False, labels=None, **kwargs):
        outs = [m(input_ids=input_ids, attention_mask=attention_mask,
                  output_hidden_states=output_hidden_states) for m in self.constituents]
        probs = torch.stack([torch.softmax(o.logits.float(), -1) for o in outs]).mean(0)
        hidden = None
        if output_hidden_states:
            hidden = tuple(torch.stack(h).mean(0) for h in zip(*[o.hidden_states for o in outs]))
        logits = probs.clamp(min=1e-12).log()
        loss = None
        if labels is not None:
            # Next-token NLL of the ensemble (the relearning attack fine-tunes through it).
            loss = torch.nn.functional.cross_entropy(
                logits[:, :-1].reshape(-1, logits.shape[-1]), labels[:, 1:].reshape(-1), ignore_index=-100)
        return SimpleNamespace(logits=logits, hidden_states=hidden, loss=loss)

    # Logit lens and probes read the ensemble's averaged hidden states through the first
    # constituent's final norm and unembedding: the constituents share one architecture
    # and tokenizer, so this is an approximation of "decoding the ensemble's layer".
    @property
    def model(self):
        return self.constituents[0].model

    def get_output_embeddings(self):
        return self.constituents[0].get_output_embeddings()

    def get_input_embeddings(self):
        return self.constituents[0].get_input_embeddings()

    @torch.no_grad()
    def generate(self, input_ids, attention_mask, max_new_tokens=8, pad_token_id=None,
                 eos_token_id=None, **kwargs):
        """Greedy decoding without a cache (left padding handled via position ids)."""
        done = torch.zeros(input_ids.shape[0], dtype=torch.bool, device=input_ids.device)
        for _ in range(max_new_tokens):
            position_ids = (attention_mask.cumsum(-1) - 1).clamp(min=0)
            outs = [m(input_ids=input_ids, attention_mask=attention_mask, position_ids=position_ids)
                    for m in self.constituents]
            probs = torch.stack([torch.softmax(o.logits[:, -1].float(), -1) for o in outs]).mean(0)
            nxt = probs.argmax(-1)
            if pad_token_id is not None:
                nxt = torch.where(done, torch.full_like(nxt, pad_token_id), nxt)
            input_ids = torch.cat([input_ids, nxt[:, None]], 1)
            attention_mask = torch.cat([attention_mask, (~done).long()[:, None]], 1)
            if eos_token_id is not None:
                done |= nxt == eos_token_id
            if bool(done.all()):
                break
        return input_ids

    def save_pretrained(self, out_dir, safe_serialization=True, **kwargs):
        for k, m in enumerate(self.constituents):
            m.save_pretrained(Path(out_dir) / f"shard_{k}", safe_serialization=True)


def _build_sisa(base: LanguageModel | None, wrapper: dict, root: Path | None) -> LanguageModel:
    """The shard ensemble saved under ``root/shard_k`` (``base_model`` is null: no base)."""
    from transformers import AutoModelForCausalLM, AutoTokenizer

    if root is None:
        raise ModelLoadError("a sisa ensemble is rebuilt from its saved directory only")
    shards = int(wrapper["state"]["shards"])
    # Shard folders hold weights only (one tokenizer in root); safetensors only.
    models = [AutoModelForCausalLM.from_pretrained(root / f"shard_{k}", use_safetensors=True)
              for k in range(shards)]
    tokenizer = AutoTokenizer.from_pretrained(root)
    if tokenizer.pad_token is None:
        tokenizer.pad_token = tokenizer.eos_token
    return LanguageModel(ShardEnsemble(models).eval(), tokenizer, path=str(root), wrapper=wrapper)


# ---- LoRA: an adapter over its base model

def _build_lora_adapter(base: LanguageModel, wrapper: dict, root: Path | None) -> LanguageModel:
    """A peft LoRA adapter saved in ``root`` applied to its base model."""
    from peft import PeftModel

    model = PeftModel.from_pretrained(base.model, root).eval()
    return LanguageModel(model, base.tokenizer, path=str(root), prompt_prefix=base.prompt_prefix,
                         hooks=list(base.hooks), wrapper=wrapper)


# kind -> how it is rebuilt: (base LanguageModel or None, wrapper dict, root or None) -> LanguageModel
KINDS: dict[str, Callable[[LanguageModel | None, dict, Path | None], LanguageModel]] = {
    "lora_adapter": _build_lora_adapter,
    "steering": _build_steering,
    "icul": _build_icul,
    "sisa": _build_sisa,
}
