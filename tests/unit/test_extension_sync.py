"""The VS Code extension agrees with the server's declarations: provider names and key
variables (the provider table) and the contributed `mu.*` settings (the setting declarations).

`tools/sync_extension.py` writes both; when this fails, run `python tools/sync_extension.py`.
"""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from mu_lsp.config import SETTINGS
from mu_lsp.config.declare import Setting
from mu_lsp.providers import DETECTION_ORDER, KEY_VARIABLES, PROVIDER_NAMES
from tools.sync_extension import EXTENSION, EXTENSION_ONLY, GENERATED_TS, ROOT, stale_files, vscode_key

MANIFEST: dict[str, Any] = json.loads((EXTENSION / "package.json").read_text(encoding="utf-8"))
PROPERTIES: dict[str, dict[str, Any]] = MANIFEST["contributes"]["configuration"]["properties"]
CONTRIBUTED = [s for s in SETTINGS if s.editor is not None]


def test_the_generated_files_are_up_to_date() -> None:
    stale = [str(path.relative_to(ROOT)) for path in stale_files()]
    assert stale == [], f"out of date: {stale}; run python tools/sync_extension.py"


def test_the_provider_enum_and_secret_names_are_the_tables() -> None:
    provider = PROPERTIES["mu.llm.provider"]
    assert provider["enum"] == ["auto", *PROVIDER_NAMES] and provider["default"] == "auto"
    generated = GENERATED_TS.read_text(encoding="utf-8")
    assert re.findall(r'variable: "(\w+)"', generated) == list(KEY_VARIABLES)
    for provider_name in DETECTION_ORDER:  # the "auto" description names every step, in order
        assert provider_name.spec.available_when in provider["description"]
    secrets = (EXTENSION / "src" / "secrets.ts").read_text(encoding="utf-8")
    assert 'from "./generated"' in secrets and "_API_KEY" not in secrets.replace("KEY_VARIABLES", "")


def test_only_declared_settings_and_the_extensions_own_are_contributed() -> None:
    assert list(PROPERTIES) == [f"mu.{vscode_key(s)}" for s in CONTRIBUTED] + list(EXTENSION_ONLY)


@pytest.mark.parametrize("setting", CONTRIBUTED, ids=lambda s: s.dotted)
def test_each_contributed_setting_matches_its_declaration(setting: Setting) -> None:
    prop = PROPERTIES[f"mu.{vscode_key(setting)}"]
    schema = setting.kind.schema
    assert prop["type"] == schema["type"]
    assert prop.get("enum") == schema.get("enum")
    assert prop.get("items") == schema.get("items")
    assert prop.get("minimum") == schema.get("minimum")
    assert prop["default"] == setting.editor_default()
    assert setting.editor is not None and prop.get("maximum") == setting.editor.maximum
    if prop["default"] not in ("", "auto"):  # the UI's default is a value the server accepts
        setting.kind.convert(prop["default"])


def test_an_untrusted_workspace_cannot_set_a_trusted_only_setting_in_vscode() -> None:
    restricted = MANIFEST["capabilities"]["untrustedWorkspaces"]["restrictedConfigurations"]
    trusted_only = [f"mu.{vscode_key(s)}" for s in CONTRIBUTED if s.trusted_only]
    assert trusted_only == ["mu.llm.apiBase", "mu.cache.shared"]
    assert set(trusted_only) <= set(restricted)
