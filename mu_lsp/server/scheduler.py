"""Which functions get summarized when, and what happens to each request.

Triggers: opening or saving a document (per `[summarize] on`), or an explicit command. Never
while typing: an edit only marks summaries outdated. Most complex functions go first. A
function has at most one request in flight, for its current body; a request whose body has
since changed, or whose document closed, is cancelled. A request asked for again while it is
still in flight (`mu.summarizeFile`, a click) is retried once if it then fails: the user asked
after seeing it fail, or while it was failing.

The scheduler is given the few things it needs (documents, the summary memory, a summarize
function, a request builder, a change callback, a progress factory), not the server.
"""

from __future__ import annotations

import asyncio
import logging
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from mu_lsp.analysis.model import FunctionInfo, FunctionKey
from mu_lsp.llm.types import ErrorKind, SummarizationRequest, SummarizationResult
from mu_lsp.server.progress import BatchProgress
from mu_lsp.server.state import Summary, SummaryMemory
from mu_lsp.server.workspace import OpenDocument, OpenDocuments
from mu_lsp.untrusted import visible_text

log = logging.getLogger(__name__)

SUBMIT_CHUNK = 8

Summarize = Callable[[SummarizationRequest, bool, bool], Awaitable[SummarizationResult]]
BuildRequest = Callable[[OpenDocument, FunctionInfo], SummarizationRequest]
ProgressFactory = Callable[[int, Callable[[], None]], BatchProgress]


@dataclass(slots=True)
class _Slot:
    body_hash: str
    task: asyncio.Task[SummarizationResult]
    retry_on_failure: bool = False


class Scheduler:
    def __init__(
        self,
        documents: OpenDocuments,
        memory: SummaryMemory,
        summarize: Summarize,
        build_request: BuildRequest,
        changed: Callable[[], None],
        progress: ProgressFactory,
        cost_text: Callable[[], str],
    ) -> None:
        self._documents = documents
        self._memory = memory
        self._summarize = summarize
        self._build_request = build_request
        self._changed = changed
        self._progress = progress
        self._cost_text = cost_text
        self._slots: dict[tuple[str, FunctionKey], _Slot] = {}
        self._trackers: set[asyncio.Task[None]] = set()

    @property
    def pending(self) -> int:
        return len(self._slots)

    def in_flight(self, uri: str, key: FunctionKey) -> bool:
        return (uri, key) in self._slots

    def submit(
        self,
        uri: str,
        targets: list[FunctionInfo],
        override_budget: bool = False,
        use_cache: bool = True,
        asked: bool = False,
    ) -> int:
        """Summarize `targets` of the open document `uri`, most complex first.

        The first few are sent at once (a click shows `summarizing…` immediately); the rest
        follow in small chunks that yield to the event loop, so opening a file with hundreds
        of complex functions never stalls a hover. `asked`: the user asked explicitly, so a
        request already in flight is retried once if it fails. Returns how many were sent
        immediately.
        """
        ordered = sorted(targets, key=lambda f: (-f.cognitive, -f.cyclomatic, f.start_byte))
        jobs: list[asyncio.Task[SummarizationResult]] = []
        head, rest = ordered[:SUBMIT_CHUNK], ordered[SUBMIT_CHUNK:]
        self._send(uri, head, override_budget, use_cache, asked, jobs)
        sent = len(jobs)
        if rest:
            self._keep(asyncio.ensure_future(self._submit_rest(uri, rest, override_budget, use_cache, asked, jobs)))
        elif jobs:
            self._keep(asyncio.ensure_future(self._track(jobs)))
        if jobs:
            self._changed()
        return sent

    async def _submit_rest(
        self,
        uri: str,
        rest: list[FunctionInfo],
        override_budget: bool,
        use_cache: bool,
        asked: bool,
        jobs: list[asyncio.Task[SummarizationResult]],
    ) -> None:
        for start in range(0, len(rest), SUBMIT_CHUNK):
            await asyncio.sleep(0)
            if uri not in self._documents:
                break
            self._send(uri, rest[start : start + SUBMIT_CHUNK], override_budget, use_cache, asked, jobs)
        if jobs:
            self._changed()
            await self._track(jobs)

    def _send(
        self,
        uri: str,
        targets: list[FunctionInfo],
        override_budget: bool,
        use_cache: bool,
        asked: bool,
        jobs: list[asyncio.Task[SummarizationResult]],
    ) -> None:
        opened = self._documents.get(uri)
        if opened is None:
            return
        document = opened.document
        for function in targets:
            if document.function_by_key(function.key) is not function:
                continue  # edited away since it was queued
            body_hash = document.function_hash(function)
            remembered = self._memory.get(body_hash)
            state = opened.state(function.key)
            if remembered is not None:
                state.summary = remembered
                continue
            slot = (uri, function.key)
            existing = self._slots.get(slot)
            if existing is not None:
                if existing.body_hash == body_hash:
                    existing.retry_on_failure |= asked
                    continue
                existing.task.cancel()
            state.in_flight = body_hash
            request = self._build_request(opened, function)
            task = asyncio.ensure_future(self._one(uri, function.key, body_hash, request, override_budget, use_cache))
            self._slots[slot] = _Slot(body_hash, task)
            jobs.append(task)

    def _keep(self, task: asyncio.Task[None]) -> None:
        self._trackers.add(task)
        task.add_done_callback(self._trackers.discard)

    async def _track(self, jobs: list[asyncio.Task[SummarizationResult]]) -> None:
        def cancel_all() -> None:
            for job in jobs:
                job.cancel()

        progress = self._progress(len(jobs), cancel_all)
        await progress.begin()
        outcomes: Counter[str] = Counter()
        for done, future in enumerate(asyncio.as_completed(jobs), start=1):
            try:
                result = await future
                outcomes["ok" if result.ok else ("budget" if result.error_kind is ErrorKind.BUDGET else "failed")] += 1
            except asyncio.CancelledError:
                outcomes["cancelled"] += 1
            except Exception:  # defensive: one failure must not stop the progress
                log.exception("a summary task failed")
                outcomes["failed"] += 1
            progress.report(done, self._cost_text())
        progress.end(describe_outcomes(outcomes, len(jobs), self._cost_text()))

    async def _one(
        self,
        uri: str,
        key: FunctionKey,
        body_hash: str,
        request: SummarizationRequest,
        override_budget: bool,
        use_cache: bool,
    ) -> SummarizationResult:
        retried = False
        while True:
            try:
                result = await self._summarize(request, use_cache, override_budget)
            except asyncio.CancelledError:
                self._settle(uri, key, body_hash)
                self._release(uri, key, body_hash)
                raise
            slot = self._slots.get((uri, key))
            again = slot is not None and slot.body_hash == body_hash and slot.retry_on_failure and not retried
            if not result.ok and result.error_kind is not ErrorKind.CANCELLED and again:
                assert slot is not None
                slot.retry_on_failure, retried = False, True
                log.info("%s: asked again while failing; retrying once", request.function_name)
                continue
            break
        self._release(uri, key, body_hash)
        self._record(uri, key, body_hash, request.function_name, result)
        self._settle(uri, key, body_hash)
        self._changed()
        return result

    def _release(self, uri: str, key: FunctionKey, body_hash: str) -> None:
        slot = self._slots.get((uri, key))
        if slot is not None and slot.body_hash == body_hash:
            del self._slots[(uri, key)]

    def _record(self, uri: str, key: FunctionKey, body_hash: str, name: str, result: SummarizationResult) -> None:
        opened = self._documents.get(uri)
        state = opened.states.get(key) if opened is not None else None
        if result.ok:
            bullets = tuple(visible_text(b) for b in result.summary)
            summary = Summary(bullets, visible_text(result.model), result.cached, result.offline, body_hash)
            self._memory.put(summary)
            if state is not None:
                state.summary = summary
                state.error = state.error_kind = state.error_hash = state.retry_at = None
        elif result.error_kind is not ErrorKind.CANCELLED and state is not None:
            state.error = visible_text(result.error or "failed")
            state.error_kind = result.error_kind
            state.error_hash = body_hash
            state.retry_at = result.retry_at
            log.info("%s: %s", name, state.error)

    def _settle(self, uri: str, key: FunctionKey, body_hash: str) -> None:
        opened = self._documents.get(uri)
        state = opened.states.get(key) if opened is not None else None
        if state is not None and state.in_flight == body_hash:
            state.in_flight = None
            state.waiting_until = None

    def waiting(self, body_hash: str, until: float) -> bool:
        """The worker says the request for `body_hash` sleeps on a rate limit until `until`
        (0: sent again). True if a function's view changed."""
        changed = False
        for (uri, key), slot in self._slots.items():
            opened = self._documents.get(uri)
            state = opened.states.get(key) if opened is not None else None
            if slot.body_hash == body_hash and state is not None and state.in_flight == body_hash:
                state.waiting_until = until or None
                changed = True
        return changed

    def reanalysed(self, opened: OpenDocument, touched: set[FunctionKey]) -> None:
        """A re-parse changed these functions: drop requests for bodies that no longer exist,
        and show a remembered summary at once where the new body has one (an undo)."""
        document = opened.document
        for (uri, key), slot in list(self._slots.items()):
            if uri != opened.uri:
                continue
            function = document.function_by_key(key)
            if function is None or (key in touched and document.function_hash(function) != slot.body_hash):
                slot.task.cancel()
        for key in touched:
            function = document.function_by_key(key)
            if function is not None and key in opened.states:
                remembered = self._memory.get(document.function_hash(function))
                if remembered is not None:
                    opened.states[key].summary = remembered

    def cancel_document(self, uri: str) -> int:
        slots = [slot for slot in self._slots if slot[0] == uri]
        for slot in slots:
            self._slots[slot].task.cancel()
        return len(slots)

    def cancel_all(self) -> None:
        for slot in list(self._slots.values()):
            slot.task.cancel()


def describe_outcomes(outcomes: Counter[str], total: int, cost: str) -> str:
    """`Summarized 3/20 · 17 stopped by the budget · $0.0123`: counts that add up."""
    parts = [f"Summarized {outcomes['ok']}/{total}"]
    if outcomes["budget"]:
        parts.append(f"{outcomes['budget']} stopped by the budget")
    if outcomes["failed"]:
        parts.append(f"{outcomes['failed']} failed")
    if outcomes["cancelled"]:
        parts.append(f"{outcomes['cancelled']} cancelled")
    parts.append(cost)
    return " · ".join(parts)
