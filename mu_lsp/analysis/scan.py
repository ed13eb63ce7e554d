"""Scanning many files: both cores, and a per-file cache keyed by content hash.

The parent reads, hashes and looks up every file (a warm re-scan is one read, one hash and
one lookup per file, all in one process); only misses go to worker processes, and their
results are written back in one transaction.
"""

from __future__ import annotations

import hashlib
import multiprocessing
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mu_lsp.analysis import analyze_source
from mu_lsp.analysis.walk import Skipped, discover
from mu_lsp.diskstore import open_store

ENGINE_VERSION = "1"  # bump when counting rules change: cached figures become stale
_INLINE_BYTES = 512 * 1024  # below this a process pool costs more than it saves
_CACHE_SIZE_LIMIT = 64 * 1024 * 1024

# (name, qualified_name, name_row, end_row, cyclomatic, cognitive)
Row = tuple[str, str, int, int, int, int]


@dataclass(frozen=True, slots=True)
class FunctionRow:
    path: str
    language: str
    name: str
    qualified_name: str
    line: int  # 1-based line of the name
    end_line: int
    cyclomatic: int
    cognitive: int


@dataclass(slots=True)
class ScanResult:
    functions: list[FunctionRow] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    missing: list[Path] = field(default_factory=list)
    files_analyzed: int = 0
    cache_hits: int = 0


def _key(language: str, digest: str) -> str:
    return f"complexity:{ENGINE_VERSION}:{language}:{digest}"


_Outcome = tuple[str, str, "tuple[Row, ...] | None", "str | None"]  # path, key, rows, error


def _analyze_batch(batch: Sequence[tuple[str, str, str]]) -> list[_Outcome]:
    """Analyse (path, language, cache key) triples; runs in a worker or inline."""
    out: list[_Outcome] = []
    for path, language, key in batch:
        try:
            data = Path(path).read_bytes()
            functions = analyze_source(data, language)
        except OSError as error:
            out.append((path, key, None, f"unreadable ({error.strerror})"))
            continue
        except Exception as error:  # defensive: the engine should never raise on input
            out.append((path, key, None, f"analysis failed ({error.__class__.__name__})"))
            continue
        rows = tuple((f.name, f.qualified_name, f.name_row, f.end_row, f.cyclomatic, f.cognitive) for f in functions)
        out.append((path, key, rows, None))
    return out


def _pool_context() -> Any:
    """fork starts workers in milliseconds with the grammars already loaded; elsewhere spawn."""
    return multiprocessing.get_context("fork" if sys.platform.startswith("linux") else None)


def scan_paths(
    paths: list[Path],
    cache_dir: Path | None,
    jobs: int | None = None,
    on_skip: Callable[[Skipped], None] | None = None,
) -> ScanResult:
    """Analyse every supported file under `paths`."""
    result = ScanResult()
    candidates, skipped, result.missing = discover(paths)
    result.skipped.extend(skipped)
    if on_skip is not None:
        for item in skipped:
            on_skip(item)
    store = open_store(cache_dir, _CACHE_SIZE_LIMIT) if cache_dir is not None and candidates else None
    found: dict[str, tuple[Row, ...]] = {}
    fresh: list[tuple[str, tuple[Row, ...]]] = []
    jobs = jobs or os.cpu_count() or 1
    ordered = sorted(candidates, key=lambda c: c.size, reverse=True)  # largest first: workers finish together
    batch_size = max(1, len(ordered) // max(jobs * 8, 1))

    def misses() -> Iterator[list[tuple[str, str, str]]]:
        """Read, hash and look up each file; yield the misses in batches as they are found, so
        on a cold cache the workers parse while the parent is still reading."""
        batch: list[tuple[str, str, str]] = []
        for candidate in ordered:
            try:
                data = candidate.path.read_bytes()
            except OSError as error:
                _skip(result, on_skip, Skipped(candidate.path, f"unreadable ({error.strerror})"))
                continue
            key = _key(candidate.language, hashlib.blake2b(data, digest_size=16).hexdigest())
            cached = _lookup(store, key)
            if cached is not None:
                found[str(candidate.path)] = cached
                result.cache_hits += 1
                continue
            batch.append((str(candidate.path), candidate.language, key))
            if len(batch) >= batch_size:
                yield batch
                batch = []
        if batch:
            yield batch

    use_pool = jobs > 1 and len(ordered) >= 4 and sum(c.size for c in ordered) >= _INLINE_BYTES and _mostly_cold(store)
    if use_pool:
        with _pool_context().Pool(jobs) as pool:
            outcomes = [o for chunk in pool.imap_unordered(_analyze_batch, misses()) for o in chunk]
    else:
        pending = [item for batch in misses() for item in batch]
        if jobs > 1 and len(pending) >= 4 and _bytes_of(pending) >= _INLINE_BYTES:
            with _pool_context().Pool(jobs) as pool:
                outcomes = [
                    o for chunk in pool.imap_unordered(_analyze_batch, _chunks(pending, batch_size)) for o in chunk
                ]
        else:
            outcomes = _analyze_batch(pending)
    for path, key, rows, problem in outcomes:
        if rows is None:
            _skip(result, on_skip, Skipped(Path(path), problem or "unreadable"))
            continue
        found[path] = rows
        fresh.append((key, rows))
    for candidate in candidates:
        analysed = found.get(str(candidate.path))
        if analysed is None:
            continue
        result.files_analyzed += 1
        for name, qualified, name_row, end_row, cyclomatic, cognitive in analysed:
            result.functions.append(
                FunctionRow(
                    str(candidate.path),
                    candidate.language,
                    name,
                    qualified,
                    name_row + 1,
                    end_row + 1,
                    cyclomatic,
                    cognitive,
                )
            )
    if store is not None:
        _store_rows(store, fresh)
    return result


def _skip(result: ScanResult, on_skip: Callable[[Skipped], None] | None, item: Skipped) -> None:
    result.skipped.append(item)
    if on_skip is not None:
        on_skip(item)


def _lookup(store: Any, key: str) -> tuple[Row, ...] | None:
    if store is None:
        return None
    try:
        value = store.get(key)
    except Exception:  # a broken cache entry is a miss
        return None
    return value if isinstance(value, tuple) else None


def _mostly_cold(store: Any) -> bool:
    """An empty (or absent) cache: stream work to the pool instead of looking everything up first."""
    if store is None:
        return True
    try:
        return len(store) == 0
    except Exception:
        return True


def _bytes_of(pending: list[tuple[str, str, str]]) -> int:
    total = 0
    for path, _, _ in pending:
        try:
            total += os.path.getsize(path)
        except OSError:
            continue
    return total


def _chunks(items: list[tuple[str, str, str]], size: int) -> list[list[tuple[str, str, str]]]:
    return [items[i : i + size] for i in range(0, len(items), size)]


def _store_rows(store: Any, fresh: list[tuple[str, tuple[Row, ...]]]) -> None:
    try:
        if fresh:
            with store.transact():
                for key, rows in fresh:
                    store.set(key, rows)
    except Exception:  # the cache is an optimisation; a failed write loses nothing
        return
    finally:
        store.close()
