"""Logging to stderr and to the editor (`window/logMessage`), never with an API key in it.

Every record is scrubbed of the configured keys and secret-looking tokens before it leaves
the process. pygls's own loggers stay at WARNING: at debug level they print raw messages,
which could carry whatever a user put in their settings.
"""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Callable

from lsprotocol import types

from mu_lsp.privacy.scrub import scrub
from mu_lsp.rpclog import quiet_cancellation_races

LEVELS = {
    "debug": logging.DEBUG,
    "info": logging.INFO,
    "warning": logging.WARNING,
    "error": logging.ERROR,
}
_LSP_TYPES = {
    logging.DEBUG: types.MessageType.Log,
    logging.INFO: types.MessageType.Info,
    logging.WARNING: types.MessageType.Warning,
    logging.ERROR: types.MessageType.Error,
}


class ScrubbingFormatter(logging.Formatter):
    """Every record through the one scrubber; a traceback only when debugging was asked for
    (pygls puts its own into the message text: only the first line is kept)."""

    def __init__(self, fmt: str, keep_tracebacks: bool = False) -> None:
        super().__init__(fmt)
        self._keep_tracebacks = keep_tracebacks

    def format(self, record: logging.LogRecord) -> str:
        if not self._keep_tracebacks:
            record = logging.makeLogRecord(record.__dict__)
            record.exc_info = record.exc_text = record.stack_info = None
            message = record.getMessage()
            record.msg, record.args = message.split("\n", 1)[0].rstrip(": "), None
        return scrub(super().format(record))


class EditorLogHandler(logging.Handler):
    """Forwards records to the client once it is connected."""

    def __init__(self) -> None:
        super().__init__()
        self.send: Callable[[types.LogMessageParams], None] | None = None
        self._sending = False

    def emit(self, record: logging.LogRecord) -> None:
        if self.send is None or self._sending:
            return
        self._sending = True
        try:
            kind = _LSP_TYPES.get(
                record.levelno,
                types.MessageType.Error if record.levelno > logging.ERROR else types.MessageType.Log,
            )
            self.send(types.LogMessageParams(type=kind, message=self.format(record)))
        except Exception:  # never let logging break the server
            self.handleError(record)
        finally:
            self._sending = False


def resolve_level(flag: str | None) -> int:
    name = (flag or os.environ.get("MU_LOG_LEVEL") or "info").lower()
    return LEVELS.get(name, logging.INFO)


def stderr_after_connect(environ: dict[str, str] | os._Environ[str] = os.environ) -> bool:
    """`MU_LOG_STDERR=off` is for clients that show stderr beside `window/logMessage`.

    VS Code's output channel shows both, each stderr line tagged as an error, so the extension
    turns stderr off once the editor receives the log; records before that still go to stderr.
    """
    return environ.get("MU_LOG_STDERR", "on").strip().lower() not in {"off", "0", "false", "no"}


def configure_logging(level: int) -> EditorLogHandler:
    """mu-lsp's records and the libraries' warnings go to stderr and the editor, scrubbed; the
    editor's copy has no level prefix (the message type carries it, and editors print it)."""
    debugging = level <= logging.DEBUG
    stderr = logging.StreamHandler(sys.stderr)
    stderr.setFormatter(ScrubbingFormatter("mu-lsp %(levelname)s %(name)s: %(message)s", debugging))
    editor = EditorLogHandler()
    editor.setFormatter(ScrubbingFormatter("%(name)s: %(message)s", debugging))
    if not stderr_after_connect():
        stderr.addFilter(lambda _record: editor.send is None)
    root = logging.getLogger()
    root.handlers[:] = [stderr, editor]
    root.setLevel(logging.WARNING)
    ours = logging.getLogger("mu_lsp")
    ours.handlers[:] = []
    ours.setLevel(level)
    ours.propagate = True
    for name in ("pygls", "LiteLLM", "litellm", "httpx", "asyncio"):
        logging.getLogger(name).setLevel(max(level, logging.WARNING))
    quiet_cancellation_races()
    return editor
