"""`[cache] shared`, `shared_timeout_ms` and the environment variables behind them: hostile values,
where a password may come from, and what a workspace may decide."""

from __future__ import annotations

from pathlib import Path

import pytest

from mu_lsp.config import CacheSettings, build_settings, environment_layer, load_settings
from mu_lsp.llm.shared import shared_config
from tests.support.trust import trust_folder

PASSWORD = "hunter2-" + "Pq8" * 6


@pytest.mark.parametrize(
    "url",
    [
        "redis://cache.example:6379/0",
        "rediss://cache.example:6380/2",
        "redis://cache.example",
        "redis://ci-writer@cache.example:6379/0",  # an ACL user name is not a secret
        "redis://[::1]:6379/0",
        "unix:///run/valkey/valkey.sock",
    ],
)
def test_store_urls_that_are_accepted(url: str) -> None:
    settings, problems = build_settings([("test", {"cache": {"shared": url}})])
    assert problems == [] and settings.cache.shared == url


@pytest.mark.parametrize(
    "value",
    [
        f"redis://:{PASSWORD}@cache.example:6379/0",  # a password in a file: never
        f"redis://user:{PASSWORD}@cache.example/0",
        "http://cache.example:6379",
        "memcached://cache.example",
        "redis://cache.example:6379/0?ssl_cert_reqs=none",  # options could turn TLS checks off
        "rediss://cache.example/0#frag",
        "redis://cache.example:99999/0",
        "redis://cache.example:port/0",
        "redis://cache.example/not-a-db",
        "redis:///0",
        "unix://relative/socket",
        "redis://cache example/0",
        "file:///etc/passwd",
        42,
        ["redis://a"],
        {"url": "redis://a"},
        True,
    ],
)
def test_hostile_store_urls_are_errors_and_never_echo_a_password(value: object) -> None:
    settings, problems = build_settings([("test", {"cache": {"shared": value}})])
    assert settings.cache.shared is None
    [problem] = problems
    assert problem.severity == "error" and "cache.shared" in str(problem)
    assert PASSWORD not in str(problem)


@pytest.mark.parametrize("value", [0, -1, 10_001, 1.5, "150", True, None, float("nan")])
def test_hostile_timeouts_keep_the_default(value: object) -> None:
    settings, problems = build_settings([("test", {"cache": {"shared_timeout_ms": value}})])
    assert settings.cache.shared_timeout_ms == 150
    assert value is None or (problems and "shared_timeout_ms" in str(problems[0]))


@pytest.mark.parametrize("key", ["password", "shared_password", "redis_password", "secret", "shared_secret"])
def test_a_password_or_secret_in_configuration_is_refused_and_names_the_variable(key: str) -> None:
    settings, problems = build_settings([("test", {"cache": {key: PASSWORD}})])
    [problem] = problems
    assert "MU_REDIS_PASSWORD" in str(problem) and PASSWORD not in str(problem)
    assert settings.cache == CacheSettings()


def test_the_environment_url_names_the_store_and_keeps_its_password() -> None:
    layer, problems = environment_layer({"MU_SHARED_CACHE_URL": f"rediss://ci:{PASSWORD}@cache.example:6380/1"})
    assert problems == [] and layer == {"cache": {"shared": "rediss://ci@cache.example:6380/1"}}
    config = shared_config(
        layer["cache"]["shared"], 150, {"MU_SHARED_CACHE_URL": f"rediss://ci:{PASSWORD}@cache.example:6380/1"}
    )
    assert config.password == PASSWORD and config.username == "ci"
    assert PASSWORD not in config.url and PASSWORD not in config.shown and PASSWORD not in repr(config.shown)


@pytest.mark.parametrize(
    "value", ["http://x", f"redis://:{PASSWORD}@h/0?ssl_cert_reqs=none", "redis://h:0x/0", "  \u202e  "]
)
def test_a_bad_environment_url_is_one_warning_without_the_value(value: str) -> None:
    layer, problems = environment_layer({"MU_SHARED_CACHE_URL": value})
    assert layer is None or "cache" not in layer
    if value.strip():
        [problem] = problems
        assert problem.severity == "warning" and PASSWORD not in str(problem)


def test_the_environment_password_goes_only_to_its_own_host() -> None:
    env = {"MU_SHARED_CACHE_URL": f"redis://:{PASSWORD}@cache.example:6379/0"}
    assert shared_config("redis://cache.example/0", 150, env).password == PASSWORD  # default port: same store
    assert shared_config("redis://attacker.example:6379/0", 150, env).password is None
    assert shared_config("redis://cache.example:6380/0", 150, env).password is None
    assert shared_config("rediss://cache.example:6379/0", 150, env).password is None
    # MU_REDIS_PASSWORD is the user's deliberate choice for whatever store their settings name
    assert shared_config("redis://other:6379/0", 150, {"MU_REDIS_PASSWORD": PASSWORD}).password == PASSWORD


def test_the_secret_comes_only_from_the_environment() -> None:
    assert shared_config("redis://h/0", 150, {}).secret is None
    assert shared_config("redis://h/0", 150, {"MU_SHARED_CACHE_SECRET": "s3cret-value"}).secret == b"s3cret-value"


def test_an_untrusted_workspace_cannot_name_the_store(tmp_path: Path) -> None:
    repo = tmp_path / "cloned"
    repo.mkdir()
    (repo / ".murc.toml").write_text('[cache]\nshared = "redis://attacker.example:6379/0"\nshared_timeout_ms = 90\n')
    settings, problems = load_settings(repo)
    assert settings.cache.shared is None
    assert settings.cache.shared_timeout_ms == 90  # tuning is allowed
    assert any("[cache] shared ignored" in str(p) and "not trusted" in str(p) for p in problems)
    trust_folder(repo)
    trusted, _ = load_settings(repo)
    assert trusted.cache.shared == "redis://attacker.example:6379/0"


def test_the_users_own_settings_may_name_the_store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    repo = tmp_path / "cloned"
    repo.mkdir()
    trust_folder(extra='[cache]\nshared = "redis://team-cache:6379/0"\n')
    monkeypatch.delenv("MU_SHARED_CACHE_URL", raising=False)
    settings, problems = load_settings(repo)
    assert settings.cache.shared == "redis://team-cache:6379/0" and problems == []
