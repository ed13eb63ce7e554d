"""Opening the on-disk summary store: plain JSON in SQLite, never pickle, never deleted by accident.

diskcache's default `Disk` unpickles stored values (and keys), so a prepared cache directory
runs code in whoever opens it. `JsonDisk` stores every value as JSON text inside the database
row and refuses every other kind of row: a pickled, file-backed or foreign row is a miss. It
writes no side files, so it never removes any either (diskcache would delete whatever path a
row names). A store written by an older mu-lsp (pickled values) lives in another directory;
it is deleted unread (`mu_lsp.cachedir.drop_legacy_store`).

Several mu-lsp processes (two editors, the CLI) may share one store; diskcache's SQLite
storage handles that. Only a store that SQLite says is corrupt is rebuilt; a full disk, a
read-only file system or a permission error leaves the files alone and the caller runs from
memory (`None`), with one warning.
"""

from __future__ import annotations

import json
import logging
import shutil
import sqlite3
import time
from pathlib import Path
from typing import Any

import diskcache
from diskcache.core import MODE_RAW

from mu_lsp.cachedir import ensure_private_dir

log = logging.getLogger(__name__)

# sqlite3 messages that mean the file itself is damaged (everything else is the environment).
_CORRUPTION_WORDS = ("malformed", "not a database", "file is encrypted", "database corrupt")


class UnsupportedEntry(ValueError):
    """A row this store did not write (pickled, file-backed, or not JSON)."""


class JsonDisk(diskcache.Disk):  # type: ignore[misc]
    """Keys are strings, values are JSON text in the row itself; nothing is ever unpickled."""

    def __init__(self, directory: str, **_ignored: Any) -> None:
        # Settings stored in the database (`disk_*`) are ignored: the file does not configure us.
        super().__init__(directory, min_file_size=0, pickle_protocol=0)

    def put(self, key: Any) -> tuple[str, bool]:
        if type(key) is not str:
            raise TypeError("store keys are strings")
        return key, True

    def get(self, key: Any, raw: bool) -> str:
        if not raw or type(key) is not str:
            raise UnsupportedEntry("a key this store did not write")
        return key

    def store(self, value: Any, read: bool, key: Any = None) -> tuple[int, int, None, str]:
        if read:
            raise TypeError("the store keeps JSON values, not files")
        return 0, MODE_RAW, None, json.dumps(value, ensure_ascii=False, separators=(",", ":"))

    def fetch(self, mode: int, filename: Any, value: Any, read: bool) -> Any:
        if mode != MODE_RAW or filename is not None or type(value) is not str or read:
            raise UnsupportedEntry("an entry this store did not write")
        try:
            return json.loads(value)
        except ValueError:
            raise UnsupportedEntry("an entry that is not JSON") from None

    def remove(self, file_path: Any) -> None:
        """This store writes no files, so it never deletes one a row might name."""

    def filename(self, key: Any = None, value: Any = None) -> tuple[str, str]:
        raise TypeError("the store keeps values inside the database")


def is_corruption(error: BaseException) -> bool:
    return isinstance(error, sqlite3.DatabaseError) and any(word in str(error).lower() for word in _CORRUPTION_WORDS)


def _open(directory: Path, size_limit: int) -> diskcache.Cache:
    ensure_private_dir(directory)
    store = diskcache.Cache(
        str(directory),
        disk=JsonDisk,
        size_limit=size_limit,
        eviction_policy="least-recently-used",
    )
    try:
        store.get("__mu_probe__")  # touches the database, so corruption shows here
    except BaseException:
        store.close()
        raise
    return store


def open_store(directory: Path, size_limit: int) -> diskcache.Cache | None:
    """The store at `directory`, rebuilt only if corrupt; None (run from memory) otherwise."""
    try:
        return _open(directory, size_limit)
    except (sqlite3.DatabaseError, OSError) as error:
        if not is_corruption(error):
            log.warning("summary cache at %s is unavailable (%s); keeping summaries in memory only", directory, error)
            return None
        log.warning("cache at %s is corrupt (%s); rebuilding it", directory, error)
    try:
        aside = directory.with_name(f"{directory.name}.corrupt-{int(time.time())}")
        shutil.move(str(directory), str(aside))
        shutil.rmtree(aside, ignore_errors=True)
        return _open(directory, size_limit)
    except (sqlite3.DatabaseError, OSError) as error:
        log.warning("running without a disk cache: %s", error)
        return None
