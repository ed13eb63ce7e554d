"""The engine's boundary types: what a function is, how complex it is, when it counts as complex."""

from __future__ import annotations

from dataclasses import dataclass, field

FunctionKey = tuple[str, int]  # qualified name, and which occurrence of it (overloads, redefinitions)


def assign_keys(functions: list[FunctionInfo]) -> None:
    """Give each function its identity in an index: qualified name plus occurrence."""
    seen: dict[str, int] = {}
    for function in functions:
        index = seen.get(function.qualified_name, 0)
        seen[function.qualified_name] = index + 1
        function.key = (function.qualified_name, index)


@dataclass(frozen=True, slots=True)
class Thresholds:
    """A function is complex when either figure reaches its threshold."""

    cyclomatic: int = 10
    cognitive: int = 15

    def is_complex(self, cyclomatic: int, cognitive: int) -> bool:
        return cyclomatic >= self.cyclomatic or cognitive >= self.cognitive


@dataclass(frozen=True, slots=True)
class HotSpot:
    """A line that adds to the cognitive score; the summary prompt points the model at these.

    `offset` counts rows from the function's first row, so moving the function moves its hot
    spots for free.
    """

    offset: int
    increment: int


@dataclass(slots=True)
class FunctionInfo:
    """One named function, method, constructor or named arrow/closure.

    Mutable on purpose: the language server shifts positions in place when an edit above a
    function moves it, instead of re-analysing it.
    """

    name: str
    qualified_name: str
    language: str
    start_byte: int  # whole definition, decorators/attributes included
    end_byte: int
    start_row: int  # 0-based
    end_row: int  # 0-based, inclusive
    name_row: int  # 0-based row of the name (not of a decorator)
    signature_end_row: int  # last row of the header; hover answers on name_row..signature_end_row
    body_start_byte: int
    cyclomatic: int = 1
    cognitive: int = 0
    hot_spots: tuple[HotSpot, ...] = field(default=())
    # Set by whoever keeps a function index (the language server's documents): the function's
    # identity there (qualified name, occurrence) and its structural body hash, once computed.
    key: FunctionKey = ("", 0)
    body_hash: str = ""

    def is_complex(self, thresholds: Thresholds) -> bool:
        return thresholds.is_complex(self.cyclomatic, self.cognitive)

    def hot_spot_rows(self) -> list[tuple[int, int]]:
        """(0-based row, increment) of each hot spot."""
        return [(self.start_row + h.offset, h.increment) for h in self.hot_spots]

    def shift(self, byte_delta: int, row_delta: int) -> None:
        """Move the function by an edit that happened entirely before it."""
        self.start_byte += byte_delta
        self.end_byte += byte_delta
        self.body_start_byte += byte_delta
        if row_delta:
            self.start_row += row_delta
            self.end_row += row_delta
            self.name_row += row_delta
            self.signature_end_row += row_delta
