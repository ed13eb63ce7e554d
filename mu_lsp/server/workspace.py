"""The open documents: one owner for each document's text and tree, its functions' states, its
re-parse timer, its lens cache and why it may not be sent.

Handlers and the scheduler reach documents only through `OpenDocuments`, so closing a document
drops everything about it in one place, and a re-parse tells whoever cares (the scheduler)
which functions it re-analysed.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from mu_lsp.analysis.model import FunctionKey, Thresholds
from mu_lsp.server.documents import ContentChange, Document
from mu_lsp.server.state import FunctionState
from mu_lsp.server.text import Encoding

FLUSH_DELAY = 0.15  # seconds of quiet typing before a document is re-parsed in the background

LensStamp = tuple[int, Thresholds, bool]  # revision, thresholds, lenses enabled


@dataclass(slots=True)
class OpenDocument:
    document: Document
    refusal: str | None  # why nothing from this document may be sent; None: it may
    states: dict[FunctionKey, FunctionState] = field(default_factory=dict)
    lens_stamp: LensStamp | None = None
    lenses: list[Any] = field(default_factory=list)
    flush_timer: asyncio.TimerHandle | None = None

    @property
    def uri(self) -> str:
        return self.document.uri

    def state(self, key: FunctionKey) -> FunctionState:
        return self.states.setdefault(key, FunctionState())

    def cached_lenses(self, stamp: LensStamp) -> list[Any] | None:
        """The lens list only changes with the text, the thresholds or the toggle."""
        return self.lenses if self.lens_stamp == stamp else None

    def remember_lenses(self, stamp: LensStamp, lenses: list[Any]) -> None:
        self.lens_stamp, self.lenses = stamp, lenses


Reanalysed = Callable[[OpenDocument, set[FunctionKey]], None]


class OpenDocuments:
    def __init__(self, on_reanalysed: Reanalysed | None = None) -> None:
        self._open: dict[str, OpenDocument] = {}
        self.on_reanalysed = on_reanalysed

    def __iter__(self) -> Iterator[OpenDocument]:
        return iter(list(self._open.values()))

    def __contains__(self, uri: str) -> bool:
        return uri in self._open

    def open(self, uri: str, language: str, version: int, text: str, refusal: str | None) -> OpenDocument:
        self.close(uri)
        opened = self._open[uri] = OpenDocument(Document.open(uri, language, version, text), refusal)
        return opened

    def get(self, uri: str) -> OpenDocument | None:
        """An open document, brought up to date (re-parsed if edits are pending)."""
        opened = self._open.get(uri)
        if opened is not None and opened.document.pending:
            self.flush(uri)
        return opened

    def change(self, uri: str, changes: list[ContentChange], version: int, encoding: Encoding) -> bool:
        """Apply edits (cheap); the re-parse runs once typing pauses. False: not open.
        Raises `PositionError` for a range outside the document (nothing is applied)."""
        opened = self._open.get(uri)
        if opened is None:
            return False
        opened.document.apply(changes, version, encoding)
        if opened.flush_timer is not None:
            opened.flush_timer.cancel()
        opened.flush_timer = asyncio.get_running_loop().call_later(FLUSH_DELAY, self.flush, uri)
        return True

    def flush(self, uri: str) -> None:
        opened = self._open.get(uri)
        if opened is None:
            return
        if opened.flush_timer is not None:
            opened.flush_timer.cancel()
            opened.flush_timer = None
        touched = opened.document.take_touched()
        if touched and self.on_reanalysed is not None:
            self.on_reanalysed(opened, touched)

    def close(self, uri: str) -> OpenDocument | None:
        opened = self._open.pop(uri, None)
        if opened is not None and opened.flush_timer is not None:
            opened.flush_timer.cancel()
        return opened

    def reconsider(self, refusal: Callable[[str], str | None]) -> None:
        """Settings changed: decide again, once per document, whether it may be sent."""
        for opened in self._open.values():
            opened.refusal = refusal(opened.uri)
