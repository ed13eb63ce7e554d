"""What the editor should show for each complex function, and why.

A function's summary belongs to the structural hash of the body it was written for. While
the user types, the function's hash changes and the old summary is kept, marked outdated, so
the lens never flickers; the summary for the new hash replaces it when it arrives. Finished
summaries are remembered by hash, so undoing an edit brings its summary back at once.

`view_of` only reads: a state changes when a result arrives (the scheduler) or a document
changes, never because a hover or a lens looked at it.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from mu_lsp.analysis.model import FunctionInfo
from mu_lsp.llm.types import ErrorKind
from mu_lsp.lru import LRU

MAX_REMEMBERED = 10_000


class State(StrEnum):
    READY = "ready"
    SUMMARIZING = "summarizing"
    OUTDATED = "outdated"
    ERROR = "error"
    BUDGET = "budget"
    UNAVAILABLE = "unavailable"  # the summarizer process cannot start: not this function's fault
    RATE_LIMITED = "rate_limited"  # waiting for the provider's Retry-After
    ON_REQUEST = "on_request"  # summaries only when asked
    ON_SAVE = "on_save"  # became complex while typing; summarized on save
    TOO_LARGE = "too_large"
    EXCLUDED = "excluded"


@dataclass(frozen=True, slots=True)
class Summary:
    bullets: tuple[str, ...]
    model: str
    cached: bool
    offline: bool
    body_hash: str


@dataclass(slots=True)
class FunctionState:
    """Per function of an open document (keyed by `FunctionInfo.key`)."""

    summary: Summary | None = None  # the latest summary, possibly for an older body
    in_flight: str | None = None  # hash being summarized
    error: str | None = None
    error_kind: ErrorKind | None = None
    error_hash: str | None = None
    retry_at: float | None = None  # rate-limited past the pool's bound: when to try again (epoch)
    waiting_until: float | None = None  # the request in flight sleeps on a rate limit until then


@dataclass(frozen=True, slots=True)
class View:
    """Everything the hover and the lens render for one function."""

    function: FunctionInfo
    state: State
    summary: Summary | None
    error: str | None
    retry_at: float | None = None  # RATE_LIMITED: when the provider takes requests again (epoch)


class SummaryMemory:
    """Finished summaries by structural hash, shared by all documents (the one LRU)."""

    def __init__(self, limit: int = MAX_REMEMBERED) -> None:
        self._items: LRU[str, Summary] = LRU(limit)

    def get(self, body_hash: str) -> Summary | None:
        return self._items.get(body_hash)

    def put(self, summary: Summary) -> None:
        self._items.put(summary.body_hash, summary)

    def clear(self) -> None:
        self._items.clear()


@dataclass(frozen=True, slots=True)
class Policy:
    """The document-level facts that decide a function's state besides its own history."""

    on_save: bool
    too_large: bool
    excluded: str | None  # why nothing is sent (excluded by a pattern, not a local file), or None


_ERROR_STATES = {ErrorKind.BUDGET: State.BUDGET, ErrorKind.UNAVAILABLE: State.UNAVAILABLE}


def view_of(
    function: FunctionInfo,
    body_hash: str,
    state: FunctionState,
    memory: SummaryMemory,
    policy: Policy,
) -> View:
    fresh = memory.get(body_hash)
    if fresh is not None:
        return View(function, State.READY, fresh, None)
    if policy.excluded:
        return View(function, State.EXCLUDED, None, policy.excluded)
    if policy.too_large:
        return View(function, State.TOO_LARGE, None, None)
    if state.in_flight == body_hash:
        if state.waiting_until:
            return View(function, State.RATE_LIMITED, state.summary, None, state.waiting_until)
        return View(function, State.SUMMARIZING, state.summary, None)
    if state.error is not None and state.error_hash == body_hash:
        if state.error_kind is ErrorKind.RATE_LIMIT and state.retry_at is not None:
            return View(function, State.RATE_LIMITED, state.summary, state.error, state.retry_at)
        shown = _ERROR_STATES.get(state.error_kind, State.ERROR) if state.error_kind else State.ERROR
        return View(function, shown, state.summary, state.error)
    if state.summary is not None:
        return View(function, State.OUTDATED, state.summary, None)
    return View(function, State.ON_SAVE if policy.on_save else State.ON_REQUEST, None, None)
