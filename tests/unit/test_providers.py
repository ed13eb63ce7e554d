"""The provider table: one place for each provider, read the same way by every caller.

A new provider is an entry in `mu_lsp/providers.py`; these tests say what an entry must hold
and that config, the pool, errors, cost and the CLI all take it from there.
"""

from __future__ import annotations

import argparse
import ast
import asyncio
from pathlib import Path

import pytest

import mu_lsp
from mu_lsp.cli.parser import setting_type
from mu_lsp.config import LLMSettings, build_settings
from mu_lsp.llm.completion import Completion
from mu_lsp.llm.cost import estimate_cost
from mu_lsp.llm.errors import ProviderFailure, describe
from mu_lsp.llm.factory import create_pool
from mu_lsp.llm.providers import ModelConfig, resolve_model
from mu_lsp.llm.types import ErrorKind, SummarizationRequest
from mu_lsp.providers import (
    DETECTION_ORDER,
    KEY_VARIABLES,
    MAX_CONCURRENCY,
    PROVIDER_NAMES,
    PROVIDERS,
    Backend,
    LLMProvider,
)


def request(name: str = "pkg.f") -> SummarizationRequest:
    body = f"def {name.rsplit('.', 1)[-1]}(a, b):\n    if a and b:\n        return a\n    return b\n"
    return SummarizationRequest(function_name=name, body_source=body, language="python")


def test_the_names_the_editor_and_the_cli_offer() -> None:
    assert PROVIDER_NAMES == ("anthropic", "openai", "ollama", "openrouter", "offline")
    assert set(PROVIDERS) == set(LLMProvider)
    assert KEY_VARIABLES == ("ANTHROPIC_API_KEY", "OPENAI_API_KEY", "OPENROUTER_API_KEY")


def test_detection_order_keys_then_a_local_server_then_offline() -> None:
    assert sorted(DETECTION_ORDER) == sorted(LLMProvider)
    found_by = ["key" if p.spec.key_variable else "probe" if p.spec.probe_path else "always" for p in DETECTION_ORDER]
    assert found_by == ["key", "key", "key", "probe", "always"]
    assert DETECTION_ORDER[-1] is LLMProvider.OFFLINE


@pytest.mark.parametrize("provider", list(LLMProvider))
def test_each_entry_is_complete_and_consistent(provider: LLMProvider) -> None:
    spec = provider.spec
    assert spec.label and spec.model_prefix and spec.available_when and spec.auth_hint
    assert 1 <= spec.concurrency <= MAX_CONCURRENCY
    assert spec.price(spec.default_model) is not None, "the default model has a known price"
    assert len({model.name for model in spec.models}) == len(spec.models)
    for model in spec.models:
        assert model.input_per_million >= 0 and model.output_per_million >= 0 and model.context_window > 0
        assert (model.input_per_million > 0) == spec.paid, "paid providers have prices, free ones are $0"
    if spec.key_variable is not None:
        assert spec.key_variable in spec.auth_hint  # the hint names the variable to check
        assert spec.paid
    assert spec.offline == (spec.backend is Backend.STRUCTURAL)
    default = resolve_model(provider, None)
    assert default.name == spec.default_model and default.litellm_model.startswith(spec.model_prefix + "/")


def test_the_table_is_what_the_old_scattered_constants_said() -> None:
    assert [p.spec.concurrency for p in LLMProvider] == [5, 5, 2, 5, 5]
    assert [p.is_paid for p in LLMProvider] == [True, True, False, True, False]
    assert LLMProvider.OLLAMA.spec.default_base_url == "http://localhost:11434"
    assert resolve_model(LLMProvider.ANTHROPIC, "claude-3-5-haiku") == ModelConfig(
        "claude-3-5-haiku", LLMProvider.ANTHROPIC, "anthropic/claude-3-5-haiku-20241022", 0.80, 4.00, 200_000
    )
    assert resolve_model(LLMProvider.OLLAMA, "anything-local").cost(10_000, 10_000) == 0.0
    assert resolve_model(LLMProvider.OFFLINE, "ignored") == ModelConfig(
        "structural", LLMProvider.OFFLINE, "offline/structural", 0.0, 0.0
    )


@pytest.mark.parametrize(
    ("provider", "api_base", "hint"),
    [
        (LLMProvider.ANTHROPIC, None, "check ANTHROPIC_API_KEY"),
        (LLMProvider.OPENROUTER, None, "check OPENROUTER_API_KEY"),
        (LLMProvider.OLLAMA, "http://gpu:11434/", "check the API key for http://gpu:11434"),
    ],
)
def test_authentication_messages_come_from_the_table(provider: LLMProvider, api_base: str | None, hint: str) -> None:
    failure = ProviderFailure(ErrorKind.AUTHENTICATION, False, None, 401, "")
    message = describe(failure, provider, "m", 1, 30.0, api_base)
    assert message == f"authentication failed for {provider.value}: {hint}"


def test_config_and_the_cli_accept_exactly_the_tables_names() -> None:
    for name in PROVIDER_NAMES:
        settings, problems = build_settings([("t", {"llm": {"provider": name.upper()}})])
        assert problems == [] and settings.llm.provider == name
        assert setting_type("llm.provider")(name) == name
    _, problems = build_settings([("t", {"llm": {"provider": "skynet"}})])
    assert f"one of {', '.join(PROVIDER_NAMES)}" in problems[0].message
    with pytest.raises(argparse.ArgumentTypeError, match="expected one of anthropic"):
        setting_type("llm.provider")("skynet")


def test_a_key_in_configuration_names_every_key_variable() -> None:
    _, problems = build_settings([("t", {"llm": {"api_key": "sk-x"}})])
    assert all(variable in problems[0].message for variable in KEY_VARIABLES)


def test_offline_costs_nothing_and_counts_no_tokens() -> None:
    estimate = estimate_cost([request("a"), request("b")], None, "offline")
    assert (estimate.requests, estimate.input_tokens, estimate.output_tokens) == (2, 0, 0)
    assert estimate.is_free and estimate.model == "structural"


# -- the offline provider goes through the pool's one path ------------------------------------------


async def test_offline_summaries_are_remembered_but_never_written_to_disk(isolated_cache: Path) -> None:
    pool = create_pool(LLMSettings(provider="offline"), cache_base_path=isolated_cache, environ={}, probe_ollama=False)
    results = await asyncio.gather(*(pool.summarize(request()) for _ in range(4)))
    assert all(r.ok and r.offline and r.cost_usd == 0.0 for r in results)
    assert pool.stats.completed == 1 and pool.stats.deduplicated == 3 and pool.stats.requests == 0
    again = await pool.summarize(request())
    assert again.cached and again.offline and again.summary == results[0].summary
    pool.close()
    fresh = create_pool(LLMSettings(provider="offline"), cache_base_path=isolated_cache, environ={}, probe_ollama=False)
    assert not fresh.cache.contains(fresh.key_for(request()))
    fresh.close()


async def test_offline_needs_no_key_and_no_budget(isolated_cache: Path) -> None:
    pool = create_pool(
        LLMSettings(provider="offline", max_session_cost_usd=0.0),
        cache_base_path=isolated_cache,
        environ={},
        probe_ollama=False,
    )
    assert not pool.budget_reached
    result = await pool.summarize(request())
    assert result.ok and result.offline


async def test_an_injected_completion_replaces_litellm(isolated_cache: Path) -> None:
    seen: list[tuple[str, str | None, str | None, float]] = []

    async def complete(
        model: ModelConfig, messages: list[dict[str, str]], api_base: str | None, api_key: str | None, timeout: float
    ) -> Completion:
        seen.append((model.litellm_model, api_base, api_key, timeout))
        assert any("`pkg.f`" in m["content"] for m in messages)  # the prompt names the function
        return Completion("- adds things\n- returns b", 100, 10)

    pool = create_pool(
        LLMSettings(provider="openai", timeout_seconds=7.0),
        cache_base_path=isolated_cache,
        environ={"OPENAI_API_KEY": "sk-injected"},
        probe_ollama=False,
        complete_fn=complete,
    )
    result = await pool.summarize(request())
    assert result.ok and not result.offline and result.summary == ("adds things", "returns b")
    assert seen == [("openai/gpt-4o-mini", None, "sk-injected", 7.0)]
    assert pool.stats.requests == 1 and result.cost_usd == pytest.approx((100 * 0.15 + 10 * 0.60) / 1e6)
    pool.close()


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
    return found


def test_the_table_is_pure_data_and_config_never_imports_the_llm_layer() -> None:
    package = Path(mu_lsp.__file__).parent
    assert not {m for m in _imports(package / "providers.py") if m.startswith("mu_lsp")}
    for path in [*(package / "config").glob("*.py"), *(package / "analysis" / "offline").glob("*.py")]:
        assert not {m for m in _imports(path) if m.startswith("mu_lsp.llm")}, path.name
