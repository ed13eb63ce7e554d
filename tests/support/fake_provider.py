"""A stand-in LLM provider on 127.0.0.1 speaking the OpenAI, Anthropic and Ollama wire formats.

Unmodified LiteLLM talks to it over real HTTP (`openai/<m>` with `api_base=<url>/v1`,
`anthropic/<m>` with `api_base=<url>`, `ollama_chat/<m>` with `api_base=<url>`), so tests run
the same code path as production. Behaviour is scriptable per request: latency, 429 with
Retry-After, 5xx, 401/403, 400 (also "context length exceeded"), 404, hangs, garbage bodies,
empty content, 10 MB answers, dropped connections, a preamble with no summary after it.
A request with `"stream": true` is answered the way each provider streams (OpenAI and
Anthropic: server-sent events; Ollama: one JSON object per line): headers at once, the first
chunk after `latency`, then one chunk per line `gap` seconds apart; `stall` sends the first
chunk and then nothing, like a server that stopped making progress mid-answer.

In-process: `with FakeProvider() as fake: ...`. As a process (for an LSP server or Neovim
under test): `python -m tests.support.fake_provider --port 0` prints `READY <port>`; control
it over HTTP: POST /_control/behavior, GET /_control/requests, POST /_control/reset.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import json
import re
import socket
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

OK = "ok"
BEHAVIOURS = {
    "ok",
    "status_429",
    "status_500",
    "status_503",
    "status_401",
    "status_401_echo",
    "status_403",
    "status_400",
    "status_404",
    "context_window",
    "hang",
    "garbage",
    "empty",
    "huge",
    "close",
    "no_bullets",
    "stall",
    "no_usage",  # streamed without a usage chunk, as some OpenAI-compatible servers do
}
_NAME = re.compile(r"^(?:Function: (.+)|`([^`]+)`(?: in .*)?:)$", re.MULTILINE)  # the prompts of mu-3 and mu-4


@dataclass
class Behaviour:
    kind: str = OK
    latency: float = 0.0
    retry_after: str | None = None
    content: str | None = None  # override the answer text
    gap: float = 0.0  # streaming: seconds between chunks

    @classmethod
    def parse(cls, data: dict[str, Any]) -> Behaviour:
        kind = str(data.get("kind", OK))
        if kind not in BEHAVIOURS:
            raise ValueError(f"unknown behaviour {kind!r}")
        retry_after = data.get("retry_after")
        return cls(
            kind,
            float(data.get("latency", 0.0)),
            None if retry_after is None else str(retry_after),
            data.get("content"),
            float(data.get("gap", 0.0)),
        )


@dataclass
class Recorded:
    received: float
    path: str
    wire: str
    model: str
    headers: dict[str, str]
    body: dict[str, Any]
    prompt: str
    function: str
    behaviour: str
    answered: float = 0.0


def default_responder(record: Recorded, index: int) -> str:
    digest = hashlib.sha1(record.prompt.encode()).hexdigest()[:8]
    return f"- fake summary of {record.function}: {digest}\n- second point\n- third point"


@dataclass
class _State:
    lock: threading.Lock = field(default_factory=threading.Lock)
    requests: list[Recorded] = field(default_factory=list)
    queue: list[Behaviour] = field(default_factory=list)
    always: Behaviour = field(default_factory=Behaviour)
    first_attempt: Behaviour | None = None
    seen_prompts: set[str] = field(default_factory=set)
    in_flight: int = 0
    max_in_flight: int = 0
    first_received: float | None = None
    last_answered: float | None = None
    responder: Callable[[Recorded, int], str] = default_responder
    stopping: threading.Event = field(default_factory=threading.Event)


def _wire(path: str) -> str | None:
    if path.endswith("/chat/completions"):
        return "openai"
    if path.endswith("/messages"):
        return "anthropic"
    if path.endswith("/api/chat"):
        return "ollama"
    return None


def _prompt(body: dict[str, Any]) -> str:
    messages = body.get("messages") or []
    for message in reversed(messages):
        if isinstance(message, dict) and message.get("role") == "user":
            content = message.get("content")
            if isinstance(content, list):
                return "".join(part.get("text", "") for part in content if isinstance(part, dict))
            return str(content or "")
    return ""


def _tokens(text: str) -> int:
    return max(1, len(text) // 4)


class _Handler(BaseHTTPRequestHandler):
    server_version = "fake-provider/1"
    protocol_version = "HTTP/1.1"
    # Headers and body go out in two writes; with Nagle on, the body waits for the client's
    # delayed ACK (~40 ms) and every call looks 40 ms slower than the scripted latency.
    disable_nagle_algorithm = True
    state: _State

    def log_message(self, format: str, *args: Any) -> None:  # quiet
        return

    # -- plumbing ------------------------------------------------------------------------------

    def _read_json(self) -> dict[str, Any]:
        length = int(self.headers.get("content-length") or 0)
        raw = self.rfile.read(length) if length else b""
        try:
            value = json.loads(raw or b"{}")
        except ValueError:
            return {}
        return value if isinstance(value, dict) else {}

    def _send(self, status: int, payload: Any, headers: dict[str, str] | None = None) -> None:
        body = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(body)))
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.end_headers()
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            self.wfile.write(body)

    # -- routes --------------------------------------------------------------------------------

    def do_GET(self) -> None:
        if self.path.startswith("/_control/requests"):
            with self.state.lock:
                data = {
                    "requests": [asdict(r) for r in self.state.requests],
                    "max_in_flight": self.state.max_in_flight,
                }
            self._send(200, data)
        elif self.path.startswith("/api/tags"):
            self._send(200, {"models": [{"name": "qwen2.5-coder:latest", "model": "qwen2.5-coder:latest"}]})
        elif self.path.startswith("/api/version"):
            self._send(200, {"version": "0.5.0"})
        elif self.path.startswith("/v1/models"):
            self._send(200, {"object": "list", "data": [{"id": "fake-model", "object": "model"}]})
        else:
            self._send(404, {"error": {"message": "not found"}})

    def do_POST(self) -> None:
        if self.path.startswith("/_control/"):
            self._control()
            return
        if self.path.startswith("/api/show"):
            self._read_json()
            self._send(
                200,
                {
                    "modelfile": "",
                    "parameters": "",
                    "template": "",
                    "details": {"family": "fake"},
                    "model_info": {},
                },
            )
            return
        wire = _wire(self.path)
        if wire is None:
            self._send(404, {"error": {"message": f"no route {self.path}"}})
            return
        body = self._read_json()
        self._complete(wire, body)

    def _control(self) -> None:
        data = self._read_json()
        state = self.state
        with state.lock:
            if self.path.startswith("/_control/reset"):
                _reset(state)
            elif self.path.startswith("/_control/behavior"):
                try:
                    behaviour = Behaviour.parse(data)
                except ValueError as error:
                    self._send(400, {"error": str(error)})
                    return
                mode = data.get("mode", "always")
                if mode == "queue":
                    state.queue.append(behaviour)
                elif mode == "first_attempt":
                    state.first_attempt = behaviour
                else:
                    state.always = behaviour
        self._send(200, {"ok": True})

    def _complete(self, wire: str, body: dict[str, Any]) -> None:
        state = self.state
        prompt = _prompt(body)
        found = _NAME.search(prompt)
        now = time.monotonic()
        with state.lock:
            if state.queue:
                behaviour = state.queue.pop(0)
            elif state.first_attempt is not None and prompt not in state.seen_prompts:
                behaviour = state.first_attempt
            else:
                behaviour = state.always
            state.seen_prompts.add(prompt)
            record = Recorded(
                now,
                self.path,
                wire,
                str(body.get("model", "")),
                {k.lower(): v for k, v in self.headers.items()},
                body,
                prompt,
                (found.group(1) or found.group(2)).strip() if found else "function",
                behaviour.kind,
            )
            state.requests.append(record)
            index = len(state.requests)
            state.in_flight += 1
            state.max_in_flight = max(state.max_in_flight, state.in_flight)
            if state.first_received is None:
                state.first_received = now
        try:
            self._respond(wire, body, record, behaviour, index)
        finally:
            with state.lock:
                state.in_flight -= 1
                record.answered = time.monotonic()
                state.last_answered = record.answered

    def _respond(self, wire: str, body: dict[str, Any], record: Recorded, behaviour: Behaviour, index: int) -> None:
        streaming = bool(body.get("stream")) and behaviour.kind in (
            "ok",
            "stall",
            "empty",
            "huge",
            "no_bullets",
            "no_usage",
        )
        if not streaming:  # the whole answer is generated before it is sent
            pieces = len((behaviour.content or "").splitlines()) or 3
            wait = behaviour.latency + behaviour.gap * (pieces - 1)
            if wait:
                self.state.stopping.wait(wait)
        kind = behaviour.kind
        if self.state.stopping.is_set():
            kind = "close"  # the provider is going away: in-flight calls get no answer
        if kind == "hang":
            self.state.stopping.wait(600)
            return
        if kind == "stall":
            self._stream(
                wire, str(body.get("model", "fake")), record.prompt, "- the first words", behaviour, stall=True
            )
            return
        if kind == "close":
            self.close_connection = True
            with contextlib.suppress(OSError):
                self.connection.shutdown(socket.SHUT_RDWR)
            return
        if kind == "garbage":
            self._send(200, b"<html>this is not json{{{")
            return
        errors = {
            "status_429": (429, "rate_limit_error", "Rate limit reached"),
            "status_500": (500, "api_error", "Internal server error"),
            "status_503": (503, "overloaded_error", "Service unavailable"),
            "status_401": (401, "authentication_error", "Invalid API key"),
            "status_403": (403, "permission_error", "Forbidden"),
            "status_400": (400, "invalid_request_error", "Bad request: invalid parameter"),
            "status_404": (404, "not_found_error", "The model does not exist"),
            "context_window": (
                400,
                "invalid_request_error",
                "This model's maximum context length is 8192 tokens. However, your messages resulted in 9000 tokens.",
            ),
        }
        if kind == "status_401_echo":  # like providers that quote the key they rejected
            presented = self.headers.get("authorization", "") + self.headers.get("x-api-key", "")
            errors[kind] = (401, "authentication_error", f"Incorrect API key provided: {presented}")
        if kind in errors:
            status, error_type, message = errors[kind]
            headers = {"retry-after": behaviour.retry_after} if behaviour.retry_after is not None else {}
            if wire == "anthropic":
                payload: Any = {"type": "error", "error": {"type": error_type, "message": message}}
            elif wire == "ollama":
                payload = {"error": message}
            else:
                payload = {"error": {"message": message, "type": error_type, "code": error_type}}
            self._send(status, payload, headers)
            return
        if behaviour.content is not None:
            content = behaviour.content
        elif kind == "empty":
            content = ""
        elif kind == "huge":
            content = "- " + "x" * (10 * 1024 * 1024)
        elif kind == "no_bullets":
            content = "Here is a summary of the function:"  # a preamble and nothing after it
        else:
            content = self.state.responder(record, index)
        if streaming:
            self._stream(wire, str(body.get("model", "fake")), record.prompt, content, behaviour)
            return
        self._send(200, _answer(wire, str(body.get("model", "fake")), record.prompt, content))

    def _stream(
        self, wire: str, model: str, prompt: str, content: str, behaviour: Behaviour, stall: bool = False
    ) -> None:
        """Headers now; the first chunk after `latency`; the rest `gap` apart (chunked encoding)."""
        self.send_response(200)
        self.send_header("content-type", "application/x-ndjson" if wire == "ollama" else "text/event-stream")
        self.send_header("transfer-encoding", "chunked")
        self.end_headers()
        stopping = self.state.stopping
        pieces = content.splitlines(keepends=True) or [""]
        events = _stream_events(wire, model, prompt, content, pieces)
        if behaviour.kind == "no_usage" and wire == "openai":
            events = (events[0], events[1], [events[2][0], events[2][2]])
        try:
            self.wfile.flush()
            if behaviour.latency:
                stopping.wait(behaviour.latency)
            opening, deltas, closing = events
            for event in opening:
                self._chunk(event)
            for number, event in enumerate(deltas):
                if number and behaviour.gap:
                    stopping.wait(behaviour.gap)
                if stopping.is_set():  # going away mid-answer: the connection drops
                    self._drop()
                    return
                self._chunk(event)
                if stall:
                    stopping.wait(600)
                    self._drop()
                    return
            for event in closing:
                self._chunk(event)
            self._chunk(b"")
        except (BrokenPipeError, ConnectionResetError, OSError):
            self.close_connection = True

    def _drop(self) -> None:
        self.close_connection = True
        with contextlib.suppress(OSError):
            self.connection.shutdown(socket.SHUT_RDWR)

    def _chunk(self, data: bytes) -> None:
        self.wfile.write(f"{len(data):x}\r\n".encode() + data + b"\r\n")
        self.wfile.flush()


def _answer(wire: str, model: str, prompt: str, content: str) -> dict[str, Any]:
    prompt_tokens, completion_tokens = _tokens(prompt), _tokens(content)
    if wire == "anthropic":
        return {
            "id": "msg_fake",
            "type": "message",
            "role": "assistant",
            "model": model,
            "content": [{"type": "text", "text": content}],
            "stop_reason": "end_turn",
            "stop_sequence": None,
            "usage": {"input_tokens": prompt_tokens, "output_tokens": completion_tokens},
        }
    if wire == "ollama":
        return {
            "model": model,
            "created_at": "2026-01-01T00:00:00Z",
            "message": {"role": "assistant", "content": content},
            "done": True,
            "done_reason": "stop",
            "prompt_eval_count": prompt_tokens,
            "eval_count": completion_tokens,
        }
    return {
        "id": "chatcmpl-fake",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": model,
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": content},
                "finish_reason": "stop",
            }
        ],
        "usage": {
            "prompt_tokens": prompt_tokens,
            "completion_tokens": completion_tokens,
            "total_tokens": prompt_tokens + completion_tokens,
        },
    }


def _sse(payload: dict[str, Any], event: str | None = None) -> bytes:
    head = f"event: {event}\n" if event else ""
    return f"{head}data: {json.dumps(payload)}\n\n".encode()


def _stream_events(
    wire: str, model: str, prompt: str, content: str, pieces: list[str]
) -> tuple[list[bytes], list[bytes], list[bytes]]:
    """(opening, one event per piece, closing) in the wire's streaming format, usage included."""
    prompt_tokens, completion_tokens = _tokens(prompt), _tokens(content)
    if wire == "anthropic":
        start = {
            "type": "message_start",
            "message": {
                "id": "msg_fake",
                "type": "message",
                "role": "assistant",
                "model": model,
                "content": [],
                "stop_reason": None,
                "stop_sequence": None,
                "usage": {"input_tokens": prompt_tokens, "output_tokens": 1},
            },
        }
        block = {"type": "content_block_start", "index": 0, "content_block": {"type": "text", "text": ""}}
        deltas = [
            _sse(
                {"type": "content_block_delta", "index": 0, "delta": {"type": "text_delta", "text": piece}},
                "content_block_delta",
            )
            for piece in pieces
        ]
        closing = [
            _sse({"type": "content_block_stop", "index": 0}, "content_block_stop"),
            _sse(
                {
                    "type": "message_delta",
                    "delta": {"stop_reason": "end_turn", "stop_sequence": None},
                    "usage": {"output_tokens": completion_tokens},
                },
                "message_delta",
            ),
            _sse({"type": "message_stop"}, "message_stop"),
        ]
        return [_sse(start, "message_start"), _sse(block, "content_block_start")], deltas, closing
    if wire == "ollama":

        def line(payload: dict[str, Any]) -> bytes:
            return json.dumps(payload).encode() + b"\n"

        base = {"model": model, "created_at": "2026-01-01T00:00:00Z"}
        deltas = [line({**base, "message": {"role": "assistant", "content": p}, "done": False}) for p in pieces]
        final = {
            **base,
            "message": {"role": "assistant", "content": ""},
            "done": True,
            "done_reason": "stop",
            "prompt_eval_count": prompt_tokens,
            "eval_count": completion_tokens,
        }
        return [], deltas, [line(final)]
    base = {"id": "chatcmpl-fake", "object": "chat.completion.chunk", "created": int(time.time()), "model": model}

    def chunk(delta: dict[str, Any], finish: str | None = None) -> bytes:
        return _sse({**base, "choices": [{"index": 0, "delta": delta, "finish_reason": finish}]})

    deltas = [chunk({"role": "assistant", "content": p} if i == 0 else {"content": p}) for i, p in enumerate(pieces)]
    usage = {
        **base,
        "choices": [],
        "usage": {
            "prompt_tokens": prompt_tokens,
            "completion_tokens": completion_tokens,
            "total_tokens": prompt_tokens + completion_tokens,
        },
    }
    return [], deltas, [chunk({}, "stop"), _sse(usage), b"data: [DONE]\n\n"]


def _reset(state: _State) -> None:
    state.requests.clear()
    state.queue.clear()
    state.always = Behaviour()
    state.first_attempt = None
    state.seen_prompts.clear()
    state.max_in_flight = 0
    state.first_received = state.last_answered = None


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 256


class FakeProvider:
    """The stand-in provider, run on a background thread."""

    def __init__(self, port: int = 0) -> None:
        self.state = _State()
        handler = type("Handler", (_Handler,), {"state": self.state})
        self._server = _Server(("127.0.0.1", port), handler)
        self._thread: threading.Thread | None = None

    @property
    def port(self) -> int:
        return int(self._server.server_address[1])

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def openai_base(self) -> str:
        return self.url + "/v1"

    anthropic_base = url
    ollama_base = url

    def start(self) -> FakeProvider:
        self._thread = threading.Thread(target=self._server.serve_forever, name="fake-provider", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self.state.stopping.set()
        if self._thread is not None:  # shutdown() waits forever if serve_forever never ran
            self._server.shutdown()
            self._thread = None
        self._server.server_close()

    def __enter__(self) -> FakeProvider:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- scripting -----------------------------------------------------------------------------

    def always(
        self,
        kind: str = OK,
        latency: float = 0.0,
        retry_after: str | None = None,
        content: str | None = None,
        gap: float = 0.0,
    ) -> None:
        with self.state.lock:
            self.state.always = Behaviour(kind, latency, retry_after, content, gap)

    def queue(
        self,
        *kinds: str,
        latency: float = 0.0,
        retry_after: str | None = None,
        content: str | None = None,
        gap: float = 0.0,
    ) -> None:
        with self.state.lock:
            self.state.queue.extend(Behaviour(kind, latency, retry_after, content, gap) for kind in kinds)

    def on_first_attempt(self, kind: str, retry_after: str | None = None) -> None:
        with self.state.lock:
            self.state.first_attempt = Behaviour(kind, 0.0, retry_after)

    def reset(self) -> None:
        with self.state.lock:
            _reset(self.state)

    # -- observations --------------------------------------------------------------------------

    @property
    def requests(self) -> list[Recorded]:
        with self.state.lock:
            return list(self.state.requests)

    @property
    def max_in_flight(self) -> int:
        return self.state.max_in_flight

    @property
    def span(self) -> float:
        """Seconds from the first request's arrival to the last response."""
        if self.state.first_received is None or self.state.last_answered is None:
            return 0.0
        return self.state.last_answered - self.state.first_received

    def saw(self, secret: str) -> bool:
        """Whether `secret` appears anywhere in what the provider received."""
        for record in self.requests:
            if secret in json.dumps(record.body) or any(secret in v for v in record.headers.values()):
                return True
        return False


def main() -> int:
    parser = argparse.ArgumentParser(description="stand-in LLM provider")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--latency", type=float, default=0.0)
    args = parser.parse_args()
    fake = FakeProvider(args.port)
    fake.always(latency=args.latency)
    print(f"READY {fake.port}", flush=True)
    with contextlib.suppress(KeyboardInterrupt):
        fake._server.serve_forever()
    return 0


if __name__ == "__main__":
    sys.exit(main())
