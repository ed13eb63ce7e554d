"""JavaScript, TypeScript and TSX.

Named functions are declarations, methods, and function/arrow expressions assigned to a
name (`const f = () => {}`, `obj.f = function () {}`, `{ f: () => {} }`, class fields);
every other function expression is anonymous and nests inside its enclosing function.
"""

from __future__ import annotations

import tree_sitter as ts

from mu_lsp.analysis.ancestry import Ancestry, Up
from mu_lsp.analysis.engine import Callee, CallTarget, FunctionShape, Scorer
from mu_lsp.analysis.rules.common import BraceRules, BraceScorer, argument_count, text

_FUNCTION_NODES = "[(function_declaration) (generator_function_declaration) (method_definition) (function_expression) (arrow_function) (generator_function)] @fn"  # noqa: E501
_EXPRESSIONS = frozenset({"function_expression", "arrow_function", "generator_function"})
_FIELDS = frozenset({"public_field_definition", "field_definition"})
_DECLARATIONS = frozenset({"function_declaration", "generator_function_declaration", "method_definition"})

_COMMON = "\n".join(
    [
        _FUNCTION_NODES,
        "(variable_declarator value: (object)) @container",
        "(if_statement) @if",
        "(if_statement consequence: (_) @nest)",
        "(else_clause) @else",
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
        "(binary_expression) @bool",
        "(break_statement label: (_)) @jump",
        "(continue_statement label: (_)) @jump",
    ]
)

JAVASCRIPT_QUERY = _COMMON + "\n[(class_declaration) (class)] @container"
TYPESCRIPT_QUERY = _COMMON + "\n[(class_declaration) (class) (abstract_class_declaration) (internal_module)] @container"


_BARE = CallTarget(bare=True)
_METHOD = CallTarget(bare=False, receivers=frozenset({"this"}))
_UNREACHABLE = CallTarget(bare=False)  # an arrow's `this` is its surroundings', not the object
_LITERALS = frozenset({"number", "string", "true", "false", "null", "regex", "array", "object"})


class JavaScriptRules(BraceRules):
    function_types = _DECLARATIONS | _EXPRESSIONS
    logical_operators = frozenset({"&&", "||", "??"})
    named_by_context = _DECLARATIONS | _EXPRESSIONS | frozenset({"class"})
    # a `function` expression has its own `this`; an arrow function shares its enclosing one
    recursion_barriers = frozenset({"function_expression", "generator_function"})

    def __init__(self, language: str) -> None:
        super().__init__(language)
        self.query_source = JAVASCRIPT_QUERY if language == "javascript" else TYPESCRIPT_QUERY

    def describe_function(self, node: ts.Node, source: bytes, up: Up | None = None) -> FunctionShape | None:
        up = up if up is not None else Up(node)
        body = node.child_by_field_name("body")
        if body is None:
            return None
        if node.type in _DECLARATIONS:
            name = node.child_by_field_name("name")
            if name is None:
                return None
            outer = node
            parent = up[0]
            if parent is not None and parent.type == "export_statement":
                outer = parent
            target = _METHOD if node.type == "method_definition" else _BARE
            return self._shape(node, _property_name(name, source), outer, name, body, target=target)
        return self._assigned(node, body, source, up)

    def _shape(
        self,
        node: ts.Node,
        name: str,
        outer: ts.Node,
        name_node: ts.Node,
        body: ts.Node,
        qualifier: str | None = None,
        target: CallTarget = _BARE,
    ) -> FunctionShape:
        """Parameters belong to the function: decisions in default values count for it."""
        if node.type == "arrow_function" and target is _METHOD and outer.type not in _FIELDS:
            target = _UNREACHABLE
        parameters = node.child_by_field_name("parameters") or node.child_by_field_name("parameter")
        scope_start = parameters.start_byte if parameters is not None else None
        return self.shape(name, outer, name_node, body, qualifier, target, scope_start)

    def callee(self, call: ts.Node, source: bytes) -> Callee | None:
        function = call.child_by_field_name("function")
        if function is None:
            return None
        arguments = argument_count(call.child_by_field_name("arguments"))
        if function.type == "identifier":
            return Callee(text(function, source), None, arguments)
        if function.type == "member_expression":
            obj = function.child_by_field_name("object")
            prop = function.child_by_field_name("property")
            if obj is not None and obj.type == "this" and prop is not None:
                return Callee(text(prop, source), "this", arguments)
        return None

    def _assigned(self, node: ts.Node, body: ts.Node, source: bytes, up: Up) -> FunctionShape | None:
        """A function expression named by what it is assigned to, if anything."""
        level = 0
        parent = up[0]
        while parent is not None and parent.type == "parenthesized_expression":
            level += 1
            parent = up[level]
        if parent is None:
            return None
        kind = parent.type
        if kind == "variable_declarator":
            name = parent.child_by_field_name("name")
            if name is None or name.type != "identifier":
                return None
            outer = parent
            declaration = up[level + 1]
            if declaration is not None and declaration.named_child_count == 1:
                outer = declaration
                exported = up[level + 2]
                if exported is not None and exported.type == "export_statement":
                    outer = exported
            return self._shape(node, text(name, source), outer, name, body)
        if kind == "assignment_expression":
            left = parent.child_by_field_name("left")
            if left is None:
                return None
            statement = up[level + 1]
            outer = statement if statement is not None and statement.type == "expression_statement" else parent
            if left.type == "identifier":
                return self._shape(node, text(left, source), outer, left, body)
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
                return self._shape(node, text(prop, source), outer, prop, body, qualifier, _METHOD)
            return None
        if kind == "pair":
            key = parent.child_by_field_name("key")
            if key is None:
                return None
            return self._shape(node, _property_name(key, source), parent, key, body, target=_METHOD)
        if kind in ("public_field_definition", "field_definition"):
            key = parent.child_by_field_name("name") or parent.child_by_field_name("property")
            if key is None:
                return None
            return self._shape(node, _property_name(key, source), parent, key, body, target=_METHOD)
        return None

    def container_name(self, node: ts.Node, source: bytes, up: Up | None = None) -> tuple[str, bool] | None:
        if node.type == "variable_declarator":  # an object literal: names its methods only
            name = node.child_by_field_name("name")
            if name is None or name.type != "identifier":
                return None
            return text(name, source), False
        name = node.child_by_field_name("name")
        if name is None and node.type == "class":
            parent = (up if up is not None else Up(node))[0]
            if parent is not None and parent.type == "variable_declarator":
                name = parent.child_by_field_name("name")
        return (text(name, source) if name is not None else "<class>"), True

    def is_counted_case(self, node: ts.Node) -> bool:
        return node.type == "switch_case"

    def scorer(self, tree: ts.Tree, source: bytes) -> Scorer:
        return _JavaScriptScorer(self, tree, source)


class _JavaScriptScorer(BraceScorer):
    """SonarJS leaves default-value idioms out of the cognitive score: `const x = a || {}`,
    `a = a || []` (`||` or `??`, a literal on the right, declared or assigned to its left)."""

    __slots__ = ("_ancestry", "_source")

    def __init__(self, rules: JavaScriptRules, tree: ts.Tree, source: bytes) -> None:
        super().__init__(rules)
        self._source = source
        self._ancestry: Ancestry[None] = Ancestry(tree.root_node, lambda parent, node, field: None)

    def is_default_value(self, node: ts.Node) -> bool:
        children = node.children
        if len(children) != 3 or children[1].type not in ("||", "??") or children[2].type not in _LITERALS:
            return False
        ancestry = self._ancestry
        if not ancestry.seek(node):
            return False
        nodes = ancestry.nodes
        level = len(nodes) - 2
        while level >= 0 and nodes[level].type == "parenthesized_expression":
            level -= 1
        parent = nodes[level] if level >= 0 else None
        if parent is None:
            return False
        if parent.type == "variable_declarator":
            return True
        if parent.type == "assignment_expression":
            left = parent.child_by_field_name("left")
            return left is not None and text(left, self._source) == text(children[0], self._source)
        return False


def _property_name(node: ts.Node, source: bytes) -> str:
    name = text(node, source)
    if node.type == "string" and len(name) >= 2:
        return name[1:-1]
    return name
