"""LLMPool: batch summarization with one shared limiter, de-duplication, retries and a budget.

Every provider takes the same path; only the completion step differs (`CompletionBackend`:
LiteLLM, or the offline structural summarizer), and what differs between providers (key,
price, default concurrency, whether summaries are stored) comes from the provider table.
* one concurrency limiter per pool, shared by every call (not one per batch), clamped to 10;
* N concurrent requests with the same cache key make one provider call;
* retries live here only (LiteLLM's and the SDKs' are off): rate limits back off 2, 4, 8 ...
  capped at 60 s with jitter, or wait the Retry-After asked for, up to a bound (`pacing`);
  every wait happens outside the concurrency slot, so other functions go on meanwhile, and
  `on_waiting` tells the editor; timeouts, 5xx and connection errors retry up to
  `max_retries`; authentication, bad request, not found and context-window errors never retry;
* an answer with nothing usable in it is asked again once, with `stricter()` messages;
* a loopback endpoint starts at concurrency 1 and adapts (`pacing.AdaptiveLimiter`);
* a session budget stops new paid calls once reached;
* requests can be cancelled while queued or running;
* secrets are redacted and excluded files refused before anything is sent.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import os
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from mu_lsp.llm.cache import CachedSummary, SummaryCache, cache_key
from mu_lsp.llm.completion import MAX_ANSWER_CHARS, Call, CompleteFn, CompletionBackend, too_long
from mu_lsp.llm.cost import estimate_cost
from mu_lsp.llm.errors import classify, describe, rate_limited_until
from mu_lsp.llm.outgoing import OutgoingRequest, outgoing_request
from mu_lsp.llm.pacing import MAX_RETRY_AFTER_SECONDS, AdaptiveLimiter, Backoff
from mu_lsp.llm.prompts import UnparseableAnswer, parse_summary, stricter
from mu_lsp.llm.providers import ModelConfig, api_key_for, endpoint_identity, is_local_url
from mu_lsp.llm.spending import Spending
from mu_lsp.llm.structural import StructuralBackend
from mu_lsp.llm.transport import LiteLLMBackend
from mu_lsp.llm.types import (
    CostEstimate,
    ErrorKind,
    LLMProvider,
    LLMStats,
    SummarizationRequest,
    SummarizationResult,
)
from mu_lsp.privacy.policy import PrivacyPolicy
from mu_lsp.privacy.scrub import scrub
from mu_lsp.providers import MAX_CONCURRENCY, Backend

log = logging.getLogger(__name__)

__all__ = ["MAX_ANSWER_CHARS", "Backoff", "LLMPool", "PoolConfig", "backend_for"]

EXTRA_RATE_LIMIT_RETRIES = 3
NOTHING_SENT = OutgoingRequest([], 0)
ProgressCallback = Callable[[int, int], None]
WaitingCallback = Callable[[SummarizationRequest, float], None]  # (request, until epoch; 0: done)


@dataclass(frozen=True, slots=True)
class PoolConfig:
    provider: LLMProvider
    model: ModelConfig
    api_base: str | None = None
    timeout_seconds: float = 60.0  # until the first token
    stall_timeout_seconds: float = 30.0  # silence between chunks once the answer started
    max_retries: int = 2
    concurrency: int | None = None  # None: the provider's default
    max_session_cost_usd: float = 1.0
    privacy: PrivacyPolicy = field(default_factory=lambda: PrivacyPolicy.from_settings(()))
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
        backend: CompletionBackend | None = None,
    ) -> None:
        """`backend` defaults to the provider's (the table's `backend`); `complete_fn` replaces
        LiteLLM's call in the LiteLLM backend."""
        self.warnings: list[str] = []
        self._spec = config.provider.spec
        explicit = config.concurrency is not None
        concurrency = max(1, self._spec.concurrency if config.concurrency is None else config.concurrency)
        if concurrency > MAX_CONCURRENCY:
            self.warnings.append(
                f"[llm] concurrency {concurrency} is above the maximum of {MAX_CONCURRENCY}; using {MAX_CONCURRENCY}"
            )
            concurrency = MAX_CONCURRENCY
        self.config = replace(config, concurrency=concurrency)
        self.cache = cache
        self.stats = LLMStats()
        self._backoff = backoff or Backoff()
        self._backend = backend or backend_for(config.provider, complete_fn)
        self._environ = os.environ if environ is None else environ
        # A server on this machine usually answers one request at a time: start there, adapt.
        adaptive = not explicit and self._backend.remote and is_local_url(config.api_base)
        self._limiter = AdaptiveLimiter(1 if adaptive else concurrency, concurrency, adaptive)
        self.on_waiting: WaitingCallback | None = None
        self._flights: dict[str, _Flight] = {}
        self._endpoint = endpoint_identity(config.api_base)
        self._spending = Spending(self.stats)
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
    def budget_spent(self) -> float:
        """What the budget has counted this session (unknown prices at an expensive rate)."""
        return self._spending.spent

    def resume_spending(self, spent_usd: float) -> None:
        """Carry the session's spend into a new pool: a restart or a new setting must not
        reset the budget."""
        self._spending.resume(spent_usd)

    @property
    def budget_reached(self) -> bool:
        return self._spec.paid and self._spending.reached(self.config.max_session_cost_usd)

    def key_for(self, request: SummarizationRequest) -> str:
        return cache_key(request.content_hash, request.language, self.provider.value, self.model_name, self._endpoint)

    def is_excluded(self, request: SummarizationRequest) -> bool:
        return bool(request.path) and self.config.privacy.is_excluded(request.path or "", self.config.workspace_root)

    def estimate(self, requests: Sequence[SummarizationRequest], use_cache: bool = True) -> CostEstimate:
        """Blocking estimate (reads the disk cache): call it off the event loop."""
        verdicts: dict[str | None, bool] = {}  # per file, not per function: it resolves the path
        for r in requests:
            if r.path not in verdicts:
                verdicts[r.path] = self.is_excluded(r)
        sendable = [r for r in requests if not verdicts[r.path]]
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
            entry, source = await self.cache.get(key, disk=self._spec.stores_summaries)
            if entry is not None:
                self.stats.hit(source)
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
            offline=self._spec.offline,
            cost_usd=0.0,
            cache_key=key,
        )

    def _failure(
        self,
        request: SummarizationRequest,
        key: str,
        kind: ErrorKind,
        message: str,
        retry_at: float | None = None,
    ) -> SummarizationResult:
        self.stats.failures += 1
        self.stats.errors_by_kind[kind.value] = self.stats.errors_by_kind.get(kind.value, 0) + 1
        return SummarizationResult(
            function_name=request.function_name,
            error=scrub(message),
            error_kind=kind,
            model=self.model_name,
            provider=self.provider.value,
            offline=self._spec.offline,
            cache_key=key,
            retry_at=retry_at,
        )

    async def _produce(
        self, request: SummarizationRequest, key: str, override_budget: bool = False
    ) -> SummarizationResult:
        outgoing = outgoing_request(request) if self._backend.remote else NOTHING_SENT
        api_key = api_key_for(self._spec, self._environ, self.config.api_base)
        if self._spec.paid and not api_key and not is_local_url(self.config.api_base):
            variable = self._spec.key_variable or "the API key"
            return self._failure(
                request,
                key,
                ErrorKind.AUTHENTICATION,
                f"no API key for {self.provider.value}: set {variable}",
            )
        result = await self._attempts(request, key, outgoing, api_key, override_budget)
        if result.ok:
            # Stored before the result is handed out (a summary that was reported is never
            # lost), but after the slot is released (the next call does not wait on the disk).
            await self.cache.set(
                key,
                CachedSummary(result.summary, result.model, result.provider, result.input_tokens, result.output_tokens),
                disk=self._spec.stores_summaries,
            )
        else:  # teammates waiting on our in-flight marker ask for themselves
            await self.cache.abandon(key)
        return result

    async def _attempts(
        self,
        request: SummarizationRequest,
        key: str,
        outgoing: OutgoingRequest,
        api_key: str | None,
        override_budget: bool = False,
    ) -> SummarizationResult:
        config = self.config
        call = Call(
            request,
            outgoing.messages,
            config.model,
            config.api_base,
            api_key,
            config.timeout_seconds,
            config.stall_timeout_seconds,
        )
        retries = 0
        attempts = 0
        strict = False
        while True:
            try:
                async with self._limiter.slot():  # held for the call only: every wait is outside it
                    # The budget is read with the slot held: a call queued behind a paid one sees it.
                    if self.budget_reached and not (override_budget and attempts == 0):
                        budget = self._spending.message(self.config.max_session_cost_usd)
                        return self._failure(request, key, ErrorKind.BUDGET, budget)
                    attempts += 1
                    self.stats.requests += self._backend.remote
                    completion = await self._backend.complete(call)
            except asyncio.CancelledError:
                raise
            except Exception as error:
                failure = classify(error)
                log.debug(
                    "attempt %d for %s failed: %s (%s)", attempts, request.function_name, failure.kind, failure.detail
                )
                if failure.kind is ErrorKind.TIMEOUT:
                    self._limiter.timed_out()
                rate_limited = failure.kind is ErrorKind.RATE_LIMIT
                asked = failure.retry_after if rate_limited else None
                if asked is not None and asked > MAX_RETRY_AFTER_SECONDS:
                    until = time.time() + asked
                    message = rate_limited_until(self.provider, config.api_base, until, MAX_RETRY_AFTER_SECONDS)
                    return self._failure(request, key, ErrorKind.RATE_LIMIT, message, retry_at=until)
                limit = config.max_retries + (EXTRA_RATE_LIMIT_RETRIES if rate_limited else 0)
                if failure.retryable and retries < limit:
                    await self._wait(request, self._backoff.delay(retries, asked), rate_limited)
                    retries += 1
                    self.stats.retries += 1
                    continue
                message = describe(
                    failure,
                    self.provider,
                    self.model_name,
                    attempts,
                    config.timeout_seconds,
                    config.api_base,
                    config.stall_timeout_seconds,
                )
                return self._failure(request, key, failure.kind, message)
            self._limiter.answered(completion.first_token_seconds)
            cost = self._spending.account(completion, self.config.model)
            oversized = too_long(completion.text)
            if oversized is not None:
                return self._failure(request, key, ErrorKind.BAD_RESPONSE, oversized)
            try:
                bullets = completion.bullets or parse_summary(completion.text)
            except UnparseableAnswer as error:
                if not strict and self._backend.remote:
                    strict = True  # once: a model that cannot follow the format twice will not
                    self.stats.strict_retries += 1
                    call = replace(call, messages=stricter(call.messages))
                    continue
                return self._failure(request, key, ErrorKind.BAD_RESPONSE, f"{error} ({self.model_name})")
            self.stats.completed += 1
            return SummarizationResult(
                function_name=request.function_name,
                summary=tuple(bullets),
                model=self.model_name,
                provider=self.provider.value,
                offline=self._spec.offline,
                input_tokens=completion.input_tokens,
                output_tokens=completion.output_tokens,
                cost_usd=cost,
                redactions=outgoing.redactions,
                cache_key=key,
            )

    async def _wait(self, request: SummarizationRequest, delay: float, rate_limited: bool) -> None:
        """Sleep before the next attempt, outside the concurrency slot; a rate limit's wait is
        announced (`on_waiting`), so the editor can say until when."""
        notify = self.on_waiting if rate_limited and delay > 0 else None
        if notify is not None:
            notify(request, time.time() + delay)
        try:
            await asyncio.sleep(delay)
        finally:
            if notify is not None:
                notify(request, 0.0)


def backend_for(provider: LLMProvider, complete_fn: CompleteFn | None = None) -> CompletionBackend:
    """The backend the provider table names for `provider`."""
    if provider.spec.backend is Backend.STRUCTURAL:
        return StructuralBackend()
    return LiteLLMBackend(complete_fn)
