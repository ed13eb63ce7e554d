"""Scanning many files: both cores, and one cache file per scan.

A warm re-scan stats every file (discovery does that anyway) and trusts the cache for each
file whose size, mtime and inode are unchanged, without opening it, without loading a
grammar or even importing tree-sitter. Only the rest are read: a file whose content hash
still matches is a hit too, and the true misses go to worker processes (or run inline when
there is little to do), each worker reading, hashing and analysing its files.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mu_lsp.analysis.scancache import Entry, Row, ScanCache, Stamp, cache_file, digest_of
from mu_lsp.analysis.walk import Candidate, Skipped, discover, is_binary

_INLINE_BYTES = 512 * 1024  # below this a process pool costs more than it saves


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


# path, language, digest, rows (None on failure), problem
_Outcome = tuple[str, str, str, "tuple[Row, ...] | None", "str | None"]


def _analyze_batch(batch: Sequence[tuple[str, str]]) -> list[_Outcome]:
    """Read, hash and analyse (path, language) pairs; runs in a worker or inline."""
    from mu_lsp.analysis import analyze_source  # only a scan with work to do loads the engine

    out: list[_Outcome] = []
    for path, language in batch:
        try:
            data = Path(path).read_bytes()
        except OSError as error:
            out.append((path, language, "", None, f"unreadable ({error.strerror})"))
            continue
        if is_binary(data):
            out.append((path, language, "", None, "binary file"))
            continue
        try:
            functions = analyze_source(data, language)
        except Exception as error:  # defensive: the engine should never raise on input
            out.append((path, language, "", None, f"analysis failed ({error.__class__.__name__})"))
            continue
        rows = tuple((f.name, f.qualified_name, f.name_row, f.end_row, f.cyclomatic, f.cognitive) for f in functions)
        out.append((path, language, digest_of(data), rows, None))
    return out


def _pool_context() -> Any:
    """fork starts workers in milliseconds with the grammars already loaded; elsewhere spawn."""
    import multiprocessing  # a warm scan starts no worker

    return multiprocessing.get_context("fork" if sys.platform.startswith("linux") else None)


def scan_paths(
    paths: list[Path],
    cache_dir: Path | None,
    jobs: int | None = None,
    on_skip: Callable[[Skipped], None] | None = None,
) -> ScanResult:
    """Analyse every supported file under `paths`; `cache_dir` (None: no cache) is where the
    caller keeps the scan cache, never a place inside the scanned tree."""
    result = ScanResult()
    candidates, skipped, result.missing = discover(paths, sniff=False)
    result.skipped.extend(skipped)
    if on_skip is not None:
        for item in skipped:
            on_skip(item)
    cache = ScanCache(cache_file(cache_dir, paths) if cache_dir is not None and candidates else None)
    found: dict[str, tuple[Row, ...]] = {}
    pending: list[Candidate] = []
    for candidate in candidates:
        key = str(candidate.path)
        entry = cache.get(key)
        stamp = Stamp(candidate.size, candidate.mtime_ns, candidate.inode)
        if entry is not None and entry.language == candidate.language:
            if entry.stamp == stamp:
                cache.keep(key, entry)
            elif _same_content(candidate, entry):
                cache.put(key, Entry(stamp, entry.language, entry.digest, entry.rows))
            else:
                pending.append(candidate)
                continue
            found[key] = entry.rows
            result.cache_hits += 1
            continue
        pending.append(candidate)
    stamps = {str(c.path): Stamp(c.size, c.mtime_ns, c.inode) for c in pending}
    for path, language, digest, rows, problem in _analyze(pending, jobs or os.cpu_count() or 1):
        if rows is None:
            _skip(result, on_skip, Skipped(Path(path), problem or "unreadable"))
            continue
        found[path] = rows
        cache.put(path, Entry(stamps[path], language, digest, rows))
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
    cache.save()
    return result


def _same_content(candidate: Candidate, entry: Entry) -> bool:
    """A file touched but not changed (same hash) keeps its figures."""
    if candidate.size != entry.stamp.size:
        return False
    try:
        data = candidate.path.read_bytes()
    except OSError:
        return False
    return digest_of(data) == entry.digest


def _analyze(pending: list[Candidate], jobs: int) -> list[_Outcome]:
    """Largest files first, so that the workers finish together; inline when small."""
    ordered = sorted(pending, key=lambda c: c.size, reverse=True)
    work = [(str(c.path), c.language) for c in ordered]
    if jobs <= 1 or len(work) < 4 or sum(c.size for c in ordered) < _INLINE_BYTES:
        return _analyze_batch(work)
    size = max(1, len(work) // (jobs * 8))
    chunks = [work[i : i + size] for i in range(0, len(work), size)]
    with _pool_context().Pool(jobs) as pool:
        return [outcome for chunk in pool.imap_unordered(_analyze_batch, chunks) for outcome in chunk]


def _skip(result: ScanResult, on_skip: Callable[[Skipped], None] | None, item: Skipped) -> None:
    result.skipped.append(item)
    if on_skip is not None:
        on_skip(item)
