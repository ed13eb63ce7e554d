"""The worker process: a pygls JSON-RPC server that owns LiteLLM and the LLM pool.

LiteLLM's import costs ~5 s and ~200 MB, and its per-call CPU (~10 ms) would stall an
editor-facing event loop; in a separate process, at a lower scheduling priority, neither
reaches the language server. pygls frames the messages and cancels a `mu/summarize` handler
when the server sends `$/cancelRequest`.

A stop is immediate: `mu/shutdown` closes the pool (every summary is already on disk), then
the process leaves with `os._exit`, skipping the exit hooks LiteLLM registers, which spend
seconds flushing loggers mu-lsp does not use.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import sys
import threading
from pathlib import Path

from pygls.server import JsonRPCServer

from mu_lsp.config import build_settings
from mu_lsp.llm.factory import create_pool
from mu_lsp.llm.pool import LLMPool
from mu_lsp.llm.types import ErrorKind, SummarizationRequest, SummarizationResult
from mu_lsp.providers import Backend
from mu_lsp.rpclog import quiet_cancellation_races
from mu_lsp.worker.protocol import (
    CLEAR_CACHE,
    CONFIGURE,
    LOG,
    SHUTDOWN,
    STATS,
    SUMMARIZE,
    WAITING,
    ConfigureParams,
    Empty,
    LogParams,
    Ready,
    Stats,
    Summarized,
    SummarizeParams,
    WaitingParams,
    WorkerProtocol,
    converter,
)

log = logging.getLogger("mu_lsp.worker")
NICENESS = 5


class Worker(JsonRPCServer):
    def __init__(self) -> None:
        super().__init__(protocol_cls=WorkerProtocol, converter_factory=converter)
        self.pool: LLMPool | None = None
        self.loop: asyncio.AbstractEventLoop | None = None

    def summarized(self, result: SummarizationResult) -> Summarized:
        pool = self.pool
        if pool is None:
            return Summarized(result)
        shared = pool.cache.shared_stats()
        return Summarized(result, pool.budget_spent, pool.budget_reached, shared["state"], pool.stats.shared_hits)

    def waiting(self, request: SummarizationRequest, until: float) -> None:
        """The pool sleeps on a rate limit: the editor shows "rate-limited · retry at 14:05"."""
        try:
            self.protocol.notify(WAITING, WaitingParams(request.content_hash, until))
        except Exception:  # the editor's view is a courtesy: never fail the request over it
            log.debug("mu/waiting could not be sent", exc_info=True)

    def close_pool(self) -> None:
        if self.pool is not None:
            self.pool.close()
            self.pool = None


class _Forward(logging.Handler):
    """Worker log records travel to the server, which shows them in the editor (scrubbed)."""

    def __init__(self, worker: Worker) -> None:
        super().__init__()
        self._worker = worker
        self._thread = threading.get_ident()

    def emit(self, record: logging.LogRecord) -> None:
        try:
            params = LogParams(record.levelname.lower(), self.format(record))
            loop = self._worker.loop
            if threading.get_ident() == self._thread or loop is None:
                self._worker.protocol.notify(LOG, params)
            else:  # the writer is not thread-safe: hand the message to the loop's thread
                loop.call_soon_threadsafe(self._worker.protocol.notify, LOG, params)
        except Exception:  # logging must never raise
            self.handleError(record)


def create_worker() -> Worker:
    worker = Worker()

    @worker.feature(CONFIGURE)
    async def configure(ls: Worker, params: ConfigureParams) -> Ready:
        ls.loop = asyncio.get_running_loop()
        settings, problems = build_settings([("editor", params.settings)])
        for problem in problems:
            log.warning("%s", problem)
        root = Path(params.workspace_root) if params.workspace_root else None
        pool = await asyncio.to_thread(create_pool, settings, workspace_root=root)
        pool.resume_spending(params.session_spent_usd)
        pool.on_waiting = ls.waiting
        ls.close_pool()
        ls.pool = pool
        if pool.provider.spec.backend is Backend.LITELLM:
            from mu_lsp.llm.transport import load_litellm

            ls.loop.run_in_executor(None, load_litellm)  # warm up off the loop
        return Ready(
            pool.provider.value,
            pool.model_name,
            pool.provider.spec.offline,
            pool.config.max_session_cost_usd,
            list(pool.warnings),
        )

    @worker.feature(SUMMARIZE)
    async def summarize(ls: Worker, params: SummarizeParams) -> Summarized:
        request = params.request
        if ls.pool is None:
            return ls.summarized(
                SummarizationResult(
                    request.function_name, error="the summarizer is not configured", error_kind=ErrorKind.INTERNAL
                )
            )
        try:
            result = await ls.pool.summarize(
                request, use_cache=params.use_cache, override_budget=params.override_budget
            )
        except asyncio.CancelledError:
            raise  # pygls answers "request cancelled"
        except Exception as error:  # a bug must not take the worker down
            log.exception("summarizing %s failed", request.function_name)
            result = SummarizationResult(
                request.function_name,
                error=f"internal error: {error.__class__.__name__}",
                error_kind=ErrorKind.INTERNAL,
            )
        return ls.summarized(result)

    @worker.feature(STATS)
    def stats(ls: Worker, params: Empty) -> Stats:
        if ls.pool is None:
            return Stats({})
        return Stats({**ls.pool.stats.as_dict(), "shared": ls.pool.cache.shared_stats()})

    @worker.feature(CLEAR_CACHE)
    async def clear_cache(ls: Worker, params: Empty) -> Empty:
        if ls.pool is not None:
            await asyncio.to_thread(ls.pool.clear_cache)
        return Empty()

    @worker.feature(SHUTDOWN)
    def shutdown(ls: Worker, params: Empty) -> Empty:
        ls.close_pool()
        return Empty()

    return worker


def main() -> int:
    if hasattr(os, "nice"):
        with contextlib.suppress(OSError):
            os.nice(NICENESS)  # the editor's process comes first
    worker = create_worker()
    handler = _Forward(worker)
    handler.setFormatter(logging.Formatter("%(name)s: %(message)s"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(getattr(logging, os.environ.get("MU_LOG_LEVEL", "INFO").upper(), logging.INFO))
    for name in ("pygls", "LiteLLM", "litellm", "httpx", "asyncio"):
        logging.getLogger(name).setLevel(logging.WARNING)
    quiet_cancellation_races()
    try:
        worker.start_io()
    finally:
        worker.close_pool()
        sys.stdout.flush()
        os._exit(0)
