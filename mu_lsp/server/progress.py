"""`window/workDoneProgress` for a batch of summaries, cancellable from the client.

Skipped quietly when the client does not support server-initiated progress (or refuses the
token): the batch still runs, it just is not shown.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import Callable

from lsprotocol import types
from pygls.lsp.server import LanguageServer

log = logging.getLogger(__name__)


class BatchProgress:
    def __init__(self, server: LanguageServer, title: str, total: int, on_cancel: Callable[[], None]) -> None:
        self._server = server
        self._title = title
        self._total = total
        self._on_cancel = on_cancel
        self._token: str | None = None

    async def begin(self) -> None:
        capabilities = self._server.client_capabilities
        window = capabilities.window if capabilities else None
        if not (window and window.work_done_progress):
            return
        token = f"mu-{uuid.uuid4().hex[:12]}"
        try:
            await asyncio.wait_for(self._server.work_done_progress.create_async(token), 5.0)
        except Exception as error:  # the client may refuse; progress is optional
            log.debug("progress not shown: %s", error)
            return
        self._token = token
        future = self._server.work_done_progress.tokens.get(token)
        if future is not None:
            future.add_done_callback(lambda f: self._on_cancel() if f.cancelled() else None)
        self._server.work_done_progress.begin(
            token,
            types.WorkDoneProgressBegin(
                title=self._title,
                message=f"Summarizing 0/{self._total}",
                percentage=0,
                cancellable=True,
            ),
        )

    def report(self, done: int, cost: str) -> None:
        if self._token is None:
            return
        percentage = int(100 * done / max(self._total, 1))
        self._server.work_done_progress.report(
            self._token,
            types.WorkDoneProgressReport(message=f"Summarizing {done}/{self._total} · {cost}", percentage=percentage),
        )

    def end(self, message: str) -> None:
        if self._token is None:
            return
        self._server.work_done_progress.end(self._token, types.WorkDoneProgressEnd(message=message))
        self._server.work_done_progress.tokens.pop(self._token, None)
        self._token = None
