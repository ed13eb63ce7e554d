"""The one LRU used by the summary cache (and the server's summary memory)."""

from __future__ import annotations

import pytest

from mu_lsp.lru import LRU


def test_the_least_recently_used_entry_goes_first() -> None:
    lru: LRU[str, int] = LRU(2)
    lru.put("a", 1)
    lru.put("b", 2)
    assert lru.get("a") == 1  # "a" is now the most recent
    lru.put("c", 3)
    assert "b" not in lru and lru.get("a") == 1 and lru.get("c") == 3
    assert len(lru) == 2


def test_writing_an_entry_again_refreshes_it() -> None:
    lru: LRU[str, int] = LRU(2)
    lru.put("a", 1)
    lru.put("b", 2)
    lru.put("a", 10)
    lru.put("c", 3)
    assert lru.get("a") == 10 and lru.get("b") is None


def test_clear_and_a_useless_limit() -> None:
    lru: LRU[str, int] = LRU(1)
    lru.put("a", 1)
    lru.clear()
    assert len(lru) == 0 and lru.get("a") is None
    with pytest.raises(ValueError):
        LRU(0)
