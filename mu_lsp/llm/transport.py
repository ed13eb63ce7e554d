"""The one place that talks to LiteLLM, and the pool's backend for every provider it serves.

LiteLLM is imported on the first call, not before: the import costs ~5 s and ~200 MB, and by
default it downloads a price map at import time, so `LITELLM_LOCAL_MODEL_COST_MAP` is set
first (no call home; works offline). Its own retries and the SDKs' are switched off, so one
`complete` is one HTTP request and retrying happens only in the pool. Answers are streamed
(see `complete`).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import threading
from typing import Any

from mu_lsp.llm.completion import (
    MAX_ANSWER_CHARS,
    Call,
    CompleteFn,
    Completion,
    NoFirstToken,
    StalledAnswer,
    UnreadableStream,
)
from mu_lsp.llm.providers import ModelConfig

_lock = threading.Lock()
_litellm: Any = None
HARD_DEADLINE_GRACE_SECONDS = 2.0
LOCAL_ADDRESSES = ("localhost", "127.0.0.1", "::1", "[::1]")


def bypass_proxy_for_local_addresses(environ: Any = os.environ) -> None:
    """Add this machine's addresses to `NO_PROXY`.

    With `HTTP_PROXY` set, the HTTP clients under LiteLLM send even `http://localhost:11434` to
    the proxy: a local model's requests (the user's code) would leave the machine, and fail.
    """
    for name in ("NO_PROXY", "no_proxy"):
        present = [item.strip() for item in environ.get(name, "").split(",") if item.strip()]
        if "*" in present:
            continue
        missing = [address for address in LOCAL_ADDRESSES if address not in present]
        if missing:
            environ[name] = ",".join([*present, *missing])


def load_litellm() -> Any:
    """Import and configure LiteLLM once per process."""
    global _litellm  # noqa: PLW0603 - a process-wide lazy import
    with _lock:
        if _litellm is None:
            os.environ["LITELLM_LOCAL_MODEL_COST_MAP"] = "True"
            os.environ.setdefault("LITELLM_LOG", "ERROR")
            os.environ.setdefault("LITELLM_TELEMETRY", "False")
            bypass_proxy_for_local_addresses()
            import litellm

            litellm.suppress_debug_info = True
            setattr(litellm, "set_verbose", False)  # noqa: B010 - not in its type stubs
            litellm.telemetry = False
            litellm.num_retries = 0
            litellm.drop_params = True
            for name in ("LiteLLM", "LiteLLM Router", "LiteLLM Proxy", "litellm", "httpx"):
                logging.getLogger(name).setLevel(logging.ERROR)
            _litellm = litellm
    return _litellm


async def complete(
    model: ModelConfig,
    messages: list[dict[str, str]],
    api_base: str | None,
    api_key: str | None,
    timeout: float,
    stall_timeout: float | None = None,
) -> Completion:
    """One streamed chat completion; raises LiteLLM's exceptions unchanged for the pool to classify.

    Streamed, so that a timeout means "the server stopped making progress", not "the answer
    took long": `timeout` bounds the wait for the first token (queued work at a local server
    starts late), `stall_timeout` each silence after it. An answer that keeps arriving is
    never cut off. Usage comes from the stream's last chunk (`include_usage`); a provider that
    sends none gets an estimate from the characters, marked as such.
    """
    litellm = load_litellm()
    stall = stall_timeout or timeout
    kwargs: dict[str, Any] = {
        "model": model.litellm_model,
        "messages": messages,
        # The HTTP client's own read timeout is only a backstop: the deadlines below decide.
        "timeout": max(timeout, stall) + HARD_DEADLINE_GRACE_SECONDS,
        "max_tokens": model.max_output_tokens,
        "temperature": 0.2,
        "num_retries": 0,
        "max_retries": 0,
        "stream": True,
        "stream_options": {"include_usage": True},
    }
    if api_base:
        kwargs["api_base"] = api_base
    if api_key:
        kwargs["api_key"] = api_key
    loop = asyncio.get_running_loop()
    started = loop.time()
    parts: list[str] = []
    size = 0
    first: float | None = None
    usage: tuple[int, int] | None = None
    spoke = False  # a real delta arrived (LiteLLM makes up a final chunk even for an unreadable body)
    try:
        # LiteLLM's own timeout does not hold on every path (a proxy that accepts and never
        # answers held a request for minutes): the deadline is kept here, moved on each chunk.
        async with asyncio.timeout(timeout + HARD_DEADLINE_GRACE_SECONDS) as deadline:
            stream = await litellm.acompletion(**kwargs)
            async for chunk in stream:
                usage = _usage(chunk) or usage
                spoke = spoke or _spoke(chunk)
                text = _delta(chunk)
                if not text:
                    continue
                if first is None:
                    first = loop.time() - started
                parts.append(text)
                size += len(text)
                if size > MAX_ANSWER_CHARS:
                    break  # the pool refuses it; reading on would only cost memory
                deadline.reschedule(loop.time() + stall)
            await _close(stream)
    except Exception as error:
        if isinstance(error, TimeoutError) or {c.__name__ for c in type(error).__mro__} & _TIMEOUTS:
            if first is None:
                raise NoFirstToken(f"no answer within {timeout:g} s") from error
            raise StalledAnswer(f"the answer stopped for {stall:g} s") from error
        raise
    text = "".join(parts)
    if not (text or usage or spoke):  # a body LiteLLM could not read as a stream
        raise UnreadableStream("unreadable response: no answer in the stream")
    if usage is None:
        sent = sum(len(m.get("content", "")) for m in messages)
        return Completion(text, sent // 4 + 1, len(text) // 4 + 1, usage_estimated=True, first_token_seconds=first)
    return Completion(text, *usage, first_token_seconds=first)


_TIMEOUTS = {"Timeout", "APITimeoutError", "ReadTimeout"}


async def _close(stream: Any) -> None:
    close = getattr(stream, "aclose", None)
    if close is not None:
        with contextlib.suppress(Exception):
            await close()


def _delta(chunk: Any) -> str:
    try:
        content = chunk.choices[0].delta.content
    except (AttributeError, IndexError, KeyError, TypeError):
        return ""
    return content if isinstance(content, str) else ""


def _spoke(chunk: Any) -> bool:
    try:
        delta = chunk.choices[0].delta
        return delta.content is not None or bool(delta.role)
    except (AttributeError, IndexError, KeyError, TypeError):
        return False


def _usage(chunk: Any) -> tuple[int, int] | None:
    usage = getattr(chunk, "usage", None)
    prompt = getattr(usage, "prompt_tokens", 0) or 0
    completion = getattr(usage, "completion_tokens", 0) or 0
    if not (prompt or completion):
        return None
    return int(prompt), int(completion)


class LiteLLMBackend:
    """Sends the call's messages; `complete_fn` replaces LiteLLM in tests."""

    remote = True

    def __init__(self, complete_fn: CompleteFn | None = None) -> None:
        self._complete = complete_fn

    async def complete(self, call: Call) -> Completion:
        if self._complete is not None:
            return await self._complete(call.model, call.messages, call.api_base, call.api_key, call.timeout)
        return await complete(call.model, call.messages, call.api_base, call.api_key, call.timeout, call.stall_timeout)
