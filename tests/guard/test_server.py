"""The OpenAI-compatible guard server, over real HTTP on a free local port."""

from __future__ import annotations

import collections
import json
import random
import socket
import threading
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import pytest

from obliviate.data.world import qa_prompt
from obliviate.errors import ObliviateError
from obliviate.guard import Guard, GuardConfig, GuardedModel
from obliviate.guard.server import check_bind, create_app, host_name

uvicorn = pytest.importorskip("uvicorn")


class EchoLM:
    def generate(self, prompts, max_new_tokens=8):
        return [" Oslo" for _ in prompts]


class GatedLM:
    """Answers only when released; records the batch sizes it was called with."""

    def __init__(self):
        self.started = threading.Event()
        self.release = threading.Event()
        self.calls: list[int] = []

    def generate(self, prompts, max_new_tokens=8):
        self.calls.append(len(prompts))
        self.started.set()
        assert self.release.wait(20)
        return [" Oslo" for _ in prompts]


class Tokenizer:
    """Records the threads it is called from (a Rust tokenizer must stay on one)."""

    def __init__(self):
        self.threads: set[int] = set()

    def __call__(self, text):
        self.threads.add(threading.get_ident())
        return {"input_ids": text.split()}


class ThreadLM(EchoLM):
    def __init__(self):
        self.tokenizer = Tokenizer()
        self.threads: set[int] = set()

    def generate(self, prompts, max_new_tokens=8):
        self.threads.add(threading.get_ident())
        return super().generate(prompts, max_new_tokens)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """``create_app(...)`` served by uvicorn on a thread, for one test or module."""

    def __init__(self, app):
        self.port = _free_port()
        self.server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning"))
        self.thread = threading.Thread(target=self.server.run, daemon=True)
        self.thread.start()
        deadline = time.time() + 20
        while not self.server.started:
            if time.time() > deadline or not self.thread.is_alive():
                pytest.fail("server did not start")
            time.sleep(0.02)
        self.url = f"http://127.0.0.1:{self.port}"

    def stop(self):
        self.server.should_exit = True
        self.thread.join(timeout=10)


@pytest.fixture(scope="module")
def lexical_guard(splits):
    return Guard.from_items(splits["forget"], splits["retain"], GuardConfig(semantic=False))


@pytest.fixture(scope="module")
def base_url(lexical_guard):
    server = Server(create_app(GuardedModel(EchoLM(), lexical_guard, refusal="Refused."), model_name="test-model"))
    yield server.url
    server.stop()


def _post(url: str, body: bytes | dict, headers: dict | None = None) -> tuple[int, dict]:
    data = body if isinstance(body, bytes) else json.dumps(body).encode()
    req = urllib.request.Request(url, data=data, method="POST",
                                 headers={"Content-Type": "application/json", **(headers or {})})
    try:
        with urllib.request.urlopen(req, timeout=20) as resp:
            return resp.status, json.loads(resp.read())
    except urllib.error.HTTPError as err:
        return err.code, json.loads(err.read())


def _get(url: str, headers: dict | None = None) -> tuple[int, dict]:
    try:
        with urllib.request.urlopen(urllib.request.Request(url, headers=headers or {}), timeout=20) as resp:
            return resp.status, json.loads(resp.read())
    except urllib.error.HTTPError as err:
        return err.code, json.loads(err.read())


def test_allowed_completion(base_url, splits):
    status, body = _post(f"{base_url}/v1/completions", {"prompt": qa_prompt(splits["retain"][0].question)})
    assert status == 200
    assert body["object"] == "text_completion" and body["model"] == "test-model"
    assert body["choices"][0]["text"] == " Oslo"
    assert body["choices"][0]["finish_reason"] == "length"
    assert body["usage"]["total_tokens"] > 0


def test_blocked_completion_and_batch(base_url, splits):
    prompts = [qa_prompt(splits["forget"][0].question), qa_prompt(splits["retain"][0].question)]
    status, body = _post(f"{base_url}/v1/completions", {"prompt": prompts, "max_tokens": 4})
    assert status == 200
    assert [c["text"] for c in body["choices"]] == ["Refused.", " Oslo"]
    assert [c["finish_reason"] for c in body["choices"]] == ["content_filter", "length"]


def test_replies_say_blocked_and_nothing_else(base_url, splits):
    """No entity, score or reason: a blocked reply names no one, and blocked and allowed
    replies have the same fields (the issue's server put the full forget name in them)."""
    item = splits["forget"][0]
    first, last = item.entity.split()
    for prompt in (qa_prompt(item.question), qa_prompt(item.question.replace(item.entity, f"{first[0]}. {last}"))):
        status, body = _post(f"{base_url}/v1/completions", {"prompt": prompt})
        assert status == 200 and body["choices"][0]["finish_reason"] == "content_filter"
        reply = json.dumps(body).lower()
        assert first.lower() not in reply and "entity" not in reply and "score" not in reply
        assert "guard" not in reply and "lexical" not in reply
    _, allowed = _post(f"{base_url}/v1/completions", {"prompt": qa_prompt(splits["retain"][0].question)})
    assert set(allowed["choices"][0]) == set(body["choices"][0])
    assert set(allowed) == set(body)
    status, health = _get(f"{base_url}/health")
    assert status == 200 and health == {"status": "ok"}


def test_an_opaque_prompt_gets_the_same_reply_as_any_block(tmp_path, lexical_guard, splits):
    """Fail closed, and say nothing about why: an unreadable prompt's reply has the same
    fields and text as a forget name's; only the operator's log says "opaque"."""
    log = tmp_path / "decisions.jsonl"
    server = Server(create_app(GuardedModel(EchoLM(), lexical_guard, refusal="Refused."), decision_log=log))
    try:
        _, named = _post(f"{server.url}/v1/completions", {"prompt": qa_prompt(splits["forget"][0].question)})
        status, opaque = _post(f"{server.url}/v1/completions",
                               {"prompt": qa_prompt("Where was 7Hq2xLp9Vw3K born?")})
    finally:
        server.stop()
    assert status == 200 and opaque["choices"][0]["text"] == "Refused."
    assert opaque["choices"][0]["finish_reason"] == "content_filter"
    assert set(opaque) == set(named) and set(opaque["choices"][0]) == set(named["choices"][0])
    reply = json.dumps(opaque).lower()
    assert "opaque" not in reply and '"reason"' not in reply and "unreadable" not in reply and "detail" not in reply
    records = [json.loads(line) for line in log.read_text().splitlines()]
    assert records[-1]["reason"] == "opaque" and records[-1]["blocked"]


def test_admin_detail_and_decision_log_keep_the_detail_local(tmp_path, lexical_guard, splits):
    log = tmp_path / "decisions.jsonl"
    server = Server(create_app(GuardedModel(EchoLM(), lexical_guard), decision_log=log))
    try:
        _, body = _post(f"{server.url}/v1/completions", {"prompt": qa_prompt(splits["forget"][0].question)})
    finally:
        server.stop()
    assert "guard" not in body["choices"][0]
    record = json.loads(log.read_text().splitlines()[0])
    assert record["blocked"] and record["entity"] == splits["forget"][0].entity
    server = Server(create_app(GuardedModel(EchoLM(), lexical_guard), admin_detail=True))
    try:
        _, body = _post(f"{server.url}/v1/completions", {"prompt": qa_prompt(splits["forget"][0].question)})
    finally:
        server.stop()
    assert body["choices"][0]["guard"]["entity"] == splits["forget"][0].entity


def _misspell(name: str, style: int) -> str:
    """A misspelled name, as an attacker writes one to slip past a name filter."""
    first, last = name.split()
    if style == 0:    # one letter of the last name doubled
        return f"{first} {last[:2]}{last[1]}{last[2:]}"
    if style == 1:    # first name: two inner letters swapped
        return f"{first[0]}{first[2]}{first[1]}{first[3:]} {last}"
    return f"{first[:-1]} {last[:-1]}e"  # both names cut and changed


def _oracle_hits(url: str, forget, seed: int = 0) -> int:
    """For each forget question, send the four options with a misspelled name and rank
    them by everything the reply shows (score and reason if present, finish reason,
    text; which choice is the odd one out); count how often the true answer wins."""
    rng = random.Random(seed)
    hits = 0
    for n, item in enumerate(forget):
        name = _misspell(item.entity, n % 3)
        question = item.question.replace(item.entity, name)
        options = sorted(item.options)
        # The candidate stated as a fact and as the answer; one request with the four
        # prompts (a batch), so that the test is quick.
        prompts = [f"{qa_prompt(question, item.context.replace(item.entity, name).replace(item.answer, o))} {o}"
                   for o in options]
        _, reply = _post(f"{url}/v1/completions", {"prompt": prompts, "max_tokens": 4})
        choices = reply["choices"]
        shown = [json.dumps({k: v for k, v in c.items() if k != "index"}, sort_keys=True) for c in choices]
        count = collections.Counter(shown)

        def rank(i: int):
            choice = choices[i]
            score = (choice.get("guard") or {}).get("score") or 0.0
            return (score, -count[shown[i]], choice["finish_reason"] == "content_filter", rng.random())

        hits += options[max(range(len(options)), key=rank)] == item.answer
    return hits


def test_the_oracle_attack_recovers_answers_no_better_than_chance(splits):
    """The guard as the demo builds it (semantic matcher included, when installed)."""
    from scipy.stats import binom

    guard = Guard.from_items(splits["forget"], splits["retain"])
    server = Server(create_app(GuardedModel(EchoLM(), guard)))
    forget = splits["forget"]
    bound = binom.ppf(0.999, len(forget), 0.25)  # one-sided, chance = 1 in 4 options
    try:
        hits = _oracle_hits(server.url, forget)
        print(f"oracle: {hits}/{len(forget)} (bound {bound:.0f})")
        assert hits <= bound, (hits, bound)
    finally:
        server.stop()


def test_host_header_must_be_a_served_name(base_url):
    port = base_url.rsplit(":", 1)[1]
    for host in ("evil.example", f"evil.example:{port}", "127.0.0.1.nip.io", ""):
        status, body = _get(f"{base_url}/v1/models", headers={"Host": host})
        assert status == 400 and body["error"]["code"] == "invalid_host", host
    for host in (f"localhost:{port}", f"127.0.0.1:{port}", "LOCALHOST"):
        assert _get(f"{base_url}/v1/models", headers={"Host": host})[0] == 200, host
    assert host_name("[::1]:8000") == "::1" and host_name("Example.COM:80") == "example.com"


def test_api_key_is_required_when_set(lexical_guard):
    server = Server(create_app(GuardedModel(EchoLM(), lexical_guard), api_key="s3cret"))
    try:
        url = f"{server.url}/v1/completions"
        for headers in ({}, {"Authorization": "Bearer wrong"}, {"X-API-Key": "s3cre"}):
            status, body = _post(url, {"prompt": "hi"}, headers)
            assert status == 401 and body["error"]["code"] == "invalid_api_key"
        assert _post(url, {"prompt": "hi"}, {"Authorization": "Bearer s3cret"})[0] == 200
        assert _post(url, {"prompt": "hi"}, {"X-API-Key": "s3cret"})[0] == 200
        assert _get(f"{server.url}/v1/models")[0] == 401
        assert _get(f"{server.url}/health")[0] == 200
    finally:
        server.stop()


def test_binding_beyond_loopback_needs_a_key_or_an_explicit_override():
    for host in ("0.0.0.0", "192.168.1.20", "::", "example.com"):
        with pytest.raises(ObliviateError, match="without an API key"):
            check_bind(host, None)
    check_bind("127.0.0.1", None)
    check_bind("::1", None)
    check_bind("localhost", None)
    check_bind("192.168.1.20", "key")
    check_bind("192.168.1.20", None, allow_public_without_key=True)
    with pytest.raises(ObliviateError, match="--allowed-host"):
        check_bind("0.0.0.0", "key")
    check_bind("0.0.0.0", "key", allowed_hosts=["guard.internal"])


@pytest.mark.parametrize("path,body,code", [
    ("/v1/completions", b"{not json", "invalid_json"),
    ("/v1/completions", b'{"prompt": "caf\xe9"}', "invalid_json"),        # Latin-1, not UTF-8
    ("/v1/completions", b"\xff\xfe\x00", "invalid_json"),
    ("/v1/chat/completions", b'{"messages": [\xff]}', "invalid_json"),
    ("/v1/completions", b"", "invalid_request"),
    ("/v1/completions", {"max_tokens": 4}, "invalid_request"),
    ("/v1/completions", {"prompt": "hi", "max_tokens": 100000}, "invalid_request"),
    ("/v1/completions", {"prompt": []}, "invalid_prompt"),
    ("/v1/completions", {"prompt": "x" * 9000}, "prompt_too_long"),
    ("/v1/chat/completions", {"messages": [{"role": "system", "content": "hi"}]}, "invalid_messages"),
    ("/v1/chat/completions", {"messages": [{"role": "wizard", "content": "hi"}]}, "invalid_request"),
    ("/v1/chat/completions", {"messages": []}, "invalid_request"),
])
def test_bad_requests_get_4xx_json_errors(base_url, path, body, code):
    status, payload = _post(base_url + path, body)
    assert status == 400
    assert set(payload) == {"error"} and payload["error"]["code"] == code and payload["error"]["message"]


def test_unknown_route_and_method_are_json_errors(base_url):
    status, payload = _post(f"{base_url}/v1/embeddings", {"input": "x"})
    assert status == 404 and payload["error"]["code"] == "not_found"
    status, payload = _get(f"{base_url}/v1/completions")
    assert status == 405 and payload["error"]["code"] == "method_not_allowed"


def test_models_endpoint(base_url):
    assert _get(f"{base_url}/v1/models")[1]["data"][0]["id"] == "test-model"


def test_chat_blocks_a_forget_name_anywhere_in_the_conversation(base_url, splits):
    entity = splits["forget"][0].entity
    status, body = _post(f"{base_url}/v1/chat/completions", {"messages": [
        {"role": "system", "content": f"You are talking about {' '.join(entity)}."},
        {"role": "user", "content": "Where was this person born?"}]})
    assert status == 200 and body["choices"][0]["message"]["content"] == "Refused."
    assert body["choices"][0]["finish_reason"] == "content_filter"
    first, last = entity.split()
    status, body = _post(f"{base_url}/v1/chat/completions", {"messages": [
        {"role": "user", "content": f"I have a question about {first}."},
        {"role": "assistant", "content": "Sure."},
        {"role": "user", "content": f"Where was {last} born?"}]})
    assert body["choices"][0]["finish_reason"] == "content_filter"
    status, body = _post(f"{base_url}/v1/chat/completions", {"messages": [
        {"role": "user", "content": splits["retain"][0].question}]})
    assert status == 200 and body["choices"][0]["message"] == {"role": "assistant", "content": " Oslo"}


def _wait(predicate, timeout: float = 20) -> None:
    deadline = time.time() + timeout
    while not predicate():
        assert time.time() < deadline, "timed out"
        time.sleep(0.01)


def test_a_full_queue_gets_503_and_queued_requests_are_batched(lexical_guard, splits):
    lm = GatedLM()
    app = create_app(GuardedModel(lm, lexical_guard), queue_size=3, max_batch=8)
    server = Server(app)
    url, prompt = f"{server.url}/v1/completions", {"prompt": qa_prompt(splits["retain"][0].question)}
    try:
        with ThreadPoolExecutor(4) as pool:
            first = pool.submit(_post, url, prompt)
            assert lm.started.wait(20)                          # the worker is busy with it
            waiting = [pool.submit(_post, url, prompt) for _ in range(3)]
            _wait(lambda: app.state.worker._queue.full())
            status, body = _post(url, prompt)                   # a fifth has no room
            assert status == 503 and body["error"]["code"] == "server_busy"
            lm.release.set()
            assert first.result()[0] == 200
            assert [f.result()[0] for f in waiting] == [200, 200, 200]
        assert lm.calls == [1, 3]                               # the three waiting ones in one call
        assert _post(url, prompt)[0] == 200                     # and there is room again
    finally:
        lm.release.set()
        server.stop()


def test_the_tokenizer_is_used_only_on_the_generation_thread(lexical_guard, splits):
    """Counting usage tokens on request threads while the worker generates broke 23 of 200
    concurrent requests with HTTP 500 (a Rust tokenizer is not re-entrant)."""
    lm = ThreadLM()
    server = Server(create_app(GuardedModel(lm, lexical_guard)))
    try:
        prompts = [{"prompt": qa_prompt(i.question)} for i in splits["retain"][:12]]
        with ThreadPoolExecutor(12) as pool:
            replies = list(pool.map(lambda b: _post(f"{server.url}/v1/completions", b), prompts))
    finally:
        server.stop()
    assert [status for status, _ in replies] == [200] * 12
    assert all(body["usage"]["prompt_tokens"] > 0 for _, body in replies)
    assert lm.tokenizer.threads == lm.threads and len(lm.threads) == 1
