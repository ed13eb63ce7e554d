"""Ruby: `def` methods and `def self.m` / `def Obj.m` singleton methods, in classes and
modules (`class << self` adds no name: its methods are the class's); blocks (`{ }`,
`do ... end`) and lambdas nest in their enclosing method.

`unless` counts as `if`, `until` as `while`; the modifier forms (`x if y`, `x while y`) count
as the statements they abbreviate; `elsif` as `else if`. Each `when` of a `case` and each `in`
of a `case ... in` counts for cyclomatic (a `when a, b` once), the `case` once for cognitive;
an `if`/`unless` guard on an `in` pattern adds a path. `rescue` (and the `x rescue y` modifier)
counts as `catch`. `and`/`or` count as `&&`/`||`; `&.` and `||=` do not count. Ruby has no
labelled jumps. A method reaches itself by a bare call or through `self.`, parentheses or not.
"""

from __future__ import annotations

import string

import tree_sitter as ts

from mu_lsp.analysis.ancestry import Ancestry, Up
from mu_lsp.analysis.engine import Callee, CallTarget, FunctionShape, Scorer
from mu_lsp.analysis.rules.common import BraceRules, argument_count, text
from mu_lsp.analysis.rules.php import ElifScorer

_METHOD = CallTarget(bare=True, receivers=frozenset({"self"}))

# No pattern waits for a child of a kind that may come late (`(if alternative: (else))`,
# `(case (else))`): such a match stays open through the whole node, which is quadratic on deep
# nesting. Every `else` is captured, and the scorer asks its parent what it is.
RUBY_QUERY = "\n".join(
    [
        "[(method) (singleton_method) (block) (do_block)] @fn",
        "[(class) (module)] @container",
        "[(if) (unless) (if_modifier) (unless_modifier)] @if",
        "(if consequence: (_) @nest)",
        "(unless consequence: (_) @nest)",
        "(if_modifier body: (_) @nest)",
        "(unless_modifier body: (_) @nest)",
        "(elsif) @elif",
        "(elsif consequence: (_) @nest)",
        "(else) @else",
        "[(while) (until) (for) (while_modifier) (until_modifier)] @loop",
        "(while body: (_) @nest)",
        "(until body: (_) @nest)",
        "(for body: (_) @nest)",
        "(while_modifier body: (_) @nest)",
        "(until_modifier body: (_) @nest)",
        "[(case) (case_match)] @switch",
        "[(when) (in_clause)] @case",
        "(when body: (_) @nest)",
        "(in_clause body: (_) @nest)",
        "[(if_guard) (unless_guard)] @guard",
        "[(rescue) (rescue_modifier)] @catch",
        "(rescue body: (_) @nest)",
        "(rescue_modifier handler: (_) @nest)",
        "(conditional) @ternary",
        "(conditional consequence: (_) @nest)",
        "(conditional alternative: (_) @nest)",
        "(binary) @bool",
    ]
)

# A call without parentheses (`walk child`) follows the name with a space and an argument.
_OPENERS = ("(" + string.ascii_letters + string.digits + "_:@$\"'[-!*&").encode()


class RubyRules(BraceRules):
    function_types = frozenset({"method", "singleton_method", "block", "do_block"})
    query_source = RUBY_QUERY
    if_types = frozenset({"if", "unless"})
    logical_operators = frozenset({"&&", "||", "and", "or"})
    binary_types = frozenset({"binary"})
    parenthesized_types = frozenset({"parenthesized_statements"})
    calls_query_source = "(call) @call"
    call_openers = _OPENERS
    # a block runs in its method's `self`: `children.each { |c| walk(c) }` is recursion
    recursion_barriers = frozenset()

    def describe_function(self, node: ts.Node, source: bytes, up: Up | None = None) -> FunctionShape | None:
        if node.type in ("block", "do_block"):
            return None
        name = node.child_by_field_name("name")
        body = node.child_by_field_name("body")
        if name is None or body is None:
            return None
        qualifier = None
        if node.type == "singleton_method":
            obj = node.child_by_field_name("object")
            if obj is not None and obj.type != "self":
                qualifier = text(obj, source).replace("::", ".")
        parameters = node.child_by_field_name("parameters")
        scope_start = parameters.start_byte if parameters is not None else None
        return self.shape(text(name, source), node, name, body, qualifier, _METHOD, scope_start)

    def callee(self, call: ts.Node, source: bytes) -> Callee | None:
        method = call.child_by_field_name("method")
        if method is None:
            return None
        arguments = argument_count(call.child_by_field_name("arguments"))
        receiver = call.child_by_field_name("receiver")
        if receiver is None:
            return Callee(text(method, source), None, arguments)
        if receiver.type == "self":
            return Callee(text(method, source), "self", arguments)
        return None

    def container_name(self, node: ts.Node, source: bytes, up: Up | None = None) -> tuple[str, bool] | None:
        name = node.child_by_field_name("name")
        return (text(name, source).replace("::", "."), True) if name is not None else None

    def else_if_child(self, node: ts.Node) -> ts.Node | None:
        """Ruby's `else if` is `elsif`, a clause of its own (scored as `elif`)."""
        return None

    def else_region(self, node: ts.Node) -> ts.Node | None:
        """Every kept `else` nests what it holds (an if's, or a case's like its `when`s)."""
        return node

    def scorer(self, tree: ts.Tree, source: bytes) -> Scorer:
        return _RubyScorer(self, tree)


_ELSE_OWNERS = frozenset({"if", "unless", "elsif"})
_KEPT_ELSES = _ELSE_OWNERS | {"case", "case_match"}  # a `begin`'s `else` is neither


class _RubyScorer(ElifScorer):
    """An `else` adds 1 after an `if`/`unless`/`elsif`, nothing after a `case` (whose
    `else` only nests), and is dropped after `begin ... rescue`; its parent comes from an
    ancestry cursor that follows the `else`s in document order (linear in the tree)."""

    __slots__ = ("_ancestry", "_plain")

    def __init__(self, rules: RubyRules, tree: ts.Tree) -> None:
        super().__init__(rules)
        self._ancestry: Ancestry[None] = Ancestry(tree.root_node, lambda parent, node, field: None)
        self._plain: set[int] = set()

    def keep(self, kind: str, node: ts.Node) -> bool:
        if kind != "else":
            return super().keep(kind, node)
        ancestry = self._ancestry
        if ancestry.seek(node) and len(ancestry.nodes) >= 2:
            owner = ancestry.nodes[-2].type
        else:
            parent = node.parent
            owner = parent.type if parent is not None else ""
        if owner in _ELSE_OWNERS:
            self._plain.add(node.id)
        return owner in _KEPT_ELSES

    def __call__(self, kind: str, node: ts.Node, nesting: int, flags: int) -> tuple[int, int]:
        if kind == "else":
            return 0, (1 if node.id in self._plain else 0)
        return super().__call__(kind, node, nesting, flags)
