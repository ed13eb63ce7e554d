"""Declaring a setting once: its kind, who may set it, and how editors show it.

Each field of the settings dataclasses is declared with `setting(...)`; `declared_settings`
reads the declarations back, and everything else is derived from them: the keys and
validation of `.murc.toml` and editor layers (`settings.build_settings`), the keys a workspace
may set only in a trusted folder (`trust.TRUSTED_ONLY`), the types of command-line flags
(`cli.parser.setting_type`) and the VS Code extension's contributed settings
(`tools/sync_extension.py`).
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import TYPE_CHECKING, Any

from mu_lsp.config.values import Kind

if TYPE_CHECKING:
    from _typeshed import DataclassInstance

_DECLARATION = "mu_lsp.setting"


@dataclass(frozen=True, slots=True)
class Editor:
    """The setting as the VS Code extension contributes it (`mu.<section>.<camelCaseKey>`).

    `shown_default` is what the settings UI shows when the setting's own default means
    "decided later" (None: "auto", "" or the provider's default); a callable is called. Unset,
    the setting's own default is shown.
    """

    description: str
    shown_default: Any = None
    maximum: int | None = None


@dataclass(frozen=True, slots=True)
class Declaration:
    kind: Kind
    path: str  # key path below the section, when it differs from the field name: "ollama.base_url"
    trusted_only: bool  # decides where code, keys or cached data go: a workspace needs trust
    editor: Editor | None


def setting(
    default: Any,
    kind: Kind,
    *,
    path: str = "",
    trusted_only: bool = False,
    editor: Editor | None = None,
) -> Any:
    """A dataclass field carrying its declaration (immutable defaults only)."""
    return field(default=default, metadata={_DECLARATION: Declaration(kind, path, trusted_only, editor)})


@dataclass(frozen=True, slots=True)
class Setting:
    """One declared setting, located: `[section] key` in `.murc.toml`, `group.attr` in code."""

    section: str  # "llm" or "llm.ollama"
    key: str  # "base_url"
    group: str  # the `Settings` field holding it: "llm"
    attr: str  # the field of the group: "ollama_base_url"
    default: Any
    kind: Kind
    trusted_only: bool
    editor: Editor | None

    @property
    def dotted(self) -> str:
        return f"{self.section}.{self.key}"

    def editor_default(self) -> Any:
        """The default as the editor's settings UI shows it (JSON: lists, not tuples)."""
        editor = self.editor
        shown = self.default if editor is None or editor.shown_default is None else editor.shown_default
        shown = shown() if callable(shown) else shown
        return list(shown) if isinstance(shown, tuple) else shown


def declared_settings(root: DataclassInstance) -> tuple[Setting, ...]:
    """Every declared field of the groups of `root` (a settings dataclass instance), in order."""
    found: list[Setting] = []
    for group in fields(root):
        instance = getattr(root, group.name)
        for item in fields(instance):
            declaration = item.metadata.get(_DECLARATION)
            if not isinstance(declaration, Declaration):
                raise TypeError(f"{group.name}.{item.name} is not declared with setting()")
            section, _, key = f"{group.name}.{declaration.path or item.name}".rpartition(".")
            found.append(
                Setting(
                    section,
                    key,
                    group.name,
                    item.name,
                    item.default,
                    declaration.kind,
                    declaration.trusted_only,
                    declaration.editor,
                )
            )
    return tuple(found)
