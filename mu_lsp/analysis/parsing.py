"""Parsing, full and incremental.

tree-sitter never fails on bad input: a file with syntax errors yields a tree with ERROR nodes
and its intact functions, which is what an editor mid-keystroke needs. Incremental re-parse
(`Tree.edit` + `parse(source, old_tree)`) costs ~0.2 ms on a 757 KB file versus ~71 ms cold.
"""

from __future__ import annotations

from dataclasses import dataclass

import tree_sitter as ts

from mu_lsp.analysis.languages import grammar

_PARSERS: dict[str, ts.Parser] = {}


def parser_for(language: str) -> ts.Parser:
    """One parser per language per process (parsers are reusable but not thread-safe)."""
    parser = _PARSERS.get(language)
    if parser is None:
        parser = _PARSERS[language] = ts.Parser(grammar(language))
    return parser


def parse(source: bytes, language: str, old_tree: ts.Tree | None = None) -> ts.Tree:
    """Parse `source`; with `old_tree` (already `edit`ed) the parse is incremental."""
    parser = parser_for(language)
    if old_tree is None:
        return parser.parse(source)
    return parser.parse(source, old_tree)


@dataclass(frozen=True, slots=True)
class TextEdit:
    """One replacement in byte and (row, byte-column) coordinates, as tree-sitter wants it."""

    start_byte: int
    old_end_byte: int
    new_end_byte: int
    start_point: tuple[int, int]
    old_end_point: tuple[int, int]
    new_end_point: tuple[int, int]

    @property
    def byte_delta(self) -> int:
        return self.new_end_byte - self.old_end_byte

    @property
    def row_delta(self) -> int:
        return self.new_end_point[0] - self.old_end_point[0]

    def apply_to(self, tree: ts.Tree) -> None:
        """Tell `tree` about the edit, so the next parse can reuse what it did not touch."""
        tree.edit(
            start_byte=self.start_byte,
            old_end_byte=self.old_end_byte,
            new_end_byte=self.new_end_byte,
            start_point=self.start_point,
            old_end_point=self.old_end_point,
            new_end_point=self.new_end_point,
        )


def reparse(tree: ts.Tree, new_source: bytes, language: str, edit: TextEdit) -> tuple[ts.Tree, list[tuple[int, int]]]:
    """Apply `edit` to `tree` and re-parse incrementally.

    Returns the new tree and the byte ranges whose syntax changed, so callers can recompute
    only what the edit touched.
    """
    edit.apply_to(tree)
    new_tree = parse(new_source, language, tree)
    changed = [(r.start_byte, r.end_byte) for r in tree.changed_ranges(new_tree)]
    return new_tree, changed
