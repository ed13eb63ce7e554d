"""The pool's completion hook: one attempt at a summary, whatever produces it.

The pool does everything else the same way for every provider (privacy, cache, de-duplication,
concurrency, retries, budget, stats); a backend only turns one `Call` into a `Completion` or
raises. LiteLLM's backend lives in `transport` (the only LiteLLM import), the offline
summarizer's in `structural`.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Protocol

from mu_lsp.llm.providers import ModelConfig
from mu_lsp.llm.types import SummarizationRequest

# 1-3 short lines are a few hundred characters; an answer this long is broken, not a summary
# (a stream is not read past it).
MAX_ANSWER_CHARS = 20_000


def too_long(text: str) -> str | None:
    """Why an answer is refused for its size, or None."""
    if len(text) <= MAX_ANSWER_CHARS:
        return None
    size = f"{len(text) / 1e6:.1f} MB" if len(text) >= 1e5 else f"{len(text):,} characters"
    return f"the model's answer was implausibly long ({size}); not used"


class UnreadableStream(ValueError):
    """The server answered, but nothing in it was a chunk of an answer (not even an end)."""


class NoFirstToken(TimeoutError):
    """Nothing of the answer arrived within the first-token timeout."""


class StalledAnswer(TimeoutError):
    """The answer had started, then nothing arrived for the stall timeout."""


@dataclass(frozen=True, slots=True)
class Completion:
    text: str
    input_tokens: int
    output_tokens: int
    bullets: tuple[str, ...] | None = None  # already bullets: no model answer to parse
    usage_estimated: bool = False  # the provider reported no usage: tokens counted from characters
    first_token_seconds: float | None = None  # how long the server took to start answering


@dataclass(frozen=True, slots=True)
class Call:
    """One attempt: the request, and the exact (redacted) messages a remote backend sends."""

    request: SummarizationRequest
    messages: list[dict[str, str]]
    model: ModelConfig
    api_base: str | None
    api_key: str | None
    timeout: float  # until the first token: queued work at a local server is slow to start
    stall_timeout: float | None = None  # silence allowed between chunks once the answer started


class CompletionBackend(Protocol):
    @property
    def remote(self) -> bool:
        """Whether a call leaves the process: messages are built and redacted for it, and each
        attempt counts as a request."""
        ...

    async def complete(self, call: Call) -> Completion: ...


# LiteLLM's call shape, injectable for tests: (model, messages, api_base, api_key, timeout);
# the stall timeout goes to the real transport only.
CompleteFn = Callable[[ModelConfig, list[dict[str, str]], str | None, str | None, float], Awaitable[Completion]]
