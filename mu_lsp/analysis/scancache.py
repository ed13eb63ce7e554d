"""The scan cache: one plain JSON file per set of scanned paths, never pickle.

A re-scan skips a file whose size, mtime (ns) and inode are unchanged, before opening it; a
file whose stat changed but whose content hash did not (a `touch`, a checkout of the same
blob) is read and hashed, not analysed. The cache lives where the caller says (never in the
scanned tree), in a 0700 directory, written to a 0600 temporary file and renamed over the
old one, so a reader sees the old file or the new one, never half of one. Whatever a cache
file holds is data: anything malformed, unknown or from another engine version is a miss.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path

from mu_lsp.cachedir import ensure_private_dir

FORMAT = "mu-lsp-complexity-scan"
ENGINE_VERSION = 2  # bump when counting rules change: cached figures become stale
MAX_CACHE_BYTES = 256 * 1024 * 1024  # a larger file is not read (it is not ours to trust)
KEEP_FILES = 32  # scan caches kept per directory, most recently written first

# (name, qualified_name, name_row, end_row, cyclomatic, cognitive)
Row = tuple[str, str, int, int, int, int]


@dataclass(frozen=True, slots=True)
class Stamp:
    """What `os.stat` says about a file: enough to trust it has not changed."""

    size: int
    mtime_ns: int
    inode: int

    @classmethod
    def of(cls, stat: os.stat_result) -> Stamp:
        return cls(stat.st_size, stat.st_mtime_ns, stat.st_ino)


@dataclass(frozen=True, slots=True)
class Entry:
    stamp: Stamp
    language: str
    digest: str
    rows: tuple[Row, ...]


def digest_of(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=16).hexdigest()


def cache_file(cache_dir: Path, roots: list[Path]) -> Path:
    """One file per set of scanned roots, named by their hash (no path text in the name)."""
    key = "\0".join(sorted(str(p.absolute()) for p in roots))
    return cache_dir / f"scan-{hashlib.blake2b(key.encode(), digest_size=12).hexdigest()}.json"


class ScanCache:
    """The entries of one cache file, read once; `get` validates an entry when it is used."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self._raw: dict[str, object] = _read(path) if path is not None else {}
        self.fresh: dict[str, Entry] = {}
        self.changed = False

    def __len__(self) -> int:
        return len(self._raw)

    def get(self, path: str) -> Entry | None:
        return _entry(self._raw.get(path))

    def keep(self, path: str, entry: Entry) -> None:
        """Carry an entry into the next file (unchanged: no rewrite needed for it)."""
        self.fresh[path] = entry

    def put(self, path: str, entry: Entry) -> None:
        self.fresh[path] = entry
        self.changed = True

    def save(self) -> None:
        """Write the entries of this scan when anything changed; a failure loses nothing."""
        if self.path is None or not (self.changed or set(self._raw) != set(self.fresh)):
            return
        files = {
            path: [e.stamp.size, e.stamp.mtime_ns, e.stamp.inode, e.language, e.digest, [list(r) for r in e.rows]]
            for path, e in self.fresh.items()
        }
        payload = json.dumps({"format": FORMAT, "version": ENGINE_VERSION, "files": files}, separators=(",", ":"))
        with contextlib.suppress(OSError):
            _write_atomically(self.path, payload.encode())
            _prune(self.path.parent)


def _read(path: Path) -> dict[str, object]:
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    except OSError:
        return {}
    try:
        with os.fdopen(fd, "rb") as handle:
            data = handle.read(MAX_CACHE_BYTES + 1)
    except OSError:
        return {}
    if len(data) > MAX_CACHE_BYTES:
        return {}
    try:
        document = json.loads(data)
    except (ValueError, RecursionError):
        return {}
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        return {}
    if document.get("version") != ENGINE_VERSION:
        return {}
    files = document.get("files")
    return files if isinstance(files, dict) else {}


def _entry(raw: object) -> Entry | None:
    """A cache entry, or None unless every field has exactly the expected type."""
    if type(raw) is not list or len(raw) != 6:
        return None
    size, mtime_ns, inode, language, digest, rows = raw
    if not (type(size) is int and type(mtime_ns) is int and type(inode) is int):
        return None
    if type(language) is not str or type(digest) is not str or type(rows) is not list:
        return None
    checked: list[Row] = []
    for row in rows:
        if type(row) is not list or len(row) != 6:
            return None
        name, qualified, name_row, end_row, cyclomatic, cognitive = row
        if not (type(name) is str and type(qualified) is str):
            return None
        if not (type(name_row) is int and type(end_row) is int and type(cyclomatic) is int and type(cognitive) is int):
            return None
        checked.append((name, qualified, name_row, end_row, cyclomatic, cognitive))
    return Entry(Stamp(size, mtime_ns, inode), language, digest, tuple(checked))


def _write_atomically(path: Path, data: bytes) -> None:
    ensure_private_dir(path.parent)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
    with contextlib.suppress(FileNotFoundError):
        temporary.unlink()
    fd = os.open(temporary, flags, 0o600)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            temporary.unlink()
        raise


def _prune(directory: Path) -> None:
    """Keep the most recently written scan caches; scans of other trees make their own."""
    found = sorted(directory.glob("scan-*.json"), key=lambda p: p.stat().st_mtime_ns, reverse=True)
    for stale in found[KEEP_FILES:]:
        with contextlib.suppress(OSError):
            stale.unlink()
