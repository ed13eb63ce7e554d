"""Assembling the layers every entry point shares: environment < user file < workspace file.

The server adds the editor's layers on top (`mu_lsp.server.configuration`), the CLI its flags
(`load_settings`). Both get the file layers from `read_file_layers`, which has already made
them safe: unsafe files skipped, the user's `[trust]` table taken out, relative cache
directories anchored to their file, and a workspace file's trusted-only keys dropped unless its
folder is trusted.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mu_lsp.config.files import find_workspace_file, read_config_file, read_user_config
from mu_lsp.config.settings import (
    ENVIRONMENT_SOURCE,
    ConfigProblem,
    Settings,
    build_settings,
    environment_layer,
)
from mu_lsp.config.trust import (
    TrustedFolders,
    anchor_cache_dir,
    drop_untrusted,
    normalize_layer,
    take_trusted_folders,
)

USER_SOURCE_LABEL = "user config"


@dataclass(frozen=True, slots=True)
class FileLayers:
    user: dict[str, Any] | None = None
    user_source: str = USER_SOURCE_LABEL
    workspace: dict[str, Any] | None = None
    workspace_source: str = ".murc.toml"
    workspace_trusted: bool = False
    trusted_folders: TrustedFolders = field(default_factory=TrustedFolders)
    problems: tuple[ConfigProblem, ...] = ()


def read_file_layers(start: Path | None, editor_trusts_workspace: bool = False, home: Path | None = None) -> FileLayers:
    """The user's config file and the workspace's `.murc.toml` for a workspace at `start`."""
    raw_user, problems, user_source = read_user_config()
    user = normalize_layer(raw_user) if raw_user is not None else None
    trusted, trust_problems = take_trusted_folders(user, user_source)
    problems.extend(trust_problems)
    if user is not None:
        anchor_cache_dir(user, Path(user_source).parent)
    found = find_workspace_file(start, home) if start is not None else None
    if found is None:
        return FileLayers(user, user_source, trusted_folders=trusted, problems=tuple(problems))
    raw, file_problems = read_config_file(found)
    problems.extend(file_problems)
    if raw is None:
        return FileLayers(user, user_source, None, str(found), trusted_folders=trusted, problems=tuple(problems))
    workspace = normalize_layer(raw)
    folder = found.parent.resolve()
    inside_workspace = start is not None and folder == start.resolve()
    is_trusted = trusted.trusts(folder) or (editor_trusts_workspace and inside_workspace)
    if is_trusted:
        anchor_cache_dir(workspace, folder)
    else:
        problems.extend(drop_untrusted(workspace, str(found), user_source))
    return FileLayers(user, user_source, workspace, str(found), is_trusted, trusted, tuple(problems))


def load_settings(
    start: Path, extra_layers: list[tuple[str, object]] | None = None
) -> tuple[Settings, list[ConfigProblem]]:
    """Settings for a command run in `start`: environment, user file, the nearest workspace
    `.murc.toml` (if any), then `extra_layers` (command-line flags)."""
    env_layer, problems = environment_layer()
    files = read_file_layers(start)
    problems.extend(files.problems)
    layers: list[tuple[str, object]] = [
        (ENVIRONMENT_SOURCE, env_layer),
        (files.user_source, files.user),
        (files.workspace_source, files.workspace),
        *(extra_layers or []),
    ]
    settings, layer_problems = build_settings(layers)
    return settings, problems + layer_problems
