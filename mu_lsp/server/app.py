"""`create_server`: the language server with every feature registered."""

from __future__ import annotations

from mu_lsp.server.core import MuServer
from mu_lsp.server.features import register_all


def create_server(worker_command: list[str] | None = None) -> MuServer:
    server = MuServer(worker_command)
    register_all(server)
    return server
