"""The server's settings: environment < `.murc.toml` < initializationOptions < workspace/configuration.

Each layer is a dict shaped like `.murc.toml` (camelCase keys from editors are accepted).
Problems are reported once per distinct message: the user hears about a bad value when it
appears, not on every configuration pull.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mu_lsp.config import (
    ENVIRONMENT_SOURCE,
    ConfigProblem,
    Settings,
    build_settings,
    environment_layer,
    find_config_file,
    read_config_file,
    snake_case,
)


def _unwrap(options: Any) -> Mapping[str, Any] | None:
    """initializationOptions may be the settings table itself or `{"mu": {...}}`."""
    if not isinstance(options, Mapping):
        return None
    inner = options.get("mu")
    return inner if isinstance(inner, Mapping) else options


@dataclass(slots=True)
class ConfigurationLayers:
    root: Path | None = None
    env_layer: Mapping[str, Any] | None = None
    env_problems: list[ConfigProblem] = field(default_factory=list)
    file_layer: Mapping[str, Any] | None = None
    file_source: str = ".murc.toml"
    file_problems: list[ConfigProblem] = field(default_factory=list)
    init_layer: Mapping[str, Any] | None = None
    client_layer: Mapping[str, Any] | None = None
    reported: set[str] = field(default_factory=set)

    def load_file(self) -> None:
        self.env_layer, self.env_problems = environment_layer()
        self.file_layer, self.file_problems = None, []
        if self.root is None:
            return
        found = find_config_file(self.root)
        if found is not None:
            self.file_source = str(found)
            self.file_layer, self.file_problems = read_config_file(found)

    def set_init_options(self, options: Any) -> None:
        self.init_layer = _unwrap(options)

    def set_client_settings(self, value: Any) -> None:
        self.client_layer = _unwrap(value)

    def build(self) -> tuple[Settings, list[ConfigProblem]]:
        settings, problems = build_settings(
            [
                (ENVIRONMENT_SOURCE, self.env_layer),
                (self.file_source, self.file_layer),
                ("initializationOptions", self.init_layer),
                ("workspace/configuration", self.client_layer),
            ]
        )
        return settings, self.env_problems + self.file_problems + problems

    def new_problems(self, problems: list[ConfigProblem]) -> list[ConfigProblem]:
        fresh = [p for p in problems if str(p) not in self.reported]
        self.reported.update(str(p) for p in fresh)
        return fresh

    def merged_layer(self) -> dict[str, Any]:
        """One dict for the worker (it rebuilds the same Settings from it)."""
        merged: dict[str, Any] = {}
        for layer in (self.env_layer, self.file_layer, self.init_layer, self.client_layer):
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
