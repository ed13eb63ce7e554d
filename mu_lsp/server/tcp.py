"""`mu-lsp serve --tcp`: one editor, on this machine only.

pygls's `start_tcp` accepts every connection and lets each one drive the same server, so a
second local process could connect while the editor is attached, send its own `initialize`
and redirect where the editor's files go. Here the listener accepts exactly one client and
stops listening the moment it connects (later attempts are refused), and it binds only to a
loopback address (`serve_args` refuses any other host).
"""

from __future__ import annotations

import asyncio
import logging
import threading

from pygls.io_ import run_async
from pygls.lsp.server import LanguageServer

log = logging.getLogger(__name__)
LOOPBACK_HOSTS = ("127.0.0.1", "::1", "localhost")


def serve_one_client(server: LanguageServer, host: str, port: int) -> None:
    """Serve the first client that connects to `host:port`, then exit when it leaves."""
    stop_event = server._stop_event = threading.Event()

    async def main() -> None:
        finished = asyncio.Event()
        taken = False

        async def on_connection(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            nonlocal taken
            if taken:  # accepted in the same instant as the first one: refused
                writer.close()
                return
            taken = True
            listener.close()
            log.info("client connected; no longer listening")
            server.protocol.set_writer(writer)
            try:
                await run_async(
                    stop_event=stop_event,
                    reader=reader,
                    protocol=server.protocol,
                    logger=log,
                    error_handler=server.report_server_error,
                )
            finally:
                finished.set()

        listener = await asyncio.start_server(on_connection, host, port)
        for sock in listener.sockets:
            log.info("listening on %s for one client", sock.getsockname()[:2])
        await finished.wait()

    try:
        asyncio.run(main())
    finally:
        server.shutdown()  # type: ignore[no-untyped-call]
