"""Java: methods, constructors, compact record constructors; lambdas nest.

Methods of anonymous classes are qualified with the instantiated type (`Outer.m.<Runnable>.run`).
Each non-default `case` label counts for cyclomatic (like lizard); a `switch` counts once for
cognitive.
"""

from __future__ import annotations

import tree_sitter as ts

from mu_lsp.analysis.ancestry import Up
from mu_lsp.analysis.engine import Callee, CallTarget, FunctionShape
from mu_lsp.analysis.rules.common import BraceRules, argument_count, text

JAVA_QUERY = "\n".join(
    [
        "[(method_declaration) (constructor_declaration) (compact_constructor_declaration) (lambda_expression)] @fn",
        "[(class_declaration) (interface_declaration) (enum_declaration) (record_declaration)"
        " (annotation_type_declaration)] @container",
        "(object_creation_expression (class_body)) @container",
        "(if_statement) @if",
        "(if_statement consequence: (_) @nest)",
        "(if_statement alternative: (_) @else)",
        "[(for_statement) (enhanced_for_statement) (while_statement) (do_statement)] @loop",
        "(for_statement body: (_) @nest)",
        "(enhanced_for_statement body: (_) @nest)",
        "(while_statement body: (_) @nest)",
        "(do_statement body: (_) @nest)",
        "(switch_expression) @switch",
        "(switch_expression body: (_) @nest)",
        "(switch_label) @case",
        "(catch_clause) @catch",
        "(catch_clause body: (_) @nest)",
        "(ternary_expression) @ternary",
        "(ternary_expression consequence: (_) @nest)",
        "(ternary_expression alternative: (_) @nest)",
        "(binary_expression) @bool",
        "(break_statement (identifier)) @jump",
        "(continue_statement (identifier)) @jump",
    ]
)


class JavaRules(BraceRules):
    function_types = frozenset(
        {
            "method_declaration",
            "constructor_declaration",
            "compact_constructor_declaration",
            "lambda_expression",
        }
    )
    query_source = JAVA_QUERY
    calls_query_source = "(method_invocation) @call"
    recursion_barriers = frozenset({"lambda_expression"})

    def describe_function(self, node: ts.Node, source: bytes, up: Up | None = None) -> FunctionShape | None:
        if node.type == "lambda_expression":
            return None
        name = node.child_by_field_name("name")
        body = node.child_by_field_name("body")
        if name is None or body is None:
            return None
        return self.shape(text(name, source), node, name, body, target=_overload_target(node))

    def callee(self, call: ts.Node, source: bytes) -> Callee | None:
        name = call.child_by_field_name("name")
        if name is None:
            return None
        obj = call.child_by_field_name("object")
        if obj is not None and obj.type != "this":
            return None
        arguments = argument_count(call.child_by_field_name("arguments"))
        return Callee(text(name, source), None if obj is None else "this", arguments)

    def container_name(self, node: ts.Node, source: bytes, up: Up | None = None) -> tuple[str, bool] | None:
        if node.type == "object_creation_expression":
            kind = node.child_by_field_name("type")
            return f"<{text(kind, source)}>", True
        return super().container_name(node, source, up)

    def is_counted_case(self, node: ts.Node) -> bool:
        return not any(child.type == "default" for child in node.children)


def _overload_target(method: ts.Node) -> CallTarget:
    """Java overloads by argument count: `write(c)` inside `write(c, off, len)` is another
    method. A call reaches this one with as many arguments as it has parameters (or more,
    for a trailing varargs parameter, which may also receive none)."""
    parameters = method.child_by_field_name("parameters")
    formal = [c for c in parameters.named_children if "comment" not in c.type] if parameters else []
    variadic = bool(formal) and formal[-1].type == "spread_parameter"
    fixed = sum(1 for c in formal if c.type == "formal_parameter")
    return CallTarget(
        bare=True,
        receivers=frozenset({"this"}),
        min_args=fixed,
        max_args=None if variadic else fixed,
        checks_arity=True,
    )
