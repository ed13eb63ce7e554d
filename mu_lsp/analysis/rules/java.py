"""Java: methods, constructors, compact record constructors; lambdas nest.

Methods of anonymous classes are qualified with the instantiated type (`Outer.m.<Runnable>.run`).
Each non-default `case` label counts for cyclomatic (like lizard); a `switch` counts once for
cognitive.
"""

from __future__ import annotations

import tree_sitter as ts

from mu_lsp.analysis.engine import FunctionShape
from mu_lsp.analysis.rules.common import BraceRules, text

JAVA_QUERY = "\n".join(
    [
        "[(method_declaration) (constructor_declaration) (compact_constructor_declaration) (lambda_expression)] @fn",
        "[(class_declaration) (interface_declaration) (enum_declaration) (record_declaration)"
        " (annotation_type_declaration)] @container",
        "(object_creation_expression (class_body)) @container",
        "(if_statement) @if",
        "(if_statement consequence: (_) @nest)",
        "(if_statement alternative: (_) @else)",
        "(if_statement alternative: (block) @nest)",
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
        '(binary_expression operator: ["&&" "||"]) @bool',
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
    calls_query_source = (
        "(method_invocation !object name: (identifier) @callee)"
        "(method_invocation object: (this) name: (identifier) @callee)"
    )
    scope_types = frozenset(
        {
            "method_declaration",
            "constructor_declaration",
            "lambda_expression",
            "class_body",
        }
    )

    def describe_function(self, node: ts.Node, source: bytes) -> FunctionShape | None:
        if node.type == "lambda_expression":
            return None
        name = node.child_by_field_name("name")
        body = node.child_by_field_name("body")
        if name is None or body is None:
            return None
        return self.shape(text(name, source), node, name, body)

    def container_name(self, node: ts.Node, source: bytes) -> tuple[str, bool] | None:
        if node.type == "object_creation_expression":
            kind = node.child_by_field_name("type")
            return f"<{text(kind, source)}>", True
        return super().container_name(node, source)

    def is_counted_case(self, node: ts.Node) -> bool:
        return not any(child.type == "default" for child in node.children)
