"""Go: functions and methods (qualified by receiver type); function literals are anonymous."""

from __future__ import annotations

import tree_sitter as ts

from mu_lsp.analysis.engine import FunctionShape
from mu_lsp.analysis.rules.common import BraceRules, text

GO_QUERY = "\n".join(
    [
        "[(function_declaration) (method_declaration) (func_literal)] @fn",
        "(if_statement) @if",
        "(if_statement consequence: (block) @nest)",
        "(if_statement alternative: (block) @else @nest)",
        "(for_statement) @loop",
        "(for_statement body: (block) @nest)",
        "[(expression_switch_statement) (type_switch_statement) (select_statement)] @switch",
        "[(expression_case) (type_case) (communication_case)] @case",
        "[(expression_case) (type_case) (communication_case) (default_case)] @nest",
        '(binary_expression operator: ["&&" "||"]) @bool',
        "(break_statement (label_name)) @jump",
        "(continue_statement (label_name)) @jump",
        "(goto_statement) @jump",
    ]
)


class GoRules(BraceRules):
    function_types = frozenset({"function_declaration", "method_declaration", "func_literal"})
    query_source = GO_QUERY
    calls_query_source = (
        "(call_expression function: [(identifier) @callee (selector_expression field: (field_identifier) @callee)])"
    )
    scope_types = frozenset({"function_declaration", "method_declaration", "func_literal"})

    def describe_function(self, node: ts.Node, source: bytes) -> FunctionShape | None:
        if node.type == "func_literal":
            return None
        name = node.child_by_field_name("name")
        body = node.child_by_field_name("body")
        if name is None or body is None:
            return None
        qualifier = _receiver_type(node, source) if node.type == "method_declaration" else None
        return self.shape(text(name, source), node, name, body, qualifier)


def _receiver_type(node: ts.Node, source: bytes) -> str | None:
    receiver = node.child_by_field_name("receiver")
    if receiver is None:
        return None
    for parameter in receiver.named_children:
        kind = parameter.child_by_field_name("type")
        while kind is not None and kind.type in ("pointer_type", "generic_type"):
            inner = kind.child_by_field_name("type")
            if inner is None:
                inner = next((c for c in kind.named_children if c.type == "type_identifier"), None)
            kind = inner
        if kind is not None:
            return text(kind, source)
    return None
