"""An OpenAI-compatible HTTP server for a guarded model (FastAPI + uvicorn).

Endpoints: ``POST /v1/completions``, ``POST /v1/chat/completions``, ``GET /v1/models``
and ``GET /health``. A blocked request gets a normal 200 response whose text is the
refusal and whose ``finish_reason`` is ``"content_filter"`` (as OpenAI reports its
own filter). Bad requests get a 4xx with ``{"error": {"message", "type", "code"}}``.
The default bind address is 127.0.0.1: the server has no authentication.
"""

from __future__ import annotations

import threading
import time
import uuid
from typing import Any, Literal, Union

from pydantic import BaseModel, Field

from obliviate.data.world import ANSWER_PREFIX, qa_prompt
from obliviate.guard.guard import GuardedModel

MAX_PROMPTS = 32
MAX_PROMPT_CHARS = 8000
MAX_TOKENS = 256


class CompletionRequest(BaseModel):
    """Body of ``POST /v1/completions`` (the OpenAI fields obliviate honours)."""

    model: str | None = None
    prompt: Union[str, list[str]]
    max_tokens: int = Field(16, ge=1, le=MAX_TOKENS)
    temperature: float | None = None  # accepted; decoding is greedy
    n: int = Field(1, ge=1, le=1)
    stream: Literal[False] = False


class ChatMessage(BaseModel):
    role: Literal["system", "user", "assistant"]
    content: str


class ChatRequest(BaseModel):
    """Body of ``POST /v1/chat/completions``."""

    model: str | None = None
    messages: list[ChatMessage] = Field(..., min_length=1)
    max_tokens: int = Field(16, ge=1, le=MAX_TOKENS)
    temperature: float | None = None
    n: int = Field(1, ge=1, le=1)
    stream: Literal[False] = False


def _error(status: int, message: str, code: str):
    from fastapi.responses import JSONResponse

    return JSONResponse(status_code=status, content={"error": {
        "message": message, "type": "invalid_request_error", "code": code}})


def chat_to_prompt(messages: list[dict[str, str]]) -> str:
    """The model prompt for a chat: the last user message as the question, system
    messages as context; a message already in the ``Question: ...\\nAnswer:`` format
    is used as it is."""
    user = [m["content"] for m in messages if m["role"] == "user"]
    if not user:
        raise ValueError("messages must include at least one message with role 'user'")
    if user[-1].rstrip().endswith(ANSWER_PREFIX.strip()):
        return user[-1]
    context = " ".join(m["content"] for m in messages if m["role"] == "system")
    return qa_prompt(user[-1], context)


def create_app(guarded: GuardedModel, model_name: str = "obliviate-guarded"):
    """The FastAPI app serving ``guarded`` (see module docstring)."""
    from fastapi import FastAPI, Request
    from fastapi.exceptions import RequestValidationError

    app = FastAPI(title="obliviate guard", version="1")
    # Generation is not thread-safe on a shared model; uvicorn runs sync endpoints in threads.
    lock = threading.Lock()

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError):
        errors = exc.errors()
        if any(e.get("type") == "json_invalid" for e in errors):
            return _error(400, "request body is not valid JSON", "invalid_json")
        detail = "; ".join(f"{'.'.join(str(x) for x in e.get('loc', ())[1:]) or 'body'}: {e.get('msg')}"
                           for e in errors)
        return _error(400, f"invalid request: {detail}", "invalid_request")

    @app.exception_handler(404)
    async def _not_found(request: Request, exc):
        return _error(404, f"no route {request.url.path}; try /v1/completions or /v1/chat/completions",
                      "not_found")

    @app.exception_handler(405)
    async def _bad_method(request: Request, exc):
        return _error(405, f"method {request.method} not allowed on {request.url.path}", "method_not_allowed")

    def _run(prompts: list[str], max_tokens: int) -> tuple[list[str], list[dict]]:
        with lock:
            texts = guarded.generate(prompts, max_new_tokens=max_tokens)
            return texts, list(guarded.last_decisions)

    def _usage(prompts: list[str], texts: list[str]) -> dict[str, int]:
        tok = getattr(guarded.lm, "tokenizer", None)
        count = (lambda s: len(tok(s)["input_ids"])) if tok is not None else (lambda s: len(s.split()))
        p, c = sum(map(count, prompts)), sum(map(count, texts))
        return {"prompt_tokens": p, "completion_tokens": c, "total_tokens": p + c}

    @app.get("/health")
    def health() -> dict[str, Any]:
        return {"status": "ok", "guard": guarded.guard.mode}

    @app.get("/v1/models")
    def models() -> dict[str, Any]:
        return {"object": "list", "data": [{"id": model_name, "object": "model", "owned_by": "obliviate"}]}

    @app.post("/v1/completions")
    def completions(req: CompletionRequest):
        prompts = [req.prompt] if isinstance(req.prompt, str) else list(req.prompt)
        if not prompts or len(prompts) > MAX_PROMPTS:
            return _error(400, f"prompt must hold 1 to {MAX_PROMPTS} strings, got {len(prompts)}", "invalid_prompt")
        if any(len(p) > MAX_PROMPT_CHARS for p in prompts):
            return _error(400, f"each prompt must be at most {MAX_PROMPT_CHARS} characters", "prompt_too_long")
        texts, decisions = _run(prompts, req.max_tokens)
        return {
            "id": f"cmpl-{uuid.uuid4().hex[:24]}", "object": "text_completion", "created": int(time.time()),
            "model": model_name,
            "choices": [{"text": t, "index": i, "logprobs": None,
                         "finish_reason": "content_filter" if d["blocked"] else "length",
                         "guard": d} for i, (t, d) in enumerate(zip(texts, decisions))],
            "usage": _usage(prompts, texts),
        }

    @app.post("/v1/chat/completions")
    def chat(req: ChatRequest):
        messages = [m.model_dump() for m in req.messages]
        if sum(len(m["content"]) for m in messages) > MAX_PROMPT_CHARS:
            return _error(400, f"messages must total at most {MAX_PROMPT_CHARS} characters", "prompt_too_long")
        try:
            prompt = chat_to_prompt(messages)
        except ValueError as err:
            return _error(400, str(err), "invalid_messages")
        # The whole conversation is checked, not only the prompt the model sees.
        conversation = "\n".join(m["content"] for m in messages)
        verdict = guarded.guard.check(conversation)
        if verdict.blocked:
            texts, decisions = [guarded.refusal], [{"stage": "input", **verdict.to_dict()}]
        else:
            texts, decisions = _run([prompt], req.max_tokens)
        d = decisions[0]
        return {
            "id": f"chatcmpl-{uuid.uuid4().hex[:24]}", "object": "chat.completion", "created": int(time.time()),
            "model": model_name,
            "choices": [{"index": 0, "message": {"role": "assistant", "content": texts[0]},
                         "finish_reason": "content_filter" if d["blocked"] else "length", "guard": d}],
            "usage": _usage([prompt], texts),
        }

    return app


def serve(guarded: GuardedModel, host: str = "127.0.0.1", port: int = 8000, model_name: str = "obliviate-guarded",
          log_level: str = "info") -> None:
    """Run the server in the foreground until interrupted."""
    import uvicorn

    uvicorn.run(create_app(guarded, model_name), host=host, port=port, log_level=log_level)
