"""Shared fixtures: the stand-in provider, isolated cache directories, clean environments."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.fake_provider import FakeProvider

# LiteLLM must never try to download its price map, in any test.
os.environ["LITELLM_LOCAL_MODEL_COST_MAP"] = "True"

FAKE_KEY = "sk-test-" + "Q7h2" * 6  # what the fake expects; tests check it never leaks


@pytest.fixture
def fake() -> Iterator[FakeProvider]:
    with FakeProvider() as provider:
        yield provider


@pytest.fixture(autouse=True)
def isolated_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test gets its own cache directory and no real API keys."""
    cache = tmp_path / "mu-cache"
    monkeypatch.setenv("MU_CACHE_DIR", str(cache))
    for variable in ("ANTHROPIC_API_KEY", "OPENAI_API_KEY", "OPENROUTER_API_KEY"):
        monkeypatch.delenv(variable, raising=False)
    return cache
