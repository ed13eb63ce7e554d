"""Swift: `func` declarations, `init`, `deinit`, `subscript` and computed properties (named by
the property, getter and setter together), in classes, structs, enums,
actors, protocols and extensions (an extension's methods are qualified by the extended type:
`extension String { func pad() }` is `String.pad`); closures nest.

`guard` counts as an `if` (its `else` must leave, so it adds no `else`); `if let` / `guard let`
count as the `if` they are, a binding or a comma-separated condition adds nothing. Each
non-default `case` of a `switch` counts for cyclomatic and the `switch` once for cognitive;
a `where` on a `case`, a `for` or a `catch` adds a path. `??` counts like `||`; optional chaining
(`a?.b`), `try?` and `!` do not count. `do` counts nothing, each `catch` counts. Labelled
`break`/`continue` add 1. A call reaches the function bare or through `self.`.
"""

from __future__ import annotations

import tree_sitter as ts

from mu_lsp.analysis.ancestry import Up
from mu_lsp.analysis.engine import Callee, CallTarget, FunctionShape, Scorer
from mu_lsp.analysis.rules.common import BraceRules, BraceScorer, argument_count, text

_TARGET = CallTarget(bare=True, receivers=frozenset({"self", "Self"}))

# Each pattern either anchors on a field or is a sibling sequence: a pattern that waits for
# a child of any kind keeps a match state open through the whole node, which is quadratic on
# deep nesting (measured: 3,000 nested `for` loops took 30x their parse).
SWIFT_QUERY = "\n".join(
    [
        "[(function_declaration) (init_declaration) (deinit_declaration) (subscript_declaration)"
        " (lambda_literal) (computed_property)] @fn",
        "[(class_declaration) (protocol_declaration)] @container",
        "[(if_statement) (guard_statement)] @if",
        '(if_statement condition: (_) . "{" . (statements) @nest)',
        '((else) @else . "{")',
        '((else) . "{" . (statements) @nest)',
        "[(for_statement) (while_statement) (repeat_while_statement)] @loop",
        '(for_statement collection: (_) . "{" . (statements) @nest)',
        '((where_clause) . "{" . (statements) @nest)',
        '(while_statement condition: (_) . "{" . (statements) @nest)',
        '(repeat_while_statement . "repeat" . "{" . (statements) @nest)',
        "(switch_statement) @switch",
        "(switch_entry) @case",
        '(switch_entry ":" . (statements) @nest)',
        "(where_keyword) @guard",
        "(catch_block) @catch @nest",
        "(ternary_expression) @ternary",
        "(ternary_expression if_true: (_) @nest)",
        "(ternary_expression if_false: (_) @nest)",
        "[(conjunction_expression) (disjunction_expression) (nil_coalescing_expression)] @bool",
        '(control_transfer_statement ["break" "continue"] (simple_identifier)) @jump',
    ]
)

_NAMES = {"init_declaration": "init", "deinit_declaration": "deinit", "subscript_declaration": "subscript"}


class SwiftRules(BraceRules):
    function_types = frozenset(
        {
            "function_declaration",
            "init_declaration",
            "deinit_declaration",
            "subscript_declaration",
            "lambda_literal",
            "computed_property",
        }
    )
    named_by_context = frozenset({"computed_property"})
    query_source = SWIFT_QUERY
    logical_operators = frozenset({"&&", "||", "??"})
    binary_types = frozenset({"conjunction_expression", "disjunction_expression", "nil_coalescing_expression"})
    parenthesized_types = frozenset({"tuple_expression"})
    # a closure sees its function's `self`: `children.forEach { walk($0) }` is recursion
    recursion_barriers = frozenset()

    def describe_function(self, node: ts.Node, source: bytes, up: Up | None = None) -> FunctionShape | None:
        kind = node.type
        if kind == "lambda_literal":
            return None
        if kind == "computed_property":
            return self._computed(node, source, up if up is not None else Up(node))
        body = node.child_by_field_name("body")
        if body is None and kind == "subscript_declaration":
            body = next((c for c in node.named_children if c.type == "computed_property"), None)
        if body is None:
            return None
        if kind == "function_declaration":
            name = node.child_by_field_name("name")
            if name is None:
                return None
            return self.shape(text(name, source), node, name, body, target=_TARGET)
        keyword = node.child_by_field_name("name") or next(
            (c for c in node.children if c.type in ("init", "deinit", "subscript")), node
        )
        return self.shape(_NAMES[kind], node, keyword, body, target=_TARGET)

    def _computed(self, node: ts.Node, source: bytes, up: Up) -> FunctionShape | None:
        """A computed property (`var area: Double { ... }`, getter and setter together) is a
        function named by the property; a subscript's body is the subscript's."""
        declaration = up[0] or node.parent  # the cursor may not know it; a property is shallow
        if declaration is None or declaration.type != "property_declaration":
            return None
        pattern = declaration.child_by_field_name("name")
        name = pattern.child_by_field_name("bound_identifier") if pattern is not None else None
        if name is None:
            return None
        return self.shape(text(name, source), declaration, name, node, target=_TARGET)

    def anonymous_body(self, node: ts.Node) -> tuple[ts.Node, bool] | None:
        return (node, False) if node.type == "lambda_literal" else None

    def callee(self, call: ts.Node, source: bytes) -> Callee | None:
        if not call.named_child_count:
            return None
        function = call.named_children[0]
        suffix = call.named_children[-1]
        arguments = 0
        for part in suffix.named_children if suffix.type == "call_suffix" else ():
            arguments += argument_count(part) if part.type == "value_arguments" else 1
        if function.type == "simple_identifier":
            return Callee(text(function, source), None, arguments)
        if function.type == "navigation_expression":
            target = function.child_by_field_name("target")
            member = function.child_by_field_name("suffix")
            if target is None or member is None or target.type != "self_expression":
                return None
            name = member.child_by_field_name("suffix")
            return Callee(text(name, source), "self", arguments) if name is not None else None
        return None

    def container_name(self, node: ts.Node, source: bytes, up: Up | None = None) -> tuple[str, bool] | None:
        name = node.child_by_field_name("name")
        if name is None:
            return None
        if name.type == "user_type":  # an extension: the extended type, without its arguments
            first = next((c for c in name.named_children if c.type == "type_identifier"), None)
            return text(first or name, source), True
        return text(name, source), True

    def else_if_child(self, node: ts.Node) -> ts.Node | None:
        return next((c for c in node.named_children if c.type == "if_statement"), None)

    def else_region(self, node: ts.Node) -> ts.Node | None:
        """The else body is nested through its `statements` (captured as a region)."""
        return None

    def is_plain_else(self, node: ts.Node) -> bool:
        return True  # only an `else` followed by `{` is captured; a guard's is dropped by the scorer

    def scorer(self, tree: ts.Tree, source: bytes) -> Scorer:
        return _SwiftScorer(self)

    def is_counted_case(self, node: ts.Node) -> bool:
        return not any(child.type == "default_keyword" for child in node.children)


class _SwiftScorer(BraceScorer):
    """A guard's `else` adds nothing (the guard marks it when it is scored, just before); a
    `catch` is its own nesting region (its body has no field to anchor on), so it scores
    one level less than the region says."""

    __slots__ = ("_guard_elses",)

    def __init__(self, rules: SwiftRules) -> None:
        super().__init__(rules)
        self._guard_elses: set[int] = set()

    def __call__(self, kind: str, node: ts.Node, nesting: int, flags: int) -> tuple[int, int]:
        if kind == "if" and node.type == "guard_statement":
            self._guard_elses.update(c.id for c in node.children if c.type == "else")
            return 1, 1 + nesting
        if kind == "else" and node.id in self._guard_elses:
            return 0, 0
        if kind == "catch":
            return 1, nesting
        return super().__call__(kind, node, nesting, flags)
