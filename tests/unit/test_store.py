"""The on-disk stores hold JSON only: a prepared cache directory can never run code or read files."""

from __future__ import annotations

import asyncio
import logging
import os
import sqlite3
import stat
from pathlib import Path

import diskcache
import pytest

from mu_lsp.diskstore import JsonDisk, open_store
from mu_lsp.llm.cache import CachedSummary, SummaryCache


class _Payload:
    """Unpickling this creates `marker`: proof that something unpickled attacker data."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[object, tuple[str, str]]:
        return (open, (str(self.marker), "w"))


def _plant(directory: Path, key: str, marker: Path) -> None:
    """What a hostile repository ships: a diskcache written with the default (pickling) Disk."""
    planted = diskcache.Cache(str(directory))
    planted.set(key, _Payload(marker))
    planted.close()


def test_a_pickled_entry_is_a_miss_and_never_unpickled(tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    store_dir = tmp_path / "store"
    _plant(store_dir, "summary:abc", marker)
    store = open_store(store_dir, 1 << 20)
    assert store is not None
    with pytest.raises(ValueError, match="did not write"):
        store.get("summary:abc")
    assert not marker.exists()
    store.close()


def test_the_summary_cache_ignores_a_planted_store(tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    store_dir = tmp_path / "summaries-v2"
    _plant(store_dir, "summary:abc", marker)
    cache = SummaryCache(store_dir)
    entry, level = asyncio.run(cache.get("summary:abc"))
    cache.close()
    assert entry is None and level == ""
    assert not marker.exists()


def test_a_row_naming_a_file_is_never_read_nor_deleted(tmp_path: Path) -> None:
    victim = tmp_path / "victim.txt"
    victim.write_text("private")
    store_dir = tmp_path / "store"
    store = open_store(store_dir, 1 << 20)
    assert store is not None
    store.set("k", {"summary": ["x"]})
    store.close()
    with sqlite3.connect(store_dir / "cache.db") as db:  # rewrite the row as a file-backed one
        db.execute("UPDATE Cache SET mode = 3, filename = ?, value = NULL WHERE key = 'k'", (str(victim),))
    store = open_store(store_dir, 1 << 20)
    assert store is not None
    with pytest.raises(ValueError, match="did not write"):
        store.get("k")
    store.clear()
    store.close()
    assert victim.read_text() == "private"


def test_values_are_json_text_in_the_row(tmp_path: Path) -> None:
    store = open_store(tmp_path / "s", 1 << 20)
    assert store is not None
    entry = CachedSummary(("does a thing",), "m", "p", 3, 4)
    store.set("k", entry.to_record())
    assert CachedSummary.from_record(store.get("k")) == entry
    store.close()
    with sqlite3.connect(tmp_path / "s" / "cache.db") as db:
        mode, value = db.execute("SELECT mode, value FROM Cache WHERE key = 'k'").fetchone()
    assert mode == 1 and isinstance(value, str) and value.startswith("{")


@pytest.mark.parametrize("key", [b"bytes", 7, ("tuple",)])
def test_only_string_keys(tmp_path: Path, key: object) -> None:
    disk = JsonDisk(str(tmp_path))
    with pytest.raises(TypeError):
        disk.put(key)


def test_an_old_pickled_summary_store_is_deleted_unread(tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    root = tmp_path / "cache-root"
    _plant(root / "summaries", "summary:abc", marker)
    cache = SummaryCache(root / "summaries-v2", legacy=(root / "summaries",))
    asyncio.run(cache.get("summary:abc"))
    cache.close()
    assert not (root / "summaries").exists()
    assert not marker.exists()


def test_the_cache_root_and_store_are_private(tmp_path: Path) -> None:
    root = tmp_path / "deep" / "cache-root"
    cache = SummaryCache(root / "summaries-v2")
    asyncio.run(cache.set("k", CachedSummary(("x",), "m", "p")))
    cache.close()
    for directory in (root.parent, root, root / "summaries-v2"):
        assert stat.S_IMODE(os.stat(directory).st_mode) == 0o700


def test_an_existing_wide_root_is_tightened(tmp_path: Path) -> None:
    root = tmp_path / "cache-root"
    root.mkdir(mode=0o755)
    root.chmod(0o755)
    cache = SummaryCache(root / "summaries-v2")
    asyncio.run(cache.get("k"))
    cache.close()
    assert stat.S_IMODE(os.stat(root).st_mode) == 0o700


# -- a full disk, a read-only store: run from memory, never delete (issue 12) -------------------


def _limit_store(store_dir: Path, pragma: str, value: int) -> None:
    """Persist a SQLite limit in the store's own settings (diskcache applies `sqlite_*` settings
    on every open), to make real SQLite fail with its real errors."""
    with sqlite3.connect(store_dir / "cache.db") as db:
        db.execute("INSERT OR REPLACE INTO Settings (key, value) VALUES (?, ?)", (f"sqlite_{pragma}", value))


def _entry(index: int) -> CachedSummary:
    return CachedSummary((f"summary {index} " + "x" * 2000,), "m", "p")


def _page_count(store_dir: Path) -> int:
    with sqlite3.connect(store_dir / "cache.db") as db:
        return int(db.execute("PRAGMA page_count").fetchone()[0])


def test_a_full_disk_keeps_every_stored_summary(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    store_dir = tmp_path / "summaries-v2"
    cache = SummaryCache(store_dir)
    for index in range(5):
        asyncio.run(cache.set(f"k{index}", _entry(index)))
    cache.close()
    _limit_store(store_dir, "max_page_count", _page_count(store_dir))  # no room for one more page
    cache = SummaryCache(store_dir)
    with caplog.at_level(logging.WARNING):
        for index in range(5, 8):
            asyncio.run(cache.set(f"k{index}", _entry(index)))  # "database or disk is full"
    assert caplog.text.count("summary cache write failed") == 1  # said once, not per summary
    assert "disk is full" in caplog.text
    assert asyncio.run(cache.get("k7"))[0] == _entry(7)  # still served, from memory
    cache.close()
    again = SummaryCache(store_dir)
    assert [asyncio.run(again.get(f"k{index}"))[1] for index in range(5)] == ["disk"] * 5
    again.close()
    assert not list(tmp_path.glob("*corrupt*"))


def test_a_store_that_cannot_be_written_is_not_rebuilt(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    store_dir = tmp_path / "summaries-v2"
    cache = SummaryCache(store_dir)
    asyncio.run(cache.set("kept", _entry(1)))
    cache.close()
    _limit_store(store_dir, "query_only", 1)  # every write: "attempt to write a readonly database"
    with caplog.at_level(logging.WARNING):
        store = open_store(store_dir, 1 << 20)
    assert store is None and "rebuilding" not in caplog.text and "memory only" in caplog.text
    with sqlite3.connect(store_dir / "cache.db") as db:
        assert db.execute("SELECT count(*) FROM Cache WHERE key = 'kept'").fetchone() == (1,)
    assert not list(tmp_path.glob("*corrupt*"))


def test_only_real_corruption_rebuilds(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    store_dir = tmp_path / "summaries-v2"
    cache = SummaryCache(store_dir)
    asyncio.run(cache.set("gone", _entry(1)))
    cache.close()
    (store_dir / "cache.db").write_bytes(b"not a database at all" * 200)
    with caplog.at_level(logging.WARNING):
        store = open_store(store_dir, 1 << 20)
    assert store is not None and "corrupt" in caplog.text and "rebuilding" in caplog.text
    assert store.get("gone") is None
    store.close()
