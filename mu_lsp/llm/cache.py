"""Two-level summary cache: an in-memory LRU in front of a size-bounded diskcache.

Entries are content-addressed (the key hashes the function's normalized body, language,
prompt version, provider, model and endpoint), so they never go stale and have no time expiry. Disk
access runs in a thread so the event loop never waits on SQLite. Only successful, non-empty
summaries are stored, and only on disk for providers whose summaries are worth keeping
(`disk=False` for the offline one: cheaper to recompute than to store).
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from mu_lsp.cachedir import drop_legacy_store, ensure_private_dir
from mu_lsp.diskstore import open_store
from mu_lsp.llm.prompts import PROMPT_VERSION
from mu_lsp.lru import LRU

log = logging.getLogger(__name__)
MEMORY_ENTRIES = 4096


def cache_key(content_hash: str, language: str, provider: str, model: str, endpoint: str = "") -> str:
    """Summaries from different endpoints never share an entry: a repository's own server must
    not be able to answer for the user's real provider (`endpoint` from `endpoint_identity`)."""
    material = "\x1f".join((content_hash, language, PROMPT_VERSION, provider, model, endpoint))
    return "summary:" + hashlib.sha256(material.encode()).hexdigest()


@dataclass(frozen=True, slots=True)
class CachedSummary:
    summary: tuple[str, ...]
    model: str
    provider: str
    input_tokens: int = 0
    output_tokens: int = 0

    def to_record(self) -> dict[str, Any]:
        return {
            "summary": list(self.summary),
            "model": self.model,
            "provider": self.provider,
            "input_tokens": self.input_tokens,
            "output_tokens": self.output_tokens,
        }

    @classmethod
    def from_record(cls, record: Any) -> CachedSummary | None:
        """None for anything malformed: a bad entry is a miss, never a crash."""
        if not isinstance(record, dict):
            return None
        summary = record.get("summary")
        if not isinstance(summary, list) or not summary or not all(isinstance(s, str) and s for s in summary):
            return None
        return cls(
            tuple(summary),
            str(record.get("model", "")),
            str(record.get("provider", "")),
            int(record.get("input_tokens", 0) or 0),
            int(record.get("output_tokens", 0) or 0),
        )


class SharedLayer(Protocol):
    """The team's store behind the local cache (`mu_lsp.llm.shared.SharedStore`)."""

    async def get(self, key: str) -> CachedSummary | None: ...
    async def put(self, key: str, entry: CachedSummary) -> None: ...
    async def abandon(self, key: str) -> None: ...
    async def aclose(self) -> None: ...
    def stats(self) -> dict[str, Any]: ...
    def close(self) -> None: ...


class SummaryCache:
    """Memory LRU + optional disk store + optional team store (`mu_lsp.llm.shared`), looked up in
    that order; `directory=None` keeps everything in memory."""

    def __init__(
        self,
        directory: Path | None,
        size_limit_mb: int = 256,
        memory_entries: int = MEMORY_ENTRIES,
        legacy: tuple[Path, ...] = (),
        shared: SharedLayer | None = None,
    ):
        self.shared = shared
        self._legacy = legacy
        self._warned: set[str] = set()
        self._memory: LRU[str, CachedSummary] = LRU(memory_entries)
        self._directory = directory
        self._size_limit = size_limit_mb * 1024 * 1024
        self._disk: Any = None
        self._disk_opened = False
        self._open_lock = threading.Lock()
        # One thread for all disk access: SQLite writers never contend, the loop never waits.
        self._io = ThreadPoolExecutor(max_workers=1, thread_name_prefix="mu-cache")

    def _open_disk(self) -> Any:
        with self._open_lock:
            if not self._disk_opened:
                if self._directory is not None:
                    try:  # the cache root too: it holds summaries of private code
                        ensure_private_dir(self._directory.parent)
                    except OSError as error:
                        self._warn_once("open", error)
                    for legacy in self._legacy:
                        drop_legacy_store(legacy)
                    self._disk = open_store(self._directory, self._size_limit)
                self._disk_opened = True
            return self._disk

    def _warn_once(self, what: str, error: Exception) -> None:
        """A failing disk (full, read-only, locked) is said once per kind, not per summary."""
        kind = f"{what}:{error.__class__.__name__}"
        if kind not in self._warned:
            self._warned.add(kind)
            log.warning("summary cache %s failed (%s); summaries are kept in memory", what, error)

    def _disk_get(self, key: str) -> CachedSummary | None:
        disk = self._open_disk()
        if disk is None:
            return None
        try:
            return CachedSummary.from_record(disk.get(key))
        except Exception as error:  # corruption mid-session or a foreign row: a miss, said once
            self._warn_once("read", error)
            return None

    def _disk_set(self, key: str, entry: CachedSummary) -> None:
        disk = self._open_disk()
        if disk is None:
            return
        try:
            disk.set(key, entry.to_record())
        except Exception as error:  # full disk, read-only: memory only, nothing deleted
            self._warn_once("write", error)

    async def get(self, key: str, disk: bool = True) -> tuple[CachedSummary | None, str]:
        """(entry, "memory" | "disk" | "shared" | ""); `disk=False` looks in memory only.

        A shared hit is kept on disk too. A shared miss marks the key as being asked for, or
        waits for the teammate who already is (`SharedStore.get`)."""
        entry = self._memory.get(key)
        if entry is not None:
            return entry, "memory"
        if not disk:
            return None, ""
        loop = asyncio.get_running_loop()
        entry = await loop.run_in_executor(self._io, self._disk_get, key)
        if entry is not None:
            self._memory.put(key, entry)
            return entry, "disk"
        if self.shared is None:
            return None, ""
        entry = await self.shared.get(key)
        if entry is None:
            return None, ""
        self._memory.put(key, entry)
        await loop.run_in_executor(self._io, self._disk_set, key, entry)
        return entry, "shared"

    def contains(self, key: str) -> bool:
        """Blocking membership test (for cost estimates outside the event loop)."""
        return key in self._memory or self._disk_get(key) is not None

    async def set(self, key: str, entry: CachedSummary, disk: bool = True) -> None:
        """Remember `entry`; also store it on disk and share it unless `disk=False`."""
        if not entry.summary:
            return
        self._memory.put(key, entry)
        if disk:
            await asyncio.get_running_loop().run_in_executor(self._io, self._disk_set, key, entry)
            if self.shared is not None:
                await self.shared.put(key, entry)

    async def abandon(self, key: str) -> None:
        """No summary for `key` this time: drop the shared in-flight marker, if ours."""
        if self.shared is not None:
            await self.shared.abandon(key)

    def shared_stats(self) -> dict[str, Any]:
        """The team store's state and counters (`{"state": "off"}` without one)."""
        return self.shared.stats() if self.shared is not None else {"state": "off"}

    def clear(self) -> None:
        self._memory.clear()
        disk = self._open_disk()
        if disk is not None:
            try:
                disk.clear()
            except Exception as error:
                log.warning("summary cache clear failed: %s", error)

    def close(self) -> None:
        if self.shared is not None:
            self.shared.close()
        self._io.shutdown(wait=True)
        self._io = ThreadPoolExecutor(max_workers=1, thread_name_prefix="mu-cache")
        if self._disk is not None:
            try:
                self._disk.close()
            except Exception:  # closing is best effort
                log.debug("closing the summary cache failed", exc_info=True)
            self._disk = None
            self._disk_opened = False
