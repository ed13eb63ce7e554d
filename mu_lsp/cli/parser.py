"""An argparse parser whose errors are one line and exit 2, without a usage dump."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Mapping
from typing import Any, NoReturn

from mu_lsp.config import declared, values
from mu_lsp.config.values import Kind


class UsageError(Exception):
    """A bad option or argument: printed as one line, exit status 2."""


class OneLineParser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise UsageError(f"{self.prog}: {message} (see --help)")

    def exit(self, status: int = 0, message: str | None = None) -> NoReturn:
        if message:
            sys.stderr.write(message)
        raise SystemExit(status)


def kind_type(kind: Kind) -> Callable[[str], Any]:
    """An argparse `type` accepting what configuration accepts for `kind`, with its wording."""

    def parse(text: str) -> Any:
        try:
            return kind.parse_flag(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected {kind.expected}, got {text!r}") from None

    parse.__name__ = kind.expected  # argparse names the type in some messages
    return parse


def setting_type(dotted: str) -> Callable[[str], Any]:
    """The `type` of a flag that sets `dotted` ("llm.concurrency"): the setting's declared kind."""
    return kind_type(declared(dotted).kind)


POSITIVE_INT = kind_type(values.POSITIVE_INT)  # for flags that are not settings (`--jobs`)


def settings_layer(args: argparse.Namespace, flags: Mapping[str, str]) -> dict[str, Any]:
    """The command-line settings layer: each given flag (`dest` -> "section.key") as `.murc.toml`
    would say it, so it is validated and layered like every other source."""
    layer: dict[str, Any] = {}
    for dest, dotted in flags.items():
        value = getattr(args, dest, None)
        if value is None or value == "":
            continue
        *sections, key = dotted.split(".")
        table = layer
        for section in sections:
            table = table.setdefault(section, {})
        table[key] = value
    return layer
