"""Configuration: layers, validation, hostile values."""

from __future__ import annotations

from pathlib import Path

import pytest

from mu_lsp.config import (
    Settings,
    build_settings,
    environment_layer,
    load_settings,
)
from mu_lsp.config.files import find_workspace_file, read_config_file
from tests.support.trust import trust_folder


def test_defaults() -> None:
    settings, problems = build_settings([])
    assert settings == Settings()
    assert settings.summarize.on == ("open", "save")
    assert settings.llm.max_session_cost_usd == 1.0
    assert settings.privacy.exclude == () and settings.privacy.use_default_excludes
    assert problems == []


def test_later_layers_win_and_camel_case_is_accepted() -> None:
    settings, problems = build_settings(
        [
            (
                ".murc.toml",
                {
                    "llm": {"provider": "anthropic", "model": "a", "concurrency": 3},
                    "complexity": {"cognitive": 20},
                },
            ),
            (
                "initializationOptions",
                {"llm": {"model": "b", "apiBase": "http://localhost:8000/v1"}},
            ),
            (
                "workspace/configuration",
                {"llm": {"maxSessionCostUsd": 0.5}, "summarize": {"on": ["save"]}},
            ),
        ]
    )
    assert problems == []
    assert settings.llm.provider == "anthropic"
    assert settings.llm.model == "b"
    assert settings.llm.api_base == "http://localhost:8000/v1"
    assert settings.llm.concurrency == 3
    assert settings.llm.max_session_cost_usd == 0.5
    assert settings.complexity.cognitive == 20 and settings.complexity.cyclomatic == 10
    assert settings.summarize.on == ("save",)


@pytest.mark.parametrize(
    ("layer", "key", "phrase"),
    [
        ({"llm": {"concurrency": "many"}}, "llm.concurrency", "a positive integer"),
        ({"llm": {"concurrency": 0}}, "llm.concurrency", "a positive integer"),
        ({"llm": {"concurrency": True}}, "llm.concurrency", "a positive integer"),
        ({"llm": {"timeout_seconds": -1}}, "llm.timeout_seconds", "a positive number"),
        (
            {"llm": {"max_session_cost_usd": float("nan")}},
            "llm.max_session_cost_usd",
            "a number >= 0",
        ),
        ({"llm": {"provider": "skynet"}}, "llm.provider", "one of anthropic"),
        ({"llm": {"api_base": "ftp://x"}}, "llm.api_base", "an http:// or https:// URL"),
        ({"summarize": {"on": ["type"]}}, "summarize.on", '"open" and/or "save"'),
        ({"summarize": {"on": "open"}}, "summarize.on", '"open" and/or "save"'),
        ({"privacy": {"exclude": [1, 2]}}, "privacy.exclude", "a list of glob strings"),
        ({"complexity": {"cyclomatic": 2.5}}, "complexity.cyclomatic", "a positive integer"),
        ({"llm": "not a table"}, "llm", "must be a table"),
    ],
)
def test_wrong_types_name_the_key_and_keep_defaults(layer: dict, key: str, phrase: str) -> None:
    settings, problems = build_settings([("test", layer)])
    assert len(problems) == 1
    problem = problems[0]
    assert problem.severity == "error" and problem.key == key
    assert phrase in problem.message
    assert settings == Settings()


def test_one_bad_value_does_not_discard_the_rest() -> None:
    settings, problems = build_settings([("t", {"llm": {"concurrency": "x", "model": "m"}})])
    assert settings.llm.model == "m" and len(problems) == 1


def test_unknown_keys_and_keys_in_config_are_warnings() -> None:
    settings, problems = build_settings(
        [("t", {"llm": {"modle": "x", "api_key": "sk-should-not-be-here"}, "colours": {"a": 1}})]
    )
    messages = [p.message for p in problems]
    assert all(p.severity == "warning" for p in problems)
    assert any("unknown key llm.modle" in m for m in messages)
    assert any("API keys are read only from the environment" in m for m in messages)
    assert any("unknown section [colours]" in m for m in messages)
    assert not any("sk-should-not-be-here" in m for m in messages)
    assert settings == Settings()


def test_ollama_table_and_auto_provider() -> None:
    settings, problems = build_settings(
        [("t", {"llm": {"provider": "auto", "ollama": {"base_url": "http://gpu:11434/"}}})]
    )
    assert problems == []
    assert settings.llm.provider is None
    assert settings.llm.ollama_base_url == "http://gpu:11434"


def test_config_file_is_found_upwards(tmp_path: Path) -> None:
    (tmp_path / ".murc.toml").write_text('[llm]\nprovider = "offline"\n[complexity]\ncognitive = 30\n')
    nested = tmp_path / "a" / "b"
    nested.mkdir(parents=True)
    assert find_workspace_file(nested) == tmp_path / ".murc.toml"
    settings, problems = load_settings(nested)
    assert problems == [] and settings.llm.provider == "offline" and settings.complexity.cognitive == 30


@pytest.mark.parametrize("content", [b"[llm\nprovider=", b"\xff\xfe\x00garbage", b"llm = 3\n[llm]\n"])
def test_broken_files_are_reported_not_fatal(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / ".murc.toml"
    path.write_bytes(content)
    data, problems = read_config_file(path)
    assert data is None
    assert problems and problems[0].severity == "error" and "file ignored" in problems[0].message


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("gpu-box", "http://gpu-box:11434"),
        ("gpu-box:8080", "http://gpu-box:8080"),
        ("0.0.0.0", "http://0.0.0.0:11434"),
        ("http://10.0.0.5:11434/", "http://10.0.0.5:11434"),
        ("https://ollama.example.com", "https://ollama.example.com:443"),
        ("https://ollama.example.com/proxy/", "https://ollama.example.com:443/proxy"),
        ("[::1]:11500", "http://[::1]:11500"),
    ],
)
def test_ollama_host_is_read_like_ollamas_own_cli(value: str, expected: str) -> None:
    layer, problems = environment_layer({"OLLAMA_HOST": value})
    assert problems == []
    settings, _ = build_settings([("environment", layer)])
    assert settings.llm.ollama_base_url == expected


@pytest.mark.parametrize(
    "value",
    ["ftp://gpu-box", "gpu-box:notaport", "gpu-box:99999", "http://", "gpu box", "http://user:pw@gpu-box", "a?b=c"],
)
def test_a_bad_ollama_host_is_a_warning_and_the_default_stays(value: str) -> None:
    layer, problems = environment_layer({"OLLAMA_HOST": value})
    assert layer is None
    assert len(problems) == 1 and problems[0].key == "OLLAMA_HOST" and "ignored" in problems[0].message
    assert "pw@" not in problems[0].message  # credentials are not echoed back
    assert Settings().llm.ollama_base_url == "http://localhost:11434"


def test_murc_wins_over_ollama_host(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OLLAMA_HOST", "gpu-box:8080")
    settings, problems = load_settings(tmp_path)
    assert settings.llm.ollama_base_url == "http://gpu-box:8080"
    (tmp_path / ".murc.toml").write_text('[llm.ollama]\nbase_url = "http://127.0.0.1:9"\n')
    trust_folder(tmp_path)
    settings, problems = load_settings(tmp_path)
    assert problems == []
    assert settings.llm.ollama_base_url == "http://127.0.0.1:9"


def test_empty_ollama_host_means_unset() -> None:
    assert environment_layer({"OLLAMA_HOST": "  "}) == (None, [])
    assert environment_layer({}) == (None, [])
