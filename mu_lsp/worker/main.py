"""The worker process: reads messages on stdin, summarizes with an LLMPool, answers on stdout.

Nothing here is editor-facing, so a blocking import or a slow call only delays answers. Bad
input (an unreadable line, a malformed request) is answered with an error, never a crash.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import sys
from pathlib import Path
from typing import Any

from mu_lsp.config import build_settings
from mu_lsp.llm.factory import create_pool
from mu_lsp.llm.pool import LLMPool
from mu_lsp.llm.types import ErrorKind, LLMProvider, SummarizationResult
from mu_lsp.worker.messages import MAX_LINE_BYTES, decode, encode, request_from_wire, result_to_wire

log = logging.getLogger("mu_lsp.worker")


class _Forward(logging.Handler):
    """Worker log records travel to the server, which shows them in the editor."""

    def __init__(self, worker: Worker) -> None:
        super().__init__()
        self._worker = worker

    def emit(self, record: logging.LogRecord) -> None:
        try:
            self._worker.send({"type": "log", "level": record.levelname.lower(), "message": self.format(record)})
        except Exception:  # logging must never raise
            self.handleError(record)


class Worker:
    def __init__(self, out: Any) -> None:
        self._out = out
        self.pool: LLMPool | None = None
        self.tasks: dict[int, asyncio.Task[None]] = {}

    def send(self, message: dict[str, Any]) -> None:
        self._out.write(encode(message))
        self._out.flush()

    async def handle(self, message: dict[str, Any]) -> bool:
        """Handle one message; False means shut down."""
        kind = message.get("type")
        if kind == "configure":
            await self._configure(message)
        elif kind == "summarize":
            self._summarize(message)
        elif kind == "cancel":
            task = self.tasks.get(int(message.get("id", -1)))
            if task is not None:
                task.cancel()
        elif kind == "stats":
            stats = self.pool.stats.as_dict() if self.pool else {}
            self.send({"type": "stats", "id": message.get("id"), "stats": stats})
        elif kind == "clear_cache":
            if self.pool is not None:
                await asyncio.to_thread(self.pool.clear_cache)
            self.send({"type": "cleared", "id": message.get("id")})
        elif kind == "shutdown":
            return False
        else:
            log.warning("ignored an unknown message type: %r", kind)
        return True

    async def _configure(self, message: dict[str, Any]) -> None:
        settings, problems = build_settings([("editor", message.get("settings") or {})])
        for problem in problems:
            log.warning("%s", problem)
        root = message.get("workspace_root")
        previous = self.pool
        self.pool = await asyncio.to_thread(
            create_pool,
            settings,
            workspace_root=Path(root) if isinstance(root, str) and root else None,
        )
        if previous is not None:
            previous.close()
        pool = self.pool
        self.send(
            {
                "type": "ready",
                "provider": pool.provider.value,
                "model": pool.model_name,
                "offline": pool.provider is LLMProvider.OFFLINE,
                "budget": pool.config.max_session_cost_usd,
                "warnings": pool.warnings,
            }
        )
        if pool.provider is not LLMProvider.OFFLINE:
            from mu_lsp.llm.transport import load_litellm

            asyncio.get_running_loop().run_in_executor(None, load_litellm)  # warm up off the loop

    def _summarize(self, message: dict[str, Any]) -> None:
        ident = int(message.get("id", -1))
        try:
            request = request_from_wire(message.get("request"))
        except (TypeError, ValueError) as error:
            self._reply(
                ident,
                SummarizationResult("?", error=f"malformed request: {error}", error_kind=ErrorKind.INTERNAL),
            )
            return
        if self.pool is None:
            self._reply(
                ident,
                SummarizationResult(
                    request.function_name,
                    error="the summarizer is not configured",
                    error_kind=ErrorKind.INTERNAL,
                ),
            )
            return
        pool = self.pool

        async def run() -> None:
            try:
                result = await pool.summarize(
                    request,
                    use_cache=bool(message.get("use_cache", True)),
                    override_budget=bool(message.get("override_budget", False)),
                )
            except asyncio.CancelledError:
                result = SummarizationResult(request.function_name, error="cancelled", error_kind=ErrorKind.CANCELLED)
            except Exception as error:  # a bug must not take the worker down
                log.exception("summarizing %s failed", request.function_name)
                result = SummarizationResult(
                    request.function_name,
                    error=f"internal error: {error.__class__.__name__}",
                    error_kind=ErrorKind.INTERNAL,
                )
            self._reply(ident, result)

        task = asyncio.ensure_future(run())
        self.tasks[ident] = task
        task.add_done_callback(lambda _t: self.tasks.pop(ident, None))

    def _reply(self, ident: int, result: SummarizationResult) -> None:
        stats = self.pool.stats if self.pool else None
        self.send(
            {
                "type": "result",
                "id": ident,
                "result": result_to_wire(result),
                "cost_usd": stats.cost_usd if stats else 0.0,
                "budget_reached": self.pool.budget_reached if self.pool else False,
            }
        )


async def _stdin_reader() -> asyncio.StreamReader:
    loop = asyncio.get_running_loop()
    reader = asyncio.StreamReader(limit=MAX_LINE_BYTES)
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin.buffer)
    return reader


async def serve() -> None:
    worker = Worker(sys.stdout.buffer)
    handler = _Forward(worker)
    handler.setFormatter(logging.Formatter("%(name)s: %(message)s"))
    root = logging.getLogger()
    root.addHandler(handler)
    root.setLevel(getattr(logging, os.environ.get("MU_LOG_LEVEL", "INFO").upper(), logging.INFO))
    reader = await _stdin_reader()
    while True:
        try:
            line = await reader.readline()
        except (asyncio.LimitOverrunError, ValueError):
            log.warning("dropped an oversized message")
            continue
        if not line:
            break  # the server went away
        message = decode(line)
        if message is None:
            log.warning("ignored a line that is not a message")
            continue
        if not await worker.handle(message):
            break
    for task in list(worker.tasks.values()):
        task.cancel()
    if worker.pool is not None:
        worker.pool.close()


def main() -> int:
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(serve())
    return 0
