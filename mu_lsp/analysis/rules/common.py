"""Counting shared by the brace languages (JavaScript/TypeScript, Go, Rust, Java).

Cyclomatic (McCabe): 1 + each `if`/`else if`, loop with a condition, non-default `case` or
match arm, `catch`, ternary, and each `&&`, `||` (and `??`). Cognitive (SonarSource
specification): `if`, ternary, `switch`/`match`/`select`, loops and `catch` add 1 + nesting;
`else if` and `else` add 1; each sequence of like boolean operators adds 1; labelled
`break`/`continue` and `goto` add 1; direct recursion adds 1. Bodies of those structures and
of anonymous functions (closures, lambdas, callbacks) are one nesting level deeper.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from functools import cached_property

import tree_sitter as ts

from mu_lsp.analysis.engine import FunctionShape, node_end_row
from mu_lsp.analysis.languages import grammar
from mu_lsp.analysis.rules.recursion import mentions_call


def text(node: ts.Node | None, source: bytes) -> str:
    if node is None:
        return ""
    return source[node.start_byte : node.end_byte].decode("utf-8", "replace")


def operator_of(node: ts.Node) -> str:
    operator = node.child_by_field_name("operator")
    return operator.type if operator is not None else ""


class BraceRules(ABC):
    """Sonar-style scoring; subclasses say where functions, names and bodies are."""

    language: str
    query_source: str
    function_types: frozenset[str] = frozenset()
    #: node types that introduce a new `if` (to tell `else if` from `else { if }`)
    if_types: frozenset[str] = frozenset({"if_statement"})
    #: query capturing recursive-call candidates as @callee (compared with the function name)
    calls_query_source: str = "(call_expression function: (identifier) @callee)"
    #: node types that stop the search for a recursive call (nested named functions/classes)
    scope_types: frozenset[str] = frozenset()

    def __init__(self, language: str) -> None:
        self.language = language

    @cached_property
    def query(self) -> ts.Query:
        return ts.Query(grammar(self.language), self.query_source)

    @cached_property
    def _calls(self) -> ts.Query:
        return ts.Query(grammar(self.language), self.calls_query_source)

    @abstractmethod
    def describe_function(self, node: ts.Node, source: bytes) -> FunctionShape | None: ...

    def anonymous_body(self, node: ts.Node) -> ts.Node | None:
        return node.child_by_field_name("body")

    def container_name(self, node: ts.Node, source: bytes) -> tuple[str, bool] | None:
        name = node.child_by_field_name("name")
        return (text(name, source), True) if name is not None else None

    # -- scoring -----------------------------------------------------------------------------

    def is_else_if(self, node: ts.Node) -> bool:
        """`if` nodes sitting in an else branch (grammars nest `else if` that way)."""
        parent = node.parent
        if parent is None:
            return False
        if parent.type == "else_clause":
            return True
        if parent.type in self.if_types:
            alternative = parent.child_by_field_name("alternative")
            return alternative is not None and alternative.start_byte == node.start_byte
        return False

    def is_plain_else(self, node: ts.Node) -> bool:
        """An else branch that is not an `else if`."""
        if node.type in self.if_types:
            return False
        if node.type == "else_clause":
            return not any(child.type in self.if_types for child in node.named_children)
        return True

    def is_counted_case(self, node: ts.Node) -> bool:
        return True

    def score(self, kind: str, node: ts.Node, nesting: int, flags: int) -> tuple[int, int]:
        if kind == "if":
            return 1, (1 if self.is_else_if(node) else 1 + nesting)
        if kind == "else":
            return 0, (1 if self.is_plain_else(node) else 0)
        if kind in ("loop", "catch", "ternary"):
            return 1, 1 + nesting
        if kind in ("switch", "loop_unconditional"):
            return 0, 1 + nesting
        if kind == "case":
            return (1 if self.is_counted_case(node) else 0), 0
        if kind == "bool":
            return 1, (1 if self._starts_sequence(node) else 0)
        if kind == "jump":
            return 0, 1
        return 0, 0

    @staticmethod
    def _starts_sequence(node: ts.Node) -> bool:
        """A logical operator starts a new sequence unless its parent has the same operator."""
        parent = node.parent
        while parent is not None and parent.type == "parenthesized_expression":
            parent = parent.parent
        if parent is None or parent.type != node.type:
            return True
        return operator_of(parent) != operator_of(node)

    # -- recursion ---------------------------------------------------------------------------

    def recursion_row(self, shape: FunctionShape, source: bytes) -> int | None:
        body = shape.body
        if not mentions_call(source, shape.name, body.start_byte, body.end_byte, b"(<!:"):
            return None
        cursor = ts.QueryCursor(self._calls)
        cursor.set_byte_range(body.start_byte, body.end_byte)
        for callee in cursor.captures(body).get("callee", []):
            if text(callee, source) == shape.name and self._directly_inside(callee, body):
                return callee.start_point.row
        return None

    def _directly_inside(self, node: ts.Node, body: ts.Node) -> bool:
        parent = node.parent
        while parent is not None and parent.start_byte >= body.start_byte:
            if parent.start_byte == body.start_byte and parent.end_byte == body.end_byte:
                return True
            if parent.type in self.scope_types:
                return False
            parent = parent.parent
        return False

    # -- helpers for subclasses ----------------------------------------------------------------

    @staticmethod
    def shape(
        name: str,
        outer: ts.Node,
        name_node: ts.Node,
        body: ts.Node,
        qualifier: str | None = None,
    ) -> FunctionShape:
        return FunctionShape(
            name=name,
            start_byte=outer.start_byte,
            end_byte=outer.end_byte,
            start_row=outer.start_point.row,
            end_row=node_end_row(outer),
            name_row=name_node.start_point.row,
            signature_end_row=max(body.start_point.row, name_node.start_point.row),
            body=body,
            qualifier=qualifier,
        )
