"""Boundary types of the LLM layer: what goes into the pool, what comes out, and why it failed.

`LLMProvider` lives with the provider table (`mu_lsp.providers`) and is re-exported here.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from enum import StrEnum

from mu_lsp.providers import LLMProvider

__all__ = [
    "CostEstimate",
    "ErrorKind",
    "LLMProvider",
    "LLMStats",
    "SummarizationRequest",
    "SummarizationResult",
]


class ErrorKind(StrEnum):
    """Why a summary is missing; the editor shows a state per kind."""

    AUTHENTICATION = "authentication"
    RATE_LIMIT = "rate_limit"
    TIMEOUT = "timeout"
    CONNECTION = "connection"
    SERVER = "server"
    BAD_REQUEST = "bad_request"
    NOT_FOUND = "not_found"
    CONTEXT_WINDOW = "context_window"
    BAD_RESPONSE = "bad_response"
    BUDGET = "budget"
    EXCLUDED = "excluded"
    CANCELLED = "cancelled"
    UNAVAILABLE = "unavailable"  # the summarizer process cannot start
    INTERNAL = "internal"


@dataclass(frozen=True, slots=True)
class SummarizationRequest:
    """One function to explain.

    `body_hash` should be the structural hash from `mu_lsp.analysis.hashing` (it ignores
    formatting and comments); when empty, a whitespace-insensitive hash of the text is used.
    """

    function_name: str  # the qualified name, e.g. `Class.method`
    body_source: str  # the whole definition, decorators included
    language: str
    context: str = ""  # module / class the function lives in
    signature: str = ""
    hot_spots: tuple[str, ...] = ()  # "line 12 (+4): if a and b:" — where complexity piles up
    body_hash: str = ""
    path: str | None = None  # checked against [privacy] exclude before anything is sent
    cyclomatic: int = 0
    cognitive: int = 0

    @property
    def content_hash(self) -> str:
        if self.body_hash:
            return self.body_hash
        normalized = " ".join(self.body_source.split())
        return hashlib.blake2b(normalized.encode(), digest_size=16).hexdigest()


@dataclass(frozen=True, slots=True)
class SummarizationResult:
    function_name: str
    summary: tuple[str, ...] = ()
    cached: bool = False
    error: str | None = None
    error_kind: ErrorKind | None = None
    model: str = ""
    provider: str = ""
    offline: bool = False
    input_tokens: int = 0
    output_tokens: int = 0
    cost_usd: float | None = 0.0  # None: the price of this model is unknown
    redactions: int = 0
    cache_key: str = ""
    retry_at: float | None = None  # rate-limited for longer than the pool waits: until when (epoch)

    @property
    def ok(self) -> bool:
        return self.error is None and bool(self.summary)


@dataclass(frozen=True, slots=True)
class CostEstimate:
    """What a batch would cost before it is sent; cached requests are excluded."""

    requests: int
    cached: int
    input_tokens: int
    output_tokens: int
    cost_usd: float | None  # None: unknown price for this model
    model: str
    provider: str

    @property
    def is_free(self) -> bool:
        return self.cost_usd == 0.0

    def describe(self) -> str:
        cost = "unknown cost" if self.cost_usd is None else f"${self.cost_usd:.4f}"
        return (
            f"{self.requests} call{'s' if self.requests != 1 else ''} to {self.model} "
            f"(~{self.input_tokens:,} input + ~{self.output_tokens:,} output tokens): {cost}; "
            f"{self.cached} from cache"
        )


@dataclass(slots=True)
class LLMStats:
    """Counters for one pool (one session)."""

    requests: int = 0  # HTTP calls made (retries included)
    completed: int = 0  # summaries produced by a provider call
    cache_hits: int = 0  # from memory, disk or the team's shared store
    shared_hits: int = 0  # of which from the shared store
    deduplicated: int = 0
    failures: int = 0
    retries: int = 0
    input_tokens: int = 0
    output_tokens: int = 0
    cost_usd: float = 0.0
    unknown_cost_calls: int = 0
    strict_retries: int = 0  # unusable answers asked again with the stricter prompt (also in `requests`)
    estimated_usage_calls: int = 0  # answers whose tokens were counted from characters, not reported
    errors_by_kind: dict[str, int] = field(default_factory=dict)

    def hit(self, source: str) -> None:
        """A summary from a cache (`source`: "memory", "disk" or "shared")."""
        self.cache_hits += 1
        self.shared_hits += source == "shared"

    def as_dict(self) -> dict[str, object]:
        return {
            "requests": self.requests,
            "completed": self.completed,
            "cacheHits": self.cache_hits,
            "sharedHits": self.shared_hits,
            "deduplicated": self.deduplicated,
            "failures": self.failures,
            "retries": self.retries,
            "inputTokens": self.input_tokens,
            "outputTokens": self.output_tokens,
            "costUsd": round(self.cost_usd, 6),
            "unknownCostCalls": self.unknown_cost_calls,
            "strictRetries": self.strict_retries,
            "estimatedUsageCalls": self.estimated_usage_calls,
            "errorsByKind": dict(self.errors_by_kind),
        }
