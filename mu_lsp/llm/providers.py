"""Models and detection, read off the provider table (`mu_lsp.providers`).

Prices are per million tokens and come from the table first (it also covers retired models
that LiteLLM dropped), then from the price map bundled inside the LiteLLM package (read as a
file: importing LiteLLM costs ~5 s). A paid model with no known price shows as "unknown",
never as $0.
"""

from __future__ import annotations

import json
import os
import urllib.error
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any
from urllib.parse import urlparse

from mu_lsp.providers import DETECTION_ORDER, PROVIDERS, LLMProvider, ProviderSpec

OLLAMA_DEFAULT_BASE = PROVIDERS[LLMProvider.OLLAMA].default_base_url or "http://localhost:11434"


@dataclass(frozen=True, slots=True)
class ModelConfig:
    name: str
    provider: LLMProvider
    litellm_model: str
    input_per_million: float | None  # None: unknown price
    output_per_million: float | None
    context_window: int = 128_000
    max_output_tokens: int = 300

    def cost(self, input_tokens: int, output_tokens: int) -> float | None:
        if self.input_per_million is None or self.output_per_million is None:
            return None
        return (input_tokens * self.input_per_million + output_tokens * self.output_per_million) / 1e6


@cache
def _litellm_price_map() -> dict[str, Any]:
    """LiteLLM's bundled price map, read as a data file (no import, no download)."""
    try:
        text = (
            resources.files("litellm")
            .joinpath("model_prices_and_context_window_backup.json")
            .read_text(encoding="utf-8")
        )
        data = json.loads(text)
    except (ModuleNotFoundError, FileNotFoundError, OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def endpoint_identity(api_base: str | None) -> str:
    """Which server answers, for cache keys and messages: scheme, host, port and path of
    `api_base`, without credentials, query or fragment; "" for the provider's own endpoint."""
    if not api_base:
        return ""
    try:
        parts = urlparse(api_base.strip())
        host = (parts.hostname or "").lower()
        port = parts.port
    except ValueError:
        return "invalid-endpoint"
    if ":" in host:
        host = f"[{host}]"
    netloc = f"{host}:{port}" if port else host
    return f"{parts.scheme.lower()}://{netloc}{parts.path.rstrip('/')}"


def api_key_for(spec: ProviderSpec, environ: Mapping[str, str], api_base: str | None) -> str | None:
    """The key to send: the provider's variable, or a placeholder for a server on this machine
    (local OpenAI-compatible servers accept any key)."""
    variable = spec.key_variable
    if variable is None:
        return None
    value = environ.get(variable, "").strip()
    if value:
        return value
    return "no-key-needed" if is_local_url(api_base) else None


def is_local_url(url: str | None) -> bool:
    if not url:
        return False
    host = (urlparse(url).hostname or "").lower()
    return host in ("localhost", "127.0.0.1", "::1") or host.endswith(".localhost")


def resolve_model(provider: LLMProvider, model: str | None, api_base: str | None = None) -> ModelConfig:
    """The model to call, with its price; unknown models are accepted for any provider that
    takes any model. Free providers and endpoints on this machine cost nothing."""
    spec = provider.spec
    name = (model or spec.default_model).strip() if spec.any_model else spec.default_model
    prefix = spec.model_prefix
    if name.startswith(prefix + "/"):
        name = name[len(prefix) + 1 :]
    known = spec.price(name)
    if known is not None:
        litellm_id = f"{prefix}/{known.litellm_name or known.name}"
        return ModelConfig(
            name, provider, litellm_id, known.input_per_million, known.output_per_million, known.context_window
        )
    litellm_id = f"{prefix}/{name}"
    if not spec.paid or is_local_url(api_base):
        return ModelConfig(name, provider, litellm_id, 0.0, 0.0)
    entry = _price_entry(provider, name, litellm_id)
    if entry is None:
        return ModelConfig(name, provider, litellm_id, None, None)
    price_in = entry.get("input_cost_per_token")
    price_out = entry.get("output_cost_per_token")
    window = entry.get("max_input_tokens") or 128_000
    if not isinstance(price_in, int | float) or not isinstance(price_out, int | float):
        return ModelConfig(name, provider, litellm_id, None, None, int(window))
    return ModelConfig(name, provider, litellm_id, price_in * 1e6, price_out * 1e6, int(window))


def _price_entry(provider: LLMProvider, name: str, litellm_id: str) -> dict[str, Any] | None:
    prices = _litellm_price_map()
    for key in (litellm_id, f"{provider.value}/{name}", name):
        entry = prices.get(key)
        if isinstance(entry, dict):
            return entry
    return None


def server_answers(url: str, timeout: float = 0.3) -> bool:
    """Whether GET `url` answers 200 (a local server's probe). Blocking: run off-loop.

    A probe of this machine never goes through an `HTTP_PROXY`: that would send it off the
    machine, to a proxy the user configured for other traffic.
    """
    handlers = [urllib.request.ProxyHandler({})] if is_local_url(url) else []
    opener = urllib.request.build_opener(*handlers)
    try:
        with opener.open(url, timeout=timeout) as reply:
            return bool(reply.status == 200)
    except (urllib.error.URLError, OSError, ValueError):
        return False


def detect_provider(
    environ: Mapping[str, str] | None = None,
    ollama_base_url: str = OLLAMA_DEFAULT_BASE,
    probe_ollama: bool = True,
) -> LLMProvider:
    """The first provider in `DETECTION_ORDER` that is available: its API key is set, or its
    local server answers the probe (at `ollama_base_url`), or it needs neither."""
    env = os.environ if environ is None else environ
    for provider in DETECTION_ORDER:
        spec = provider.spec
        if spec.key_variable is not None:
            if env.get(spec.key_variable, "").strip():
                return provider
        elif spec.probe_path is not None:
            if probe_ollama and server_answers(ollama_base_url.rstrip("/") + spec.probe_path):
                return provider
        else:
            return provider
    return LLMProvider.OFFLINE
