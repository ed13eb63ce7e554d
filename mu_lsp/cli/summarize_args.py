"""Arguments of `mu-lsp summarize` (kept apart so `--help` does not import LiteLLM)."""

from __future__ import annotations

import argparse
from pathlib import Path

from mu_lsp.cli.parser import setting_type
from mu_lsp.providers import PROVIDER_NAMES

# flag -> the setting it sets in the command-line layer (the flag's type is the setting's kind)
SETTING_FLAGS = {
    "provider": "llm.provider",
    "model": "llm.model",
    "api_base": "llm.api_base",
    "concurrency": "llm.concurrency",
}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("paths", nargs="+", type=Path, metavar="PATH", help="files or directories")
    parser.add_argument("--json", action="store_true", help="print one JSON array")
    parser.add_argument("--yes", "-y", action="store_true", help="do not ask before paid calls")
    parser.add_argument(
        "--dry-run",
        action="store_true",
        help="show the estimate and what would be sent; call nothing",
    )
    parser.add_argument(
        "--provider", type=setting_type("llm.provider"), help=f"one of {', '.join(PROVIDER_NAMES)} (or auto)"
    )
    parser.add_argument("--model", type=setting_type("llm.model"), help="model name (default: the provider's default)")
    parser.add_argument(
        "--api-base", type=setting_type("llm.api_base"), metavar="URL", help="OpenAI-compatible or provider endpoint"
    )
    parser.add_argument("--concurrency", type=setting_type("llm.concurrency"), metavar="N", help="parallel requests")
    parser.add_argument("--no-cache", action="store_true", help="ignore cached summaries")
