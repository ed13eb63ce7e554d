"""Find functions and score them in one query pass per file.

Walking every node from Python is what makes radon and lizard slow. Instead each language
has one tree-sitter query that captures only what matters (function definitions, containers,
decision points, nesting regions); a single sweep over the captures, sorted by position,
assigns each decision point to its owning function and nesting depth. Nested named functions
and classes are barriers: their contents count for themselves, not for the enclosing function
(as radon does). Anonymous functions (lambdas, closures, callbacks) stay part of the
enclosing function and add a nesting level, as the cognitive-complexity specification asks.

Linear on any input: the queries avoid patterns that capture an outer node and then wait for
a later child (tree-sitter holds every capture behind such a pending match, which is
quadratic on a 7,000-term `+` chain), and nothing here asks a node for its parent (O(depth)
in tree-sitter); rules that need context get it from the sweep's stack, from their parents
seen earlier in document order, or from `ancestry.Ancestry`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import count
from operator import attrgetter
from typing import Protocol

import tree_sitter as ts

from mu_lsp.analysis.ancestry import Up, with_ancestors
from mu_lsp.analysis.model import FunctionInfo, HotSpot
from mu_lsp.analysis.recursion import mentions_call

FLAG_ASSERT = 1
FLAG_ANONYMOUS = 2  # inside an anonymous function that hides its enclosing function's calls
MAX_HOT_SPOTS = 5

# At equal ranges the outer thing must open first: a function body before the lone class it
# holds, a region before the definition it holds, anything before a decision point.
_SCOPE, _REGION, _NAMING, _BARRIER, _FLAG, _EVENT = range(6)


@dataclass(frozen=True, slots=True)
class CallTarget:
    """Which calls reach the function itself (for the recursion increment).

    `bare`: a call by its plain name (`f(x)`): free functions, and methods in languages where
    a method is in scope by name (Java, Python as complexipy reads it). `receivers`: the
    receivers or paths a call goes through (`this`, `self`, `Self`, a Go receiver's name).
    `arities`: the argument counts it accepts, where the language overloads by count
    (`None` = any; `max_args` None = variadic).
    """

    bare: bool = True
    receivers: frozenset[str] = frozenset()
    min_args: int = 0
    max_args: int | None = None
    checks_arity: bool = False

    def accepts(self, receiver: str | None, arguments: int) -> bool:
        if receiver is None:
            if not self.bare:
                return False
        elif receiver not in self.receivers:
            return False
        if not self.checks_arity:
            return True
        return arguments >= self.min_args and (self.max_args is None or arguments <= self.max_args)


ANY_CALL = CallTarget()


@dataclass(frozen=True, slots=True)
class Callee:
    """A call's target as the source spells it: `name`, through `receiver` (None: bare)."""

    name: str
    receiver: str | None
    arguments: int


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
    scope_start: int | None = None  # where its own code starts when before the body (JS defaults)
    target: CallTarget = ANY_CALL


class Scorer(Protocol):
    """Scores one tree. Sees captures in document order, outer nodes first."""

    def keep(self, kind: str, node: ts.Node) -> bool:
        """Whether a captured node is a decision point of its own (called before the sweep);
        a whole boolean sequence, say, is scored at its top node and its parts dropped."""

    def __call__(self, kind: str, node: ts.Node, nesting: int, flags: int) -> tuple[int, int]:
        """(cyclomatic, cognitive) increments of one kept node."""


class LanguageRules(Protocol):
    """What the engine needs from a language; see `mu_lsp.analysis.rules`."""

    language: str
    function_types: frozenset[str]  # node types captured as @fn (named or anonymous)
    named_by_context: frozenset[str]  # captured types whose name or extent needs their ancestors
    call_openers: bytes  # what may follow a function's name where it calls itself
    attribute_calls: bool  # whether `x.name(` may be such a call

    @property
    def query(self) -> ts.Query:
        """The one query that captures everything the sweep needs."""

    @property
    def calls_query(self) -> ts.Query:
        """Captures call nodes as @call (only run inside functions that may recurse)."""

    def describe_function(self, node: ts.Node, source: bytes, up: Up | None = None) -> FunctionShape | None:
        """A named function's shape, or None when the node is an anonymous function.

        `up` gives the node's ancestors cheaply; without it they come from `Node.parent`."""

    def anonymous_body(self, node: ts.Node) -> tuple[ts.Node, bool] | None:
        """(body, hides recursion) of an anonymous function, whose body nests the code inside."""

    def container_name(self, node: ts.Node, source: bytes, up: Up | None = None) -> tuple[str, bool] | None:
        """(name, is_barrier) of a class-like scope; object literals name without barring."""

    def else_region(self, node: ts.Node) -> ts.Node | None:
        """The nesting region an `@else` capture opens, if any."""

    def scorer(self, tree: ts.Tree, source: bytes) -> Scorer:
        """A scorer for one analysis of `tree`."""

    def callee(self, call: ts.Node, source: bytes) -> Callee | None:
        """What a captured call targets, or None when it cannot be the function itself."""


@dataclass(slots=True)
class _Accumulator:
    shape: FunctionShape
    qualified_name: str = ""
    cyclomatic: int = 1
    cognitive: int = 0
    rows: dict[int, int] = field(default_factory=dict)
    recursion_row: int | None = None
    overload_calls: list[tuple[int, int]] = field(default_factory=list)  # (row, arguments)


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
    score = rules.scorer(tree, source)
    items = _collect_items(cursor.captures(tree.root_node), tree.root_node, source, rules, score)
    items.extend(_call_items(items, tree.root_node, source, rules))
    items.sort()
    accumulators = _sweep(items, rules, score, source)
    _resolve_overloads(accumulators)
    results: list[FunctionInfo] = []
    for acc in accumulators:
        shape = acc.shape
        if byte_range is not None and not (byte_range[0] <= shape.start_byte and shape.end_byte <= byte_range[1]):
            continue
        if acc.recursion_row is not None:
            acc.cognitive += 1
            acc.rows[acc.recursion_row] = acc.rows.get(acc.recursion_row, 0) + 1
        results.append(_to_function_info(acc, rules.language))
    results.sort(key=lambda f: f.start_byte)
    return results


_Item = tuple[int, int, int, int, str, "ts.Node | None", "_Accumulator | str | None"]
_SEQ = count()


def _collect_items(
    captures: dict[str, list[ts.Node]], root: ts.Node, source: bytes, rules: LanguageRules, score: Scorer
) -> list[_Item]:
    """Turn captures into sortable items: (start, -end, priority, seq, kind, node, payload).

    At equal start, wider ranges sort first; at equal ranges the priority order decides, so a
    decision point is always inside the regions that contain it.
    """
    seq = _SEQ
    items: list[_Item] = []
    append = items.append
    wrapped = {child.id: wrapper for wrapper in captures.pop("wrapper", ()) for child in wrapper.named_children}
    for kind, nodes in captures.items():
        if kind == "fn":
            for node, found in with_ancestors(nodes, root, rules.named_by_context):
                up = found
                if up is None:  # known without a walk: wrapped (decorators) or not
                    wrapper = wrapped.get(node.id)
                    up = Up(node, [wrapper, node] if wrapper is not None else [node])
                shape = rules.describe_function(node, source, up)
                if shape is None:
                    anonymous = rules.anonymous_body(node)
                    if anonymous is not None:
                        body, hides = anonymous
                        if body.end_byte > body.start_byte:
                            marker = "anon" if hides else None
                            append((body.start_byte, -body.end_byte, _REGION, next(seq), "", None, marker))
                    continue
                acc = _Accumulator(shape)
                append((shape.start_byte, -shape.end_byte, _BARRIER, next(seq), "fn", None, acc))
                body = shape.body
                scope_start = body.start_byte if shape.scope_start is None else shape.scope_start
                append((scope_start, -body.end_byte, _SCOPE, next(seq), "", None, acc))
        elif kind == "container":
            for node, up in with_ancestors(nodes, root, rules.named_by_context):
                described = rules.container_name(node, source, up)
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
            keep = score.keep
            for node in _in_document_order(nodes) if kind in _ORDERED else nodes:
                if not keep(kind, node):
                    continue
                if kind == "else":
                    region = rules.else_region(node)
                    if region is not None and region.end_byte > region.start_byte:
                        append((region.start_byte, -region.end_byte, _REGION, next(seq), "", None, None))
                append((node.start_byte, -node.end_byte, _EVENT, next(seq), kind, node, None))
                if flagged:
                    append((node.start_byte, -node.end_byte, _FLAG, next(seq), "", None, None))
    return items


def _in_document_order(nodes: list[ts.Node]) -> list[ts.Node]:
    """Outer before inner, as `Scorer.keep` needs for boolean sequences (tree-sitter returns
    captures of deep trees out of order): by end descending, then (stably) by start."""
    return sorted(sorted(nodes, key=_END, reverse=True), key=_START)


#: kinds whose `Scorer.keep` may read their ancestry, which a cursor follows in document order
_ORDERED = frozenset({"bool", "else"})
_START = attrgetter("start_byte")
_END = attrgetter("end_byte")


def _call_items(items: list[_Item], root: ts.Node, source: bytes, rules: LanguageRules) -> list[_Item]:
    """Calls inside the functions whose text may call themselves, as events for the sweep.

    A byte search rules out almost every function; the rest get one query over their body,
    and the sweep decides which calls are theirs (not a nested function's or a closure's).
    """
    openers, attributes = rules.call_openers, rules.attribute_calls
    bodies = sorted(
        (item[6].shape.body.start_byte, item[6].shape.body.end_byte, item[6].shape.name)
        for item in items
        if item[2] == _BARRIER and isinstance(item[6], _Accumulator)
    )
    found: list[_Item] = []
    covered = -1
    seq = _SEQ
    for start, end, name in bodies:
        if end <= covered or not mentions_call(source, name, start, end, openers, attributes):
            continue
        cursor = ts.QueryCursor(rules.calls_query)
        cursor.set_byte_range(max(start, covered), end)
        for node in cursor.captures(root).get("call", []):
            if node.start_byte >= max(start, covered) and node.end_byte <= end:
                found.append((node.start_byte, -node.end_byte, _EVENT, next(seq), "call", node, None))
        covered = max(covered, end)
    return found


def _sweep(items: Iterable[_Item], rules: LanguageRules, score: Scorer, source: bytes) -> list[_Accumulator]:
    """One pass with a stack of open ranges: (end, owner, depth, flags, qualified prefix)."""
    accumulators: list[_Accumulator] = []
    stack: list[tuple[int, _Accumulator | None, int, int, str]] = [(1 << 62, None, 0, 0, "")]
    for start, neg_end, priority, _, kind, node, payload in items:
        while stack[-1][0] <= start:
            stack.pop()
        _, owner, depth, flags, prefix = stack[-1]
        end = -neg_end
        if priority == _EVENT:
            if owner is None or node is None:
                continue
            if kind == "call":
                if owner.recursion_row is None and not flags & FLAG_ANONYMOUS:
                    arguments = _calls_itself(owner, node, rules, source)
                    if arguments is None:
                        pass
                    elif owner.shape.target.checks_arity:
                        owner.overload_calls.append((node.start_point.row, arguments))
                    else:
                        owner.recursion_row = node.start_point.row
                continue
            cyclomatic, cognitive = score(kind, node, depth, flags)
            owner.cyclomatic += cyclomatic
            if cognitive:
                owner.cognitive += cognitive
                row = node.start_point.row
                owner.rows[row] = owner.rows.get(row, 0) + cognitive
        elif priority == _REGION:
            stack.append((end, owner, depth + 1, flags | FLAG_ANONYMOUS if payload == "anon" else flags, prefix))
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


def _calls_itself(owner: _Accumulator, node: ts.Node, rules: LanguageRules, source: bytes) -> int | None:
    """The call's argument count when it may reach `owner` itself, else None."""
    callee = rules.callee(node, source)
    if callee is None or callee.name != owner.shape.name:
        return None
    return callee.arguments if owner.shape.target.accepts(callee.receiver, callee.arguments) else None


def _resolve_overloads(accumulators: list[_Accumulator]) -> None:
    """Where methods overload by argument count, a call that another overload of the same
    class also accepts may be that one's (only types could tell): it is not counted."""
    overloads: dict[str, list[_Accumulator]] = {}
    for acc in accumulators:
        if acc.overload_calls:
            overloads = overloads or _by_name(accumulators)
            rivals = [o for o in overloads[acc.qualified_name] if o is not acc]
            for row, arguments in acc.overload_calls:
                if not any(o.shape.target.accepts(None, arguments) for o in rivals):
                    acc.recursion_row = row
                    break


def _by_name(accumulators: list[_Accumulator]) -> dict[str, list[_Accumulator]]:
    found: dict[str, list[_Accumulator]] = {}
    for acc in accumulators:
        found.setdefault(acc.qualified_name, []).append(acc)
    return found


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
