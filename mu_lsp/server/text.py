"""A document's text as UTF-8 bytes with a line index, and LSP position conversion.

tree-sitter works in bytes and byte columns; LSP clients speak UTF-16 code units (VS Code),
UTF-8 bytes or UTF-32 code points, as negotiated. Keeping the text as bytes makes every
tree-sitter edit exact and makes the common case (an ASCII line) a plain integer copy.
Lines end at "\\n"; a "\\r" before it belongs to the line's text, as LSP wants for CRLF files.
"""

from __future__ import annotations

from bisect import bisect_right
from typing import Literal

from mu_lsp.analysis.parsing import TextEdit

Encoding = Literal["utf-8", "utf-16", "utf-32"]


class PositionError(ValueError):
    """A position or range outside the document (clients do send those)."""


def _units_to_bytes(line: bytes, units: int, encoding: Encoding) -> int:
    """Byte offset inside `line` of a character offset in `encoding` units (clamped)."""
    if units <= 0:
        return 0
    if encoding == "utf-8" or line.isascii():
        return min(units, len(line))
    text = line.decode("utf-8", "replace")
    if encoding == "utf-32":
        return len(text[:units].encode("utf-8", "replace"))
    counted = 0
    for index, char in enumerate(text):
        width = 2 if ord(char) > 0xFFFF else 1
        if counted + width > units:
            return len(text[:index].encode("utf-8", "replace"))
        counted += width
    return len(line)


def _bytes_to_units(line: bytes, byte_column: int, encoding: Encoding) -> int:
    prefix = line[:byte_column]
    if encoding == "utf-8" or prefix.isascii():
        return len(prefix)
    text = prefix.decode("utf-8", "replace")
    if encoding == "utf-32":
        return len(text)
    return sum(2 if ord(char) > 0xFFFF else 1 for char in text)


class _LineStarts:
    """Line start offsets with a pending shift for every line from `pending_from` on.

    Typing moves every later line by one byte; shifting a 20k-entry list in Python costs
    ~0.4 ms per keystroke. Consecutive edits on the same line only grow the pending delta, and
    the list is updated (in one pass) when an edit elsewhere needs it.
    """

    __slots__ = ("pending_delta", "pending_from", "starts")

    def __init__(self, starts: list[int]) -> None:
        self.starts = starts
        self.pending_from = len(starts)
        self.pending_delta = 0

    def __len__(self) -> int:
        return len(self.starts)

    def __getitem__(self, row: int) -> int:
        value = self.starts[row]
        return value + self.pending_delta if row >= self.pending_from else value

    def materialize(self) -> None:
        if self.pending_delta:
            delta, first = self.pending_delta, self.pending_from
            self.starts[first:] = [offset + delta for offset in self.starts[first:]]
        self.pending_from = len(self.starts)
        self.pending_delta = 0

    def shift_from(self, row: int, delta: int) -> None:
        if not delta:
            return
        if self.pending_delta and row != self.pending_from:
            self.materialize()
        if not self.pending_delta:
            self.pending_from = row
        self.pending_delta += delta

    def as_list(self) -> list[int]:
        self.materialize()
        return self.starts


class TextBuffer:
    """Bytes plus the byte offset where each line starts."""

    __slots__ = ("_lines", "data")

    def __init__(self, data: bytes) -> None:
        self.data = data
        self._lines = _LineStarts(_line_starts(data, 0))

    @property
    def line_starts(self) -> list[int]:
        """The exact list (brings any pending shift up to date)."""
        return self._lines.as_list()

    def line_bytes(self, row: int) -> bytes:
        lines = self._lines
        start = lines[row]
        end = lines[row + 1] - 1 if row + 1 < len(lines) else len(self.data)
        return self.data[start:end]

    def row_of(self, offset: int) -> int:
        return bisect_right(self._lines, offset) - 1

    def point_of(self, offset: int) -> tuple[int, int]:
        row = self.row_of(offset)
        return row, offset - self._lines[row]

    def offset_of(self, line: int, character: int, encoding: Encoding, strict: bool = False) -> int:
        """Byte offset of an LSP position; out-of-range positions clamp unless `strict`."""
        if line < 0 or character < 0:
            if strict:
                raise PositionError(f"negative position {line}:{character}")
            line, character = max(line, 0), max(character, 0)
        count = len(self._lines)
        if line >= count:
            if strict and (line > count or character > 0):
                raise PositionError(f"line {line} is past the end ({count} lines)")
            return len(self.data)
        text = self.line_bytes(line)
        return self._lines[line] + _units_to_bytes(text, character, encoding)

    def position_of(self, offset: int, encoding: Encoding) -> tuple[int, int]:
        row, column = self.point_of(max(0, min(offset, len(self.data))))
        return row, _bytes_to_units(self.line_bytes(row), column, encoding)

    def replace(self, start: int, end: int, text: bytes) -> TextEdit:
        """Replace bytes [start, end) with `text`, keeping the line index in step; returns the
        edit in the coordinates tree-sitter wants."""
        if not 0 <= start <= end <= len(self.data):
            raise PositionError(f"edit range {start}..{end} outside 0..{len(self.data)}")
        start_point = self.point_of(start)
        old_end_point = self.point_of(end)
        self.data = self.data[:start] + text + self.data[end:]
        delta = len(text) - (end - start)
        first = start_point[0] + 1
        last = old_end_point[0] + 1
        lines = self._lines
        if first == last and b"\n" not in text:  # the usual keystroke: no line added or removed
            lines.shift_from(first, delta)
        else:
            starts = lines.as_list()
            starts[first:last] = _line_starts(text, start, include_first=False)
            lines.shift_from(first + text.count(b"\n"), delta)
        new_end = start + len(text)
        return TextEdit(start, end, new_end, start_point, old_end_point, self.point_of(new_end))


def _line_starts(data: bytes, base: int, include_first: bool = True) -> list[int]:
    starts = [base] if include_first else []
    find = data.find
    index = find(b"\n")
    while index != -1:
        starts.append(base + index + 1)
        index = find(b"\n", index + 1)
    return starts
