"""What a workspace may decide, and which folders the user trusts.

A cloned repository is untrusted input. Its `.murc.toml` may tune what mu-lsp does
(thresholds, triggers, provider and model, more excludes), but the keys in `TRUSTED_ONLY`
decide where code, API keys or cached data go, or weaken privacy; from a workspace file they
apply only when the folder is trusted:
* listed (or inside a folder listed) in `[trust] folders` of the user's own config file, or
* trusted by the editor (VS Code's workspace trust, passed as the initialization option
  `workspaceTrusted`), for files inside the workspace folder.
Otherwise each such key is dropped with one message that names it and says how to trust the
folder. The user's own config file, editor settings, command-line flags and the environment
are the user's, so they are never filtered.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mu_lsp.config.settings import SETTINGS, ConfigProblem, snake_case

# (section, key) pairs a workspace file may set only in a trusted folder (declared per setting).
TRUSTED_ONLY: tuple[tuple[str, str], ...] = tuple((s.section, s.key) for s in SETTINGS if s.trusted_only)
TRUST_SECTION = "trust"


def normalize_layer(layer: Mapping[str, Any]) -> dict[str, Any]:
    """The layer with snake_case keys at every level (editors send camelCase)."""
    out: dict[str, Any] = {}
    for raw_key, value in layer.items():
        key = snake_case(str(raw_key))
        out[key] = normalize_layer(value) if isinstance(value, Mapping) else value
    return out


def _section(layer: dict[str, Any], dotted: str) -> dict[str, Any] | None:
    table: Any = layer
    for part in dotted.split("."):
        table = table.get(part) if isinstance(table, dict) else None
    return table if isinstance(table, dict) else None


def drop_untrusted(layer: dict[str, Any], source: str, user_file: str) -> list[ConfigProblem]:
    """Remove `TRUSTED_ONLY` keys from a workspace layer (in place); one problem per key."""
    problems = []
    for section, key in TRUSTED_ONLY:
        table = _section(layer, section)
        if table is None or key not in table:
            continue
        del table[key]
        problems.append(
            ConfigProblem(
                "warning",
                f"{section}.{key}",
                f"[{section}] {key} ignored: this folder is not trusted, and this key decides where code, "
                f"keys or cached data go. To trust the folder, add it to [trust] folders in {user_file} "
                "(or trust the workspace in VS Code).",
                source,
            )
        )
    if TRUST_SECTION in layer:
        del layer[TRUST_SECTION]
        problems.append(
            ConfigProblem(
                "warning",
                TRUST_SECTION,
                f"[trust] ignored: trusted folders are read only from {user_file}",
                source,
            )
        )
    return problems


def anchor_cache_dir(layer: dict[str, Any], base: Path) -> None:
    """A relative `[cache] dir` in a file means relative to that file, not to the process's
    working directory (which an editor sets to the workspace)."""
    cache = layer.get("cache")
    if isinstance(cache, dict) and isinstance(cache.get("dir"), str) and cache["dir"].strip():
        value = os.path.expanduser(cache["dir"].strip())
        if not os.path.isabs(value):
            cache["dir"] = str(base / value)


@dataclass(frozen=True, slots=True)
class TrustedFolders:
    folders: tuple[Path, ...] = ()

    def trusts(self, folder: Path) -> bool:
        try:
            folder = folder.resolve()
        except (OSError, RuntimeError):
            return False
        return any(folder == trusted or trusted in folder.parents for trusted in self.folders)


def take_trusted_folders(layer: dict[str, Any] | None, source: str) -> tuple[TrustedFolders, list[ConfigProblem]]:
    """Pop `[trust] folders` from the user's config layer (it is not a setting)."""
    if layer is None:
        return TrustedFolders(), []
    table = layer.pop(TRUST_SECTION, None)
    if table is None:
        return TrustedFolders(), []
    folders = table.get("folders", []) if isinstance(table, dict) else None
    if not isinstance(folders, list) or not all(isinstance(item, str) for item in folders):
        return TrustedFolders(), [
            ConfigProblem("error", "trust.folders", "trust.folders must be a list of folder paths", source)
        ]
    resolved: list[Path] = []
    problems: list[ConfigProblem] = []
    for item in folders:
        path = Path(os.path.expanduser(item.strip()))
        if not path.is_absolute():
            problems.append(
                ConfigProblem("error", "trust.folders", f"trust.folders: {item!r} is not an absolute path", source)
            )
            continue
        try:
            resolved.append(path.resolve())
        except (OSError, RuntimeError):
            continue
    return TrustedFolders(tuple(resolved)), problems
