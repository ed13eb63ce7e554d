"""Shared fixtures: the stand-in provider, isolated cache directories, clean environments."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from mu_lsp.providers import KEY_VARIABLES
from tests.support.fake_provider import FakeProvider
from tests.support.redis_server import own_redis, redis_session, redis_store

__all__ = ["own_redis", "redis_session", "redis_store"]  # fixtures for every test module

# LiteLLM must never try to download its price map, in any test.
os.environ["LITELLM_LOCAL_MODEL_COST_MAP"] = "True"

FAKE_KEY = "sk-test-" + "Q7h2" * 6  # what the fake expects; tests check it never leaks


@pytest.fixture
def fake() -> Iterator[FakeProvider]:
    with FakeProvider() as provider:
        yield provider


@pytest.fixture(autouse=True)
def isolated_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test has its own home and user config directory: no real `config.toml`, no real
    trusted folders, and workspaces under `tmp_path` are inside the home directory."""
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / ".config"))
    return tmp_path


@pytest.fixture(autouse=True)
def isolated_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test gets its own cache directory and no real API keys."""
    cache = tmp_path / "mu-cache"
    monkeypatch.setenv("MU_CACHE_DIR", str(cache))
    for variable in KEY_VARIABLES:
        monkeypatch.delenv(variable, raising=False)
    return cache
