"""Opening a diskcache store that may be shared, locked or corrupted.

Several mu-lsp processes (two editors, the CLI) may share one cache directory; diskcache's
SQLite storage handles that. A corrupted store must never crash the caller: it is moved
aside and rebuilt, with a warning, and if even that fails the caller runs without a cache.
"""

from __future__ import annotations

import logging
import shutil
import sqlite3
import time
from pathlib import Path

import diskcache

from mu_lsp.cachedir import ensure_private_dir

log = logging.getLogger(__name__)


def open_store(directory: Path, size_limit: int) -> diskcache.Cache | None:
    """A diskcache at `directory`, rebuilt if corrupted; None if it cannot be opened at all."""
    try:
        ensure_private_dir(directory)
        store = diskcache.Cache(str(directory), size_limit=size_limit, eviction_policy="least-recently-used")
        store.get("__mu_probe__")  # touches the database, so corruption shows here
        return store
    except (sqlite3.DatabaseError, OSError) as error:
        log.warning("cache at %s is unusable (%s); rebuilding it", directory, error)
    try:
        aside = directory.with_name(f"{directory.name}.corrupt-{int(time.time())}")
        shutil.move(str(directory), str(aside))
        shutil.rmtree(aside, ignore_errors=True)
        ensure_private_dir(directory)
        return diskcache.Cache(str(directory), size_limit=size_limit, eviction_policy="least-recently-used")
    except (sqlite3.DatabaseError, OSError) as error:
        log.warning("running without a cache: %s", error)
        return None
