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
from typing import TYPE_CHECKING

if TYPE_CHECKING:
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
    file_names: tuple[str, ...] = ()  # files known by name alone (`Rakefile`)


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
        # -- C family (issue 18) --
        LanguageSpec("c", "tree_sitter_c", "language", (".c", ".h"), ("c",), frozenset({"comment"})),
        LanguageSpec(
            "cpp",
            "tree_sitter_cpp",
            "language",
            (".cc", ".cpp", ".cxx", ".hpp", ".hh", ".hxx"),
            ("cpp",),
            frozenset({"comment"}),
        ),
        LanguageSpec("csharp", "tree_sitter_c_sharp", "language", (".cs",), ("csharp", "cs"), frozenset({"comment"})),
        # -- end C family --
        # PHP, Ruby, Kotlin, Swift (issue 18). PHP is parsed with HTML around it (`language_php`):
        # a .php file is a template whose code starts at `<?php`; `language_php_only` reads the
        # whole file as code and turns that tag and any HTML into errors.
        LanguageSpec("php", "tree_sitter_php", "language_php", (".php",), ("php",), frozenset({"comment"})),
        LanguageSpec(
            "ruby",
            "tree_sitter_ruby",
            "language",
            (".rb", ".rake", ".gemspec", ".ru"),
            ("ruby",),
            frozenset({"comment"}),
            ("Rakefile", "Gemfile"),
        ),
        LanguageSpec(
            "kotlin",
            "tree_sitter_kotlin",
            "language",
            (".kt", ".kts"),
            ("kotlin",),
            frozenset({"line_comment", "block_comment"}),
        ),
        LanguageSpec(
            "swift",
            "tree_sitter_swift",
            "language",
            (".swift",),
            ("swift",),
            frozenset({"comment", "multiline_comment"}),
        ),
    )
}

_BY_EXTENSION: Mapping[str, str] = {ext: spec.name for spec in LANGUAGES.values() for ext in spec.extensions}
_BY_LANGUAGE_ID: Mapping[str, str] = {lid: spec.name for spec in LANGUAGES.values() for lid in spec.language_ids}
_BY_FILE_NAME: Mapping[str, str] = {name: spec.name for spec in LANGUAGES.values() for name in spec.file_names}


def language_for_path(path: str | PurePath) -> str | None:
    """The language of a file, by extension (or by whole name); None when unsupported."""
    pure = PurePath(path)
    return _BY_EXTENSION.get(pure.suffix.lower()) or _BY_FILE_NAME.get(pure.name)


def language_for_id(language_id: str, path: str | PurePath | None = None) -> str | None:
    """The language of an editor document: its languageId first, then its file extension."""
    found = _BY_LANGUAGE_ID.get(language_id)
    if found is None and path is not None:
        found = language_for_path(path)
    return found


@cache
def grammar(name: str) -> ts.Language:
    """The tree-sitter Language for `name`, loaded once per process."""
    import tree_sitter as ts

    spec = LANGUAGES[name]
    module = importlib.import_module(spec.module)
    return ts.Language(getattr(module, spec.grammar_function)())
