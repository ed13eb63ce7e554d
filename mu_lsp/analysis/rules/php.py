"""PHP: functions, methods (of classes, traits, interfaces, enums, anonymous classes);
closures (`function () use (...)`) and arrow functions (`fn`) nest in their enclosing function.

Qualified names go through classes, traits, interfaces, enums and braced `namespace X { }`
blocks; a file-level `namespace X;` statement, like Java's `package`, is not part of them.
`elseif` counts as `else if`. Each non-default `match` arm counts for cyclomatic (as a
`case` does) and the `match` once for cognitive. `??` counts like `||` (a default taken on a
path of its own); `?->` does not count. `break 2` / `continue 2` add 1 (a jump out of more
than one loop is a labelled jump). A call reaches a method through `$this->`, `self::` or
`static::`; a bare call reaches a free function.
"""

from __future__ import annotations

import tree_sitter as ts

from mu_lsp.analysis.ancestry import Up
from mu_lsp.analysis.engine import Callee, CallTarget, FunctionShape, Scorer
from mu_lsp.analysis.rules.common import BraceRules, BraceScorer, argument_count, text

_FREE = CallTarget(bare=True)
_METHOD = CallTarget(bare=False, receivers=frozenset({"$this", "self", "static"}))

PHP_QUERY = "\n".join(
    [
        "[(function_definition) (method_declaration) (anonymous_function) (arrow_function)] @fn",
        "[(class_declaration) (trait_declaration) (interface_declaration) (enum_declaration)] @container",
        "(anonymous_class) @container",
        "(namespace_definition body: (_)) @container",
        "(if_statement) @if",
        "(if_statement body: (_) @nest)",
        "(else_if_clause) @elif",
        "(else_if_clause body: (_) @nest)",
        "(else_clause) @else",
        "[(for_statement) (foreach_statement) (while_statement) (do_statement)] @loop",
        "(for_statement body: (_) @nest)",
        "(foreach_statement body: (_) @nest)",
        "(while_statement body: (_) @nest)",
        "(do_statement body: (_) @nest)",
        "[(switch_statement) (match_expression)] @switch",
        "(switch_statement body: (_) @nest)",
        "(match_expression body: (_) @nest)",
        "[(case_statement) (match_conditional_expression)] @case",
        "(catch_clause) @catch",
        "(catch_clause body: (_) @nest)",
        "(conditional_expression) @ternary",
        "(conditional_expression body: (_) @nest)",
        "(conditional_expression alternative: (_) @nest)",
        "(binary_expression) @bool",
        "(break_statement (integer)) @jump",
        "(continue_statement (integer)) @jump",
        "(goto_statement) @jump",
    ]
)


class PhpRules(BraceRules):
    function_types = frozenset({"function_definition", "method_declaration", "anonymous_function", "arrow_function"})
    query_source = PHP_QUERY
    logical_operators = frozenset({"&&", "||", "and", "or", "??"})
    calls_query_source = "[(function_call_expression) (member_call_expression) (scoped_call_expression)] @call"
    # a closure's calls are still its enclosing function's (it shares `$this`, and a bare
    # call names the same free function)
    recursion_barriers = frozenset()

    def describe_function(self, node: ts.Node, source: bytes, up: Up | None = None) -> FunctionShape | None:
        if node.type in ("anonymous_function", "arrow_function"):
            return None
        name = node.child_by_field_name("name")
        body = node.child_by_field_name("body")
        if name is None or body is None:
            return None
        target = _METHOD if node.type == "method_declaration" else _FREE
        parameters = node.child_by_field_name("parameters")
        scope_start = parameters.start_byte if parameters is not None else None
        return self.shape(text(name, source), node, name, body, target=target, scope_start=scope_start)

    def callee(self, call: ts.Node, source: bytes) -> Callee | None:
        arguments = argument_count(call.child_by_field_name("arguments"))
        if call.type == "function_call_expression":
            function = call.child_by_field_name("function")
            if function is None or function.type != "name":
                return None
            return Callee(text(function, source), None, arguments)
        name = call.child_by_field_name("name")
        if name is None:
            return None
        if call.type == "member_call_expression":
            obj = call.child_by_field_name("object")
            receiver = text(obj, source)
            return Callee(text(name, source), receiver, arguments) if receiver == "$this" else None
        scope = call.child_by_field_name("scope")
        receiver = text(scope, source)
        return Callee(text(name, source), receiver, arguments) if receiver in ("self", "static") else None

    def container_name(self, node: ts.Node, source: bytes, up: Up | None = None) -> tuple[str, bool] | None:
        if node.type == "anonymous_class":
            return "<class>", True
        return super().container_name(node, source, up)

    def else_if_child(self, node: ts.Node) -> ts.Node | None:
        """`else if` is an else clause holding an if (`elseif` is its own clause)."""
        for child in node.children:
            if child.type == "else_clause":
                body = child.child_by_field_name("body")
                return body if body is not None and body.type == "if_statement" else None
        return None

    def else_region(self, node: ts.Node) -> ts.Node | None:
        body = node.child_by_field_name("body")
        return body if body is not None and body.type != "if_statement" else None

    def is_plain_else(self, node: ts.Node) -> bool:
        body = node.child_by_field_name("body")
        return body is None or body.type != "if_statement"

    def scorer(self, tree: ts.Tree, source: bytes) -> Scorer:
        return ElifScorer(self)


class ElifScorer(BraceScorer):
    """Grammars with an `elsif`/`elseif` clause of their own: it scores as an `else if`."""

    __slots__ = ()

    def __call__(self, kind: str, node: ts.Node, nesting: int, flags: int) -> tuple[int, int]:
        if kind == "elif":
            return 1, 1
        return super().__call__(kind, node, nesting, flags)
