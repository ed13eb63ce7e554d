"""Kotlin: `fun` declarations (members, top level, local, extensions qualified by their
receiver type: `fun String.pad()` is `String.pad`), secondary constructors (`constructor`)
and `init` blocks, property accessors (`val size: Int get() {...}` is `size.get`), in
classes, interfaces, objects, companion objects (`Companion` when
unnamed) and object expressions (`<Runnable>`); lambdas and anonymous `fun`s nest.

`when` counts each branch with a condition for cyclomatic (`1, 2 ->` once; `else` not) and
once for cognitive; the elvis operator `?:` counts like `||` (a path of its own); `?.` and
`!!` do not count. `try` counts nothing, each `catch` counts. `break@label` and
`continue@label` add 1. A call reaches the function bare or through `this.` (overloads by
argument count are not told apart: Kotlin's default arguments blur them).
"""

from __future__ import annotations

import tree_sitter as ts

from mu_lsp.analysis.ancestry import Up
from mu_lsp.analysis.engine import Callee, CallTarget, FunctionShape
from mu_lsp.analysis.rules.common import BraceRules, argument_count, text

_TARGET = CallTarget(bare=True, receivers=frozenset({"this"}))
_ACCESSOR = CallTarget(bare=False)  # an accessor is reached through its property, never called

KOTLIN_QUERY = "\n".join(
    [
        "[(function_declaration) (secondary_constructor) (anonymous_initializer)"
        " (lambda_literal) (anonymous_function) (getter) (setter)] @fn",
        "[(class_declaration) (object_declaration) (companion_object) (object_literal)] @container",
        "(if_expression) @if",
        '(if_expression ")" . (_) @nest)',
        '(if_expression "else" . (_) @else)',
        "[(for_statement) (while_statement) (do_while_statement)] @loop",
        '(for_statement ")" . (_) @nest)',
        '(while_statement ")" . (_) @nest)',
        '(do_while_statement "do" . (_) @nest)',
        "(when_expression) @switch",
        "(when_entry) @case @nest",
        "(catch_block) @catch",
        "(catch_block (block) @nest)",
        "(binary_expression) @bool",
        '((labeled_expression (label) @jump) (#match? @jump "^(break|continue)@"))',
    ]
)


class KotlinRules(BraceRules):
    function_types = frozenset(
        {
            "function_declaration",
            "secondary_constructor",
            "anonymous_initializer",
            "lambda_literal",
            "anonymous_function",
        }
    )
    query_source = KOTLIN_QUERY
    if_types = frozenset({"if_expression"})
    logical_operators = frozenset({"&&", "||", "?:"})
    # a lambda runs in its function's `this`: `children.forEach { walk(it) }` is recursion
    recursion_barriers = frozenset()

    def describe_function(self, node: ts.Node, source: bytes, up: Up | None = None) -> FunctionShape | None:
        kind = node.type
        if kind in ("lambda_literal", "anonymous_function"):
            return None
        body = _child(node, "function_body" if kind in ("function_declaration", "getter", "setter") else "block")
        if body is None:
            return None
        if kind == "function_declaration":
            name = node.child_by_field_name("name")
            if name is None:
                return None
            return self.shape(text(name, source), node, name, body, _receiver_type(node, name, source), _TARGET)
        keyword = node.children[0] if node.child_count else node
        if kind in ("getter", "setter"):  # `val size: Int get() { ... }`: `size.get`
            # the property (`node.parent` when the cursor could not give it: accessors are shallow)
            declaration = (up[0] if up is not None else None) or node.parent
            variable = _child(declaration, "variable_declaration") if declaration is not None else None
            name = _child(variable, "identifier") if variable is not None else None
            label = "get" if kind == "getter" else "set"
            return self.shape(label, node, keyword, body, text(name, source) if name else None, _ACCESSOR)
        label = "constructor" if kind == "secondary_constructor" else "init"
        return self.shape(label, node, keyword, body, target=_TARGET)

    def anonymous_body(self, node: ts.Node) -> tuple[ts.Node, bool] | None:
        body = node if node.type == "lambda_literal" else _child(node, "function_body")
        return (body, False) if body is not None else None

    def callee(self, call: ts.Node, source: bytes) -> Callee | None:
        function = call.named_children[0] if call.named_child_count else None
        if function is None:
            return None
        arguments = sum(
            argument_count(c) if c.type == "value_arguments" else 1
            for c in call.named_children[1:]
            if c.type in ("value_arguments", "annotated_lambda")
        )
        if function.type == "identifier":
            return Callee(text(function, source), None, arguments)
        if function.type == "navigation_expression" and function.named_child_count == 2:
            target, member = function.named_children
            if target.type == "this_expression" and member.type == "identifier":
                return Callee(text(member, source), "this", arguments)
        return None

    def container_name(self, node: ts.Node, source: bytes, up: Up | None = None) -> tuple[str, bool] | None:
        kind = node.type
        if kind == "object_literal":
            supertype = _child(node, "delegation_specifiers") or _child(node, "delegation_specifier")
            named = _first_identifier(supertype, source) if supertype is not None else ""
            return f"<{named or 'object'}>", True
        name = node.child_by_field_name("name") or _child(node, "identifier")
        if name is None:
            return ("Companion", True) if kind == "companion_object" else None
        return text(name, source), True

    def else_if_child(self, node: ts.Node) -> ts.Node | None:
        after_else = False
        for child in node.children:
            if after_else:
                return child if child.type == "if_expression" else None
            after_else = child.type == "else"
        return None

    def else_region(self, node: ts.Node) -> ts.Node | None:
        return None if node.type == "if_expression" else node

    def is_plain_else(self, node: ts.Node) -> bool:
        return node.type != "if_expression"

    def is_counted_case(self, node: ts.Node) -> bool:
        return not any(child.type == "else" for child in node.children)


def _child(node: ts.Node, kind: str) -> ts.Node | None:
    return next((c for c in node.named_children if c.type == kind), None)


def _first_identifier(node: ts.Node, source: bytes) -> str:
    stack = [node]
    while stack:
        current = stack.pop()
        if current.type in ("identifier", "type_identifier"):
            return text(current, source)
        stack.extend(reversed(current.named_children))
    return ""


def _receiver_type(node: ts.Node, name: ts.Node, source: bytes) -> str | None:
    """The receiver type of an extension function (`List` in `fun <T> List<T>.ext()`)."""
    previous: ts.Node | None = None
    for child in node.children:
        if child.id == name.id:
            break
        if child.type == "." and previous is not None and previous.type in ("user_type", "nullable_type"):
            return _first_identifier(previous, source) or None
        previous = child
    return None
