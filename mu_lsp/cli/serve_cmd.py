"""`mu-lsp serve`: run the language server on stdio (default) or TCP."""

from __future__ import annotations

import argparse
import gc
import logging
import os

from mu_lsp.server.app import create_server
from mu_lsp.server.logs import configure_logging, resolve_level
from mu_lsp.server.tcp import serve_one_client

log = logging.getLogger("mu_lsp")


def run(args: argparse.Namespace) -> int:
    editor_handler = configure_logging(resolve_level(getattr(args, "log_level", None)))
    server = create_server()
    # Everything imported so far lives as long as the process: keep it out of the collector's
    # full scans, which otherwise pause the event loop for tens of milliseconds.
    gc.collect()
    gc.freeze()
    editor_handler.send = server.window_log_message
    if getattr(args, "tcp", False):
        serve_one_client(server, args.host, args.port)
    else:
        server.start_io()
    # The client is gone (end of input) without `exit`: leave now rather than wait in the
    # interpreter's clean-up for threads; the worker sees its input close and leaves too.
    logging.shutdown()
    os._exit(0)
