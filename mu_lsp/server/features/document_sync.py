"""didOpen / didChange / didSave / didClose: keeping documents, and scheduling summaries.

A keystroke only updates the text and moves the function index (cheap); the re-parse waits
for a typing pause (`OpenDocuments`). Summaries are requested on open and on save, per
`[summarize] on`, never while typing.
"""

from __future__ import annotations

import asyncio
import logging

from lsprotocol import types
from pygls.uris import to_fs_path

from mu_lsp.analysis.languages import language_for_id
from mu_lsp.server.core import MuServer
from mu_lsp.server.documents import ContentChange
from mu_lsp.server.text import PositionError

log = logging.getLogger(__name__)

_deferred: set[asyncio.Task[None]] = set()


def _changes(params: types.DidChangeTextDocumentParams) -> list[ContentChange]:
    changes = []
    for change in params.content_changes:
        if isinstance(change, types.TextDocumentContentChangePartial):
            start, end = change.range.start, change.range.end
            changes.append(ContentChange(change.text, (start.line, start.character, end.line, end.character)))
        else:
            changes.append(ContentChange(change.text))
    return changes


def when_settings_ready(ls: MuServer, uri: str, trigger: str) -> None:
    """Schedule `uri` once the final settings are known (documents may open before)."""

    async def run() -> None:
        await ls.config.ready.wait()
        opened = ls.documents.get(uri)
        if opened is not None and ls.config.summarizes_on(trigger):
            ls.schedule(opened)

    task = asyncio.ensure_future(run())
    _deferred.add(task)
    task.add_done_callback(_deferred.discard)


def register(server: MuServer) -> None:
    @server.feature(types.TEXT_DOCUMENT_DID_OPEN)
    def did_open(ls: MuServer, params: types.DidOpenTextDocumentParams) -> None:
        item = params.text_document
        path = to_fs_path(item.uri) if item.uri.startswith("file:") else None
        language = language_for_id(item.language_id, path)
        if language is None:
            log.info("not analysing %s: unsupported language %r", item.uri, item.language_id)
            return
        opened = ls.documents.open(item.uri, language, item.version, item.text, ls.config.refusal(item.uri))
        if ls.summarizable(opened):
            when_settings_ready(ls, item.uri, "open")
        else:
            policy = ls.policy(opened)
            reason = policy.excluded or "larger than [summarize] max_file_bytes"
            log.info("%s: analysed, not summarized (%s)", item.uri, reason)

    @server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
    def did_change(ls: MuServer, params: types.DidChangeTextDocumentParams) -> None:
        uri = params.text_document.uri
        try:
            ls.documents.change(uri, _changes(params), params.text_document.version, ls.encoding)
        except PositionError as error:
            log.warning("ignored an edit of %s: %s", uri, error)

    @server.feature(types.TEXT_DOCUMENT_DID_SAVE)
    def did_save(ls: MuServer, params: types.DidSaveTextDocumentParams) -> None:
        opened = ls.documents.get(params.text_document.uri)
        if opened is not None and ls.config.summarizes_on("save"):
            ls.schedule(opened)

    @server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(ls: MuServer, params: types.DidCloseTextDocumentParams) -> None:
        uri = params.text_document.uri
        ls.scheduler.cancel_document(uri)
        ls.documents.close(uri)
