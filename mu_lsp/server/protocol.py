"""The LSP protocol class: pygls's, without its own document store, and answering every
malformed request.

pygls keeps a copy of every open document and applies each incremental change by walking its
lines in Python; mu-lsp keeps bytes, a line index and a syntax tree of its own
(`documents.py`), so the three document notifications go straight to mu-lsp's handlers.

A request whose parameters do not fit its type (a negative position, a line above 2^31, a
string where a number goes) fails in pygls before it has an id to answer, so the client would
wait forever; here it is answered with `InvalidParams`.
"""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

import attrs
from lsprotocol import types
from pygls.exceptions import JsonRpcException, JsonRpcInvalidParams
from pygls.protocol import LanguageServerProtocol
from pygls.protocol.language_server import lsp_method


@attrs.define
class RejectedRequest:
    """A request that could not be read; answered with its error in `handle_message`."""

    id: int | str | None
    error: JsonRpcException


class MuProtocol(LanguageServerProtocol):
    def structure_message(self, data: dict[str, Any]) -> Any:
        try:
            return super().structure_message(data)
        except JsonRpcException:
            if "id" in data and "method" in data and "jsonrpc" in data:
                ident = data["id"] if isinstance(data["id"], int | str) else None
                method = str(data.get("method"))[:80]
                return RejectedRequest(ident, JsonRpcInvalidParams(f"invalid parameters for {method}"))
            raise

    def handle_message(self, message: Any) -> None:
        if isinstance(message, RejectedRequest):
            self._send_response(message.id, error=message.error.to_response_error())  # type: ignore[arg-type]
            return
        super().handle_message(message)

    @lsp_method(types.WORKSPACE_EXECUTE_COMMAND)
    def lsp_workspace__execute_command(self, params: types.ExecuteCommandParams) -> Generator[Any, Any, Any]:
        """No `arguments` is no arguments: pygls would otherwise call the handler without the
        ones it needs (an internal error) instead of saying they are missing (InvalidParams)."""
        if params.arguments is None:
            params.arguments = []
        return (yield from super().lsp_workspace__execute_command(params))

    @lsp_method(types.TEXT_DOCUMENT_DID_OPEN)
    def lsp_text_document__did_open(self, params: types.DidOpenTextDocumentParams) -> Generator[Any, Any, None]:
        if (handler := self.fm.features.get(types.TEXT_DOCUMENT_DID_OPEN)) is not None:
            yield handler, (params,), None

    @lsp_method(types.TEXT_DOCUMENT_DID_CHANGE)
    def lsp_text_document__did_change(self, params: types.DidChangeTextDocumentParams) -> Generator[Any, Any, None]:
        if (handler := self.fm.features.get(types.TEXT_DOCUMENT_DID_CHANGE)) is not None:
            yield handler, (params,), None

    @lsp_method(types.TEXT_DOCUMENT_DID_CLOSE)
    def lsp_text_document__did_close(self, params: types.DidCloseTextDocumentParams) -> Generator[Any, Any, None]:
        if (handler := self.fm.features.get(types.TEXT_DOCUMENT_DID_CLOSE)) is not None:
            yield handler, (params,), None
