"""Open documents: text, syntax tree and function index, kept in step with edits.

A keystroke updates the text, tells the tree about the edit (`Tree.edit`) and moves the
functions after it; that is all it costs. The incremental re-parse and the re-analysis of the
touched functions run once, when the document is next read (a hover, a lens, a save) or when
typing pauses: tree-sitter-python re-parses everything after an edit that touches the end of
a line (~40 ms on a 20k-line file), so paying that once per burst instead of per key is what
keeps typing instant. The affected range is widened to the outermost function around it,
analysed again, and spliced into the index; functions after the edit just move.
"""

from __future__ import annotations

import logging
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field

import tree_sitter as ts

from mu_lsp.analysis import analyze_tree_functions, parse
from mu_lsp.analysis.hashing import function_hash
from mu_lsp.analysis.languages import LANGUAGES
from mu_lsp.analysis.model import FunctionInfo, FunctionKey, assign_keys
from mu_lsp.analysis.parsing import TextEdit
from mu_lsp.analysis.rules import rules_for
from mu_lsp.server.text import Encoding, PositionError, TextBuffer

log = logging.getLogger(__name__)


def _start(function: FunctionInfo) -> int:
    return function.start_byte


def _map_offset(offset: int, edit: TextEdit) -> int:
    """Where an offset from before `edit` ends up after it."""
    if offset >= edit.old_end_byte:
        return offset + edit.byte_delta
    if offset > edit.start_byte:
        return min(offset, edit.new_end_byte)
    return offset


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
    _tree: ts.Tree
    _functions: list[FunctionInfo] = field(default_factory=list)
    revision: int = 0  # counts applied changes: some clients never bump `version`
    _dirty: tuple[int, int] | None = None  # edited byte range (current coordinates) not yet re-analysed
    _stale: list[FunctionInfo] = field(default_factory=list)
    _touched: set[FunctionKey] = field(default_factory=set)  # keys re-analysed since the last take
    _by_key: dict[FunctionKey, FunctionInfo] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._index()

    def _index(self) -> None:
        """Keys are assigned once per (re-)analysis, never per request."""
        assign_keys(self._functions)
        self._by_key = {f.key: f for f in self._functions}

    @property
    def tree(self) -> ts.Tree:
        self.flush()
        return self._tree

    @property
    def functions(self) -> list[FunctionInfo]:
        self.flush()
        return self._functions

    @property
    def pending(self) -> bool:
        return self._dirty is not None

    def take_touched(self) -> set[FunctionKey]:
        """Keys of functions re-analysed since the last call (the server cancels their stale work)."""
        self.flush()
        touched, self._touched = self._touched, set()
        return touched

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

    def apply(self, changes: list[ContentChange], version: int, encoding: Encoding) -> None:
        """Apply client changes in order (cheap: the re-parse waits for `flush`)."""
        for change in changes:
            if change.range is None:
                self._replace_all(change.text)
                continue
            start_line, start_char, end_line, end_char = change.range
            start = self.buffer.offset_of(start_line, start_char, encoding, strict=True)
            end = self.buffer.offset_of(end_line, end_char, encoding, strict=True)
            if end < start:
                raise PositionError(f"range end {end_line}:{end_char} before start {start_line}:{start_char}")
            self._splice(start, end, change.text.encode("utf-8", "surrogatepass"))
        self.version = version
        self.revision += 1

    def _replace_all(self, text: str) -> None:
        data = text.encode("utf-8", "surrogatepass")
        self.buffer = TextBuffer(data)
        self._tree = parse(data, self.language)
        self._functions = analyze_tree_functions(self._tree, data, self.language)
        self._index()
        self._dirty, self._stale = None, []
        self._touched = {f.key for f in self._functions}

    def _splice(self, start: int, end: int, text: bytes) -> None:
        edit = self.buffer.replace(start, end, text)
        edit.apply_to(self._tree)
        self._stale.extend(self._shift(edit))
        low, high = edit.start_byte, edit.new_end_byte
        if self._dirty is not None:
            low = min(low, _map_offset(self._dirty[0], edit))
            high = max(high, _map_offset(self._dirty[1], edit))
        self._dirty = (low, high)

    def flush(self) -> None:
        """Re-parse once for every edit since the last flush and re-analyse what they touched."""
        if self._dirty is None:
            return
        low, high = self._dirty
        stale, self._stale, self._dirty = self._stale, [], None
        old = self._tree
        self._tree = parse(self.buffer.data, self.language, old)
        changed = [(r.start_byte, r.end_byte) for r in old.changed_ranges(self._tree)]
        low = min([low, *(s for s, _ in changed), *(f.start_byte for f in stale)])
        high = max([high, *(e for _, e in changed), *(f.end_byte for f in stale)])
        self._touched |= self._reanalyse(low, high, stale)

    def _shift(self, edit: TextEdit) -> list[FunctionInfo]:
        """Move functions after the edit; return those that overlap or touch it (stale).

        Functions are sorted by start, so those after the edit are a suffix found by bisection;
        only the prefix's tail can reach into the edit (enclosing or touching functions).
        """
        functions = self._functions
        boundary = bisect_right(functions, edit.old_end_byte, key=_start)
        while boundary > 0 and functions[boundary - 1].start_byte == edit.old_end_byte == edit.start_byte:
            boundary -= 1  # an insertion exactly at a function's first byte may change it
        delta, rows = edit.byte_delta, edit.row_delta
        if delta or rows:
            for function in functions[boundary:]:
                if function.start_byte > edit.start_byte or function.start_byte >= edit.old_end_byte:
                    function.shift(delta, rows)
        stale: list[FunctionInfo] = []
        for function in functions[:boundary]:
            if function.end_byte < edit.start_byte:
                continue
            if function.end_byte >= edit.old_end_byte:
                function.end_byte += delta
            else:
                function.end_byte = edit.new_end_byte
            function.start_byte = min(function.start_byte, edit.start_byte)
            stale.append(function)
        for function in functions[boundary:]:
            if function.start_byte == edit.start_byte == edit.old_end_byte and not (delta or rows):
                stale.append(function)
        return stale

    def _reanalyse(self, low: int, high: int, stale: list[FunctionInfo]) -> set[FunctionKey]:
        for _ in range(3):  # widen until stable: old and new definitions around the edit
            before = (low, high)
            low, high = self._widen(low, high)
            for function in self._overlapping(low, high):
                low = min(low, function.start_byte)
                high = max(high, function.end_byte)
            if (low, high) == before:
                break
        low, high = max(low, 0), min(high, len(self.buffer.data))
        fresh = analyze_tree_functions(self._tree, self.buffer.data, self.language, (low, high))
        stale_ids = {id(f) for f in stale}
        functions = self._functions
        first = bisect_left(functions, low, key=_start)
        last = bisect_left(functions, high, key=_start)
        removed = [f for f in functions[:first] if id(f) in stale_ids or f.end_byte > low]
        removed += functions[first:last]
        removed += [f for f in functions[last:] if id(f) in stale_ids]
        removed_ids = {id(f) for f in removed}
        if len(removed) == last - first:
            self._functions = functions[:first] + fresh + functions[last:]
        else:
            kept = [f for f in functions if id(f) not in removed_ids]
            at = bisect_left(kept, low, key=_start)
            self._functions = kept[:at] + fresh + kept[at:]
        self._index()
        return {f.key for f in fresh}

    def _overlapping(self, low: int, high: int) -> list[FunctionInfo]:
        functions = self._functions
        last = bisect_left(functions, high, key=_start)
        return [f for f in functions[:last] if f.end_byte > low]

    def _widen(self, low: int, high: int) -> tuple[int, int]:
        """Grow [low, high) to cover every function definition around either end.

        The definition range may be wider than the node (decorators, `const f =`), and an
        anonymous function widens to itself so its enclosing function is re-analysed too.
        """
        rules = rules_for(self.language)
        types = rules.function_types
        data = self.buffer.data
        root = self._tree.root_node
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
        """Structural hash, computed when first needed; a re-analysed function is a new object."""
        if not function.body_hash:
            function.body_hash = function_hash(
                self.tree,
                self.buffer.data,
                function.start_byte,
                function.end_byte,
                LANGUAGES[self.language].comment_types,
            )
        return function.body_hash

    def function_at_header(self, row: int) -> FunctionInfo | None:
        """The innermost function whose name/signature lines include `row`."""
        found: FunctionInfo | None = None
        for function in self.functions:
            if function.start_row > row:
                break
            if function.name_row <= row <= function.signature_end_row:
                found = function
        return found

    def function_by_key(self, key: FunctionKey) -> FunctionInfo | None:
        self.flush()
        return self._by_key.get(key)
