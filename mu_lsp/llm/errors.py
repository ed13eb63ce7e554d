"""Turning provider failures into a kind, a retry decision and a sentence a user understands.

Classification goes by class names along the exception's MRO, so this module does not import
LiteLLM (whose import costs ~5 s). Messages never carry an API key: provider text is scrubbed
of the configured keys and of anything that looks like a secret.
"""

from __future__ import annotations

import asyncio
import email.utils
import re
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlparse

from mu_lsp.llm.pacing import clock_time
from mu_lsp.llm.providers import endpoint_identity
from mu_lsp.llm.types import ErrorKind, LLMProvider
from mu_lsp.privacy.scrub import scrub

_CONTEXT_WORDS = re.compile(
    r"context.{0,20}(length|window)|maximum context|too many tokens|prompt is too long|"
    r"reduce the length",
    re.IGNORECASE,
)
_PREFIX = re.compile(r"^(litellm\.)?\w+(Error|Exception)?:\s*", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class ProviderFailure:
    kind: ErrorKind
    retryable: bool
    retry_after: float | None
    status: int | None
    detail: str  # scrubbed provider text, for logs and bad-request messages
    stalled: bool = False  # a timeout after the answer had started (not before the first token)


def _names(error: BaseException) -> set[str]:
    return {cls.__name__ for cls in type(error).__mro__}


def _headers(error: BaseException) -> Any:
    """Whatever header mapping the exception carries (dict or httpx.Headers), else {}."""
    for attribute in ("litellm_response_headers", "headers"):
        headers = getattr(error, attribute, None)
        if hasattr(headers, "get"):
            return headers
    response = getattr(error, "response", None)
    headers = getattr(response, "headers", None)
    return headers if hasattr(headers, "get") else {}


def retry_after_seconds(error: BaseException, now: float | None = None) -> float | None:
    """The Retry-After header (seconds or HTTP date), if the provider sent one."""
    try:
        headers = _headers(error)
        value = headers.get("retry-after") or headers.get("Retry-After")
    except Exception:
        return None
    if value is None:
        return None
    text = str(value).strip()
    try:
        return max(0.0, float(text))
    except ValueError:
        pass
    try:
        moment = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    return max(0.0, moment.timestamp() - (time.time() if now is None else now))


def _status(error: BaseException) -> int | None:
    status = getattr(error, "status_code", None)
    if isinstance(status, int):
        return status
    response = getattr(error, "response", None)
    code = getattr(response, "status_code", None)
    return code if isinstance(code, int) else None


def _detail(error: BaseException) -> str:
    message = str(getattr(error, "message", "") or error)
    message = _PREFIX.sub("", message.strip())
    message = " ".join(message.split())
    return scrub(message)[:200]


def classify(error: BaseException) -> ProviderFailure:
    """Kind and retry decision for one failed attempt.

    LiteLLM reports an unreadable body as a 500 `InternalServerError` or `APIConnectionError`
    whose message is a JSON decoding error, and a malformed-but-JSON body as a TypeError from
    inside its parser; both are the provider's answer being broken, not the network.
    """
    names = _names(error)
    status = _status(error)
    detail = _detail(error)
    retry_after = retry_after_seconds(error)

    def failure(kind: ErrorKind, retryable: bool) -> ProviderFailure:
        return ProviderFailure(kind, retryable, retry_after, status, detail, "StalledAnswer" in names)

    if "ContextWindowExceededError" in names:
        return failure(ErrorKind.CONTEXT_WINDOW, False)
    if names & {"AuthenticationError", "PermissionDeniedError"} or status in (401, 403):
        return failure(ErrorKind.AUTHENTICATION, False)
    if "RateLimitError" in names or status == 429:
        return failure(ErrorKind.RATE_LIMIT, True)
    if names & {"Timeout", "APITimeoutError", "TimeoutError", "ReadTimeout"} or isinstance(error, asyncio.TimeoutError):
        return failure(ErrorKind.TIMEOUT, True)
    if "NotFoundError" in names or status == 404:
        return failure(ErrorKind.NOT_FOUND, False)
    if names & {"BadRequestError", "UnprocessableEntityError"} or status in (400, 422):
        if _CONTEXT_WORDS.search(detail):
            return failure(ErrorKind.CONTEXT_WINDOW, False)
        return failure(ErrorKind.BAD_REQUEST, False)
    if _looks_unreadable(detail) or "UnreadableStream" in names:
        return failure(ErrorKind.BAD_RESPONSE, True)
    if names & {
        "TypeError",
        "KeyError",
        "AttributeError",
        "IndexError",
        "JSONDecodeError",
        "APIResponseValidationError",
    }:
        return failure(ErrorKind.BAD_RESPONSE, False)
    if names & {
        "APIConnectionError",
        "ConnectError",
        "ConnectionError",
        "OSError",
    } or _looks_disconnected(detail):
        return failure(ErrorKind.CONNECTION, True)
    if (status is not None and status >= 500) or names & {
        "InternalServerError",
        "ServiceUnavailableError",
        "BadGatewayError",
    }:
        return failure(ErrorKind.SERVER, True)
    return failure(ErrorKind.INTERNAL, False)


def _looks_disconnected(detail: str) -> bool:
    lowered = detail.lower()
    return any(
        word in lowered
        for word in (
            "connection error",
            "disconnected",
            "connection refused",
            "connect call failed",
        )
    )


def _looks_unreadable(detail: str) -> bool:
    lowered = detail.lower()
    return any(
        word in lowered
        for word in (
            "expecting value",
            "unable to get json",
            "jsondecode",
            "invalid json",
            "unterminated string",
        )
    )


def called(provider: LLMProvider, api_base: str | None) -> str:
    """What was called, as a user configured it: "the model server at 127.0.0.1:8088" for an
    `api_base`, else the provider's name."""
    if not api_base:
        return provider.value
    try:
        parts = urlparse(api_base.strip())
        host, port = parts.hostname or "", parts.port
    except ValueError:
        return f"the model server for {provider.value}"
    if ":" in host:
        host = f"[{host}]"
    return f"the model server at {host}:{port}" if port else f"the model server at {host}"


def rate_limited_until(provider: LLMProvider, api_base: str | None, until: float, bound: float) -> str:
    """The provider asked to wait longer than the pool waits: fail now, say until when."""
    return (
        f"rate-limited by {called(provider, api_base)} until {clock_time(until)} — longer than mu-lsp "
        f"waits ({bound:g} s); click the lens or run mu.summarizeFile to try again then"
    )


def describe(
    failure: ProviderFailure,
    provider: LLMProvider,
    model: str,
    attempts: int,
    timeout: float,
    api_base: str | None,
    stall_timeout: float | None = None,
) -> str:
    """A plain sentence for the hover and the CLI, naming what was called and what to change;
    never contains a key. The part before the first ";" is what a lens shows."""
    name = provider.value
    who = called(provider, api_base)
    tries = f"after {attempts} attempt{'s' if attempts != 1 else ''}"
    kind = failure.kind
    if kind is ErrorKind.AUTHENTICATION:
        hint = provider.spec.auth_hint.format(endpoint=endpoint_identity(api_base) or name)
        return f"authentication failed for {name}: {hint}"
    if kind is ErrorKind.RATE_LIMIT:
        return f"rate-limited by {who} ({tries}); try again later or lower [llm] concurrency"
    if kind is ErrorKind.TIMEOUT and failure.stalled:
        return (
            f"{who} stopped sending its answer for {stall_timeout or timeout:g} s ({tries}); "
            "raise [llm] stall_timeout_seconds"
        )
    if kind is ErrorKind.TIMEOUT:
        return (
            f"{who} did not answer within {timeout:g} s ({tries}); raise [llm] timeout_seconds, "
            "or set [llm] concurrency to 1 if it answers one request at a time"
        )
    if kind is ErrorKind.CONNECTION:
        where = f" at {endpoint_identity(api_base)}" if api_base else ""
        return f"could not connect to {name}{where} ({tries})"
    if kind is ErrorKind.SERVER:
        code = f" {failure.status}" if failure.status else ""
        return f"{who} answered with a server error{code} ({tries})"
    if kind is ErrorKind.NOT_FOUND:
        return f"model {model} not found at {who}: check [llm] model"
    if kind is ErrorKind.CONTEXT_WINDOW:
        return f"the function is too long for {model}'s context window"
    if kind is ErrorKind.BAD_REQUEST:
        return f"{who} rejected the request: {failure.detail[:120] or 'bad request'}"
    if kind is ErrorKind.BAD_RESPONSE:
        return f"{who} returned an unreadable response ({tries})"
    return f"unexpected error talking to {who}: {failure.detail[:120]}"
