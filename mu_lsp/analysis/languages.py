"""One table of the languages mu-lsp understands.

Grammars come from the per-language wheels (`tree-sitter-python`, ...), never from
`tree-sitter-language-pack`, which downloads grammars at run time and fails offline.
Everything else language-specific (queries, counting rules) is keyed by `LanguageSpec.name`.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import PurePath

import tree_sitter as ts


@dataclass(frozen=True, slots=True)
class LanguageSpec:
    """A language: its grammar and the file names and editor ids that select it."""

    name: str
    module: str
    grammar_function: str
    extensions: tuple[str, ...]
    language_ids: tuple[str, ...]
    comment_types: frozenset[str]


LANGUAGES: Mapping[str, LanguageSpec] = {
    spec.name: spec
    for spec in (
        LanguageSpec(
            "python",
            "tree_sitter_python",
            "language",
            (".py", ".pyi", ".pyw"),
            ("python",),
            frozenset({"comment"}),
        ),
        LanguageSpec(
            "javascript",
            "tree_sitter_javascript",
            "language",
            (".js", ".mjs", ".cjs", ".jsx"),
            ("javascript", "javascriptreact"),
            frozenset({"comment", "html_comment"}),
        ),
        LanguageSpec(
            "typescript",
            "tree_sitter_typescript",
            "language_typescript",
            (".ts", ".mts", ".cts"),
            ("typescript",),
            frozenset({"comment"}),
        ),
        LanguageSpec(
            "tsx",
            "tree_sitter_typescript",
            "language_tsx",
            (".tsx",),
            ("typescriptreact",),
            frozenset({"comment"}),
        ),
        LanguageSpec(
            "go",
            "tree_sitter_go",
            "language",
            (".go",),
            ("go",),
            frozenset({"comment"}),
        ),
        LanguageSpec(
            "rust",
            "tree_sitter_rust",
            "language",
            (".rs",),
            ("rust",),
            frozenset({"line_comment", "block_comment"}),
        ),
        LanguageSpec(
            "java",
            "tree_sitter_java",
            "language",
            (".java",),
            ("java",),
            frozenset({"line_comment", "block_comment"}),
        ),
    )
}

_BY_EXTENSION: Mapping[str, str] = {ext: spec.name for spec in LANGUAGES.values() for ext in spec.extensions}
_BY_LANGUAGE_ID: Mapping[str, str] = {lid: spec.name for spec in LANGUAGES.values() for lid in spec.language_ids}


def language_for_path(path: str | PurePath) -> str | None:
    """The language of a file, by extension; None when unsupported."""
    return _BY_EXTENSION.get(PurePath(path).suffix.lower())


def language_for_id(language_id: str, path: str | PurePath | None = None) -> str | None:
    """The language of an editor document: its languageId first, then its file extension."""
    found = _BY_LANGUAGE_ID.get(language_id)
    if found is None and path is not None:
        found = language_for_path(path)
    return found


@cache
def grammar(name: str) -> ts.Language:
    """The tree-sitter Language for `name`, loaded once per process."""
    spec = LANGUAGES[name]
    module = importlib.import_module(spec.module)
    return ts.Language(getattr(module, spec.grammar_function)())
