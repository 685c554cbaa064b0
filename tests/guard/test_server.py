"""The OpenAI-compatible guard server, over real HTTP on a free local port."""

from __future__ import annotations

import json
import socket
import threading
import time
import urllib.error
import urllib.request

import pytest

from obliviate.data.world import qa_prompt
from obliviate.guard import Guard, GuardConfig, GuardedModel
from obliviate.guard.server import create_app

uvicorn = pytest.importorskip("uvicorn")


class EchoLM:
    def generate(self, prompts, max_new_tokens=8):
        return [" Oslo" for _ in prompts]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def base_url(splits):
    guard = Guard.from_items(splits["forget"], splits["retain"], GuardConfig(semantic=False))
    app = create_app(GuardedModel(EchoLM(), guard, refusal="Refused."), model_name="test-model")
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.time() + 20
    while not server.started:
        if time.time() > deadline or not thread.is_alive():
            pytest.fail("server did not start")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


def _post(url: str, body: bytes | dict) -> tuple[int, dict]:
    data = body if isinstance(body, bytes) else json.dumps(body).encode()
    req = urllib.request.Request(url, data=data, headers={"Content-Type": "application/json"}, method="POST")
    try:
        with urllib.request.urlopen(req, timeout=10) as resp:
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
    texts = [c["text"] for c in body["choices"]]
    assert texts == ["Refused.", " Oslo"]
    assert body["choices"][0]["finish_reason"] == "content_filter"
    assert body["choices"][0]["guard"]["entity"] == splits["forget"][0].entity


def test_chat_blocks_a_forget_name_anywhere_in_the_conversation(base_url, splits):
    entity = splits["forget"][0].entity
    obfuscated = " ".join(entity)  # spaced out letters
    status, body = _post(f"{base_url}/v1/chat/completions", {"messages": [
        {"role": "system", "content": f"You are talking about {obfuscated}."},
        {"role": "user", "content": "Where was this person born?"}]})
    assert status == 200 and body["choices"][0]["message"]["content"] == "Refused."
    assert body["choices"][0]["finish_reason"] == "content_filter"
    status, body = _post(f"{base_url}/v1/chat/completions", {"messages": [
        {"role": "user", "content": splits["retain"][0].question}]})
    assert status == 200 and body["choices"][0]["message"] == {"role": "assistant", "content": " Oslo"}


@pytest.mark.parametrize("path,body,code", [
    ("/v1/completions", b"{not json", "invalid_json"),
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
    assert payload["error"]["code"] == code and payload["error"]["message"]


def test_unknown_route_is_a_json_404(base_url):
    status, payload = _post(f"{base_url}/v1/embeddings", {"input": "x"})
    assert status == 404 and payload["error"]["code"] == "not_found"


def test_models_endpoint(base_url):
    with urllib.request.urlopen(f"{base_url}/v1/models", timeout=10) as resp:
        assert json.loads(resp.read())["data"][0]["id"] == "test-model"
