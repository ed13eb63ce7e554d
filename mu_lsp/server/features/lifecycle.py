"""Initialize, settings, shutdown and exit.

Settings are pulled with `workspace/configuration` after `initialized` (and again on
`workspace/didChangeConfiguration`); documents that open before then wait for them, so the
first summaries already use the editor's provider and thresholds.
"""

from __future__ import annotations

import asyncio
import logging
import os
import sys
from pathlib import Path
from typing import Any

from lsprotocol import types
from pygls.uris import to_fs_path

from mu_lsp.server.core import MuServer

log = logging.getLogger(__name__)
PULL_TIMEOUT = 10.0


def workspace_root(params: types.InitializeParams) -> Path | None:
    uri = params.root_uri or (params.workspace_folders[0].uri if params.workspace_folders else None)
    if uri is not None:
        path = to_fs_path(uri)
        return Path(path) if path else None
    return Path(params.root_path) if params.root_path else None


def apply_settings(ls: MuServer) -> bool:
    """Rebuild settings from the layers and tell the user about new problems; True when the
    worker needs the new settings."""
    rebuilt = ls.config.rebuild()
    for problem in rebuilt.new_problems:
        kind = types.MessageType.Warning if problem.severity == "warning" else types.MessageType.Error
        ls.show_message(kind, f"mu-lsp: {problem}")
    ls.documents.reconsider(ls.config.refusal)
    ls.status.changed()
    return rebuilt.worker_changed


async def pull_configuration(ls: MuServer) -> None:
    if not ls.supports_configuration():
        return
    root = ls.config.root
    item = types.ConfigurationItem(section="mu", scope_uri=root.as_uri() if root else None)
    try:
        result = await asyncio.wait_for(
            ls.workspace_configuration_async(types.ConfigurationParams(items=[item])), PULL_TIMEOUT
        )
    except Exception as error:  # a client that cannot answer keeps the other layers
        log.warning("could not read the editor's mu settings: %r", error)
        return
    ls.config.layers.set_client_settings(result[0] if result else None)


async def configure_worker(ls: MuServer) -> None:
    await ls.worker.configure(ls.config.layers.merged_layer(), str(ls.config.root) if ls.config.root else None)
    ls.status.changed()


def register(server: MuServer) -> None:
    @server.feature(types.INITIALIZE)
    def initialize(ls: MuServer, params: types.InitializeParams) -> None:
        ls.config.initialize(workspace_root(params) or Path(os.getcwd()), params.initialization_options)
        apply_settings(ls)

    @server.feature(types.INITIALIZED)
    async def initialized(ls: MuServer, params: types.InitializedParams) -> None:
        try:
            await pull_configuration(ls)
            apply_settings(ls)
        finally:
            ls.config.ready.set()
        await configure_worker(ls)

    @server.feature(types.WORKSPACE_DID_CHANGE_CONFIGURATION)
    async def did_change_configuration(ls: MuServer, params: types.DidChangeConfigurationParams) -> None:
        settings: Any = params.settings
        if isinstance(settings, dict) and "mu" in settings and not ls.supports_configuration():
            ls.config.layers.set_client_settings(settings["mu"])
        ls.config.layers.load_file()
        await pull_configuration(ls)
        if apply_settings(ls):
            await configure_worker(ls)

    shut_down = False

    @server.feature(types.SHUTDOWN)
    async def shutdown(ls: MuServer, params: Any) -> None:
        nonlocal shut_down
        ls.scheduler.cancel_all()
        await ls.worker.stop()
        shut_down = True

    @server.feature(types.EXIT)
    def leave(ls: MuServer, params: Any = None) -> None:
        """Leave now, with the exit code LSP asks for. pygls raises SystemExit instead, and
        asyncio's clean-up then waits for the thread reading stdin, which can wait for input
        that never comes: a loaded machine saw the process outlive its client by minutes."""
        for handler in logging.getLogger().handlers:
            handler.flush()
        sys.stdout.flush()
        os._exit(0 if shut_down else 1)
