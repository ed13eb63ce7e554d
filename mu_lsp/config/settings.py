"""One `Settings` type, built from layers (environment < user file < `.murc.toml` < editor or CLI).

Each field is declared once (`setting(...)`: its kind, whether a workspace needs trust to set
it, how editors show it); the keys, validation and messages below are derived from those
declarations. Every layer is a dict shaped like `.murc.toml`. Validation never raises: an
unknown key is a warning naming it, a wrong type is an error naming the key and the expected
type, and the default is used for that key while the rest of the layer still applies. API keys
are never read from configuration, only from the environment.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any, Literal
from urllib.parse import urlsplit, urlunsplit

from mu_lsp.config.declare import Editor, Setting, declared_settings, setting
from mu_lsp.config.values import (
    BOOLEAN,
    DIRECTORY,
    GLOBS,
    NON_NEGATIVE_INT,
    NON_NEGATIVE_NUMBER,
    POSITIVE_INT,
    POSITIVE_NUMBER,
    PROVIDER,
    STORE_URL,
    TEXT,
    TIMEOUT_MS,
    TRIGGER_LIST,
    TRIGGERS,
    URL,
)
from mu_lsp.providers import (
    DEFAULT_CONCURRENCY,
    DETECTION_ORDER,
    KEY_VARIABLES,
    MAX_CONCURRENCY,
    PROVIDERS,
    LLMProvider,
)


def _builtin_excludes() -> list[str]:
    from mu_lsp.privacy.excludes import DEFAULT_EXCLUDES  # only the extension's manifest needs it

    return list(DEFAULT_EXCLUDES)


_AUTO = ", then ".join(PROVIDERS[provider].available_when for provider in DETECTION_ORDER)


@dataclass(frozen=True, slots=True)
class LLMSettings:
    provider: str | None = setting(  # None: detect from the environment
        None,
        PROVIDER,
        editor=Editor(f'Which provider writes the summaries. "auto": {_AUTO}.', shown_default="auto"),
    )
    model: str | None = setting(  # None: the provider's default model
        None,
        TEXT,
        editor=Editor(
            "Model name (empty: the provider's default, e.g. "
            f"{PROVIDERS[LLMProvider.ANTHROPIC].default_model} or {PROVIDERS[LLMProvider.OPENAI].default_model}).",
            shown_default="",
        ),
    )
    api_base: str | None = setting(
        None,
        URL,
        trusted_only=True,
        editor=Editor(
            "Endpoint for the provider, e.g. an OpenAI-compatible server (vLLM, LM Studio, llama.cpp, a LiteLLM "
            "proxy): http://host:port/v1.",
            shown_default="",
        ),
    )
    # Answers are streamed: these bound silence, not the length of an answer that keeps coming.
    timeout_seconds: float = setting(  # until the first token: generous, queued work starts late
        60.0,
        POSITIVE_NUMBER,
        editor=Editor("Seconds to wait for the first word of an answer (a busy local server starts late)."),
    )
    stall_timeout_seconds: float = setting(
        30.0,
        POSITIVE_NUMBER,
        editor=Editor("Seconds of silence allowed once an answer has started arriving."),
    )
    max_retries: int = setting(2, NON_NEGATIVE_INT)
    concurrency: int | None = setting(  # None: the provider's default
        None,
        POSITIVE_INT,
        editor=Editor(
            f"How many summaries are requested at once (at most {MAX_CONCURRENCY}; Ollama defaults to "
            f"{PROVIDERS[LLMProvider.OLLAMA].concurrency}).",
            shown_default=DEFAULT_CONCURRENCY,
            maximum=MAX_CONCURRENCY,
        ),
    )
    max_session_cost_usd: float = setting(
        1.0,
        NON_NEGATIVE_NUMBER,
        editor=Editor(
            "Automatic summaries stop once the session has spent this much (USD). A click on one function's lens "
            "still summarizes it."
        ),
    )
    ollama_base_url: str = setting(
        PROVIDERS[LLMProvider.OLLAMA].default_base_url, URL, path="ollama.base_url", trusted_only=True
    )


@dataclass(frozen=True, slots=True)
class ComplexitySettings:
    cyclomatic: int = setting(
        10,
        POSITIVE_INT,
        editor=Editor(
            "A function is complex when its cyclomatic complexity reaches this value (or its cognitive complexity "
            "reaches mu.complexity.cognitive)."
        ),
    )
    cognitive: int = setting(
        15, POSITIVE_INT, editor=Editor("A function is complex when its cognitive complexity reaches this value.")
    )


@dataclass(frozen=True, slots=True)
class SummarizeSettings:
    on: tuple[str, ...] = setting(
        TRIGGERS,
        TRIGGER_LIST,
        editor=Editor(
            "When complex functions are summarized. Empty: only when you ask (click a lens or run mu: Summarize "
            "Function)."
        ),
    )
    max_file_bytes: int = setting(2 * 1024 * 1024, POSITIVE_INT)


@dataclass(frozen=True, slots=True)
class PrivacySettings:
    exclude: tuple[str, ...] = setting(  # added to the defaults; gitignore globs
        (),
        GLOBS,
        editor=Editor(
            "Gitignore-style globs of files whose contents are never sent to a provider. The default is the "
            "server's built-in list; this list replaces it, so add to it rather than starting over.",
            shown_default=_builtin_excludes,
        ),
    )
    use_default_excludes: bool = setting(True, BOOLEAN, trusted_only=True)


@dataclass(frozen=True, slots=True)
class CacheSettings:
    dir: str | None = setting(None, DIRECTORY, trusted_only=True)
    size_limit_mb: int = setting(256, POSITIVE_INT)
    shared: str | None = setting(  # a Redis/Valkey the team shares summaries through
        None,
        STORE_URL,
        trusted_only=True,
        editor=Editor(
            "A Redis or Valkey server the team shares summaries through: redis://host:6379/0, rediss:// (TLS) or "
            "unix:///path. The password comes only from MU_REDIS_PASSWORD (or MU_SHARED_CACHE_URL).",
            shown_default="",
        ),
    )
    shared_timeout_ms: int = setting(150, TIMEOUT_MS)


@dataclass(frozen=True, slots=True)
class Settings:
    llm: LLMSettings = field(default_factory=LLMSettings)
    complexity: ComplexitySettings = field(default_factory=ComplexitySettings)
    summarize: SummarizeSettings = field(default_factory=SummarizeSettings)
    privacy: PrivacySettings = field(default_factory=PrivacySettings)
    cache: CacheSettings = field(default_factory=CacheSettings)


SETTINGS: tuple[Setting, ...] = declared_settings(Settings())


def _by_section(settings: tuple[Setting, ...]) -> dict[str, dict[str, Setting]]:
    schema: dict[str, dict[str, Setting]] = {}
    for item in settings:
        schema.setdefault(item.section, {})[item.key] = item
    return schema


_SCHEMA = _by_section(SETTINGS)  # section -> key -> declaration


def declared(dotted: str) -> Setting:
    """The declaration of `section.key`, e.g. "llm.concurrency"."""
    section, _, key = dotted.rpartition(".")
    return _SCHEMA[section][key]


@dataclass(frozen=True, slots=True)
class ConfigProblem:
    severity: Literal["warning", "error"]
    key: str
    message: str
    source: str = ""

    def __str__(self) -> str:
        where = f"{self.source}: " if self.source else ""
        return f"{where}{self.message}"


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
        if section not in _SCHEMA:
            problems.append(ConfigProblem("warning", section, f"unknown section [{raw_section}] ignored", source))
        elif not isinstance(table, Mapping):
            problems.append(ConfigProblem("error", section, f"[{section}] must be a table", source))
        else:
            _apply_table(section, table, source, updates, problems)
    for group, values in updates.items():
        settings = replace(settings, **{group: replace(getattr(settings, group), **values)})
    return settings


def _apply_table(
    section: str,
    table: Mapping[str, Any],
    source: str,
    updates: dict[str, dict[str, Any]],
    problems: list[ConfigProblem],
) -> None:
    """One table; a nested table that is itself a section (`[llm.ollama]`) is applied first."""
    known = _SCHEMA[section]
    rest: dict[str, Any] = {}
    for raw_key, value in table.items():
        key = snake_case(str(raw_key))
        nested = f"{section}.{key}"
        if nested in _SCHEMA and key not in known:
            if isinstance(value, Mapping):
                _apply_table(nested, value, source, updates, problems)
            elif value is not None:
                problems.append(ConfigProblem("error", nested, f"[{nested}] must be a table", source))
            continue
        rest[key] = value
    for key, value in rest.items():
        dotted = f"{section}.{key}"
        declared_setting = known.get(key)
        if declared_setting is None:
            problems.append(ConfigProblem("warning", dotted, _unknown_key_message(section, key, dotted), source))
            continue
        if value is None:
            continue
        try:
            converted = declared_setting.kind.convert(value)
        except ValueError as error:
            message = f"{dotted} must be {error}, got {describe_value(value)}; using the default"
            problems.append(ConfigProblem("error", dotted, message, source))
            continue
        updates.setdefault(declared_setting.group, {})[declared_setting.attr] = converted


def _unknown_key_message(section: str, key: str, dotted: str) -> str:
    if any(word in key.lower() for word in _SECRET_LOOKING) and section.startswith("llm"):
        variables = ", ".join(KEY_VARIABLES)
        return f"{dotted} ignored: API keys are read only from the environment ({variables})"
    if any(word in key.lower() for word in _SECRET_LOOKING) and section == "cache":
        return (
            f"{dotted} ignored: the shared store's password and secret are read only from the environment "
            "(MU_REDIS_PASSWORD or MU_SHARED_CACHE_URL, MU_SHARED_CACHE_SECRET)"
        )
    return f"unknown key {dotted} ignored"


def describe_value(value: Any) -> str:
    if isinstance(value, str) and "://" in value and "@" in value:
        return "(a URL with credentials, not shown)"  # never echo a password
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


ENVIRONMENT_SOURCE = "environment"
OLLAMA_DEFAULT_PORT = 11434


SHARED_URL_VARIABLE = "MU_SHARED_CACHE_URL"


def environment_layer(environ: Mapping[str, str] | None = None) -> tuple[dict[str, Any] | None, list[ConfigProblem]]:
    """The lowest layer: `OLLAMA_HOST`, as Ollama's own CLI reads it (`host`, `host:port` or a URL),
    and `MU_SHARED_CACHE_URL` (its password stays in the environment: `mu_lsp.llm.shared`).

    Anyone who moved Ollama off localhost has already set it; any `.murc.toml` or editor
    setting still wins.
    """
    env = os.environ if environ is None else environ
    layer: dict[str, Any] = {}
    problems: list[ConfigProblem] = []
    raw = env.get("OLLAMA_HOST", "").strip()
    if raw:
        try:
            layer["llm"] = {"ollama": {"base_url": _ollama_host_url(raw)}}
        except ValueError:
            shown = "(a value with credentials)" if "@" in raw else describe_value(raw)  # never echo a password
            problems.append(
                ConfigProblem(
                    "warning",
                    "OLLAMA_HOST",
                    f"OLLAMA_HOST={shown} is not host, host:port or an http(s) URL; ignored",
                    ENVIRONMENT_SOURCE,
                )
            )
    shared = env.get(SHARED_URL_VARIABLE, "").strip()
    if shared:
        try:
            layer["cache"] = {"shared": STORE_URL.convert(without_password(shared))}
        except ValueError:
            problems.append(
                ConfigProblem(
                    "warning",
                    SHARED_URL_VARIABLE,
                    f"{SHARED_URL_VARIABLE} is not a redis://, rediss:// or unix:// URL without a query; ignored",
                    ENVIRONMENT_SOURCE,
                )
            )
    return layer or None, problems


def without_password(url: str) -> str:
    """`url` with its `:password` removed (the user name, if any, is kept)."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    user = parts.username or ""
    host = parts.netloc.rpartition("@")[2]
    return urlunsplit(parts._replace(netloc=f"{user}@{host}" if user else host))


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
