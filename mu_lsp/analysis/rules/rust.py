"""Rust: `fn` items anywhere (free, in `impl`, in `trait`, in `mod`, nested); closures nest.

`impl Foo` and `impl Trait for Foo` both qualify methods as `Foo.method`; default methods of
a trait as `Trait.method`. `loop` adds cognitive complexity but no cyclomatic path (it has no
condition); `match` arms count for cyclomatic except a final bare `_` arm.
"""

from __future__ import annotations

import tree_sitter as ts

from mu_lsp.analysis.engine import FunctionShape
from mu_lsp.analysis.rules.common import BraceRules, text

RUST_QUERY = "\n".join(
    [
        "[(function_item) (closure_expression)] @fn",
        "[(impl_item) (trait_item) (mod_item)] @container",
        "(if_expression) @if",
        "(if_expression consequence: (block) @nest)",
        "(else_clause) @else",
        "(else_clause (block) @nest)",
        "[(while_expression) (for_expression)] @loop",
        "(loop_expression) @loop_unconditional",
        "(while_expression body: (block) @nest)",
        "(for_expression body: (block) @nest)",
        "(loop_expression body: (block) @nest)",
        "(match_expression) @switch",
        "(match_expression body: (match_block) @nest)",
        "(match_arm) @case",
        '(binary_expression operator: ["&&" "||"]) @bool',
        "(break_expression (label)) @jump",
        "(continue_expression (label)) @jump",
    ]
)


class RustRules(BraceRules):
    function_types = frozenset({"function_item", "closure_expression"})
    query_source = RUST_QUERY
    if_types = frozenset({"if_expression"})
    calls_query_source = (
        "(call_expression function: [(identifier) @callee"
        " (scoped_identifier path: (_) name: (identifier) @callee)"
        " (field_expression value: (self) field: (field_identifier) @callee)])"
    )
    scope_types = frozenset({"function_item", "closure_expression", "impl_item", "trait_item"})

    def describe_function(self, node: ts.Node, source: bytes) -> FunctionShape | None:
        if node.type == "closure_expression":
            return None
        name = node.child_by_field_name("name")
        body = node.child_by_field_name("body")
        if name is None or body is None:
            return None
        outer_start = node
        sibling = node.prev_named_sibling
        while sibling is not None and sibling.type == "attribute_item":
            outer_start = sibling
            sibling = sibling.prev_named_sibling
        shape = self.shape(text(name, source), node, name, body)
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
        )

    def container_name(self, node: ts.Node, source: bytes) -> tuple[str, bool] | None:
        if node.type == "impl_item":
            kind = node.child_by_field_name("type")
            while kind is not None and kind.type == "generic_type":
                kind = kind.child_by_field_name("type")
            return (text(kind, source), True) if kind is not None else None
        return super().container_name(node, source)

    def is_counted_case(self, node: ts.Node) -> bool:
        """Every arm is a path, except a last bare `_` arm (the `else` of a match)."""
        pattern = node.child_by_field_name("pattern")
        if pattern is None:
            return True
        is_wildcard = pattern.child_count == 1 and pattern.children[0].type == "_"
        return not (is_wildcard and node.next_named_sibling is None)
