"""The one place that talks to LiteLLM.

LiteLLM is imported on the first call, not before: the import costs ~5 s and ~200 MB, and by
default it downloads a price map at import time, so `LITELLM_LOCAL_MODEL_COST_MAP` is set
first (no call home; works offline). Its own retries and the SDKs' are switched off, so one
`complete` is one HTTP request and retrying happens only in the pool.
"""

from __future__ import annotations

import asyncio
import logging
import os
import threading
from dataclasses import dataclass
from typing import Any

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


@dataclass(frozen=True, slots=True)
class Completion:
    text: str
    input_tokens: int
    output_tokens: int


async def complete(
    model: ModelConfig,
    messages: list[dict[str, str]],
    api_base: str | None,
    api_key: str | None,
    timeout: float,
) -> Completion:
    """One chat completion; raises LiteLLM's exceptions unchanged for the pool to classify."""
    litellm = load_litellm()
    kwargs: dict[str, Any] = {
        "model": model.litellm_model,
        "messages": messages,
        "timeout": timeout,
        "max_tokens": model.max_output_tokens,
        "temperature": 0.2,
        "num_retries": 0,
        "max_retries": 0,
    }
    if api_base:
        kwargs["api_base"] = api_base
    if api_key:
        kwargs["api_key"] = api_key
    # LiteLLM's own timeout does not hold on every path (a proxy that accepts and never answers
    # held a request for minutes), so the pool's promise is kept here as a hard deadline.
    async with asyncio.timeout(timeout + HARD_DEADLINE_GRACE_SECONDS):  # no extra task, unlike wait_for
        response = await litellm.acompletion(**kwargs)
    return Completion(_content(response), *_usage(response))


def _content(response: Any) -> str:
    try:
        content = response.choices[0].message.content
    except (AttributeError, IndexError, KeyError, TypeError):
        return ""
    return content if isinstance(content, str) else ""


def _usage(response: Any) -> tuple[int, int]:
    usage = getattr(response, "usage", None)
    prompt = getattr(usage, "prompt_tokens", 0) or 0
    completion = getattr(usage, "completion_tokens", 0) or 0
    return int(prompt), int(completion)
