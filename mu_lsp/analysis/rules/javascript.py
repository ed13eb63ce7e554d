"""JavaScript, TypeScript and TSX.

Named functions are declarations, methods, and function/arrow expressions assigned to a
name (`const f = () => {}`, `obj.f = function () {}`, `{ f: () => {} }`, class fields);
every other function expression is anonymous and nests inside its enclosing function.
"""

from __future__ import annotations

import tree_sitter as ts

from mu_lsp.analysis.engine import FunctionShape
from mu_lsp.analysis.rules.common import BraceRules, text

_FUNCTION_NODES = "[(function_declaration) (generator_function_declaration) (method_definition) (function_expression) (arrow_function) (generator_function)] @fn"  # noqa: E501
_EXPRESSIONS = frozenset({"function_expression", "arrow_function", "generator_function"})
_DECLARATIONS = frozenset({"function_declaration", "generator_function_declaration", "method_definition"})

_COMMON = "\n".join(
    [
        _FUNCTION_NODES,
        "(variable_declarator value: (object)) @container",
        "(if_statement) @if",
        "(if_statement consequence: (_) @nest)",
        "(else_clause) @else",
        "(else_clause (statement_block) @nest)",
        "[(for_statement) (for_in_statement) (while_statement) (do_statement)] @loop",
        "(for_statement body: (_) @nest)",
        "(for_in_statement body: (_) @nest)",
        "(while_statement body: (_) @nest)",
        "(do_statement body: (_) @nest)",
        "(switch_statement) @switch",
        "(switch_statement body: (_) @nest)",
        "(switch_case) @case",
        "(catch_clause) @catch",
        "(catch_clause body: (_) @nest)",
        "(ternary_expression) @ternary",
        "(ternary_expression consequence: (_) @nest)",
        "(ternary_expression alternative: (_) @nest)",
        '(binary_expression operator: ["&&" "||" "??"]) @bool',
        "(break_statement label: (_)) @jump",
        "(continue_statement label: (_)) @jump",
    ]
)

JAVASCRIPT_QUERY = _COMMON + "\n[(class_declaration) (class)] @container"
TYPESCRIPT_QUERY = _COMMON + "\n[(class_declaration) (class) (abstract_class_declaration) (internal_module)] @container"


class JavaScriptRules(BraceRules):
    function_types = _DECLARATIONS | _EXPRESSIONS
    calls_query_source = (
        "(call_expression function: [(identifier) @callee"
        " (member_expression object: (this) property: (property_identifier) @callee)])"
    )
    scope_types = frozenset({*_DECLARATIONS, "function_expression", "generator_function", "class_declaration", "class"})

    def __init__(self, language: str) -> None:
        super().__init__(language)
        self.query_source = JAVASCRIPT_QUERY if language == "javascript" else TYPESCRIPT_QUERY

    def describe_function(self, node: ts.Node, source: bytes) -> FunctionShape | None:
        body = node.child_by_field_name("body")
        if body is None:
            return None
        if node.type in _DECLARATIONS:
            name = node.child_by_field_name("name")
            if name is None:
                return None
            outer = node
            parent = node.parent
            if parent is not None and parent.type == "export_statement":
                outer = parent
            return self.shape(_property_name(name, source), outer, name, body)
        return self._assigned(node, body, source)

    def _assigned(self, node: ts.Node, body: ts.Node, source: bytes) -> FunctionShape | None:
        """A function expression named by what it is assigned to, if anything."""
        parent = node.parent
        while parent is not None and parent.type == "parenthesized_expression":
            parent = parent.parent
        if parent is None:
            return None
        kind = parent.type
        if kind == "variable_declarator":
            name = parent.child_by_field_name("name")
            if name is None or name.type != "identifier":
                return None
            outer = parent
            declaration = parent.parent
            if declaration is not None and declaration.named_child_count == 1:
                outer = declaration
                if declaration.parent is not None and declaration.parent.type == "export_statement":
                    outer = declaration.parent
            return self.shape(text(name, source), outer, name, body)
        if kind == "assignment_expression":
            left = parent.child_by_field_name("left")
            if left is None:
                return None
            outer = (
                parent.parent if parent.parent is not None and parent.parent.type == "expression_statement" else parent
            )
            if left.type == "identifier":
                return self.shape(text(left, source), outer, left, body)
            if left.type == "member_expression":
                prop = left.child_by_field_name("property")
                obj = left.child_by_field_name("object")
                if prop is None:
                    return None
                qualifier = (
                    text(obj, source)
                    if obj is not None and obj.type in ("identifier", "member_expression", "this")
                    else None
                )
                return self.shape(text(prop, source), outer, prop, body, qualifier)
            return None
        if kind == "pair":
            key = parent.child_by_field_name("key")
            if key is None:
                return None
            return self.shape(_property_name(key, source), parent, key, body)
        if kind in ("public_field_definition", "field_definition"):
            key = parent.child_by_field_name("name") or parent.child_by_field_name("property")
            if key is None:
                return None
            return self.shape(_property_name(key, source), parent, key, body)
        return None

    def container_name(self, node: ts.Node, source: bytes) -> tuple[str, bool] | None:
        if node.type == "variable_declarator":  # an object literal: names its methods only
            name = node.child_by_field_name("name")
            if name is None or name.type != "identifier":
                return None
            return text(name, source), False
        name = node.child_by_field_name("name")
        if name is None and node.type == "class":
            parent = node.parent
            if parent is not None and parent.type == "variable_declarator":
                name = parent.child_by_field_name("name")
        return (text(name, source) if name is not None else "<class>"), True

    def is_counted_case(self, node: ts.Node) -> bool:
        return node.type == "switch_case"


def _property_name(node: ts.Node, source: bytes) -> str:
    name = text(node, source)
    if node.type == "string" and len(name) >= 2:
        return name[1:-1]
    return name
