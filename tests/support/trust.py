"""Writing the user's own config file (`$XDG_CONFIG_HOME/mu-lsp/config.toml`) in tests."""

from __future__ import annotations

import json
import os
from pathlib import Path


def user_config_file() -> Path:
    return Path(os.environ["XDG_CONFIG_HOME"]) / "mu-lsp" / "config.toml"


def write_user_config(text: str) -> Path:
    path = user_config_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def trust_folder(*folders: Path, extra: str = "") -> Path:
    """Make `folders` trusted (their `.murc.toml` may then set api_base, cache dir, ...)."""
    listed = ", ".join(json.dumps(str(folder)) for folder in folders)
    return write_user_config(f"{extra}\n[trust]\nfolders = [{listed}]\n")
