"""Which configuration files are read, and refusing the ones another user could have written.

Two kinds of file:
* the user's own `config.toml` in the user config directory (platformdirs: `~/.config/mu-lsp/`
  on Linux): the user's defaults and the folders they trust;
* a workspace's `.murc.toml`, looked for from the workspace folder up to (and including) the
  user's home directory, never above it; for a folder outside the home directory only the
  folder itself is looked at.

Like git's `safe.directory` rule, a file owned by another user, or writable by group or
others, is ignored with a message: on a shared machine anyone can create `/tmp/.murc.toml`.
The checks run on the opened file (`fstat`), so a symlink is judged by what it points to.
"""

from __future__ import annotations

import os
import stat
import tomllib
from pathlib import Path
from typing import Any

import platformdirs

from mu_lsp.config.settings import ConfigProblem

WORKSPACE_FILE = ".murc.toml"
USER_FILE = "config.toml"


def user_config_path() -> Path:
    return Path(platformdirs.user_config_dir("mu-lsp", appauthor=False)) / USER_FILE


def search_dirs(start: Path, home: Path | None = None) -> list[Path]:
    """`start` and its parents up to `home` (inclusive); only `start` when outside `home`."""
    start = start.resolve()
    try:
        home = (home or Path.home()).resolve()
    except RuntimeError:  # no home directory can be determined
        return [start]
    if start != home and home not in start.parents:
        return [start]
    dirs = [start]
    for parent in start.parents:
        if parent == home.parent:
            break
        dirs.append(parent)
    return dirs


def find_workspace_file(start: Path, home: Path | None = None) -> Path | None:
    """The nearest `.murc.toml` in `search_dirs(start, home)`."""
    for directory in search_dirs(start, home):
        candidate = directory / WORKSPACE_FILE
        if candidate.is_file():
            return candidate
    return None


def _unsafe_reason(info: os.stat_result) -> str | None:
    owner = os.geteuid() if hasattr(os, "geteuid") else None
    if owner is not None and info.st_uid != owner:
        return "it is owned by another user"
    if stat.S_IMODE(info.st_mode) & (stat.S_IWGRP | stat.S_IWOTH):
        return "it is writable by other users (chmod go-w to use it)"
    if not stat.S_ISREG(info.st_mode):
        return "it is not a regular file"
    return None


def read_config_file(path: Path) -> tuple[dict[str, Any] | None, list[ConfigProblem]]:
    """Parse a configuration file; a syntax error or an unsafe file is reported and nothing
    from it is used."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError as error:
        return None, [ConfigProblem("error", "", f"cannot read ({error.strerror}); file ignored", str(path))]
    with os.fdopen(fd, "rb") as handle:
        reason = _unsafe_reason(os.fstat(handle.fileno()))
        if reason is not None:
            return None, [ConfigProblem("warning", "", f"ignored: {reason}", str(path))]
        try:
            return tomllib.load(handle), []
        except tomllib.TOMLDecodeError as error:
            return None, [ConfigProblem("error", "", f"invalid TOML ({error}); file ignored", str(path))]
        except (OSError, UnicodeDecodeError) as error:
            return None, [ConfigProblem("error", "", f"cannot read ({error}); file ignored", str(path))]


def read_user_config() -> tuple[dict[str, Any] | None, list[ConfigProblem], str]:
    """The user's own config file, if any: (data, problems, source)."""
    path = user_config_path()
    if not path.is_file():
        return None, [], str(path)
    data, problems = read_config_file(path)
    return data, problems, str(path)
