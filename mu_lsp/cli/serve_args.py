"""Arguments of `mu-lsp serve` (kept apart so `--help` does not import pygls)."""

from __future__ import annotations

import argparse

LOG_LEVELS = ("debug", "info", "warning", "error")


def _port(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a port number, got {text!r}") from None
    if not 0 < value < 65536:
        raise argparse.ArgumentTypeError(f"expected a port number between 1 and 65535, got {value}")
    return value


def _loopback(text: str) -> str:
    if text.strip().lower() not in ("127.0.0.1", "::1", "localhost"):
        raise argparse.ArgumentTypeError(
            f"expected a loopback address (127.0.0.1, ::1 or localhost), got {text!r}: "
            "TCP mode serves this machine only"
        )
    return text.strip().lower()


def _level(text: str) -> str:
    if text.lower() not in LOG_LEVELS:
        raise argparse.ArgumentTypeError(f"expected one of {', '.join(LOG_LEVELS)}, got {text!r}")
    return text.lower()


def add_arguments(parser: argparse.ArgumentParser) -> None:
    transport = parser.add_mutually_exclusive_group()
    transport.add_argument("--stdio", action="store_true", help="speak LSP on stdin/stdout (default)")
    transport.add_argument("--tcp", action="store_true", help="listen on 127.0.0.1:PORT for exactly one client")
    parser.add_argument(
        "--host", type=_loopback, default="127.0.0.1", help="loopback address for --tcp (default 127.0.0.1)"
    )
    parser.add_argument("--port", type=_port, default=2087, help="port for --tcp (default 2087)")
    parser.add_argument(
        "--log-level",
        type=_level,
        default=None,
        metavar="LEVEL",
        help="debug, info, warning or error (default: $MU_LOG_LEVEL or info)",
    )
