"""Two-level summary cache: an in-memory LRU in front of a size-bounded diskcache.

Entries are content-addressed (the key hashes the function's normalized body, language,
prompt version, provider and model), so they never go stale and have no time expiry. Disk
access runs in a thread so the event loop never waits on SQLite. Only successful, non-empty
summaries are stored.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import threading
from collections import OrderedDict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mu_lsp.diskstore import open_store
from mu_lsp.llm.prompts import PROMPT_VERSION

log = logging.getLogger(__name__)
MEMORY_ENTRIES = 4096


def cache_key(content_hash: str, language: str, provider: str, model: str) -> str:
    material = "\x1f".join((content_hash, language, PROMPT_VERSION, provider, model))
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


class SummaryCache:
    """Memory LRU + optional disk store; `directory=None` keeps everything in memory."""

    def __init__(self, directory: Path | None, size_limit_mb: int = 256, memory_entries: int = MEMORY_ENTRIES):
        self._memory: OrderedDict[str, CachedSummary] = OrderedDict()
        self._memory_entries = memory_entries
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
                    self._disk = open_store(self._directory, self._size_limit)
                self._disk_opened = True
            return self._disk

    def get_memory(self, key: str) -> CachedSummary | None:
        entry = self._memory.get(key)
        if entry is not None:
            self._memory.move_to_end(key)
        return entry

    def remember(self, key: str, entry: CachedSummary) -> None:
        """Memory only (offline summaries are cheaper to recompute than to store)."""
        self._memory[key] = entry
        self._memory.move_to_end(key)
        while len(self._memory) > self._memory_entries:
            self._memory.popitem(last=False)

    def _disk_get(self, key: str) -> CachedSummary | None:
        disk = self._open_disk()
        if disk is None:
            return None
        try:
            return CachedSummary.from_record(disk.get(key))
        except Exception as error:  # corruption mid-session: a miss, and say so once
            log.warning("summary cache read failed: %s", error)
            return None

    def _disk_set(self, key: str, entry: CachedSummary) -> None:
        disk = self._open_disk()
        if disk is None:
            return
        try:
            disk.set(key, entry.to_record())
        except Exception as error:
            log.warning("summary cache write failed: %s", error)

    async def get(self, key: str) -> tuple[CachedSummary | None, str]:
        """(entry, "memory" | "disk" | "")."""
        entry = self.get_memory(key)
        if entry is not None:
            return entry, "memory"
        entry = await asyncio.get_running_loop().run_in_executor(self._io, self._disk_get, key)
        if entry is not None:
            self.remember(key, entry)
            return entry, "disk"
        return None, ""

    def contains(self, key: str) -> bool:
        """Blocking membership test (for cost estimates outside the event loop)."""
        return self.get_memory(key) is not None or self._disk_get(key) is not None

    async def set(self, key: str, entry: CachedSummary) -> None:
        if not entry.summary:
            return
        self.remember(key, entry)
        await asyncio.get_running_loop().run_in_executor(self._io, self._disk_set, key, entry)

    def clear(self) -> None:
        self._memory.clear()
        disk = self._open_disk()
        if disk is not None:
            try:
                disk.clear()
            except Exception as error:
                log.warning("summary cache clear failed: %s", error)

    def close(self) -> None:
        self._io.shutdown(wait=True)
        self._io = ThreadPoolExecutor(max_workers=1, thread_name_prefix="mu-cache")
        if self._disk is not None:
            try:
                self._disk.close()
            except Exception:  # closing is best effort
                log.debug("closing the summary cache failed", exc_info=True)
            self._disk = None
            self._disk_opened = False
