"""Providers and models: LiteLLM ids, prices, defaults, and auto-detection.

Prices are per million tokens and come from our table first (it also covers retired models
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

from mu_lsp.llm.types import LLMProvider

OLLAMA_DEFAULT_BASE = "http://localhost:11434"
_LITELLM_PREFIX = {
    LLMProvider.ANTHROPIC: "anthropic",
    LLMProvider.OPENAI: "openai",
    LLMProvider.OLLAMA: "ollama_chat",
    LLMProvider.OPENROUTER: "openrouter",
    LLMProvider.OFFLINE: "offline",
}


@dataclass(frozen=True, slots=True)
class ModelConfig:
    name: str
    provider: LLMProvider
    litellm_model: str
    input_per_million: float | None  # None: unknown price
    output_per_million: float | None
    context_window: int = 128_000
    max_output_tokens: int = 300

    @property
    def price_known(self) -> bool:
        return self.input_per_million is not None and self.output_per_million is not None

    def cost(self, input_tokens: int, output_tokens: int) -> float | None:
        if self.input_per_million is None or self.output_per_million is None:
            return None
        return (input_tokens * self.input_per_million + output_tokens * self.output_per_million) / 1e6


def _model(
    name: str,
    provider: LLMProvider,
    litellm_id: str,
    price_in: float,
    price_out: float,
    window: int,
) -> ModelConfig:
    return ModelConfig(name, provider, litellm_id, price_in, price_out, window)


_A, _O, _L, _R = (
    LLMProvider.ANTHROPIC,
    LLMProvider.OPENAI,
    LLMProvider.OLLAMA,
    LLMProvider.OPENROUTER,
)
MODEL_CONFIGS: Mapping[str, ModelConfig] = {
    m.name: m
    for m in (
        _model("claude-haiku-4-5", _A, "anthropic/claude-haiku-4-5", 1.00, 5.00, 200_000),
        _model("claude-sonnet-4-5", _A, "anthropic/claude-sonnet-4-5", 3.00, 15.00, 200_000),
        _model("claude-3-5-haiku", _A, "anthropic/claude-3-5-haiku-20241022", 0.80, 4.00, 200_000),
        _model("claude-3-haiku", _A, "anthropic/claude-3-haiku-20240307", 0.25, 1.25, 200_000),
        _model("claude-3-sonnet", _A, "anthropic/claude-3-sonnet-20240229", 3.00, 15.00, 200_000),
        _model("claude-3-opus", _A, "anthropic/claude-3-opus-20240229", 15.00, 75.00, 200_000),
        _model("gpt-4o-mini", _O, "openai/gpt-4o-mini", 0.15, 0.60, 128_000),
        _model("gpt-4.1-mini", _O, "openai/gpt-4.1-mini", 0.40, 1.60, 1_047_576),
        _model("gpt-4.1-nano", _O, "openai/gpt-4.1-nano", 0.10, 0.40, 1_047_576),
        _model("gpt-4o", _O, "openai/gpt-4o", 2.50, 10.00, 128_000),
        _model("gpt-4-turbo", _O, "openai/gpt-4-turbo", 10.00, 30.00, 128_000),
        _model("gpt-4", _O, "openai/gpt-4", 30.00, 60.00, 8_192),
        _model("gpt-3.5-turbo", _O, "openai/gpt-3.5-turbo", 0.50, 1.50, 16_385),
        _model("llama3.2", _L, "ollama_chat/llama3.2", 0.0, 0.0, 128_000),
        _model("qwen2.5-coder", _L, "ollama_chat/qwen2.5-coder", 0.0, 0.0, 32_768),
        _model("codellama", _L, "ollama_chat/codellama", 0.0, 0.0, 16_384),
        _model("mistral", _L, "ollama_chat/mistral", 0.0, 0.0, 32_768),
        _model("llama2", _L, "ollama_chat/llama2", 0.0, 0.0, 4_096),
        _model(
            "anthropic/claude-haiku-4.5",
            _R,
            "openrouter/anthropic/claude-haiku-4.5",
            1.00,
            5.00,
            200_000,
        ),
        _model(
            "anthropic/claude-3-haiku",
            _R,
            "openrouter/anthropic/claude-3-haiku",
            0.25,
            1.25,
            200_000,
        ),
        _model("openai/gpt-4o-mini", _R, "openrouter/openai/gpt-4o-mini", 0.15, 0.60, 128_000),
    )
}
DEFAULT_MODELS: Mapping[LLMProvider, str] = {
    LLMProvider.ANTHROPIC: "claude-haiku-4-5",
    LLMProvider.OPENAI: "gpt-4o-mini",
    LLMProvider.OPENROUTER: "anthropic/claude-haiku-4.5",
    LLMProvider.OLLAMA: "qwen2.5-coder",
    LLMProvider.OFFLINE: "structural",
}
OFFLINE_MODEL = ModelConfig("structural", LLMProvider.OFFLINE, "offline/structural", 0.0, 0.0)


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


def is_local_url(url: str | None) -> bool:
    if not url:
        return False
    host = (urlparse(url).hostname or "").lower()
    return host in ("localhost", "127.0.0.1", "::1") or host.endswith(".localhost")


def resolve_model(provider: LLMProvider, model: str | None, api_base: str | None = None) -> ModelConfig:
    """The model to call, with its price; unknown models are accepted for any provider."""
    if provider is LLMProvider.OFFLINE:
        return OFFLINE_MODEL
    name = (model or DEFAULT_MODELS[provider]).strip()
    prefix = _LITELLM_PREFIX[provider]
    if name.startswith(prefix + "/"):
        name = name[len(prefix) + 1 :]
    known = MODEL_CONFIGS.get(name)
    if known is not None and known.provider is provider:
        return known
    litellm_id = f"{prefix}/{name}"
    if provider is LLMProvider.OLLAMA or is_local_url(api_base):
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


def ollama_answers(base_url: str, timeout: float = 0.3) -> bool:
    """Whether an Ollama server answers at `base_url` (GET /api/tags). Blocking: run off-loop.

    A probe of this machine never goes through an `HTTP_PROXY`: that would send it off the
    machine, to a proxy the user configured for other traffic.
    """
    handlers = [urllib.request.ProxyHandler({})] if is_local_url(base_url) else []
    opener = urllib.request.build_opener(*handlers)
    try:
        with opener.open(f"{base_url.rstrip('/')}/api/tags", timeout=timeout) as reply:
            return bool(reply.status == 200)
    except (urllib.error.URLError, OSError, ValueError):
        return False


def detect_provider(
    environ: Mapping[str, str] | None = None,
    ollama_base_url: str = OLLAMA_DEFAULT_BASE,
    probe_ollama: bool = True,
) -> LLMProvider:
    """ANTHROPIC_API_KEY, then OPENAI_API_KEY, then OPENROUTER_API_KEY, then a local Ollama,
    then the offline structural summarizer."""
    env = os.environ if environ is None else environ
    for provider in (LLMProvider.ANTHROPIC, LLMProvider.OPENAI, LLMProvider.OPENROUTER):
        variable = provider.key_variable
        if variable and env.get(variable, "").strip():
            return provider
    if probe_ollama and ollama_answers(ollama_base_url):
        return LLMProvider.OLLAMA
    return LLMProvider.OFFLINE
