"""The language server's handle on the summarizer worker process (pygls JSON-RPC client).

Policy, in one place:
* The worker is started when first needed and configured with the settings and the session's
  spend so far (a restart never resets the budget).
* If it dies while summarizing, it is started again and each request it held is sent once
  more; a request that loses a second worker fails with a clear error instead of looping.
* A worker that cannot even start is started again after 0.5, 2 and 5 s; after that it is
  "unavailable": requests fail at once with the reason (the tail of its stderr), which is
  shown once, until the settings change or the user asks again.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import logging
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from pygls.client import JsonRPCClient

from mu_lsp.entry import child_environment, python_command
from mu_lsp.llm.types import ErrorKind, SummarizationRequest, SummarizationResult
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

log = logging.getLogger(__name__)

START_DELAYS = (0.0, 0.5, 2.0, 5.0)  # before each consecutive attempt to start a worker
READY_TIMEOUT = 60.0
STOP_GRACE = 2.0
STDERR_LINES = 20
UNAVAILABLE = "summarizer unavailable"


class WorkerGone(Exception):
    """The worker process exited while a request was in flight."""


class WorkerUnavailable(Exception):
    """The worker cannot be started (reason: the tail of its stderr)."""


@dataclass(slots=True)
class WorkerStatus:
    ready: bool = False
    provider: str = ""
    model: str = ""
    offline: bool = False
    budget_usd: float = 0.0
    spent_usd: float = 0.0  # what the session's budget has counted (survives restarts)
    cost_usd: float = 0.0  # the session's calls at known prices
    unknown_cost_calls: int = 0  # the session's calls to models whose price is unknown
    unavailable: str | None = None
    shared: str = "off"  # the team's shared store: "off", "ok" or "unavailable" (local only)
    shared_hits: int = 0  # the session's summaries from the shared store (survives restarts)
    worker_shared_hits: int = 0  # the current worker's count, to add only what is new
    warnings: list[str] = field(default_factory=list)


class _Link(JsonRPCClient):
    """One worker process and its connection."""

    def __init__(self, on_waiting: Callable[[WaitingParams], None]) -> None:
        super().__init__(protocol_cls=WorkerProtocol, converter_factory=converter)
        self.exited = asyncio.Event()
        self.returncode: int | None = None
        self.stderr_tail: deque[str] = deque(maxlen=STDERR_LINES)
        self._ids = itertools.count(1)

        @self.feature(LOG)  # type: ignore[untyped-decorator]
        def forward_log(ls: Any, params: LogParams) -> None:  # `ls` first: pygls passes the client only then
            level = getattr(logging, str(params.level).upper(), logging.INFO)
            log.log(level if isinstance(level, int) else logging.INFO, "%s", params.message)

        @self.feature(WAITING)  # type: ignore[untyped-decorator]
        def waiting(ls: Any, params: WaitingParams) -> None:
            on_waiting(params)

    async def server_exit(self, server: asyncio.subprocess.Process) -> None:
        self.returncode = server.returncode
        self.exited.set()

    async def drain_stderr(self) -> None:
        process = self._server
        if process is None or process.stderr is None:
            return
        while line := await process.stderr.readline():
            text = line.decode("utf-8", "replace").rstrip()
            self.stderr_tail.append(text)
            log.debug("worker stderr: %s", text)

    async def call(self, method: str, params: Any, timeout: float | None = None) -> Any:
        """A request that fails with `WorkerGone` if the process exits first; cancelling the
        caller cancels the request in the worker."""
        msg_id = str(next(self._ids))
        future = self.protocol.send_request_async(method, params, msg_id=msg_id)
        exited = asyncio.ensure_future(self.exited.wait())
        try:
            done, _ = await asyncio.wait({future, exited}, timeout=timeout, return_when=asyncio.FIRST_COMPLETED)
        except asyncio.CancelledError:
            self._cancel(msg_id, future)
            raise
        finally:
            exited.cancel()
        if future in done:
            try:
                return future.result()
            except RuntimeError as error:  # pygls fails pending requests when the process exits
                raise WorkerGone(str(error)) from None
        self._cancel(msg_id, future)
        if not done:
            raise TimeoutError(f"{method} got no answer within {timeout} s")
        raise WorkerGone(f"the summarizer process exited (code {self.returncode})")

    def _cancel(self, msg_id: str, future: asyncio.Future[Any]) -> None:
        future.cancel()
        self.protocol._request_futures.pop(msg_id, None)
        if not self.exited.is_set():
            with contextlib.suppress(Exception):
                self.protocol.notify("$/cancelRequest", {"id": msg_id})


class WorkerClient:
    def __init__(
        self,
        command: list[str] | None = None,
        on_unavailable: Callable[[str], None] | None = None,
        on_waiting: Callable[[WaitingParams], None] | None = None,
        start_delays: tuple[float, ...] = START_DELAYS,
    ) -> None:
        self.status = WorkerStatus()
        self._start_delays = start_delays
        self._command = command or python_command("mu_lsp.worker")
        self._on_unavailable = on_unavailable
        self._on_waiting = on_waiting or (lambda _params: None)
        self._link: _Link | None = None
        self._tasks: set[asyncio.Task[None]] = set()
        self._settings: dict[str, Any] = {}
        self._root: str | None = None
        self._lock = asyncio.Lock()
        self._failed_starts = 0
        self._stopping = False

    @property
    def pid(self) -> int | None:
        link = self._link
        return link._server.pid if link is not None and link._server is not None else None

    async def configure(self, settings: dict[str, Any], workspace_root: str | None) -> None:
        """(Re)configure the worker, starting it if needed; new settings clear "unavailable"."""
        self._settings, self._root = settings, workspace_root
        self._failed_starts = 0
        self.status.unavailable = None
        self.status.ready = False
        try:
            async with self._lock:
                link = self._link
                if link is None or link.exited.is_set():
                    await self._start()
                else:
                    await self._configure(link)
        except (WorkerUnavailable, WorkerGone, TimeoutError) as error:
            log.warning("the summarizer could not be configured: %s", error)

    async def _configure(self, link: _Link) -> None:
        params = ConfigureParams(self._settings, self._root, self.status.spent_usd)
        ready: Ready = await link.call(CONFIGURE, params, READY_TIMEOUT)
        status = self.status
        status.provider, status.model, status.offline = ready.provider, ready.model, ready.offline
        status.budget_usd, status.warnings, status.ready = ready.budget_usd, list(ready.warnings), True
        for warning in ready.warnings:
            log.warning("%s", warning)

    async def _start(self) -> _Link:
        """Start and configure a worker (with the lock held); raises `WorkerUnavailable`."""
        while True:
            if self.status.unavailable is not None:
                raise WorkerUnavailable(self.status.unavailable)
            delay = self._start_delays[min(self._failed_starts, len(self._start_delays) - 1)]
            if delay:
                await asyncio.sleep(delay)
            link = _Link(self._on_waiting)
            try:
                await link.start_io(*self._command, env=child_environment())
                self._keep(asyncio.ensure_future(link.drain_stderr()))
                self._link = link
                await self._configure(link)
            except (OSError, WorkerGone, TimeoutError) as error:
                await self._discard(link)
                self._failed_starts += 1
                reason = self._reason(link, error)
                log.warning("the summarizer process did not start (%s)", reason)
                if self._failed_starts >= len(self._start_delays):
                    self.status.unavailable = reason
                    if self._on_unavailable is not None:
                        self._on_unavailable(reason)
                continue
            self._failed_starts = 0
            return link

    def _reason(self, link: _Link, error: BaseException) -> str:
        tail = [line for line in link.stderr_tail if line.strip()]
        if tail:
            return " / ".join(tail[-3:])
        return str(error) or error.__class__.__name__

    async def _ready_link(self) -> _Link:
        async with self._lock:
            link = self._link
            if link is not None and not link.exited.is_set():
                return link
            if link is not None:
                log.warning("the summarizer process exited (code %s); starting it again", link.returncode)
                self.status.ready = False
            return await self._start()

    async def summarize(
        self, request: SummarizationRequest, use_cache: bool = True, override_budget: bool = False
    ) -> SummarizationResult:
        """One summary; cancelling the awaiting task cancels it in the worker too."""
        params = SummarizeParams(request, use_cache, override_budget)
        for _attempt in range(2):
            try:
                link = await self._ready_link()
                reply: Summarized = await link.call(SUMMARIZE, params)
            except WorkerGone:
                continue
            except (WorkerUnavailable, TimeoutError) as error:
                return SummarizationResult(
                    request.function_name, error=f"{UNAVAILABLE}: {error}", error_kind=ErrorKind.UNAVAILABLE
                )
            self._account(reply)
            return reply.result
        return SummarizationResult(
            request.function_name,
            error="the summarizer process stopped twice while working on this function",
            error_kind=ErrorKind.INTERNAL,
        )

    def _account(self, reply: Summarized) -> None:
        """The session's money, kept here so that it survives worker restarts."""
        status, result = self.status, reply.result
        status.spent_usd = max(status.spent_usd, reply.spent_usd)
        status.shared = reply.shared
        if reply.shared_hits < status.worker_shared_hits:  # a new worker counts from 0
            status.worker_shared_hits = 0
        status.shared_hits += reply.shared_hits - status.worker_shared_hits
        status.worker_shared_hits = reply.shared_hits
        if result.cached or not (result.input_tokens or result.output_tokens):
            return
        if result.cost_usd is None:
            status.unknown_cost_calls += 1
        else:
            status.cost_usd += result.cost_usd

    def retry_if_unavailable(self) -> None:
        """The user asked explicitly: try starting the worker again."""
        if self.status.unavailable is not None:
            self.status.unavailable = None
            self._failed_starts = 0

    async def stats(self, timeout: float = 10.0) -> dict[str, Any]:
        link = await self._ready_link()
        reply: Stats = await link.call(STATS, Empty(), timeout)
        return dict(reply.stats)

    async def clear_cache(self, timeout: float = 30.0) -> None:
        link = await self._ready_link()
        await link.call(CLEAR_CACHE, Empty(), timeout)

    async def stop(self) -> None:
        """Ask the worker to close its pool and leave; kill it if it does not."""
        self._stopping = True
        link, self._link = self._link, None
        if link is None:
            return
        if not link.exited.is_set():
            with contextlib.suppress(Exception):
                await link.call(SHUTDOWN, Empty(), STOP_GRACE)
        await self._discard(link)
        for task in list(self._tasks):
            task.cancel()

    async def _discard(self, link: _Link) -> None:
        process = link._server
        if process is not None and process.returncode is None:
            if process.stdin is not None:
                with contextlib.suppress(Exception):
                    process.stdin.close()
            try:
                await asyncio.wait_for(process.wait(), STOP_GRACE)
            except (TimeoutError, ProcessLookupError):
                with contextlib.suppress(ProcessLookupError):
                    process.kill()
                await process.wait()
        link._stop_event.set()
        for task in link._async_tasks:
            task.cancel()
        if self._link is link:
            self._link = None

    def _keep(self, task: asyncio.Task[None]) -> None:
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
