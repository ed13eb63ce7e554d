"""Arguments of `mu-lsp summarize` (kept apart so `--help` does not import LiteLLM)."""

from __future__ import annotations

import argparse
from pathlib import Path

from mu_lsp.cli.parser import positive_int
from mu_lsp.config import PROVIDERS


def _provider(text: str) -> str:
    if text.lower() not in PROVIDERS:
        raise argparse.ArgumentTypeError(f"expected one of {', '.join(PROVIDERS)}, got {text!r}")
    return text.lower()


def _url(text: str) -> str:
    if not text.startswith(("http://", "https://")):
        raise argparse.ArgumentTypeError(f"expected an http:// or https:// URL, got {text!r}")
    return text.rstrip("/")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("paths", nargs="+", type=Path, metavar="PATH", help="files or directories")
    parser.add_argument("--json", action="store_true", help="print one JSON array")
    parser.add_argument("--yes", "-y", action="store_true", help="do not ask before paid calls")
    parser.add_argument(
        "--dry-run",
        action="store_true",
        help="show the estimate and what would be sent; call nothing",
    )
    parser.add_argument("--provider", type=_provider, help=f"one of {', '.join(PROVIDERS)}")
    parser.add_argument("--model", help="model name (default: the provider's default)")
    parser.add_argument("--api-base", type=_url, metavar="URL", help="OpenAI-compatible or provider endpoint")
    parser.add_argument("--concurrency", type=positive_int, metavar="N", help="parallel requests")
    parser.add_argument("--no-cache", action="store_true", help="ignore cached summaries")
