"""Configuration: settings declared once, the files they come from, and what a workspace may decide."""

from mu_lsp.config.settings import (
    ENVIRONMENT_SOURCE,
    SETTINGS,
    CacheSettings,
    ComplexitySettings,
    ConfigProblem,
    LLMSettings,
    PrivacySettings,
    Settings,
    SummarizeSettings,
    build_settings,
    declared,
    environment_layer,
    snake_case,
)
from mu_lsp.config.sources import FileLayers, load_settings, read_file_layers
from mu_lsp.config.values import TRIGGERS

__all__ = [
    "ENVIRONMENT_SOURCE",
    "SETTINGS",
    "TRIGGERS",
    "CacheSettings",
    "ComplexitySettings",
    "ConfigProblem",
    "FileLayers",
    "LLMSettings",
    "PrivacySettings",
    "Settings",
    "SummarizeSettings",
    "build_settings",
    "declared",
    "environment_layer",
    "load_settings",
    "read_file_layers",
    "snake_case",
]
