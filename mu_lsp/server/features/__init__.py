"""One module per LSP feature, each with `register(server)` (as pygls's examples and esbonio do)."""

from __future__ import annotations

from mu_lsp.server.core import MuServer
from mu_lsp.server.features import code_lens, commands, document_sync, hover, lifecycle


def register_all(server: MuServer) -> None:
    for feature in (lifecycle, document_sync, hover, code_lens, commands):
        feature.register(server)
