"""Keeping the working directory off the import path of every mu-lsp process.

Editors start the server (and the server its worker) with the workspace as the working
directory, and `python -m` puts that directory first on `sys.path`: a repository's
`diskcache.py` or `email/` package would then be imported instead of the real one, running the
repository's code. Processes are started with `-P` (Python >= 3.11), and each entry point also
calls `drop_working_directory()` first, for anyone who starts it with plain `python -m`. This
module imports only `os` and `sys`, which are loaded before any path entry is consulted.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping


def drop_working_directory() -> None:
    """Remove the working directory and every relative entry from `sys.path`."""
    if sys.flags.safe_path:
        return
    try:
        cwd = os.getcwd()
    except OSError:
        cwd = None
    sys.path[:] = [entry for entry in sys.path if entry and os.path.isabs(entry) and entry != cwd]


def python_command(module: str) -> list[str]:
    """`python -P -m module` with this interpreter: the working directory is never importable."""
    return [sys.executable, "-P", "-m", module]


def child_environment(environ: Mapping[str, str] | None = None) -> dict[str, str]:
    """The environment for a child Python: `PYTHONPATH` without empty or relative entries
    (an empty entry means the working directory)."""
    env = dict(os.environ if environ is None else environ)
    raw = env.get("PYTHONPATH")
    if raw is not None:
        kept = [entry for entry in raw.split(os.pathsep) if entry and os.path.isabs(entry)]
        if kept:
            env["PYTHONPATH"] = os.pathsep.join(kept)
        else:
            del env["PYTHONPATH"]
    return env
