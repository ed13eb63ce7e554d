"""Go: functions and methods (qualified by receiver type); function literals are anonymous."""

from __future__ import annotations

import tree_sitter as ts

from mu_lsp.analysis.ancestry import Up
from mu_lsp.analysis.engine import Callee, CallTarget, FunctionShape
from mu_lsp.analysis.rules.common import BraceRules, argument_count, text

GO_QUERY = "\n".join(
    [
        "[(function_declaration) (method_declaration) (func_literal)] @fn",
        "(if_statement) @if",
        "(if_statement consequence: (block) @nest)",
        "(if_statement alternative: (block) @else)",
        "(for_statement) @loop",
        "(for_statement body: (block) @nest)",
        "[(expression_switch_statement) (type_switch_statement) (select_statement)] @switch",
        "[(expression_case) (type_case) (communication_case)] @case",
        "[(expression_case) (type_case) (communication_case) (default_case)] @nest",
        "(binary_expression) @bool",
        "(break_statement (label_name)) @jump",
        "(continue_statement (label_name)) @jump",
        "(goto_statement) @jump",
    ]
)


class GoRules(BraceRules):
    function_types = frozenset({"function_declaration", "method_declaration", "func_literal"})
    query_source = GO_QUERY
    recursion_barriers = frozenset({"func_literal"})

    def describe_function(self, node: ts.Node, source: bytes, up: Up | None = None) -> FunctionShape | None:
        if node.type == "func_literal":
            return None
        name = node.child_by_field_name("name")
        body = node.child_by_field_name("body")
        if name is None or body is None:
            return None
        if node.type != "method_declaration":
            return self.shape(text(name, source), node, name, body)
        receiver = _receiver_name(node, source)
        target = CallTarget(bare=False, receivers=frozenset({receiver} if receiver else ()))
        return self.shape(text(name, source), node, name, body, _receiver_type(node, source), target)

    def callee(self, call: ts.Node, source: bytes) -> Callee | None:
        function = call.child_by_field_name("function")
        if function is None:
            return None
        arguments = argument_count(call.child_by_field_name("arguments"))
        if function.type == "identifier":
            return Callee(text(function, source), None, arguments)
        if function.type == "selector_expression":
            operand = function.child_by_field_name("operand")
            field = function.child_by_field_name("field")
            if operand is not None and operand.type == "identifier" and field is not None:
                return Callee(text(field, source), text(operand, source), arguments)
        return None


def _receiver_name(node: ts.Node, source: bytes) -> str | None:
    """The receiver's variable (`r` in `func (r *R) M()`): calls through it reach the method."""
    receiver = node.child_by_field_name("receiver")
    if receiver is None:
        return None
    for parameter in receiver.named_children:
        name = parameter.child_by_field_name("name")
        if name is not None:
            return text(name, source)
    return None


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
