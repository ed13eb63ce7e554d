"""The language server's handle on the summarizer worker process.

Requests are futures keyed by id. If the worker dies, it is started again and every pending
request is sent once more; a request that was already retried fails with a clear error
instead of looping. The server keeps answering the editor throughout.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from mu_lsp.llm.types import ErrorKind, SummarizationRequest, SummarizationResult
from mu_lsp.worker.messages import MAX_LINE_BYTES, decode, encode, request_to_wire, result_from_wire

log = logging.getLogger(__name__)

RESTART_DELAYS = (0.0, 0.5, 2.0, 5.0)


@dataclass(slots=True)
class _Pending:
    request: SummarizationRequest
    future: asyncio.Future[SummarizationResult]
    use_cache: bool
    override_budget: bool
    attempts: int = 0  # how many times it was actually written to a worker


@dataclass(slots=True)
class WorkerStatus:
    provider: str = ""
    model: str = ""
    offline: bool = False
    budget_usd: float = 0.0
    cost_usd: float = 0.0
    budget_reached: bool = False
    warnings: list[str] = field(default_factory=list)


class WorkerClient:
    def __init__(
        self,
        on_result: Callable[[], None] | None = None,
        command: list[str] | None = None,
    ) -> None:
        self.status = WorkerStatus()
        self._command = command or [sys.executable, "-m", "mu_lsp.worker"]
        self._on_result = on_result
        self._process: asyncio.subprocess.Process | None = None
        self._reader_task: asyncio.Task[None] | None = None
        self._restarter: asyncio.Task[None] | None = None
        self._pending: dict[int, _Pending] = {}
        self._replies: dict[int, asyncio.Future[dict[str, Any]]] = {}
        self._next_id = 0
        self._settings: dict[str, Any] = {}
        self._root: str | None = None
        self._ready = asyncio.Event()
        self._stopping = False
        self._restarts = 0
        self._lock = asyncio.Lock()

    @property
    def pending_count(self) -> int:
        return len(self._pending)

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process else None

    async def configure(self, settings: dict[str, Any], workspace_root: str | None) -> None:
        """(Re)configure the worker, starting it if needed."""
        self._settings = settings
        self._root = workspace_root
        async with self._lock:
            if self._process is None or self._process.returncode is not None:
                await self._spawn()
            else:
                self._ready.clear()
                self._send({"type": "configure", "settings": settings, "workspace_root": workspace_root})

    async def _spawn(self) -> None:
        self._ready.clear()
        self._process = await asyncio.create_subprocess_exec(
            *self._command,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            limit=MAX_LINE_BYTES,
        )
        self._reader_task = asyncio.ensure_future(self._read(self._process))
        self._send({"type": "configure", "settings": self._settings, "workspace_root": self._root})
        for ident, pending in self._pending.items():
            if pending.attempts == 0:  # queued before the process existed
                self._dispatch(ident, pending)

    def _send(self, message: dict[str, Any]) -> None:
        process = self._process
        if process is None or process.stdin is None or process.returncode is not None:
            return
        try:
            process.stdin.write(encode(message))
        except (BrokenPipeError, ConnectionResetError, RuntimeError):
            log.debug("worker pipe closed while sending %s", message.get("type"))

    async def summarize(
        self, request: SummarizationRequest, use_cache: bool = True, override_budget: bool = False
    ) -> SummarizationResult:
        """Send one request; cancelling the awaiting task cancels it in the worker too."""
        self._next_id += 1
        ident = self._next_id
        future: asyncio.Future[SummarizationResult] = asyncio.get_running_loop().create_future()
        pending = _Pending(request, future, use_cache, override_budget)
        self._pending[ident] = pending
        self._dispatch(ident, pending)
        try:
            return await future
        except asyncio.CancelledError:
            if ident in self._pending:
                self._pending.pop(ident, None)
                self._send({"type": "cancel", "id": ident})
            raise

    def _dispatch(self, ident: int, pending: _Pending) -> None:
        process = self._process
        if process is None or process.returncode is not None:
            return  # sent when the worker (re)starts
        pending.attempts += 1
        self._send(
            {
                "type": "summarize",
                "id": ident,
                "request": request_to_wire(pending.request),
                "use_cache": pending.use_cache,
                "override_budget": pending.override_budget,
            }
        )

    async def request(self, kind: str, timeout: float = 10.0) -> dict[str, Any]:
        """A simple request/reply (stats, clear_cache)."""
        self._next_id += 1
        ident = self._next_id
        future: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
        self._replies[ident] = future
        self._send({"type": kind, "id": ident})
        try:
            return await asyncio.wait_for(future, timeout)
        finally:
            self._replies.pop(ident, None)

    async def _read(self, process: asyncio.subprocess.Process) -> None:
        assert process.stdout is not None
        while True:
            try:
                line = await process.stdout.readline()
            except (asyncio.LimitOverrunError, ValueError):
                log.warning("dropped an oversized message from the summarizer")
                continue
            if not line:
                break
            message = decode(line)
            if message is not None:
                self._handle(message)
        await process.wait()
        if not self._stopping and process is self._process:
            self._restarter = asyncio.ensure_future(self._restart(process.returncode))

    def _handle(self, message: dict[str, Any]) -> None:
        kind = message["type"]
        if kind == "result":
            self._on_result_message(message)
        elif kind == "ready":
            status = self.status
            status.provider = str(message.get("provider", ""))
            status.model = str(message.get("model", ""))
            status.offline = bool(message.get("offline"))
            status.budget_usd = float(message.get("budget") or 0.0)
            status.warnings = [str(w) for w in message.get("warnings") or []]
            for warning in status.warnings:
                log.warning("%s", warning)
            self._ready.set()
        elif kind == "log":
            level = getattr(logging, str(message.get("level", "info")).upper(), logging.INFO)
            log.log(level, "%s", message.get("message", ""))
        elif kind in ("stats", "cleared"):
            future = self._replies.get(int(message.get("id", -1)))
            if future is not None and not future.done():
                future.set_result(message)

    def _on_result_message(self, message: dict[str, Any]) -> None:
        ident = int(message.get("id", -1))
        pending = self._pending.pop(ident, None)
        self.status.cost_usd = float(message.get("cost_usd") or 0.0)
        self.status.budget_reached = bool(message.get("budget_reached"))
        if pending is None or pending.future.done():
            return
        try:
            result = result_from_wire(message.get("result"))
        except (TypeError, ValueError) as error:
            result = SummarizationResult(
                pending.request.function_name,
                error=f"unreadable answer from the summarizer: {error}",
                error_kind=ErrorKind.INTERNAL,
            )
        pending.future.set_result(result)
        if self._on_result is not None:
            self._on_result()

    async def _restart(self, returncode: int | None) -> None:
        delay = RESTART_DELAYS[min(self._restarts, len(RESTART_DELAYS) - 1)]
        self._restarts += 1
        log.warning("the summarizer process exited (code %s); restarting it", returncode)
        await asyncio.sleep(delay)
        if self._stopping:
            return
        async with self._lock:
            await self._spawn()
        for ident, pending in list(self._pending.items()):
            if pending.attempts >= 2:
                self._pending.pop(ident, None)
                if not pending.future.done():
                    pending.future.set_result(
                        SummarizationResult(
                            pending.request.function_name,
                            error="the summarizer process crashed twice on this function",
                            error_kind=ErrorKind.INTERNAL,
                        )
                    )
            else:
                self._dispatch(ident, pending)
        for future in self._replies.values():
            if not future.done():
                future.set_exception(ConnectionError("the summarizer restarted"))

    async def wait_ready(self, timeout: float = 30.0) -> bool:
        try:
            await asyncio.wait_for(self._ready.wait(), timeout)
        except TimeoutError:
            return False
        return True

    async def stop(self) -> None:
        self._stopping = True
        process = self._process
        if process is None:
            return
        self._send({"type": "shutdown"})
        try:
            if process.stdin is not None:
                process.stdin.close()
            await asyncio.wait_for(process.wait(), 3.0)
        except (TimeoutError, ProcessLookupError, BrokenPipeError):
            with contextlib.suppress(ProcessLookupError):
                process.kill()
        for pending in self._pending.values():
            if not pending.future.done():
                pending.future.cancel()
        self._pending.clear()
