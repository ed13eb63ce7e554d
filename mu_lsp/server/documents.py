"""Open documents: text, syntax tree and function index, kept in step edit by edit.

An edit re-parses incrementally and re-analyses only the functions it touched: the affected
range is widened to the outermost function around it, analysed again, and spliced into the
index; functions after the edit just move.
"""

from __future__ import annotations

import logging
from bisect import bisect_left
from dataclasses import dataclass, field

import tree_sitter as ts

from mu_lsp.analysis import analyze_tree_functions, parse, reparse
from mu_lsp.analysis.hashing import function_hash
from mu_lsp.analysis.languages import LANGUAGES
from mu_lsp.analysis.model import FunctionInfo
from mu_lsp.analysis.parse import TextEdit
from mu_lsp.analysis.rules import rules_for
from mu_lsp.server.text import Encoding, PositionError, TextBuffer

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class ContentChange:
    """One `contentChanges` entry: a range in client units, or None for the whole text."""

    text: str
    range: tuple[int, int, int, int] | None = None  # start line/char, end line/char


@dataclass(slots=True)
class Document:
    uri: str
    language: str
    version: int
    buffer: TextBuffer
    tree: ts.Tree
    functions: list[FunctionInfo] = field(default_factory=list)
    hashes: dict[int, str] = field(default_factory=dict)  # id(function) -> structural hash

    @classmethod
    def open(cls, uri: str, language: str, version: int, text: str) -> Document:
        data = text.encode("utf-8", "surrogatepass")
        tree = parse(data, language)
        functions = analyze_tree_functions(tree, data, language)
        return cls(uri, language, version, TextBuffer(data), tree, functions)

    @property
    def source(self) -> bytes:
        return self.buffer.data

    # -- edits ---------------------------------------------------------------------------------

    def apply(self, changes: list[ContentChange], version: int, encoding: Encoding) -> set[int]:
        """Apply client changes in order; returns ids of functions whose content was touched."""
        touched: set[int] = set()
        for change in changes:
            if change.range is None:
                self._replace_all(change.text)
                touched = {id(f) for f in self.functions}
                continue
            start_line, start_char, end_line, end_char = change.range
            start = self.buffer.offset_of(start_line, start_char, encoding, strict=True)
            end = self.buffer.offset_of(end_line, end_char, encoding, strict=True)
            if end < start:
                raise PositionError(f"range end {end_line}:{end_char} before start {start_line}:{start_char}")
            touched |= self._splice(start, end, change.text.encode("utf-8", "surrogatepass"))
        self.version = version
        return touched

    def _replace_all(self, text: str) -> None:
        data = text.encode("utf-8", "surrogatepass")
        self.buffer = TextBuffer(data)
        self.tree = parse(data, self.language)
        self.functions = analyze_tree_functions(self.tree, data, self.language)
        self.hashes.clear()

    def _splice(self, start: int, end: int, text: bytes) -> set[int]:
        applied = self.buffer.replace(start, end, text)
        edit = TextEdit(
            applied.start_byte,
            applied.old_end_byte,
            applied.new_end_byte,
            applied.start_point,
            applied.old_end_point,
            applied.new_end_point,
        )
        self.tree, changed = reparse(self.tree, self.buffer.data, self.language, edit)
        stale = self._shift(edit)
        low = min([edit.start_byte, *(s for s, _ in changed), *(f.start_byte for f in stale)])
        high = max([edit.new_end_byte, *(e for _, e in changed), *(f.end_byte for f in stale)])
        return self._reanalyse(low, high, stale)

    def _shift(self, edit: TextEdit) -> list[FunctionInfo]:
        """Move functions after the edit; return those that overlap or touch it (stale)."""
        delta = edit.byte_delta
        rows = edit.row_delta
        stale: list[FunctionInfo] = []
        for function in self.functions:
            if function.start_byte >= edit.old_end_byte and function.start_byte > edit.start_byte:
                if delta or rows:
                    function.shift(delta, rows)
            elif function.end_byte < edit.start_byte:
                continue
            else:
                if function.end_byte >= edit.old_end_byte:
                    function.end_byte += delta
                else:
                    function.end_byte = edit.new_end_byte
                function.start_byte = min(function.start_byte, edit.start_byte)
                stale.append(function)
        return stale

    def _reanalyse(self, low: int, high: int, stale: list[FunctionInfo]) -> set[int]:
        for _ in range(3):  # widen until stable: old and new definitions around the edit
            before = (low, high)
            low, high = self._widen(low, high)
            for function in self.functions:
                if function.start_byte < high and function.end_byte > low:
                    low = min(low, function.start_byte)
                    high = max(high, function.end_byte)
            if (low, high) == before:
                break
        low, high = max(low, 0), min(high, len(self.buffer.data))
        fresh = analyze_tree_functions(self.tree, self.buffer.data, self.language, (low, high))
        stale_ids = {id(f) for f in stale}
        kept: list[FunctionInfo] = []
        for function in self.functions:
            if id(function) in stale_ids or not (function.end_byte <= low or function.start_byte >= high):
                self.hashes.pop(id(function), None)
            else:
                kept.append(function)
        starts = [f.start_byte for f in kept]
        at = bisect_left(starts, low)
        self.functions = kept[:at] + fresh + kept[at:]
        return {id(f) for f in fresh}

    def _widen(self, low: int, high: int) -> tuple[int, int]:
        """Grow [low, high) to cover every function definition around either end.

        The definition range may be wider than the node (decorators, `const f =`), and an
        anonymous function widens to itself so its enclosing function is re-analysed too.
        """
        rules = rules_for(self.language)
        types = rules.function_types
        data = self.buffer.data
        root = self.tree.root_node
        for probe in (low, max(low, high - 1)):
            node: ts.Node | None = root.descendant_for_byte_range(probe, probe)
            while node is not None and node.parent is not None:
                if node.type in types:
                    shape = rules.describe_function(node, data)
                    start, end = (shape.start_byte, shape.end_byte) if shape else (node.start_byte, node.end_byte)
                    low, high = min(low, start), max(high, end)
                node = node.parent
        return low, high

    # -- queries -------------------------------------------------------------------------------

    def function_hash(self, function: FunctionInfo) -> str:
        """Structural hash, computed when first needed and dropped when the function changes."""
        cached = self.hashes.get(id(function))
        if cached is None:
            cached = function_hash(
                self.tree,
                self.buffer.data,
                function.start_byte,
                function.end_byte,
                LANGUAGES[self.language].comment_types,
            )
            self.hashes[id(function)] = cached
        return cached

    def function_at_header(self, row: int) -> FunctionInfo | None:
        """The innermost function whose name/signature lines include `row`."""
        found: FunctionInfo | None = None
        for function in self.functions:
            if function.start_row > row:
                break
            if function.name_row <= row <= function.signature_end_row:
                found = function
        return found

    def function_at_row(self, row: int) -> FunctionInfo | None:
        """The innermost function containing `row` (for commands given a line)."""
        found: FunctionInfo | None = None
        for function in self.functions:
            if function.start_row > row:
                break
            if function.start_row <= row <= function.end_row:
                found = function
        return found
