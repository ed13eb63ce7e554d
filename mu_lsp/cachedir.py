"""Where mu-lsp keeps its caches, and keeping that place private.

Precedence: the `MU_CACHE_DIR` environment variable, then `[cache] dir` from configuration,
then the user cache directory (`~/.cache/mu-lsp` on Linux). The directory holds summaries of
private code, so it is created with mode 0700 and tightened if it already exists.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

import platformdirs

ENVIRONMENT_VARIABLE = "MU_CACHE_DIR"


def resolve_cache_dir(configured: str | None = None) -> Path:
    """The cache root; nothing is created here."""
    from_env = os.environ.get(ENVIRONMENT_VARIABLE)
    if from_env:
        return Path(from_env).expanduser()
    if configured:
        return Path(configured).expanduser()
    return Path(platformdirs.user_cache_dir("mu-lsp", appauthor=False))


def ensure_private_dir(path: Path) -> Path:
    """Create `path` (and parents) and make it readable by its owner only."""
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    mode = stat.S_IMODE(path.stat().st_mode)
    if mode != 0o700:
        path.chmod(0o700)
    return path
