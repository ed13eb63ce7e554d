"""Each setting is declared once; `.murc.toml`, editors, the CLI and workspace trust read it."""

from __future__ import annotations

import argparse

import pytest

from mu_lsp.cli import complexity_cmd, summarize_args
from mu_lsp.cli.parser import setting_type
from mu_lsp.config import SETTINGS, Settings, build_settings, declared
from mu_lsp.config.trust import TRUSTED_ONLY


def test_the_keys_of_murc_toml() -> None:
    assert [s.dotted for s in SETTINGS] == [
        "llm.provider",
        "llm.model",
        "llm.api_base",
        "llm.timeout_seconds",
        "llm.stall_timeout_seconds",
        "llm.max_retries",
        "llm.concurrency",
        "llm.max_session_cost_usd",
        "llm.ollama.base_url",
        "complexity.cyclomatic",
        "complexity.cognitive",
        "summarize.on",
        "summarize.max_file_bytes",
        "privacy.exclude",
        "privacy.use_default_excludes",
        "cache.dir",
        "cache.size_limit_mb",
        "cache.shared",
        "cache.shared_timeout_ms",
    ]
    defaults = Settings()
    for setting in SETTINGS:  # each declaration's default is the dataclass default, accepted by its kind
        assert getattr(getattr(defaults, setting.group), setting.attr) == setting.default
        if setting.default is not None:
            assert setting.kind.convert(setting.default) == setting.default


def test_trusted_only_keys_are_declared_with_their_settings() -> None:
    assert set(TRUSTED_ONLY) == {
        ("llm", "api_base"),
        ("llm.ollama", "base_url"),
        ("cache", "dir"),
        ("privacy", "use_default_excludes"),
        ("cache", "shared"),
    }


@pytest.mark.parametrize(
    ("dotted", "text"),
    [
        ("llm.concurrency", "0"),
        ("llm.concurrency", "many"),
        ("llm.api_base", "ftp://x"),
        ("llm.provider", "skynet"),
        ("complexity.cyclomatic", "2.5"),
        ("complexity.cognitive", "-1"),
    ],
)
def test_a_flag_says_what_the_config_file_says(dotted: str, text: str) -> None:
    expected = declared(dotted).kind.expected
    with pytest.raises(argparse.ArgumentTypeError) as flag:
        setting_type(dotted)(text)
    assert str(flag.value) == f"expected {expected}, got {text!r}"
    section, _, key = dotted.rpartition(".")
    _, problems = build_settings([("t", {section: {key: text}})])
    assert problems and f"{dotted} must be {expected}" in problems[0].message


def test_every_settings_flag_is_typed_by_its_declaration() -> None:
    for flags in (summarize_args.SETTING_FLAGS, complexity_cmd.SETTING_FLAGS):
        for dotted in flags.values():
            declared(dotted)  # raises KeyError for a flag naming no setting


def test_auto_on_the_command_line_overrides_a_configured_provider() -> None:
    flag = setting_type("llm.provider")("auto")
    settings, problems = build_settings(
        [("file", {"llm": {"provider": "openai"}}), ("cli", {"llm": {"provider": flag}})]
    )
    assert problems == [] and settings.llm.provider is None
