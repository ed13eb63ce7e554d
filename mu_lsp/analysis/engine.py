"""Find functions and score them in one query pass per file.

Walking every node from Python is what makes radon and lizard slow. Instead each language
has one tree-sitter query that captures only what matters (function definitions, containers,
decision points, nesting regions); a single sweep over the captures, sorted by position,
assigns each decision point to its owning function and nesting depth. Nested named functions
and classes are barriers: their contents count for themselves, not for the enclosing function
(as radon does). Anonymous functions (lambdas, closures, callbacks) stay part of the
enclosing function and add a nesting level, as the cognitive-complexity specification asks.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import count
from typing import Protocol

import tree_sitter as ts

from mu_lsp.analysis.model import FunctionInfo, HotSpot

FLAG_ASSERT = 1
MAX_HOT_SPOTS = 5

# At equal ranges the outer thing must open first: a function body before the lone class it
# holds, a region before the definition it holds, anything before a decision point.
_SCOPE, _REGION, _NAMING, _BARRIER, _FLAG, _EVENT = range(6)


@dataclass(frozen=True, slots=True)
class FunctionShape:
    """Where a named function's parts are; produced by a language's rules."""

    name: str
    start_byte: int
    end_byte: int
    start_row: int
    end_row: int
    name_row: int
    signature_end_row: int
    body: ts.Node
    qualifier: str | None = None  # e.g. "obj" for `obj.handler = function () {}`


class LanguageRules(Protocol):
    """What the engine needs from a language; see `mu_lsp.analysis.rules`."""

    language: str
    function_types: frozenset[str]  # node types captured as @fn (named or anonymous)

    @property
    def query(self) -> ts.Query:
        """The one query that captures everything the sweep needs."""

    def describe_function(self, node: ts.Node, source: bytes) -> FunctionShape | None:
        """A named function's shape, or None when the node is an anonymous function."""

    def anonymous_body(self, node: ts.Node) -> ts.Node | None:
        """The body of an anonymous function, which nests the code inside it."""

    def container_name(self, node: ts.Node, source: bytes) -> tuple[str, bool] | None:
        """(name, is_barrier) of a class-like scope; object literals name without barring."""

    def score(self, kind: str, node: ts.Node, nesting: int, flags: int) -> tuple[int, int]:
        """(cyclomatic, cognitive) increments for one captured decision point."""

    def recursion_row(self, shape: FunctionShape, source: bytes) -> int | None:
        """The row of a direct recursive call, if the function calls itself."""


@dataclass(slots=True)
class _Accumulator:
    shape: FunctionShape
    qualified_name: str = ""
    cyclomatic: int = 1
    cognitive: int = 0
    rows: dict[int, int] = field(default_factory=dict)


def analyze_tree(
    tree: ts.Tree,
    source: bytes,
    rules: LanguageRules,
    byte_range: tuple[int, int] | None = None,
) -> list[FunctionInfo]:
    """All named functions of `tree`, in document order, with their complexity.

    With `byte_range`, only functions whose whole definition lies inside the range are
    returned (the language server uses this to re-analyse just what an edit touched).
    """
    cursor = ts.QueryCursor(rules.query)
    if byte_range is not None:
        cursor.set_byte_range(*byte_range)
    items = _collect_items(cursor.captures(tree.root_node), source, rules)
    items.sort()
    accumulators = _sweep(items, rules)
    results: list[FunctionInfo] = []
    for acc in accumulators:
        shape = acc.shape
        if byte_range is not None and not (byte_range[0] <= shape.start_byte and shape.end_byte <= byte_range[1]):
            continue
        recursion_row = rules.recursion_row(shape, source)
        if recursion_row is not None:
            acc.cognitive += 1
            acc.rows[recursion_row] = acc.rows.get(recursion_row, 0) + 1
        results.append(_to_function_info(acc, rules.language))
    results.sort(key=lambda f: f.start_byte)
    return results


_Item = tuple[int, int, int, int, str, "ts.Node | None", "_Accumulator | str | None"]


def _collect_items(captures: dict[str, list[ts.Node]], source: bytes, rules: LanguageRules) -> list[_Item]:
    """Turn captures into sortable items: (start, -end, priority, seq, kind, node, payload).

    At equal start, wider ranges sort first; at equal ranges the priority order decides, so a
    decision point is always inside the regions that contain it.
    """
    seq = count()
    items: list[_Item] = []
    append = items.append
    for kind, nodes in captures.items():
        if kind == "fn":
            for node in nodes:
                shape = rules.describe_function(node, source)
                if shape is None:
                    body = rules.anonymous_body(node)
                    if body is not None and body.end_byte > body.start_byte:
                        append((body.start_byte, -body.end_byte, _REGION, next(seq), "", None, None))
                    continue
                acc = _Accumulator(shape)
                append((shape.start_byte, -shape.end_byte, _BARRIER, next(seq), "fn", None, acc))
                body = shape.body
                append((body.start_byte, -body.end_byte, _SCOPE, next(seq), "", None, acc))
        elif kind == "container":
            for node in nodes:
                described = rules.container_name(node, source)
                if described is None:
                    continue
                name, barrier = described
                priority = _BARRIER if barrier else _NAMING
                append((node.start_byte, -node.end_byte, priority, next(seq), "", None, name))
        elif kind == "nest":
            for node in nodes:
                if node.end_byte > node.start_byte:
                    append((node.start_byte, -node.end_byte, _REGION, next(seq), "", None, None))
        else:
            flagged = kind == "assert"
            for node in nodes:
                append((node.start_byte, -node.end_byte, _EVENT, next(seq), kind, node, None))
                if flagged:
                    append((node.start_byte, -node.end_byte, _FLAG, next(seq), "", None, None))
    return items


def _sweep(items: Iterable[_Item], rules: LanguageRules) -> list[_Accumulator]:
    """One pass with a stack of open ranges: (end, owner, depth, flags, qualified prefix)."""
    accumulators: list[_Accumulator] = []
    stack: list[tuple[int, _Accumulator | None, int, int, str]] = [(1 << 62, None, 0, 0, "")]
    score = rules.score
    for start, neg_end, priority, _, kind, node, payload in items:
        while stack[-1][0] <= start:
            stack.pop()
        _, owner, depth, flags, prefix = stack[-1]
        end = -neg_end
        if priority == _EVENT:
            if owner is None or node is None:
                continue
            cyclomatic, cognitive = score(kind, node, depth, flags)
            owner.cyclomatic += cyclomatic
            if cognitive:
                owner.cognitive += cognitive
                row = node.start_point.row
                owner.rows[row] = owner.rows.get(row, 0) + cognitive
        elif priority == _REGION:
            stack.append((end, owner, depth + 1, flags, prefix))
        elif priority == _FLAG:
            stack.append((end, owner, depth, flags | FLAG_ASSERT, prefix))
        elif priority == _SCOPE:
            assert isinstance(payload, _Accumulator)
            stack.append((end, payload, 0, 0, payload.qualified_name))
        elif isinstance(payload, _Accumulator):  # a function's whole definition: a barrier
            shape = payload.shape
            own = f"{shape.qualifier}.{shape.name}" if shape.qualifier else shape.name
            payload.qualified_name = f"{prefix}.{own}" if prefix else own
            accumulators.append(payload)
            stack.append((end, None, 0, 0, payload.qualified_name))
        else:  # a container: a class (barrier) or a naming-only scope such as an object literal
            name = payload if isinstance(payload, str) else ""
            qualified = f"{prefix}.{name}" if prefix and name else (name or prefix)
            if priority == _BARRIER:
                stack.append((end, None, 0, 0, qualified))
            else:
                stack.append((end, owner, depth, flags, qualified))
    return accumulators


def _to_function_info(acc: _Accumulator, language: str) -> FunctionInfo:
    shape = acc.shape
    top = sorted(acc.rows.items(), key=lambda item: (-item[1], item[0]))[:MAX_HOT_SPOTS]
    return FunctionInfo(
        name=shape.name,
        qualified_name=acc.qualified_name,
        language=language,
        start_byte=shape.start_byte,
        end_byte=shape.end_byte,
        start_row=shape.start_row,
        end_row=shape.end_row,
        name_row=shape.name_row,
        signature_end_row=shape.signature_end_row,
        body_start_byte=shape.body.start_byte,
        cyclomatic=acc.cyclomatic,
        cognitive=acc.cognitive,
        hot_spots=tuple(HotSpot(row - shape.start_row, inc) for row, inc in sorted(top)),
    )


def node_end_row(node: ts.Node) -> int:
    """The last row that holds a byte of `node` (tree-sitter ends can sit at column 0)."""
    row, column = node.end_point
    if column == 0 and row > node.start_point.row:
        return row - 1
    return row
