"""Kinds of setting value: how each is checked, read from a command-line flag, and described to
an editor.

A `Kind` is declared once per setting (`settings.py`), so `.murc.toml`, editor settings and
CLI flags accept exactly the same values and say the same thing about a wrong one.
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from mu_lsp.providers import PROVIDER_NAMES

TRIGGERS = ("open", "save")
STORE_SCHEMES = ("redis", "rediss", "unix")


@dataclass(frozen=True, slots=True)
class Kind:
    """`check` converts a configuration value or raises ValueError; `expected` completes the
    sentence "must be ..."; `from_text` turns a flag's text into a configuration value."""

    expected: str
    check: Callable[[Any], Any]
    schema: Mapping[str, Any]  # JSON schema of the value, as editors declare settings
    from_text: Callable[[str], Any] = str

    def convert(self, value: Any) -> Any:
        try:
            return self.check(value)
        except (TypeError, ValueError):
            raise ValueError(self.expected) from None

    def parse_flag(self, text: str) -> Any:
        """The configuration value a command-line flag stands for; ValueError when invalid."""
        try:
            value = self.from_text(text)
        except (TypeError, ValueError):
            raise ValueError(self.expected) from None
        self.convert(value)
        return value


def _integer(minimum: int, maximum: int | None = None) -> Callable[[Any], int]:
    def check(value: Any) -> int:
        if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
            raise ValueError(value)
        if maximum is not None and value > maximum:
            raise ValueError(value)
        return value

    return check


def _number(minimum: float, inclusive: bool) -> Callable[[Any], float]:
    def check(value: Any) -> float:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ValueError(value)
        number = float(value)
        if not math.isfinite(number) or number < minimum or (number == minimum and not inclusive):
            raise ValueError(value)
        return number

    return check


def _optional_string(value: Any) -> str | None:
    if not isinstance(value, str):
        raise ValueError(value)
    return value.strip() or None


def _url(value: Any) -> str | None:
    text = _optional_string(value)
    if text is not None and not text.startswith(("http://", "https://")):
        raise ValueError(value)
    return text.rstrip("/") if text else None


def _provider(value: Any) -> str | None:
    text = _optional_string(value)
    if text is None or text.lower() == "auto":
        return None
    if text.lower() not in PROVIDER_NAMES:
        raise ValueError(value)
    return text.lower()


def _triggers(value: Any) -> tuple[str, ...]:
    if not isinstance(value, list | tuple) or not all(isinstance(item, str) and item in TRIGGERS for item in value):
        raise ValueError(value)
    return tuple(dict.fromkeys(value))


def _boolean(value: Any) -> bool:
    if not isinstance(value, bool):
        raise ValueError(value)
    return value


def _directory(value: Any) -> str | None:
    text = _optional_string(value)
    if text is not None and not os.path.isabs(os.path.expanduser(text)):
        raise ValueError(value)
    return text


def _store_url(value: Any) -> str | None:
    """A shared store's address: redis://, rediss:// or unix://, with no password and no query
    (a password comes only from the environment; query options could turn TLS checks off)."""
    text = _optional_string(value)
    if text is None:
        return None
    parts = urlsplit(text)
    if parts.scheme not in STORE_SCHEMES or parts.query or parts.fragment or any(c.isspace() for c in text):
        raise ValueError(value)
    if parts.password is not None or (parts.scheme != "unix" and not parts.hostname):
        raise ValueError(value)
    parts.port  # noqa: B018 - raises ValueError when out of range or not a number
    if parts.scheme == "unix" and (parts.netloc or not parts.path.startswith("/")):
        raise ValueError(value)
    if parts.scheme != "unix" and parts.path.strip("/") and not parts.path.strip("/").isdigit():
        raise ValueError(value)
    return text


def _globs(value: Any) -> tuple[str, ...]:
    if not isinstance(value, list | tuple) or not all(isinstance(item, str) for item in value):
        raise ValueError(value)
    return tuple(value)


POSITIVE_INT = Kind("a positive integer", _integer(1), {"type": "integer", "minimum": 1}, int)
NON_NEGATIVE_INT = Kind("a non-negative integer", _integer(0), {"type": "integer", "minimum": 0}, int)
POSITIVE_NUMBER = Kind(
    "a positive number", _number(0.0, inclusive=False), {"type": "number", "exclusiveMinimum": 0}, float
)
NON_NEGATIVE_NUMBER = Kind("a number >= 0", _number(0.0, inclusive=True), {"type": "number", "minimum": 0}, float)
TEXT = Kind("a string", _optional_string, {"type": "string"})
URL = Kind("an http:// or https:// URL", _url, {"type": "string"})
PROVIDER = Kind(
    f'one of {", ".join(PROVIDER_NAMES)} (or "auto")',
    _provider,
    {"type": "string", "enum": ["auto", *PROVIDER_NAMES]},
)
TRIGGER_LIST = Kind(
    'a list of "open" and/or "save" (empty: only on request)',
    _triggers,
    {"type": "array", "items": {"type": "string", "enum": list(TRIGGERS)}, "uniqueItems": True},
)
BOOLEAN = Kind("true or false", _boolean, {"type": "boolean"})
DIRECTORY = Kind("an absolute path (or one starting with ~)", _directory, {"type": "string"})
GLOBS = Kind("a list of glob strings", _globs, {"type": "array", "items": {"type": "string"}})
STORE_URL = Kind(
    "a redis://host:port/db, rediss://host:port/db or unix:///path URL without a password or query",
    _store_url,
    {"type": "string"},
)
TIMEOUT_MS = Kind(
    "an integer from 1 to 10000 (milliseconds)",
    _integer(1, 10_000),
    {"type": "integer", "minimum": 1, "maximum": 10000},
    int,
)
