"""Prompt formats for benchmark evaluation: how a question becomes the text a model sees.

A model must be prompted the way it was tuned. TOFU's reference code (locuslab/tofu,
``config/model_config.yaml``) wraps each question in model-family tags: Llama-2-chat
``[INST] {question} [/INST]`` followed directly by the answer, Phi / StableLM / Pythia
``Question: {question}\\n`` + ``Answer: {answer}``. A tokenizer with its own chat
template is prompted through it. The embedded world's tiny models are trained on
``Question: {question}\\nAnswer:`` + `` {answer}``.

``resolve_format(lm, "auto")`` picks the tokenizer's chat template when it has one and
the embedded world's format otherwise; the chosen name goes into every benchmark output.
"""

from __future__ import annotations

from dataclasses import dataclass

from obliviate.errors import ObliviateError


@dataclass(frozen=True)
class PromptFormat:
    """``prompt(q) + answer_prefix + answer`` is the text scored for an answer.

    ``add_special_tokens`` is what the tokenizer is called with (a chat template already
    writes the BOS token into its text, so it is tokenized without special tokens).
    """

    name: str
    question_start: str = ""
    question_end: str = ""
    answer_prefix: str = ""
    add_special_tokens: bool = True
    chat_tokenizer: object | None = None

    def prompt(self, question: str) -> str:
        if self.chat_tokenizer is not None:
            return self.chat_tokenizer.apply_chat_template(
                [{"role": "user", "content": question}], tokenize=False, add_generation_prompt=True)
        return f"{self.question_start}{question}{self.question_end}"

    def completion(self, answer: str) -> str:
        return self.answer_prefix + answer

    def describe(self) -> dict:
        """What the output records about the format."""
        if self.chat_tokenizer is not None:
            return {"name": self.name, "kind": "tokenizer chat template"}
        return {"name": self.name, "question_start": self.question_start, "question_end": self.question_end,
                "answer_prefix": self.answer_prefix}


NAMED: dict[str, PromptFormat] = {
    # The embedded world (obliviate.data.world.qa_prompt) and its tiny models.
    "obliviate": PromptFormat("obliviate", "Question: ", "\nAnswer:", " "),
    # TOFU's reference tags (locuslab/tofu config/model_config.yaml).
    "tofu-llama2": PromptFormat("tofu-llama2", "[INST] ", " [/INST]", ""),
    "tofu-phi": PromptFormat("tofu-phi", "Question: ", "\n", "Answer: "),
    # The question as is, the answer after one space.
    "plain": PromptFormat("plain", "", "", " "),
}
FORMAT_NAMES = ("auto", "chat", *NAMED)


def resolve_format(lm, name: str = "auto") -> PromptFormat:
    """The format ``name`` (``auto``: the chat template if the tokenizer has one, else ``obliviate``)."""
    tokenizer = lm.tokenizer
    has_chat = bool(getattr(tokenizer, "chat_template", None))
    if name == "auto":
        name = "chat" if has_chat else "obliviate"
    if name == "chat":
        if not has_chat:
            raise ObliviateError("--prompt-format chat: this tokenizer has no chat template; choose one of "
                                 + ", ".join(NAMED))
        return PromptFormat("chat", add_special_tokens=False, chat_tokenizer=tokenizer)
    if name not in NAMED:
        raise ObliviateError(f"unknown prompt format {name!r}; choose one of {', '.join(FORMAT_NAMES)}")
    return NAMED[name]
