"""The provider table: everything mu-lsp knows about each provider, in one place.

Configuration (valid names), `create_pool` (detection, defaults), the pool (key, concurrency,
budget, what is stored), error messages (hints), cost (prices), the CLI (choices) and the VS
Code extension (its provider enum and secret names, written by `tools/sync_extension.py`) all
read this table. It is plain data and imports nothing else of mu-lsp, so `config` can read it
without importing the LLM layer.

Adding a provider is adding a member to `LLMProvider`, its `ProviderSpec` in `PROVIDERS`, its
place in `DETECTION_ORDER`, and tests; `python tools/sync_extension.py` then updates the
extension.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

MAX_CONCURRENCY = 10  # per session; more only earns rate limits
DEFAULT_CONCURRENCY = 5


class LLMProvider(StrEnum):
    """A provider's configuration name (`[llm] provider`)."""

    ANTHROPIC = "anthropic"
    OPENAI = "openai"
    OLLAMA = "ollama"
    OPENROUTER = "openrouter"
    OFFLINE = "offline"

    @property
    def spec(self) -> ProviderSpec:
        return PROVIDERS[self]

    @property
    def is_paid(self) -> bool:
        return self.spec.paid

    @property
    def key_variable(self) -> str | None:
        """The environment variable holding this provider's API key."""
        return self.spec.key_variable


class Backend(StrEnum):
    """What turns a prompt into a summary."""

    LITELLM = "litellm"  # a model behind an HTTP API, called through LiteLLM
    STRUCTURAL = "structural"  # mu-lsp's own offline summarizer: nothing leaves the machine


@dataclass(frozen=True, slots=True)
class ModelPrice:
    """A model whose price we know (per million tokens), also when LiteLLM has dropped it."""

    name: str  # as written in `[llm] model`
    input_per_million: float
    output_per_million: float
    context_window: int
    litellm_name: str = ""  # the id after the provider's prefix, when it differs from `name`


@dataclass(frozen=True, slots=True)
class ProviderSpec:
    label: str  # what people call it: the extension's key picker shows it
    backend: Backend
    model_prefix: str  # LiteLLM's routing prefix: `ollama_chat/qwen2.5-coder`
    default_model: str
    available_when: str  # how auto-detection finds it, in words (editor setting description)
    auth_hint: str  # what an authentication failure tells the user to check; may use {endpoint}
    key_variable: str | None = None  # environment variable holding the API key; detection looks for it
    probe_path: str | None = None  # a local server that answers GET here is detected
    default_base_url: str | None = None
    paid: bool = True  # the session budget applies; an unknown model's price is unknown, not $0
    concurrency: int = DEFAULT_CONCURRENCY  # requests in flight when `[llm] concurrency` is not set
    any_model: bool = True  # False: `[llm] model` is ignored, the default is always used
    stores_summaries: bool = True  # False: memory only, cheaper to recompute than to store
    models: tuple[ModelPrice, ...] = ()

    @property
    def offline(self) -> bool:
        """Summaries computed on this machine without a model ("offline structural summary")."""
        return self.backend is Backend.STRUCTURAL

    def price(self, name: str) -> ModelPrice | None:
        return next((model for model in self.models if model.name == name), None)


def _api(name: str, price_in: float, price_out: float, window: int, litellm_name: str = "") -> ModelPrice:
    return ModelPrice(name, price_in, price_out, window, litellm_name)


def _free(name: str, window: int) -> ModelPrice:
    return ModelPrice(name, 0.0, 0.0, window)


PROVIDERS: Mapping[LLMProvider, ProviderSpec] = {
    LLMProvider.ANTHROPIC: ProviderSpec(
        label="Anthropic",
        backend=Backend.LITELLM,
        model_prefix="anthropic",
        default_model="claude-haiku-4-5",
        available_when="ANTHROPIC_API_KEY",
        auth_hint="check ANTHROPIC_API_KEY",
        key_variable="ANTHROPIC_API_KEY",
        models=(
            _api("claude-haiku-4-5", 1.00, 5.00, 200_000),
            _api("claude-sonnet-4-5", 3.00, 15.00, 200_000),
            _api("claude-3-5-haiku", 0.80, 4.00, 200_000, "claude-3-5-haiku-20241022"),
            _api("claude-3-haiku", 0.25, 1.25, 200_000, "claude-3-haiku-20240307"),
            _api("claude-3-sonnet", 3.00, 15.00, 200_000, "claude-3-sonnet-20240229"),
            _api("claude-3-opus", 15.00, 75.00, 200_000, "claude-3-opus-20240229"),
        ),
    ),
    LLMProvider.OPENAI: ProviderSpec(
        label="OpenAI",
        backend=Backend.LITELLM,
        model_prefix="openai",
        default_model="gpt-4o-mini",
        available_when="OPENAI_API_KEY",
        auth_hint="check OPENAI_API_KEY",
        key_variable="OPENAI_API_KEY",
        models=(
            _api("gpt-4o-mini", 0.15, 0.60, 128_000),
            _api("gpt-4.1-mini", 0.40, 1.60, 1_047_576),
            _api("gpt-4.1-nano", 0.10, 0.40, 1_047_576),
            _api("gpt-4o", 2.50, 10.00, 128_000),
            _api("gpt-4-turbo", 10.00, 30.00, 128_000),
            _api("gpt-4", 30.00, 60.00, 8_192),
            _api("gpt-3.5-turbo", 0.50, 1.50, 16_385),
        ),
    ),
    LLMProvider.OLLAMA: ProviderSpec(
        label="Ollama",
        backend=Backend.LITELLM,
        model_prefix="ollama_chat",
        default_model="qwen2.5-coder",
        available_when="a local Ollama",
        auth_hint="check the API key for {endpoint}",
        probe_path="/api/tags",
        default_base_url="http://localhost:11434",
        paid=False,
        concurrency=2,  # one GPU (or CPU) answers one request at a time
        models=(
            _free("llama3.2", 128_000),
            _free("qwen2.5-coder", 32_768),
            _free("codellama", 16_384),
            _free("mistral", 32_768),
            _free("llama2", 4_096),
        ),
    ),
    LLMProvider.OPENROUTER: ProviderSpec(
        label="OpenRouter",
        backend=Backend.LITELLM,
        model_prefix="openrouter",
        default_model="anthropic/claude-haiku-4.5",
        available_when="OPENROUTER_API_KEY",
        auth_hint="check OPENROUTER_API_KEY",
        key_variable="OPENROUTER_API_KEY",
        models=(
            _api("anthropic/claude-haiku-4.5", 1.00, 5.00, 200_000),
            _api("anthropic/claude-3-haiku", 0.25, 1.25, 200_000),
            _api("openai/gpt-4o-mini", 0.15, 0.60, 128_000),
        ),
    ),
    LLMProvider.OFFLINE: ProviderSpec(
        label="Offline",
        backend=Backend.STRUCTURAL,
        model_prefix="offline",
        default_model="structural",
        available_when="the offline structural summarizer",
        auth_hint="check the API key for {endpoint}",  # never used: nothing to authenticate
        paid=False,
        any_model=False,
        stores_summaries=False,
        models=(_free("structural", 128_000),),
    ),
}

# Auto-detection tries these in order: a key in the environment, then a local server that
# answers its probe; the first provider needing neither is the fallback.
DETECTION_ORDER: tuple[LLMProvider, ...] = (
    LLMProvider.ANTHROPIC,
    LLMProvider.OPENAI,
    LLMProvider.OPENROUTER,
    LLMProvider.OLLAMA,
    LLMProvider.OFFLINE,
)
PROVIDER_NAMES: tuple[str, ...] = tuple(provider.value for provider in LLMProvider)
KEY_VARIABLES: tuple[str, ...] = tuple(
    variable for provider in DETECTION_ORDER if (variable := PROVIDERS[provider].key_variable)
)
