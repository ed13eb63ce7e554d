"""Rust: `fn` items anywhere (free, in `impl`, in `trait`, in `mod`, nested); closures nest.

`impl Foo` and `impl Trait for Foo` both qualify methods as `Foo.method`; default methods of
a trait as `Trait.method`. `loop` adds cognitive complexity but no cyclomatic path (it has no
condition); `match` arms count for cyclomatic except a final bare `_` arm.
"""

from __future__ import annotations

import tree_sitter as ts

from mu_lsp.analysis.ancestry import Up
from mu_lsp.analysis.engine import Callee, CallTarget, FunctionShape
from mu_lsp.analysis.rules.common import BraceRules, argument_count, text

_FREE = CallTarget(bare=True)
_METHOD = CallTarget(bare=False, receivers=frozenset({"self", "Self"}))

RUST_QUERY = "\n".join(
    [
        "[(function_item) (closure_expression)] @fn",
        "[(impl_item) (trait_item) (mod_item)] @container",
        "(if_expression) @if",
        "(if_expression consequence: (block) @nest)",
        "(else_clause) @else",
        "[(while_expression) (for_expression)] @loop",
        "(loop_expression) @loop_unconditional",
        "(while_expression body: (block) @nest)",
        "(for_expression body: (block) @nest)",
        "(loop_expression body: (block) @nest)",
        "(match_expression) @switch",
        "(match_expression body: (match_block) @nest)",
        "(match_arm) @case",
        "(binary_expression) @bool",
        "(match_pattern condition: (_) @guard)",
        "(macro_invocation (token_tree) @macro)",
        "(break_expression (label)) @jump",
        "(continue_expression (label)) @jump",
    ]
)


class RustRules(BraceRules):
    function_types = frozenset({"function_item", "closure_expression"})
    query_source = RUST_QUERY
    if_types = frozenset({"if_expression"})
    recursion_barriers = frozenset({"closure_expression"})
    named_by_context = frozenset({"function_item"})

    def describe_function(self, node: ts.Node, source: bytes, up: Up | None = None) -> FunctionShape | None:
        if node.type == "closure_expression":
            return None
        name = node.child_by_field_name("name")
        body = node.child_by_field_name("body")
        if name is None or body is None:
            return None
        up = up if up is not None else Up(node)
        outer_start = _first_attribute(node, up[0], source)
        shape = self.shape(text(name, source), node, name, body, target=_METHOD if _in_impl(up) else _FREE)
        if outer_start is node:
            return shape
        return FunctionShape(
            name=shape.name,
            start_byte=outer_start.start_byte,
            end_byte=shape.end_byte,
            start_row=outer_start.start_point.row,
            end_row=shape.end_row,
            name_row=shape.name_row,
            signature_end_row=shape.signature_end_row,
            body=body,
            target=shape.target,
        )

    def callee(self, call: ts.Node, source: bytes) -> Callee | None:
        """`f(..)` by bare name, or `self.f(..)` / `Self::f(..)`; any other path is elsewhere."""
        function = call.child_by_field_name("function")
        if function is None:
            return None
        arguments = argument_count(call.child_by_field_name("arguments"))
        if function.type == "identifier":
            return Callee(text(function, source), None, arguments)
        if function.type == "scoped_identifier":
            path = function.child_by_field_name("path")
            name = function.child_by_field_name("name")
            if path is None or name is None:
                return None
            if text(path, source) == "Self":
                return Callee(text(name, source), "Self", arguments)
            if path.type == "self":  # `self::f()`: this module's free function
                return Callee(text(name, source), None, arguments)
            return None
        if function.type == "field_expression":
            value = function.child_by_field_name("value")
            field = function.child_by_field_name("field")
            if value is not None and value.type == "self" and field is not None:
                return Callee(text(field, source), "self", arguments)
        return None

    def container_name(self, node: ts.Node, source: bytes, up: Up | None = None) -> tuple[str, bool] | None:
        if node.type == "impl_item":
            kind = node.child_by_field_name("type")
            while kind is not None and kind.type == "generic_type":
                kind = kind.child_by_field_name("type")
            return (text(kind, source), True) if kind is not None else None
        return super().container_name(node, source, up)

    def is_counted_case(self, node: ts.Node) -> bool:
        """Every arm is a path, except a last bare `_` arm (the `else` of a match)."""
        pattern = node.child_by_field_name("pattern")
        if pattern is None:
            return True
        is_wildcard = pattern.child_count == 1 and pattern.children[0].type == "_"
        return not (is_wildcard and node.next_named_sibling is None)


def _in_impl(up: Up) -> bool:
    """A method: a bare call of its name would reach a free function, not it."""
    parent = up[0]
    grand = up[1] if parent is not None and parent.type == "declaration_list" else None
    return grand is not None and grand.type in ("impl_item", "trait_item")


def _first_attribute(node: ts.Node, parent: ts.Node | None, source: bytes) -> ts.Node:
    """The first of the `#[attribute]`s right before `node` (or `node`): found by position,
    since a sibling step asks tree-sitter for the parent (O(depth)) and scans from its start."""
    first = node
    while parent is not None:
        end = first.start_byte
        while end > 0 and source[end - 1] in b" \t\r\n":
            end -= 1
        if end == 0 or source[end - 1] != 93:  # "]"
            break
        previous = parent.first_named_child_for_byte(end - 1)
        if previous is None or previous.type != "attribute_item" or previous.end_byte != end:
            break
        first = previous
    return first
