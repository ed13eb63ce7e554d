"""Which functions get summarized when, and keeping the editor informed.

Triggers: opening or saving a document (per `[summarize] on`), or an explicit command. Never
while typing: an edit only marks summaries outdated. Most complex functions go first. A
function has at most one request in flight, for its current body; a request whose body has
since changed, or whose document closed, is cancelled. Results trigger a (debounced)
`workspace/codeLens/refresh` when the client supports it, and a `mu/status` notification.
"""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING

from mu_lsp.analysis.model import FunctionInfo
from mu_lsp.llm.types import ErrorKind, SummarizationRequest
from mu_lsp.server.progress import BatchProgress
from mu_lsp.server.state import FunctionKey, Summary

if TYPE_CHECKING:
    from mu_lsp.server.app import MuServer

log = logging.getLogger(__name__)

REFRESH_DELAY = 0.05
SUBMIT_CHUNK = 8


class Scheduler:
    def __init__(self, server: MuServer) -> None:
        self.server = server
        self.tasks: dict[tuple[str, FunctionKey], tuple[str, asyncio.Task[None]]] = {}
        self._refresh_pending = False
        self._trackers: set[asyncio.Task[None]] = set()

    @property
    def pending(self) -> int:
        return len(self.tasks)

    def submit(
        self,
        uri: str,
        targets: list[tuple[FunctionKey, FunctionInfo]],
        title: str = "mu",
        override_budget: bool = False,
        use_cache: bool = True,
    ) -> int:
        """Summarize `targets` of the open document `uri`, most complex first.

        The first few are sent at once (a click shows `summarizing…` immediately); the rest
        follow in small chunks that yield to the event loop, so opening a file with hundreds
        of complex functions never stalls a hover. Returns how many were sent immediately.
        """
        ordered = sorted(targets, key=lambda t: (-t[1].cognitive, -t[1].cyclomatic, t[1].start_byte))
        jobs: list[asyncio.Task[None]] = []
        head, rest = ordered[:SUBMIT_CHUNK], ordered[SUBMIT_CHUNK:]
        self._send(uri, head, override_budget, use_cache, jobs)
        sent = len(jobs)
        if rest:
            self._keep(asyncio.ensure_future(self._submit_rest(uri, rest, override_budget, use_cache, jobs)))
        elif jobs:
            self._keep(asyncio.ensure_future(self._track(jobs)))
        if jobs:
            self.changed()
        return sent

    async def _submit_rest(
        self,
        uri: str,
        rest: list[tuple[FunctionKey, FunctionInfo]],
        override_budget: bool,
        use_cache: bool,
        jobs: list[asyncio.Task[None]],
    ) -> None:
        for start in range(0, len(rest), SUBMIT_CHUNK):
            await asyncio.sleep(0)
            if uri not in self.server.documents:
                break
            self._send(uri, rest[start : start + SUBMIT_CHUNK], override_budget, use_cache, jobs)
        if jobs:
            self.changed()
            await self._track(jobs)

    def _send(
        self,
        uri: str,
        targets: list[tuple[FunctionKey, FunctionInfo]],
        override_budget: bool,
        use_cache: bool,
        jobs: list[asyncio.Task[None]],
    ) -> None:
        server = self.server
        document = server.document(uri)
        if document is None:
            return
        alive = {id(f) for f in document.functions}
        for key, function in targets:
            if id(function) not in alive:
                continue  # edited away since it was queued
            body_hash = document.function_hash(function)
            if server.memory.get(body_hash) is not None:
                continue
            slot = (uri, key)
            existing = self.tasks.get(slot)
            if existing is not None:
                if existing[0] == body_hash:
                    continue
                existing[1].cancel()
            state = server.state_for(uri, key)
            state.in_flight = body_hash
            request = server.request_for(document, function, body_hash)
            task = asyncio.ensure_future(self._one(uri, key, body_hash, request, override_budget, use_cache))
            self.tasks[slot] = (body_hash, task)
            jobs.append(task)

    def _keep(self, task: asyncio.Task[None]) -> None:
        self._trackers.add(task)
        task.add_done_callback(self._trackers.discard)

    async def _track(self, jobs: list[asyncio.Task[None]]) -> None:
        def cancel_all() -> None:
            for job in jobs:
                job.cancel()

        progress = BatchProgress(self.server, "mu", len(jobs), cancel_all)
        await progress.begin()
        done = 0
        for future in asyncio.as_completed(jobs):
            try:
                await future
            except asyncio.CancelledError:
                pass
            except Exception:  # defensive: one failure must not stop the progress
                log.exception("a summary task failed")
            done += 1
            progress.report(done, self.server.worker.status.cost_usd)
        cancelled = sum(1 for job in jobs if job.cancelled())
        summary = f"Summarized {done - cancelled}/{len(jobs)} · ${self.server.worker.status.cost_usd:.3f}"
        if cancelled:
            summary += f" ({cancelled} cancelled)"
        progress.end(summary)

    async def _one(
        self,
        uri: str,
        key: FunctionKey,
        body_hash: str,
        request: SummarizationRequest,
        override_budget: bool,
        use_cache: bool,
    ) -> None:
        server = self.server
        try:
            result = await server.worker.summarize(request, use_cache=use_cache, override_budget=override_budget)
        except asyncio.CancelledError:
            self._settle(uri, key, body_hash)
            raise
        finally:
            current = self.tasks.get((uri, key))
            if current is not None and current[0] == body_hash:
                del self.tasks[(uri, key)]
        state = server.states.get(uri, {}).get(key)
        if result.ok:
            summary = Summary(result.summary, result.model, result.cached, result.offline, body_hash)
            server.memory.put(summary)
            if state is not None:
                state.summary = summary
                state.error = state.error_kind = state.error_hash = None
        elif result.error_kind is not ErrorKind.CANCELLED and state is not None:
            state.error = result.error or "failed"
            state.error_kind = result.error_kind
            state.error_hash = body_hash
            log.info("%s: %s", request.function_name, state.error)
        self._settle(uri, key, body_hash)
        self.changed()

    def _settle(self, uri: str, key: FunctionKey, body_hash: str) -> None:
        state = self.server.states.get(uri, {}).get(key)
        if state is not None and state.in_flight == body_hash:
            state.in_flight = None

    def cancel_document(self, uri: str) -> int:
        slots = [slot for slot in self.tasks if slot[0] == uri]
        for slot in slots:
            self.tasks[slot][1].cancel()
        return len(slots)

    def cancel_changed(self, uri: str, current: dict[FunctionKey, str]) -> None:
        """Cancel requests whose function's body no longer matches (or no longer exists)."""
        for slot, (body_hash, task) in list(self.tasks.items()):
            if slot[0] == uri and current.get(slot[1]) != body_hash:
                task.cancel()

    def cancel_all(self) -> None:
        for _, task in list(self.tasks.values()):
            task.cancel()

    def changed(self) -> None:
        """Something visible changed: refresh lenses (debounced) and the status."""
        if self._refresh_pending:
            return
        self._refresh_pending = True
        asyncio.get_running_loop().call_later(REFRESH_DELAY, self._flush)

    def _flush(self) -> None:
        self._refresh_pending = False
        self.server.refresh_lenses()
        self.server.send_status()
