"""What the editor should show for each complex function, and why.

A function's summary belongs to the structural hash of the body it was written for. While
the user types, the function's hash changes and the old summary is kept, marked outdated, so
the lens never flickers; the summary for the new hash replaces it when it arrives. Finished
summaries are remembered by hash, so undoing an edit brings its summary back at once.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass
from enum import StrEnum

from mu_lsp.analysis.model import FunctionInfo
from mu_lsp.llm.types import ErrorKind

MAX_REMEMBERED = 10_000


class State(StrEnum):
    READY = "ready"
    SUMMARIZING = "summarizing"
    OUTDATED = "outdated"
    ERROR = "error"
    BUDGET = "budget"
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
    """Per function of an open document (keyed by qualified name and occurrence)."""

    summary: Summary | None = None  # the latest summary, possibly for an older body
    in_flight: str | None = None  # hash being summarized
    error: str | None = None
    error_kind: ErrorKind | None = None
    error_hash: str | None = None


@dataclass(frozen=True, slots=True)
class View:
    """Everything the hover and the lens render for one function."""

    function: FunctionInfo
    state: State
    summary: Summary | None
    error: str | None


FunctionKey = tuple[str, int]


def function_keys(functions: list[FunctionInfo]) -> list[FunctionKey]:
    """Stable identities: qualified name plus occurrence (overloads, redefinitions)."""
    seen: dict[str, int] = {}
    keys = []
    for function in functions:
        index = seen.get(function.qualified_name, 0)
        seen[function.qualified_name] = index + 1
        keys.append((function.qualified_name, index))
    return keys


class SummaryMemory:
    """Finished summaries by structural hash (LRU), shared by all documents."""

    def __init__(self, limit: int = MAX_REMEMBERED) -> None:
        self._items: OrderedDict[str, Summary] = OrderedDict()
        self._limit = limit

    def get(self, body_hash: str) -> Summary | None:
        summary = self._items.get(body_hash)
        if summary is not None:
            self._items.move_to_end(body_hash)
        return summary

    def put(self, summary: Summary) -> None:
        self._items[summary.body_hash] = summary
        self._items.move_to_end(summary.body_hash)
        while len(self._items) > self._limit:
            self._items.popitem(last=False)

    def clear(self) -> None:
        self._items.clear()


@dataclass(frozen=True, slots=True)
class Policy:
    """The document-level facts that decide a function's state besides its own history."""

    on_save: bool
    too_large: bool
    excluded: bool


def view_of(
    function: FunctionInfo,
    body_hash: str,
    state: FunctionState,
    memory: SummaryMemory,
    policy: Policy,
) -> View:
    fresh = memory.get(body_hash)
    if fresh is not None:
        state.summary = fresh
        if state.error_hash == body_hash:
            state.error = state.error_kind = state.error_hash = None
        return View(function, State.READY, fresh, None)
    if policy.excluded:
        return View(function, State.EXCLUDED, None, None)
    if policy.too_large:
        return View(function, State.TOO_LARGE, None, None)
    if state.in_flight == body_hash:
        return View(function, State.SUMMARIZING, state.summary, None)
    if state.error is not None and state.error_hash == body_hash:
        kind = State.BUDGET if state.error_kind is ErrorKind.BUDGET else State.ERROR
        return View(function, kind, state.summary, state.error)
    if state.summary is not None:
        return View(function, State.OUTDATED, state.summary, None)
    return View(function, State.ON_SAVE if policy.on_save else State.ON_REQUEST, None, None)
