"""The analysis engine: parsing, function extraction and complexity. Knows nothing of LSP."""

from __future__ import annotations

import tree_sitter as ts

from mu_lsp.analysis.engine import analyze_tree
from mu_lsp.analysis.languages import LANGUAGES, language_for_id, language_for_path
from mu_lsp.analysis.model import FunctionInfo, HotSpot, Thresholds
from mu_lsp.analysis.parse import TextEdit, parse, reparse
from mu_lsp.analysis.rules import rules_for

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


def analyze_tree_functions(
    tree: ts.Tree, source: bytes, language: str, byte_range: tuple[int, int] | None = None
) -> list[FunctionInfo]:
    """Functions of an already parsed tree (optionally only those inside `byte_range`)."""
    return analyze_tree(tree, source, rules_for(language), byte_range)


def analyze_source(source: bytes, language: str) -> list[FunctionInfo]:
    """Parse `source` and return its functions with their complexity, in document order."""
    return analyze_tree(parse(source, language), source, rules_for(language))
