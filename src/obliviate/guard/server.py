"""An OpenAI-compatible HTTP server for a guarded model (FastAPI + uvicorn).

Endpoints: ``POST /v1/completions``, ``POST /v1/chat/completions``, ``GET /v1/models``
and ``GET /health``. A blocked request gets a normal 200 response whose text is the
refusal and whose ``finish_reason`` is ``"content_filter"`` (as OpenAI reports its
own filter). Bad requests get a 4xx with ``{"error": {"message", "type", "code"}}``.

What a client learns: only whether a choice was blocked. Replies carry no entity, no
similarity score and no reason, and a prompt blocked before generation reads the same as
an output blocked after it; the guard's detail goes to the operator's decision log
(``decision_log``, JSON lines) and into replies only with ``admin_detail`` (off by
default). Otherwise the replies are an oracle for the forget set: with a score in every
reply, trying the four options of a forget question ranked the true answer first for 60
of 60 facts.

Access: requests whose ``Host`` header is not one of ``allowed_hosts`` (by default the
loopback names) are refused, against DNS rebinding; with ``api_key`` every endpoint but
``/health`` needs ``Authorization: Bearer KEY`` (or ``X-API-Key: KEY``). :func:`serve`
refuses to bind beyond loopback without a key unless told to.

Load: generation runs on one worker thread that takes queued requests in batches (up to
``max_batch`` prompts per model call); at most ``queue_size`` requests wait, and one more
gets HTTP 503 ``server_busy`` with ``Retry-After``.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import hmac
import ipaddress
import json
import os
import queue
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Literal, Union

from pydantic import BaseModel, Field

from obliviate.data.world import ANSWER_PREFIX, qa_prompt
from obliviate.errors import ObliviateError
from obliviate.guard.guard import GuardedModel

MAX_PROMPTS = 32
MAX_PROMPT_CHARS = 8000
MAX_TOKENS = 256
MAX_BODY_BYTES = 1 << 20
DEFAULT_QUEUE_SIZE = 64
DEFAULT_MAX_BATCH = 16
LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1")
API_KEY_ENV = "OBLIVIATE_GUARD_API_KEY"


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


_ERROR_TYPES = {401: "authentication_error", 503: "server_error", 500: "server_error"}


def _error(status: int, message: str, code: str, headers: dict[str, str] | None = None):
    from fastapi.responses import JSONResponse

    return JSONResponse(status_code=status, headers=headers, content={"error": {
        "message": message, "type": _ERROR_TYPES.get(status, "invalid_request_error"), "code": code}})


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


# ---- access ----------------------------------------------------------------------------
def is_loopback(host: str) -> bool:
    """Whether a bind address reaches only this machine."""
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def host_name(header: str) -> str:
    """The host name of a ``Host`` header, without port and brackets, lower case."""
    header = header.strip().lower()
    if header.startswith("["):
        return header[1:header.find("]")] if "]" in header else header
    return header.rsplit(":", 1)[0] if header.count(":") == 1 else header


def allowed_host_names(host: str, extra: list[str] | tuple[str, ...] = ()) -> tuple[str, ...]:
    """The ``Host`` names accepted by default for a bind address: loopback names, the
    bind address itself (unless it is a wildcard) and ``extra``."""
    names = [*LOOPBACK_HOSTS]
    if host not in ("0.0.0.0", "::", ""):
        names.append(host.strip("[]").lower())
    return tuple(dict.fromkeys([*names, *(h.lower() for h in extra)]))


def check_bind(host: str, api_key: str | None, allow_public_without_key: bool = False,
               allowed_hosts: list[str] | tuple[str, ...] = ()) -> None:
    """Refuse unsafe server settings with a one-line :class:`ObliviateError`."""
    if not is_loopback(host) and not api_key and not allow_public_without_key:
        raise ObliviateError(f"refusing to bind to {host} without an API key: anyone who can reach it could "
                             f"query the model; pass --api-key (or set {API_KEY_ENV}), bind to 127.0.0.1, or "
                             "pass --allow-public-without-key")
    if host in ("0.0.0.0", "::") and not allowed_hosts:
        raise ObliviateError(f"binding to {host} accepts connections on every interface: pass --allowed-host "
                             "with each host name clients use (or '*' to accept any Host header)")


# ---- batching ----------------------------------------------------------------------------
class QueueFull(Exception):
    """No room in the request queue."""


@dataclass
class _Job:
    prompts: list[str]
    inputs: list[str]
    max_tokens: int
    future: concurrent.futures.Future = field(default_factory=concurrent.futures.Future)


class BatchWorker:
    """One thread that runs queued generation jobs, several per model call.

    A job is one request's prompts; jobs that wait together and ask for the same
    ``max_tokens`` are generated as one batch of at most ``max_batch`` prompts (a single
    request larger than that is its own batch). ``submit`` raises :class:`QueueFull`
    when ``queue_size`` jobs are already waiting.
    """

    def __init__(self, guarded: GuardedModel, queue_size: int = DEFAULT_QUEUE_SIZE,
                 max_batch: int = DEFAULT_MAX_BATCH, count_tokens: Callable[[str], int] | None = None):
        if queue_size < 1 or max_batch < 1:
            raise ObliviateError(f"queue size and max batch must be >= 1, got {queue_size} and {max_batch}")
        self.guarded = guarded
        self.max_batch = max_batch
        # Token counts for ``usage`` are taken here too: a Rust tokenizer must not be used
        # from two threads at once ("Already borrowed").
        self.count_tokens = count_tokens or (lambda s: len(s.split()))
        self._queue: queue.Queue[_Job | None] = queue.Queue(maxsize=queue_size)
        self._held: list[_Job] = []
        self.batches: list[int] = []  # prompts per model call, for tests and benchmarks
        self._thread = threading.Thread(target=self._run, name="guard-batch-worker", daemon=True)
        self._thread.start()

    def submit(self, prompts: list[str], inputs: list[str], max_tokens: int) -> concurrent.futures.Future:
        job = _Job(prompts, inputs, max_tokens)
        try:
            self._queue.put_nowait(job)
        except queue.Full:
            raise QueueFull from None
        return job.future

    def close(self) -> None:
        self._queue.put(None)
        self._thread.join(timeout=30)

    def _take(self) -> list[_Job] | None:
        first = self._held.pop(0) if self._held else self._queue.get()
        if first is None:
            return None
        jobs, size = [first], len(first.prompts)
        keep: list[_Job] = []
        while size < self.max_batch:
            if self._held:
                job = self._held.pop(0)
            else:
                try:
                    job = self._queue.get_nowait()
                except queue.Empty:
                    break
            if job is None:
                self._queue.put(None)  # stop after this batch
                break
            if job.max_tokens == first.max_tokens and size + len(job.prompts) <= self.max_batch:
                jobs.append(job)
                size += len(job.prompts)
            else:
                keep.append(job)
        self._held = keep + self._held
        return jobs

    def _run(self) -> None:
        while True:
            jobs = self._take()
            if jobs is None:
                return
            jobs = [j for j in jobs if j.future.set_running_or_notify_cancel()]
            if not jobs:
                continue
            prompts = [p for j in jobs for p in j.prompts]
            inputs = [p for j in jobs for p in j.inputs]
            try:
                texts = self.guarded.generate(prompts, max_new_tokens=jobs[0].max_tokens, inputs=inputs)
                decisions = list(self.guarded.last_decisions)
                counts = [(self.count_tokens(p), self.count_tokens(t)) for p, t in zip(prompts, texts)]
            except Exception as err:  # noqa: BLE001 - handed to the waiting requests
                for j in jobs:
                    j.future.set_exception(err)
                continue
            self.batches.append(len(prompts))
            k = 0
            for j in jobs:
                n = len(j.prompts)
                j.future.set_result((texts[k:k + n], decisions[k:k + n], counts[k:k + n]))
                k += n


class DecisionLog:
    """The guard's decisions as JSON lines in a local file only the operator can read."""

    def __init__(self, path: str | os.PathLike):
        self.path = Path(path)
        if self.path.is_dir():
            raise ObliviateError(f"--decision-log {self.path} is a directory; pass a file path")
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        self._file = os.fdopen(fd, "a", encoding="utf-8")
        self._lock = threading.Lock()

    def __call__(self, record: dict) -> None:
        with self._lock:
            self._file.write(json.dumps(record, ensure_ascii=False) + "\n")
            self._file.flush()


# ---- the app --------------------------------------------------------------------------------
def create_app(guarded: GuardedModel, model_name: str = "obliviate-guarded", *,
               allowed_hosts: list[str] | tuple[str, ...] | None = LOOPBACK_HOSTS,
               api_key: str | None = None, admin_detail: bool = False,
               decision_log: Callable[[dict], None] | str | os.PathLike | None = None,
               queue_size: int = DEFAULT_QUEUE_SIZE, max_batch: int = DEFAULT_MAX_BATCH):
    """The FastAPI app serving ``guarded`` (see module docstring).

    ``allowed_hosts``: accepted ``Host`` names (``"*"`` or None: any); ``api_key``: required
    bearer key; ``admin_detail``: put the guard's decision in replies (never for
    untrusted clients); ``decision_log``: a path (JSON lines) or a callable that receives
    each decision with its prompt.
    """
    from contextlib import asynccontextmanager

    from fastapi import FastAPI, Request
    from fastapi.exceptions import RequestValidationError
    from starlette.exceptions import HTTPException as StarletteHTTPException

    hosts = None if allowed_hosts is None or "*" in allowed_hosts else {h.lower() for h in allowed_hosts}
    log = DecisionLog(decision_log) if isinstance(decision_log, (str, os.PathLike)) else decision_log
    tok = getattr(guarded.lm, "tokenizer", None)
    worker = BatchWorker(guarded, queue_size, max_batch,
                         count_tokens=(lambda s: len(tok(s)["input_ids"])) if tok is not None else None)

    @asynccontextmanager
    async def lifespan(app):
        yield
        worker.close()

    app = FastAPI(title="obliviate guard", version="1", lifespan=lifespan)
    app.state.worker = worker

    @app.middleware("http")
    async def _access(request: Request, call_next):
        if hosts is not None and host_name(request.headers.get("host", "")) not in hosts:
            return _error(400, "this server does not answer for that Host header", "invalid_host")
        if api_key and request.url.path != "/health":
            auth = request.headers.get("authorization", "")
            given = auth[7:].strip() if auth[:7].lower() == "bearer " else request.headers.get("x-api-key", "")
            if not hmac.compare_digest(given.encode(), api_key.encode()):
                return _error(401, "missing or wrong API key (send Authorization: Bearer KEY)", "invalid_api_key")
        length = request.headers.get("content-length", "")
        if length.isdigit() and int(length) > MAX_BODY_BYTES:
            return _error(413, f"request body is larger than {MAX_BODY_BYTES} bytes", "body_too_large")
        return await call_next(request)

    @app.exception_handler(Exception)
    async def _internal(request: Request, exc: Exception):
        # The detail stays in the server's log (uvicorn prints the traceback), not in the reply.
        return _error(500, "internal server error", "internal_error")

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError):
        errors = exc.errors()
        if any(e.get("type") == "json_invalid" for e in errors):
            return _error(400, "request body is not valid JSON", "invalid_json")
        detail = "; ".join(f"{'.'.join(str(x) for x in e.get('loc', ())[1:]) or 'body'}: {e.get('msg')}"
                           for e in errors)
        return _error(400, f"invalid request: {detail}", "invalid_request")

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, exc: StarletteHTTPException):
        if exc.status_code == 404:
            return _error(404, f"no route {request.url.path}; try /v1/completions or /v1/chat/completions",
                          "not_found")
        if exc.status_code == 405:
            return _error(405, f"method {request.method} not allowed on {request.url.path}", "method_not_allowed")
        if exc.status_code == 400:  # the body could not be read (not UTF-8, not JSON)
            return _error(400, "request body is not valid UTF-8 JSON", "invalid_json")
        return _error(exc.status_code, str(exc.detail), "http_error")

    def _usage(counts: list[tuple[int, int]]) -> dict[str, int]:
        p, c = sum(x for x, _ in counts), sum(y for _, y in counts)
        return {"prompt_tokens": p, "completion_tokens": c, "total_tokens": p + c}

    async def _generate(endpoint: str, prompts: list[str], inputs: list[str], max_tokens: int):
        try:
            future = worker.submit(prompts, inputs, max_tokens)
        except QueueFull:
            return None
        texts, decisions, counts = await asyncio.wrap_future(future)
        if log is not None:
            for text, d in zip(inputs, decisions):
                log({"time": time.time(), "endpoint": endpoint, "input": text, **d})
        return texts, decisions, counts

    def _busy():
        return _error(503, "the server is busy (request queue full); retry shortly", "server_busy",
                      headers={"Retry-After": "1"})

    def _choice_extra(decision: dict) -> dict:
        return {"guard": decision} if admin_detail else {}

    @app.get("/health")
    def health() -> dict[str, Any]:
        return {"status": "ok", **({"guard": guarded.guard.mode} if admin_detail else {})}

    @app.get("/v1/models")
    def models() -> dict[str, Any]:
        return {"object": "list", "data": [{"id": model_name, "object": "model", "owned_by": "obliviate"}]}

    @app.post("/v1/completions")
    async def completions(req: CompletionRequest):
        prompts = [req.prompt] if isinstance(req.prompt, str) else list(req.prompt)
        if not prompts or len(prompts) > MAX_PROMPTS:
            return _error(400, f"prompt must hold 1 to {MAX_PROMPTS} strings, got {len(prompts)}", "invalid_prompt")
        if any(len(p) > MAX_PROMPT_CHARS for p in prompts):
            return _error(400, f"each prompt must be at most {MAX_PROMPT_CHARS} characters", "prompt_too_long")
        result = await _generate("completions", prompts, prompts, req.max_tokens)
        if result is None:
            return _busy()
        texts, decisions, counts = result
        return {
            "id": f"cmpl-{uuid.uuid4().hex[:24]}", "object": "text_completion", "created": int(time.time()),
            "model": model_name,
            "choices": [{"text": t, "index": i, "logprobs": None,
                         "finish_reason": "content_filter" if d["blocked"] else "length", **_choice_extra(d)}
                        for i, (t, d) in enumerate(zip(texts, decisions))],
            "usage": _usage(counts),
        }

    @app.post("/v1/chat/completions")
    async def chat(req: ChatRequest):
        messages = [m.model_dump() for m in req.messages]
        if sum(len(m["content"]) for m in messages) > MAX_PROMPT_CHARS:
            return _error(400, f"messages must total at most {MAX_PROMPT_CHARS} characters", "prompt_too_long")
        try:
            prompt = chat_to_prompt(messages)
        except ValueError as err:
            return _error(400, str(err), "invalid_messages")
        # The whole conversation is checked, not only the prompt the model sees.
        conversation = "\n".join(m["content"] for m in messages)
        result = await _generate("chat", [prompt], [conversation], req.max_tokens)
        if result is None:
            return _busy()
        texts, decisions, counts = result
        d = decisions[0]
        return {
            "id": f"chatcmpl-{uuid.uuid4().hex[:24]}", "object": "chat.completion", "created": int(time.time()),
            "model": model_name,
            "choices": [{"index": 0, "message": {"role": "assistant", "content": texts[0]},
                         "finish_reason": "content_filter" if d["blocked"] else "length", **_choice_extra(d)}],
            "usage": _usage(counts),
        }

    return app


def serve(guarded: GuardedModel, host: str = "127.0.0.1", port: int = 8000, model_name: str = "obliviate-guarded",
          log_level: str = "info", *, api_key: str | None = None, allowed_hosts: list[str] | tuple[str, ...] = (),
          allow_public_without_key: bool = False, admin_detail: bool = False,
          decision_log: str | os.PathLike | None = None, queue_size: int = DEFAULT_QUEUE_SIZE,
          max_batch: int = DEFAULT_MAX_BATCH) -> None:
    """Run the server in the foreground until interrupted (settings checked by :func:`check_bind`)."""
    import uvicorn

    check_bind(host, api_key, allow_public_without_key, allowed_hosts)
    app = create_app(guarded, model_name, allowed_hosts=allowed_host_names(host, allowed_hosts), api_key=api_key,
                     admin_detail=admin_detail, decision_log=decision_log, queue_size=queue_size,
                     max_batch=max_batch)
    uvicorn.run(app, host=host, port=port, log_level=log_level)
