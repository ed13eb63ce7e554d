"""LLMPool: batch summarization with one shared limiter, de-duplication, retries and a budget.

Improvements over the seed design:
* one concurrency limiter per pool, shared by every call (not one per batch), clamped to 10
  for API providers;
* N concurrent requests with the same cache key make one provider call;
* retries live here only (LiteLLM's and the SDKs' are off): rate limits back off 2, 4, 8 ...
  capped at 60 s with jitter, honoring Retry-After; timeouts, 5xx and connection errors
  retry up to `max_retries`; authentication, bad request, not found and context-window
  errors never retry;
* a session budget stops new paid calls once reached;
* requests can be cancelled while queued or running;
* secrets are redacted and excluded files refused before anything is sent.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import os
import random
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from mu_lsp.llm.cache import CachedSummary, SummaryCache, cache_key
from mu_lsp.llm.cost import estimate_cost
from mu_lsp.llm.errors import ProviderFailure, classify, describe
from mu_lsp.llm.offline import summarize_offline
from mu_lsp.llm.privacy import ExcludeMatcher
from mu_lsp.llm.prompts import UnparseableAnswer, build_messages, parse_summary
from mu_lsp.llm.providers import ModelConfig, is_local_url
from mu_lsp.llm.redact import redact_secrets
from mu_lsp.llm.transport import Completion, complete
from mu_lsp.llm.types import (
    CostEstimate,
    ErrorKind,
    LLMProvider,
    LLMStats,
    SummarizationRequest,
    SummarizationResult,
)

log = logging.getLogger(__name__)

MAX_API_CONCURRENCY = 10
DEFAULT_CONCURRENCY = 5
DEFAULT_OLLAMA_CONCURRENCY = 2
EXTRA_RATE_LIMIT_RETRIES = 3
# 1-3 short bullets are a few hundred characters; an answer this long is broken, not a summary.
MAX_ANSWER_CHARS = 20_000
# Budgeting a model whose price is unknown: assume an expensive tier, so the budget still binds.
UNKNOWN_PRICE_PER_MILLION = (15.0, 75.0)

CompleteFn = Callable[[ModelConfig, list[dict[str, str]], str | None, str | None, float], Awaitable[Completion]]
ProgressCallback = Callable[[int, int], None]


@dataclass(frozen=True, slots=True)
class Backoff:
    """Delays between attempts: base * 2**n, capped, times a jitter in [1, 1 + jitter]."""

    base: float = 2.0
    cap: float = 60.0
    jitter: float = 0.25

    def delay(self, retry: int, retry_after: float | None) -> float:
        spread = 1.0 + random.random() * self.jitter
        if retry_after is not None:
            return float(min(self.cap, retry_after * spread)) if retry_after > 0 else 0.0
        return float(min(self.cap, self.base * (2.0**retry) * spread))


@dataclass(frozen=True, slots=True)
class PoolConfig:
    provider: LLMProvider
    model: ModelConfig
    api_base: str | None = None
    timeout_seconds: float = 30.0
    max_retries: int = 2
    concurrency: int = DEFAULT_CONCURRENCY
    max_session_cost_usd: float = 1.0
    exclude: ExcludeMatcher = field(default_factory=lambda: ExcludeMatcher.from_patterns(()))
    workspace_root: Path | None = None


@dataclass(slots=True)
class _Flight:
    task: asyncio.Task[SummarizationResult]
    waiters: int = 0


class LLMPool:
    def __init__(
        self,
        config: PoolConfig,
        cache: SummaryCache,
        *,
        backoff: Backoff | None = None,
        complete_fn: CompleteFn | None = None,
        environ: Mapping[str, str] | None = None,
    ) -> None:
        self.warnings: list[str] = []
        concurrency = max(1, config.concurrency)
        if concurrency > MAX_API_CONCURRENCY:
            self.warnings.append(
                f"[llm] concurrency {concurrency} is above the maximum of {MAX_API_CONCURRENCY}; "
                f"using {MAX_API_CONCURRENCY}"
            )
            concurrency = MAX_API_CONCURRENCY
        self.config = replace(config, concurrency=concurrency)
        self.cache = cache
        self.stats = LLMStats()
        self._backoff = backoff or Backoff()
        self._complete = complete_fn or complete
        self._environ = os.environ if environ is None else environ
        self._limiter = asyncio.Semaphore(concurrency)
        self._flights: dict[str, _Flight] = {}
        self._budget_spent = 0.0
        for warning in self.warnings:
            log.warning("%s", warning)

    # -- public API ----------------------------------------------------------------------------

    @property
    def provider(self) -> LLMProvider:
        return self.config.provider

    @property
    def model_name(self) -> str:
        return self.config.model.name

    @property
    def budget_reached(self) -> bool:
        return self.config.provider.is_paid and self._budget_spent >= self.config.max_session_cost_usd

    def key_for(self, request: SummarizationRequest) -> str:
        return cache_key(request.content_hash, request.language, self.provider.value, self.model_name)

    def is_excluded(self, request: SummarizationRequest) -> bool:
        return bool(request.path) and self.config.exclude.is_excluded(request.path or "", self.config.workspace_root)

    def estimate(self, requests: Sequence[SummarizationRequest], use_cache: bool = True) -> CostEstimate:
        """Blocking estimate (reads the disk cache): call it off the event loop."""
        sendable = [r for r in requests if not self.is_excluded(r)]
        return estimate_cost(
            sendable,
            self.model_name,
            self.provider,
            is_cached=self._is_cached if use_cache else None,
            api_base=self.config.api_base,
        )

    def _landed(self, key: str, _task: asyncio.Task[SummarizationResult]) -> None:
        self._flights.pop(key, None)

    def _is_cached(self, request: SummarizationRequest) -> bool:
        return self.cache.contains(self.key_for(request))

    async def summarize(
        self, request: SummarizationRequest, use_cache: bool = True, override_budget: bool = False
    ) -> SummarizationResult:
        """One summary; from the cache when possible. Never raises except on cancellation.

        `override_budget` is for a user's explicit request for this one function: the budget
        stops automatic spending, not a deliberate click.
        """
        key = self.key_for(request)
        if self.is_excluded(request):
            return self._failure(request, key, ErrorKind.EXCLUDED, "not sent: the file matches [privacy] exclude")
        if use_cache:
            entry, level = await self.cache.get(key)
            if entry is not None:
                self.stats.cache_hits += 1
                if level == "memory":
                    self.stats.memory_hits += 1
                else:
                    self.stats.disk_hits += 1
                return self._from_cache(request, key, entry)
        flight = self._flights.get(key)
        if flight is None:
            task = asyncio.ensure_future(self._produce(request, key, override_budget))
            flight = self._flights[key] = _Flight(task)
            task.add_done_callback(functools.partial(self._landed, key))
        else:
            self.stats.deduplicated += 1
        flight.waiters += 1
        try:
            return await asyncio.shield(flight.task)
        except asyncio.CancelledError:
            current = asyncio.current_task()
            if flight.task.cancelled() and not (current is not None and current.cancelling()):
                return self._failure(request, key, ErrorKind.CANCELLED, "cancelled")
            raise
        finally:
            flight.waiters -= 1
            if flight.waiters <= 0 and not flight.task.done():
                flight.task.cancel()

    async def summarize_batch(
        self,
        requests: Sequence[SummarizationRequest],
        progress_callback: ProgressCallback | None = None,
        use_cache: bool = True,
    ) -> list[SummarizationResult]:
        """Results in request order; `progress_callback(done, total)` after each one."""
        total = len(requests)
        done = 0

        async def one(request: SummarizationRequest) -> SummarizationResult:
            nonlocal done
            result = await self.summarize(request, use_cache=use_cache)
            done += 1
            if progress_callback is not None:
                try:
                    progress_callback(done, total)
                except Exception:  # a broken callback must not lose results
                    log.exception("progress callback failed")
            return result

        return list(await asyncio.gather(*(one(r) for r in requests)))

    def cancel(self, key: str) -> bool:
        """Cancel the queued or running call for `key`; its waiters get a `cancelled` result."""
        flight = self._flights.get(key)
        if flight is None or flight.task.done():
            return False
        flight.task.cancel()
        return True

    def clear_cache(self) -> None:
        self.cache.clear()

    def close(self) -> None:
        for flight in list(self._flights.values()):
            flight.task.cancel()
        self.cache.close()

    # -- internals -----------------------------------------------------------------------------

    def _from_cache(self, request: SummarizationRequest, key: str, entry: CachedSummary) -> SummarizationResult:
        return SummarizationResult(
            function_name=request.function_name,
            summary=entry.summary,
            cached=True,
            model=entry.model or self.model_name,
            provider=entry.provider or self.provider.value,
            offline=self.provider is LLMProvider.OFFLINE,
            cost_usd=0.0,
            cache_key=key,
        )

    def _failure(self, request: SummarizationRequest, key: str, kind: ErrorKind, message: str) -> SummarizationResult:
        self.stats.failures += 1
        self.stats.errors_by_kind[kind.value] = self.stats.errors_by_kind.get(kind.value, 0) + 1
        return SummarizationResult(
            function_name=request.function_name,
            error=message,
            error_kind=kind,
            model=self.model_name,
            provider=self.provider.value,
            offline=self.provider is LLMProvider.OFFLINE,
            cache_key=key,
        )

    async def _produce(
        self, request: SummarizationRequest, key: str, override_budget: bool = False
    ) -> SummarizationResult:
        if self.provider is LLMProvider.OFFLINE:
            return await self._offline(request, key)
        redaction = redact_secrets(request.body_source)
        messages = build_messages(
            replace(request, hot_spots=tuple(redact_secrets(h).text for h in request.hot_spots)),
            redaction.text,
        )
        api_key = self._api_key()
        if self.provider.is_paid and not api_key and not is_local_url(self.config.api_base):
            variable = self.provider.key_variable or "the API key"
            return self._failure(
                request,
                key,
                ErrorKind.AUTHENTICATION,
                f"no API key for {self.provider.value}: set {variable}",
            )
        async with self._limiter:
            result = await self._attempts(request, key, messages, api_key, len(redaction.findings), override_budget)
        if result.ok:
            # Stored before the result is handed out (a summary that was reported is never
            # lost), but after the slot is released (the next call does not wait on the disk).
            await self.cache.set(
                key,
                CachedSummary(result.summary, result.model, result.provider, result.input_tokens, result.output_tokens),
            )
        return result

    async def _attempts(
        self,
        request: SummarizationRequest,
        key: str,
        messages: list[dict[str, str]],
        api_key: str | None,
        redactions: int,
        override_budget: bool = False,
    ) -> SummarizationResult:
        config = self.config
        retries = 0
        attempts = 0
        while True:
            if self.budget_reached and not (override_budget and attempts == 0):
                return self._failure(
                    request,
                    key,
                    ErrorKind.BUDGET,
                    f"session budget of ${config.max_session_cost_usd:.2f} reached "
                    f"(${self._budget_spent:.4f} spent): raise [llm] max_session_cost_usd to continue",
                )
            attempts += 1
            self.stats.requests += 1
            try:
                completion = await self._complete(
                    config.model, messages, config.api_base, api_key, config.timeout_seconds
                )
            except asyncio.CancelledError:
                raise
            except Exception as error:
                failure = classify(error)
                log.debug(
                    "attempt %d for %s failed: %s (%s)",
                    attempts,
                    request.function_name,
                    failure.kind,
                    failure.detail,
                )
                limit = config.max_retries + (EXTRA_RATE_LIMIT_RETRIES if failure.kind is ErrorKind.RATE_LIMIT else 0)
                if failure.retryable and retries < limit:
                    await asyncio.sleep(
                        self._backoff.delay(
                            retries,
                            failure.retry_after if failure.kind is ErrorKind.RATE_LIMIT else None,
                        )
                    )
                    retries += 1
                    self.stats.retries += 1
                    continue
                return self._provider_failure(request, key, failure, attempts)
            cost = self._account(completion)
            if len(completion.text) > MAX_ANSWER_CHARS:
                size = (
                    f"{len(completion.text) / 1e6:.1f} MB"
                    if len(completion.text) >= 1e5
                    else f"{len(completion.text):,} characters"
                )
                return self._failure(
                    request, key, ErrorKind.BAD_RESPONSE, f"the model's answer was implausibly long ({size}); not used"
                )
            try:
                bullets = parse_summary(completion.text)
            except UnparseableAnswer as error:
                return self._failure(request, key, ErrorKind.BAD_RESPONSE, f"{error} ({self.model_name})")
            self.stats.completed += 1
            return SummarizationResult(
                function_name=request.function_name,
                summary=tuple(bullets),
                model=self.model_name,
                provider=self.provider.value,
                input_tokens=completion.input_tokens,
                output_tokens=completion.output_tokens,
                cost_usd=cost,
                redactions=redactions,
                cache_key=key,
            )

    def _provider_failure(
        self, request: SummarizationRequest, key: str, failure: ProviderFailure, attempts: int
    ) -> SummarizationResult:
        message = describe(
            failure,
            self.provider,
            self.model_name,
            attempts,
            self.config.timeout_seconds,
            self.config.api_base,
        )
        return self._failure(request, key, failure.kind, message)

    def _account(self, completion: Completion) -> float | None:
        stats = self.stats
        stats.input_tokens += completion.input_tokens
        stats.output_tokens += completion.output_tokens
        cost = self.config.model.cost(completion.input_tokens, completion.output_tokens)
        if cost is None:
            stats.unknown_cost_calls += 1
            price_in, price_out = UNKNOWN_PRICE_PER_MILLION
            self._budget_spent += (completion.input_tokens * price_in + completion.output_tokens * price_out) / 1e6
        else:
            stats.cost_usd += cost
            self._budget_spent += cost
        return cost

    def _api_key(self) -> str | None:
        variable = self.provider.key_variable
        if variable is None:
            return None
        value = self._environ.get(variable, "").strip()
        if value:
            return value
        if is_local_url(self.config.api_base):
            return "no-key-needed"  # local OpenAI-compatible servers accept any key
        return None

    async def _offline(self, request: SummarizationRequest, key: str) -> SummarizationResult:
        entry = self.cache.get_memory(key)
        if entry is None:
            bullets = await asyncio.to_thread(
                summarize_offline, request.body_source, request.language, request.function_name
            )
            entry = CachedSummary(tuple(bullets), self.model_name, self.provider.value)
            self.cache.remember(key, entry)
        self.stats.completed += 1
        return SummarizationResult(
            function_name=request.function_name,
            summary=entry.summary,
            model=self.model_name,
            provider=self.provider.value,
            offline=True,
            cost_usd=0.0,
            cache_key=key,
        )


def resolve_concurrency(provider: LLMProvider, configured: int | None) -> int:
    if configured is not None:
        return configured
    return DEFAULT_OLLAMA_CONCURRENCY if provider is LLMProvider.OLLAMA else DEFAULT_CONCURRENCY
