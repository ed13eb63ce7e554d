"""The `mu-lsp` command: `serve` (the default), `complexity`, `summarize`, `cache`.

Each subcommand's module is imported only when it runs, so `complexity` never pays for
pygls or LiteLLM.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import sys
from collections.abc import Iterator, Sequence
from typing import TextIO

from mu_lsp import __version__
from mu_lsp.cli.parser import OneLineParser, UsageError

_COMMANDS = ("serve", "complexity", "summarize", "cache")


def build_parser() -> OneLineParser:
    parser = OneLineParser(
        prog="mu-lsp",
        description="Find complex functions and explain them in 1-3 bullets, in your editor.",
    )
    parser.add_argument("--version", action="version", version=f"mu-lsp {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=OneLineParser)

    from mu_lsp.cli import cache_cmd, complexity_cmd, serve_args, summarize_args

    serve_args.add_arguments(sub.add_parser("serve", help="run the language server (default)", prog="mu-lsp serve"))
    complexity_cmd.add_arguments(
        sub.add_parser("complexity", help="print complexity figures", prog="mu-lsp complexity")
    )
    summarize_args.add_arguments(
        sub.add_parser("summarize", help="summarize complex functions", prog="mu-lsp summarize")
    )
    cache_cmd.add_arguments(sub.add_parser("cache", help="show or clear the summary cache", prog="mu-lsp cache"))
    return parser


class _ScrubbedStream(io.TextIOBase):
    """stderr through the one scrubber: configuration problems and provider errors can carry
    a key the user pasted into the wrong place, or an `api_base` with a key in its query."""

    def __init__(self, inner: TextIO) -> None:
        self._inner = inner

    def write(self, text: str) -> int:
        from mu_lsp.privacy.scrub import scrub  # on first use: `complexity` stays fast to start

        self._inner.write(scrub(text))
        return len(text)

    def flush(self) -> None:
        self._inner.flush()

    def isatty(self) -> bool:
        return self._inner.isatty()


@contextlib.contextmanager
def _scrubbed_stderr() -> Iterator[None]:
    original = sys.stderr
    sys.stderr = _ScrubbedStream(original)
    try:
        yield
    finally:
        sys.stderr = original


def main(argv: Sequence[str] | None = None) -> int:
    with _scrubbed_stderr():
        return _main(argv)


def _main(argv: Sequence[str] | None) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    if not args_list or (args_list[0].startswith("-") and args_list[0] not in ("-h", "--help", "--version")):
        args_list.insert(0, "serve")
    parser = build_parser()
    try:
        args = parser.parse_args(args_list)
    except UsageError as error:
        print(str(error), file=sys.stderr)
        return 2
    try:
        return _dispatch(args)
    except KeyboardInterrupt:
        print("mu-lsp: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0


def _dispatch(args: argparse.Namespace) -> int:
    command = getattr(args, "command", None)
    if command == "complexity":
        from mu_lsp.cli import complexity_cmd

        return complexity_cmd.run(args)
    if command == "summarize":
        from mu_lsp.cli import summarize_cmd

        return summarize_cmd.run(args)
    if command == "cache":
        from mu_lsp.cli import cache_cmd

        return cache_cmd.run(args)
    from mu_lsp.cli import serve_cmd

    return serve_cmd.run(args)
