"""The server's settings: environment < user file < `.murc.toml` < initializationOptions < workspace/configuration.

Each layer is a dict shaped like `.murc.toml` (camelCase keys from editors are accepted). The
file layers come already made safe from `read_file_layers` (a workspace file's trusted-only
keys dropped unless the folder is trusted). initializationOptions may carry, besides settings,
`workspaceTrusted: true`: the editor vouches that the user trusts this workspace (the VS Code
extension sends `vscode.workspace.isTrusted`). Problems are reported once per distinct
message: the user hears about a bad value when it appears, not on every configuration pull.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mu_lsp.analysis.model import Thresholds
from mu_lsp.config import (
    ENVIRONMENT_SOURCE,
    ConfigProblem,
    FileLayers,
    Settings,
    build_settings,
    environment_layer,
    read_file_layers,
    snake_case,
)
from mu_lsp.privacy.policy import PrivacyPolicy

log = logging.getLogger(__name__)

TRUST_OPTION = "workspaceTrusted"


def _unwrap(options: Any) -> Mapping[str, Any] | None:
    """initializationOptions may be the settings table itself or `{"mu": {...}}`."""
    if not isinstance(options, Mapping):
        return None
    inner = options.get("mu")
    table = inner if isinstance(inner, Mapping) else options
    return {k: v for k, v in table.items() if k not in (TRUST_OPTION, "workspace_trusted")}


def editor_trusts_workspace(options: Any) -> bool:
    """Whether initializationOptions say the user trusts this workspace (exactly `true`)."""
    if not isinstance(options, Mapping):
        return False
    value = options.get(TRUST_OPTION, options.get("workspace_trusted"))
    return value is True


@dataclass(slots=True)
class ConfigurationLayers:
    root: Path | None = None
    env_layer: Mapping[str, Any] | None = None
    env_problems: list[ConfigProblem] = field(default_factory=list)
    files: FileLayers = field(default_factory=FileLayers)
    editor_trusted: bool = False
    init_layer: Mapping[str, Any] | None = None
    client_layer: Mapping[str, Any] | None = None
    reported: set[str] = field(default_factory=set)

    def load_file(self) -> None:
        self.env_layer, self.env_problems = environment_layer()
        self.files = read_file_layers(self.root, self.editor_trusted)

    def set_init_options(self, options: Any) -> None:
        self.editor_trusted = editor_trusts_workspace(options)
        self.init_layer = _unwrap(options)

    def set_client_settings(self, value: Any) -> None:
        self.client_layer = _unwrap(value)

    def build(self) -> tuple[Settings, list[ConfigProblem]]:
        settings, problems = build_settings(
            [
                (ENVIRONMENT_SOURCE, self.env_layer),
                (self.files.user_source, self.files.user),
                (self.files.workspace_source, self.files.workspace),
                ("initializationOptions", self.init_layer),
                ("workspace/configuration", self.client_layer),
            ]
        )
        return settings, self.env_problems + list(self.files.problems) + problems

    def new_problems(self, problems: list[ConfigProblem]) -> list[ConfigProblem]:
        fresh = [p for p in problems if str(p) not in self.reported]
        self.reported.update(str(p) for p in fresh)
        return fresh

    def merged_layer(self) -> dict[str, Any]:
        """One dict for the worker (it rebuilds the same Settings from it)."""
        merged: dict[str, Any] = {}
        layers = (self.env_layer, self.files.user, self.files.workspace, self.init_layer, self.client_layer)
        for layer in layers:
            if isinstance(layer, Mapping):
                _deep_merge(merged, layer)
        return merged


def _deep_merge(target: dict[str, Any], layer: Mapping[str, Any]) -> None:
    for raw_key, value in layer.items():
        key = snake_case(str(raw_key))  # so `apiBase` from the editor overrides `api_base`
        if isinstance(value, Mapping) and isinstance(target.get(key), dict):
            _deep_merge(target[key], value)
        elif isinstance(value, Mapping):
            target[key] = {}
            _deep_merge(target[key], value)
        else:
            target[key] = value


@dataclass(slots=True)
class Rebuilt:
    worker_changed: bool  # the worker needs the new settings
    new_problems: list[ConfigProblem]  # to show the user (each distinct problem once)


class ServerConfiguration:
    """The server's settings and what follows from them (thresholds, privacy policy), with one
    owner. Documents may open before the editor's settings arrive; `ready` is set once they
    have been pulled, and scheduling waits for it."""

    def __init__(self) -> None:
        self.layers = ConfigurationLayers()
        self.settings = Settings()
        self.thresholds = Thresholds()
        self.privacy = PrivacyPolicy.from_settings(())
        self.ready = asyncio.Event()

    @property
    def root(self) -> Path | None:
        return self.layers.root

    def initialize(self, root: Path | None, init_options: Any) -> None:
        self.layers.root = root
        self.layers.set_init_options(init_options)
        self.layers.load_file()

    def rebuild(self) -> Rebuilt:
        settings, problems = self.layers.build()
        for problem in problems:
            log.log(logging.WARNING if problem.severity == "warning" else logging.ERROR, "%s", problem)
        fresh = self.layers.new_problems(problems)
        previous, self.settings = self.settings, settings
        self.thresholds = Thresholds(settings.complexity.cyclomatic, settings.complexity.cognitive)
        try:
            self.privacy = PrivacyPolicy.from_settings(settings.privacy.exclude, settings.privacy.use_default_excludes)
        except ValueError as error:
            fresh.append(ConfigProblem("error", "privacy.exclude", f"privacy.exclude: {error}"))
        changed = (
            previous.llm != settings.llm or previous.privacy != settings.privacy or previous.cache != settings.cache
        )
        return Rebuilt(changed, fresh)

    def refusal(self, uri: str) -> str | None:
        """Why nothing from `uri` may be sent (None: it may)."""
        return self.privacy.refusal(uri, self.root)

    def summarizes_on(self, trigger: str) -> bool:
        return trigger in self.settings.summarize.on

    def too_large(self, size: int) -> bool:
        return size > self.settings.summarize.max_file_bytes

    async def wait_ready(self, timeout: float = 5.0) -> None:
        """Wait (bounded) until the editor's settings have been pulled once."""
        if not self.ready.is_set():
            try:
                await asyncio.wait_for(self.ready.wait(), timeout)
            except TimeoutError:
                log.warning("answering before the editor's settings arrived")
