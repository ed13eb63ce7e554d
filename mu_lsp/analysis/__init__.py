"""The analysis engine: parsing, function extraction and complexity. Knows nothing of LSP.

The names below load on first use, so that a warm `mu-lsp complexity` re-scan, which needs
none of them, starts without importing tree-sitter or any grammar.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import tree_sitter as ts

    from mu_lsp.analysis.languages import LANGUAGES, language_for_id, language_for_path
    from mu_lsp.analysis.model import FunctionInfo, HotSpot, Thresholds
    from mu_lsp.analysis.parsing import TextEdit, parse, reparse

__all__ = [
    "LANGUAGES",
    "FunctionInfo",
    "HotSpot",
    "TextEdit",
    "Thresholds",
    "analyze_source",
    "analyze_tree_functions",
    "language_for_id",
    "language_for_path",
    "parse",
    "reparse",
]

_LAZY = {
    "LANGUAGES": "mu_lsp.analysis.languages",
    "language_for_id": "mu_lsp.analysis.languages",
    "language_for_path": "mu_lsp.analysis.languages",
    "FunctionInfo": "mu_lsp.analysis.model",
    "HotSpot": "mu_lsp.analysis.model",
    "Thresholds": "mu_lsp.analysis.model",
    "TextEdit": "mu_lsp.analysis.parsing",
    "parse": "mu_lsp.analysis.parsing",
    "reparse": "mu_lsp.analysis.parsing",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def analyze_tree_functions(
    tree: ts.Tree, source: bytes, language: str, byte_range: tuple[int, int] | None = None
) -> list[FunctionInfo]:
    """Functions of an already parsed tree (optionally only those inside `byte_range`)."""
    from mu_lsp.analysis.engine import analyze_tree
    from mu_lsp.analysis.rules import rules_for

    return analyze_tree(tree, source, rules_for(language), byte_range)


def analyze_source(source: bytes, language: str) -> list[FunctionInfo]:
    """Parse `source` and return its functions with their complexity, in document order."""
    from mu_lsp.analysis.engine import analyze_tree
    from mu_lsp.analysis.parsing import parse
    from mu_lsp.analysis.rules import rules_for

    return analyze_tree(parse(source, language), source, rules_for(language))
