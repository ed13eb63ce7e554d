"""One `Settings` type, built from layers: `.murc.toml` < initializationOptions < workspace/configuration.

Every layer is a dict shaped like `.murc.toml`. Validation never raises: an unknown key is a
warning naming it, a wrong type is an error naming the key and the expected type, and the
default is used for that key while the rest of the layer still applies. API keys are never
read from configuration, only from the environment.
"""

from __future__ import annotations

import math
import os
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit

from mu_lsp.llm.privacy import DEFAULT_EXCLUDES

CONFIG_FILE = ".murc.toml"
PROVIDERS = ("anthropic", "openai", "ollama", "openrouter", "offline")
TRIGGERS = ("open", "save")


@dataclass(frozen=True, slots=True)
class LLMSettings:
    provider: str | None = None  # None: detect from the environment
    model: str | None = None  # None: the provider's default model
    api_base: str | None = None
    timeout_seconds: float = 30.0
    max_retries: int = 2
    concurrency: int | None = None  # None: 5 for API providers, 2 for Ollama
    max_session_cost_usd: float = 1.0
    ollama_base_url: str = "http://localhost:11434"


@dataclass(frozen=True, slots=True)
class ComplexitySettings:
    cyclomatic: int = 10
    cognitive: int = 15


@dataclass(frozen=True, slots=True)
class SummarizeSettings:
    on: tuple[str, ...] = TRIGGERS
    max_file_bytes: int = 2 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class PrivacySettings:
    exclude: tuple[str, ...] = DEFAULT_EXCLUDES


@dataclass(frozen=True, slots=True)
class CacheSettings:
    dir: str | None = None
    size_limit_mb: int = 256


@dataclass(frozen=True, slots=True)
class Settings:
    llm: LLMSettings = field(default_factory=LLMSettings)
    complexity: ComplexitySettings = field(default_factory=ComplexitySettings)
    summarize: SummarizeSettings = field(default_factory=SummarizeSettings)
    privacy: PrivacySettings = field(default_factory=PrivacySettings)
    cache: CacheSettings = field(default_factory=CacheSettings)


@dataclass(frozen=True, slots=True)
class ConfigProblem:
    severity: Literal["warning", "error"]
    key: str
    message: str
    source: str = ""

    def __str__(self) -> str:
        where = f"{self.source}: " if self.source else ""
        return f"{where}{self.message}"


# -- validators: (value) -> (converted value) or raise ValueError with the expected type -----


def _positive_int(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError("a positive integer")
    return value


def _non_negative_int(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError("a non-negative integer")
    return value


def _positive_number(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError("a positive number")
    number = float(value)
    if not math.isfinite(number) or number <= 0:
        raise ValueError("a positive number")
    return number


def _non_negative_number(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError("a number >= 0")
    number = float(value)
    if not math.isfinite(number) or number < 0:
        raise ValueError("a number >= 0")
    return number


def _optional_string(value: Any) -> str | None:
    if not isinstance(value, str):
        raise ValueError("a string")
    return value.strip() or None


def _url(value: Any) -> str | None:
    text = _optional_string(value)
    if text is not None and not text.startswith(("http://", "https://")):
        raise ValueError("an http:// or https:// URL")
    return text.rstrip("/") if text else None


def _provider(value: Any) -> str | None:
    text = _optional_string(value)
    if text is None or text.lower() == "auto":
        return None
    if text.lower() not in PROVIDERS:
        raise ValueError(f'one of {", ".join(PROVIDERS)} (or "auto")')
    return text.lower()


def _triggers(value: Any) -> tuple[str, ...]:
    if not isinstance(value, list | tuple) or not all(isinstance(item, str) and item in TRIGGERS for item in value):
        raise ValueError('a list of "open" and/or "save" (empty: only on request)')
    return tuple(dict.fromkeys(value))


def _globs(value: Any) -> tuple[str, ...]:
    if not isinstance(value, list | tuple) or not all(isinstance(item, str) for item in value):
        raise ValueError("a list of glob strings")
    return tuple(value)


_Validator = Callable[[Any], Any]
_SCHEMA: dict[str, dict[str, tuple[str, _Validator]]] = {
    # section -> toml key -> (dataclass field, validator)
    "llm": {
        "provider": ("provider", _provider),
        "model": ("model", _optional_string),
        "api_base": ("api_base", _url),
        "timeout_seconds": ("timeout_seconds", _positive_number),
        "max_retries": ("max_retries", _non_negative_int),
        "concurrency": ("concurrency", _positive_int),
        "max_session_cost_usd": ("max_session_cost_usd", _non_negative_number),
    },
    "llm.ollama": {"base_url": ("ollama_base_url", _url)},
    "complexity": {
        "cyclomatic": ("cyclomatic", _positive_int),
        "cognitive": ("cognitive", _positive_int),
    },
    "summarize": {
        "on": ("on", _triggers),
        "max_file_bytes": ("max_file_bytes", _positive_int),
    },
    "privacy": {"exclude": ("exclude", _globs)},
    "cache": {
        "dir": ("dir", _optional_string),
        "size_limit_mb": ("size_limit_mb", _positive_int),
    },
}
_SECTION_ATTR = {
    "llm": "llm",
    "llm.ollama": "llm",
    "complexity": "complexity",
    "summarize": "summarize",
    "privacy": "privacy",
    "cache": "cache",
}
_SECRET_LOOKING = ("api_key", "apikey", "key", "token", "secret", "password")


def snake_case(name: str) -> str:
    """Editors send camelCase (`apiBase`); `.murc.toml` uses snake_case (`api_base`)."""
    out = []
    for char in name:
        if char.isupper():
            out.append("_")
            out.append(char.lower())
        else:
            out.append(char)
    return "".join(out)


def build_settings(
    layers: list[tuple[str, object]],
    base: Settings | None = None,
) -> tuple[Settings, list[ConfigProblem]]:
    """Apply layers in order (later wins) on top of `base` (defaults when None)."""
    settings = base or Settings()
    problems: list[ConfigProblem] = []
    for source, layer in layers:
        if layer is None:
            continue
        if not isinstance(layer, Mapping):
            problems.append(ConfigProblem("error", "", "configuration must be a table/object", source))
            continue
        settings = _apply_layer(settings, layer, source, problems)
    return settings, problems


def _apply_layer(settings: Settings, layer: Mapping[str, Any], source: str, problems: list[ConfigProblem]) -> Settings:
    updates: dict[str, dict[str, Any]] = {}
    for raw_section, table in layer.items():
        section = snake_case(str(raw_section))
        if section == "llm" and isinstance(table, Mapping):
            nested = table.get("ollama")
            if nested is not None:
                _apply_section("llm.ollama", nested, source, updates, problems)
        rest = {k: v for k, v in table.items() if k != "ollama"} if isinstance(table, Mapping) else table
        if section not in _SCHEMA:
            problems.append(ConfigProblem("warning", section, f"unknown section [{raw_section}] ignored", source))
            continue
        _apply_section(section, rest, source, updates, problems)
    for attr, values in updates.items():
        settings = replace(settings, **{attr: replace(getattr(settings, attr), **values)})
    return settings


def _apply_section(
    section: str,
    table: Any,
    source: str,
    updates: dict[str, dict[str, Any]],
    problems: list[ConfigProblem],
) -> None:
    if not isinstance(table, Mapping):
        problems.append(ConfigProblem("error", section, f"[{section}] must be a table", source))
        return
    schema = _SCHEMA[section]
    target = updates.setdefault(_SECTION_ATTR[section], {})
    for raw_key, value in table.items():
        key = snake_case(str(raw_key))
        dotted = f"{section}.{key}"
        if key not in schema:
            if any(word in key.lower() for word in _SECRET_LOOKING) and section.startswith("llm"):
                message = (
                    f"{dotted} ignored: API keys are read only from the environment "
                    "(ANTHROPIC_API_KEY, OPENAI_API_KEY, OPENROUTER_API_KEY)"
                )
            else:
                message = f"unknown key {dotted} ignored"
            problems.append(ConfigProblem("warning", dotted, message, source))
            continue
        attr, validate = schema[key]
        if value is None:
            continue
        try:
            target[attr] = validate(value)
        except ValueError as error:
            problems.append(
                ConfigProblem(
                    "error",
                    dotted,
                    f"{dotted} must be {error}, got {_describe(value)}; using the default",
                    source,
                )
            )


def _describe(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def find_config_file(start: Path) -> Path | None:
    """`.murc.toml` in `start` or the nearest parent directory."""
    start = start.resolve()
    for directory in [start, *start.parents]:
        candidate = directory / CONFIG_FILE
        if candidate.is_file():
            return candidate
    return None


def read_config_file(path: Path) -> tuple[dict[str, Any] | None, list[ConfigProblem]]:
    """Parse a `.murc.toml`; a syntax error is reported and nothing from the file is used."""
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle), []
    except tomllib.TOMLDecodeError as error:
        return None, [ConfigProblem("error", "", f"invalid TOML ({error}); file ignored", str(path))]
    except (OSError, UnicodeDecodeError) as error:
        return None, [ConfigProblem("error", "", f"cannot read ({error}); file ignored", str(path))]


ENVIRONMENT_SOURCE = "environment"
OLLAMA_DEFAULT_PORT = 11434


def environment_layer(environ: Mapping[str, str] | None = None) -> tuple[dict[str, Any] | None, list[ConfigProblem]]:
    """The lowest layer: `OLLAMA_HOST`, as Ollama's own CLI reads it (`host`, `host:port` or a URL).

    Anyone who moved Ollama off localhost has already set it; any `.murc.toml` or editor
    setting still wins.
    """
    env = os.environ if environ is None else environ
    raw = env.get("OLLAMA_HOST", "").strip()
    if not raw:
        return None, []
    try:
        url = _ollama_host_url(raw)
    except ValueError:
        shown = "(a value with credentials)" if "@" in raw else _describe(raw)  # never echo a password
        problem = ConfigProblem(
            "warning",
            "OLLAMA_HOST",
            f"OLLAMA_HOST={shown} is not host, host:port or an http(s) URL; ignored",
            ENVIRONMENT_SOURCE,
        )
        return None, [problem]
    return {"llm": {"ollama": {"base_url": url}}}, []


def _ollama_host_url(raw: str) -> str:
    parts = urlsplit(raw if "://" in raw else f"http://{raw}")
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.query or parts.fragment:
        raise ValueError(raw)
    if any(char.isspace() for char in raw) or parts.username or parts.password:
        raise ValueError(raw)
    port = parts.port  # raises ValueError when out of range or not a number
    host = f"[{parts.hostname}]" if ":" in parts.hostname else parts.hostname
    default_port = OLLAMA_DEFAULT_PORT if parts.scheme == "http" else 443
    path = parts.path.rstrip("/")
    return f"{parts.scheme}://{host}:{port or default_port}{path}"


def load_settings(
    start: Path, extra_layers: list[tuple[str, object]] | None = None
) -> tuple[Settings, list[ConfigProblem]]:
    """Settings from the environment, the nearest `.murc.toml` (if any), then `extra_layers`."""
    env_layer, problems = environment_layer()
    layers: list[tuple[str, object]] = [(ENVIRONMENT_SOURCE, env_layer)]
    found = find_config_file(start)
    if found is not None:
        data, file_problems = read_config_file(found)
        problems.extend(file_problems)
        layers.append((str(found), data))
    layers.extend(extra_layers or [])
    settings, layer_problems = build_settings(layers)
    return settings, problems + layer_problems


def settings_fields() -> dict[str, list[str]]:
    """The known keys per section, for documentation and tests."""
    return {section: list(schema) for section, schema in _SCHEMA.items()} | {
        "_dataclasses": [f.name for f in fields(Settings)]
    }
