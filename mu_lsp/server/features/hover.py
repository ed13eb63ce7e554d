"""Hover on a function's name or signature: figures, and for a complex function its summary
(or why there is none yet)."""

from __future__ import annotations

from lsprotocol import types

from mu_lsp.server.core import MuServer
from mu_lsp.server.render import hover_markdown
from mu_lsp.server.state import State, View


def register(server: MuServer) -> None:
    @server.feature(types.TEXT_DOCUMENT_HOVER)
    async def hover(ls: MuServer, params: types.HoverParams) -> types.Hover | None:
        await ls.config.wait_ready()
        opened = ls.documents.get(params.text_document.uri)
        if opened is None:
            return None
        function = opened.document.function_at_header(params.position.line)
        if function is None:
            return None
        complex_function = function.is_complex(ls.config.thresholds)
        view = ls.view(opened, function) if complex_function else View(function, State.READY, None, None)
        markdown = hover_markdown(view, complex_function, ls.config.summarizes_on("save"))
        return types.Hover(contents=types.MarkupContent(kind=types.MarkupKind.Markdown, value=markdown))
