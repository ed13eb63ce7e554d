"""Where mu-lsp keeps its caches, and keeping that place private.

Precedence: the `MU_CACHE_DIR` environment variable, then `[cache] dir` from configuration,
then the user cache directory (`~/.cache/mu-lsp` on Linux). The directory holds summaries of
private code, so it is created with mode 0700 and tightened if it already exists.
"""

from __future__ import annotations

import logging
import os
import shutil
import stat
from pathlib import Path

import platformdirs

log = logging.getLogger(__name__)

ENVIRONMENT_VARIABLE = "MU_CACHE_DIR"
# Stores under the root. The "-v2" stores hold JSON; the unsuffixed ones were pickled by older
# versions and are deleted unread (`drop_legacy_store`).
SUMMARY_STORE = "summaries-v2"
COMPLEXITY_STORE = "complexity-v2"
LEGACY_STORES = ("summaries", "complexity")


def resolve_cache_dir(configured: str | None = None) -> Path:
    """The cache root; nothing is created here."""
    from_env = os.environ.get(ENVIRONMENT_VARIABLE)
    if from_env:
        return Path(from_env).expanduser()
    if configured:
        return Path(configured).expanduser()
    return Path(platformdirs.user_cache_dir("mu-lsp", appauthor=False))


def ensure_private_dir(path: Path) -> Path:
    """Create `path` and any missing parents readable by the owner only, and tighten `path`
    itself if it exists with a wider mode (`mkdir(mode=...)` does not apply to parents)."""
    missing = [p for p in (path, *path.parents) if not p.exists()]
    for directory in reversed(missing):
        directory.mkdir(mode=0o700, exist_ok=True)
        directory.chmod(0o700)
    mode = stat.S_IMODE(path.stat().st_mode)
    if mode != 0o700:
        path.chmod(0o700)
    return path


def drop_legacy_store(directory: Path) -> None:
    """Delete, unread, a store an older mu-lsp wrote with pickled values."""
    if not (directory / "cache.db").is_file():
        return
    shutil.rmtree(directory, ignore_errors=True)
    if not directory.exists():
        log.info("removed %s: a cache in the old (pickle) format is never read", directory)
