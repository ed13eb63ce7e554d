"""Counting shared by the brace languages (JavaScript/TypeScript, Go, Rust, Java).

Cyclomatic (McCabe): 1 + each `if`/`else if`, loop with a condition, non-default `case` or
match arm, `catch`, ternary, and each `&&`, `||` (and `??`). Cognitive (SonarSource
specification): `if`, ternary, `switch`/`match`/`select`, loops and `catch` add 1 + nesting;
`else if` and `else` add 1; each sequence of like boolean operators adds 1, where a sequence
is read as SonarSource's analyzers do (parentheses do not start a new one); labelled
`break`/`continue` and `goto` add 1; direct recursion adds 1. Bodies of those structures and
of anonymous functions (closures, lambdas, callbacks) are one nesting level deeper.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from functools import cached_property

import tree_sitter as ts

from mu_lsp.analysis.ancestry import Up
from mu_lsp.analysis.engine import ANY_CALL, Callee, CallTarget, FunctionShape, Scorer, node_end_row
from mu_lsp.analysis.languages import grammar


def text(node: ts.Node | None, source: bytes) -> str:
    if node is None:
        return ""
    return source[node.start_byte : node.end_byte].decode("utf-8", "replace")


def operator_of(node: ts.Node) -> str:
    """A binary expression's operator; usually its second child (a comment can shift it)."""
    second = node.child(1)
    if second is not None and not second.is_named:
        return second.type
    operator = node.child_by_field_name("operator")
    return operator.type if operator is not None else ""


def argument_count(arguments: ts.Node | None) -> int:
    """Arguments of a call (comments are named children too, and are not arguments)."""
    if arguments is None:
        return 0
    return sum(1 for child in arguments.named_children if "comment" not in child.type)


class BraceRules(ABC):
    """Sonar-style scoring; subclasses say where functions, names and bodies are."""

    language: str
    query_source: str
    function_types: frozenset[str] = frozenset()
    #: node types that introduce a new `if` (to tell `else if` from `else { if }`)
    if_types: frozenset[str] = frozenset({"if_statement"})
    logical_operators: frozenset[str] = frozenset({"&&", "||"})
    #: node types of binary operations and of parentheses (sequences run through both)
    binary_types: frozenset[str] = frozenset({"binary_expression"})
    parenthesized_types: frozenset[str] = frozenset({"parenthesized_expression"})
    #: the node a call is (captured as @call inside functions that may recurse)
    calls_query_source: str = "(call_expression) @call"
    #: anonymous functions whose calls are not their enclosing function's (for recursion)
    recursion_barriers: frozenset[str] = frozenset()
    named_by_context: frozenset[str] = frozenset()
    call_openers = b"(<:"
    attribute_calls = True

    def __init__(self, language: str) -> None:
        self.language = language

    @cached_property
    def query(self) -> ts.Query:
        return ts.Query(grammar(self.language), self.query_source)

    @cached_property
    def calls_query(self) -> ts.Query:
        return ts.Query(grammar(self.language), self.calls_query_source)

    @abstractmethod
    def describe_function(self, node: ts.Node, source: bytes, up: Up | None = None) -> FunctionShape | None: ...

    @abstractmethod
    def callee(self, call: ts.Node, source: bytes) -> Callee | None: ...

    def anonymous_body(self, node: ts.Node) -> tuple[ts.Node, bool] | None:
        body = node.child_by_field_name("body")
        return (body, node.type in self.recursion_barriers) if body is not None else None

    def container_name(self, node: ts.Node, source: bytes, up: Up | None = None) -> tuple[str, bool] | None:
        name = node.child_by_field_name("name")
        return (text(name, source), True) if name is not None else None

    # -- scoring -----------------------------------------------------------------------------

    def else_if_child(self, node: ts.Node) -> ts.Node | None:
        """The `if` of an `else if` below `node` (grammars nest `else if` as else + if)."""
        alternative = node.child_by_field_name("alternative")
        if alternative is None:
            return None
        if alternative.type in self.if_types:
            return alternative
        if alternative.type == "else_clause":
            return next((c for c in alternative.named_children if c.type in self.if_types), None)
        return None

    def else_region(self, node: ts.Node) -> ts.Node | None:
        """What an else branch nests: its body, braces or not (`else for (...)`); nothing for
        an `else if`, whose `if` is scored flat and nests its own body. (A query alternation
        over statement types did this at a quadratic cost on else-if chains.)"""
        if node.type in self.if_types:
            return None
        if node.type == "else_clause":
            body = next((c for c in node.named_children if "comment" not in c.type), None)
            return body if body is not None and body.type not in self.if_types else None
        return node

    def is_plain_else(self, node: ts.Node) -> bool:
        """An else branch that is not an `else if`."""
        if node.type in self.if_types:
            return False
        if node.type == "else_clause":
            return not any(child.type in self.if_types for child in node.named_children)
        return True

    def is_counted_case(self, node: ts.Node) -> bool:
        return True

    def scorer(self, tree: ts.Tree, source: bytes) -> Scorer:
        return BraceScorer(self)

    def logical_operand(self, node: ts.Node | None) -> ts.Node | None:
        """`node` without its parentheses, when it is a logical expression."""
        while node is not None and node.type in self.parenthesized_types:
            node = next((c for c in node.named_children if "comment" not in c.type), None)
        if node is not None and node.type in self.binary_types and operator_of(node) in self.logical_operators:
            return node
        return None

    # -- helpers for subclasses ----------------------------------------------------------------

    @staticmethod
    def shape(
        name: str,
        outer: ts.Node,
        name_node: ts.Node,
        body: ts.Node,
        qualifier: str | None = None,
        target: CallTarget = ANY_CALL,
        scope_start: int | None = None,
    ) -> FunctionShape:
        return FunctionShape(
            name=name,
            start_byte=outer.start_byte,
            end_byte=outer.end_byte,
            start_row=outer.start_point.row,
            end_row=node_end_row(outer),
            name_row=name_node.start_point.row,
            signature_end_row=max(body.start_point.row, name_node.start_point.row),
            body=body,
            qualifier=qualifier,
            scope_start=scope_start,
            target=target,
        )


class BraceScorer:
    """Scores one tree. Outer nodes come first, so each `if` marks its `else if` and each
    logical expression at the top of a sequence scores the whole sequence before its parts
    are seen; nothing asks a node for its parent (O(depth) in tree-sitter)."""

    __slots__ = ("_else_ifs", "_in_sequence", "_rules", "_sequences")

    def __init__(self, rules: BraceRules) -> None:
        self._rules = rules
        self._else_ifs: set[int] = set()
        self._in_sequence: set[int] = set()
        self._sequences: dict[int, tuple[int, int]] = {}

    def keep(self, kind: str, node: ts.Node) -> bool:
        """A logical expression is scored whole at its top; its parts and arithmetic are dropped."""
        if kind != "bool":
            return True
        if node.id in self._in_sequence or operator_of(node) not in self._rules.logical_operators:
            return False
        if self.is_default_value(node):
            self._sequences[node.id] = (1, 0)  # its parts are sequences of their own
        else:
            self._sequences[node.id] = self._sequence(node)
        return True

    def is_default_value(self, node: ts.Node) -> bool:
        """A logical expression SonarSource leaves out of the cognitive score."""
        return False

    def __call__(self, kind: str, node: ts.Node, nesting: int, flags: int) -> tuple[int, int]:
        rules = self._rules
        if kind == "if":
            inner = rules.else_if_child(node)
            if inner is not None:
                self._else_ifs.add(inner.id)
            return 1, (1 if node.id in self._else_ifs else 1 + nesting)
        if kind == "else":
            return 0, (1 if rules.is_plain_else(node) else 0)
        if kind in ("loop", "catch", "ternary"):
            return 1, 1 + nesting
        if kind in ("switch", "loop_unconditional"):
            return 0, 1 + nesting
        if kind == "case":
            return (1 if rules.is_counted_case(node) else 0), 0
        if kind == "bool":  # the top of a sequence (see `keep`)
            return self._sequences.get(node.id, (1, 1))
        if kind == "guard":
            return 1, 0
        if kind == "macro":
            return macro_operators(node)
        if kind == "jump":
            return 0, 1
        return 0, 0

    def _sequence(self, top: ts.Node) -> tuple[int, int]:
        """(operators, sequences) of a logical expression. SonarSource's rule: flatten it
        (through parentheses) into its operators in reading order; the first operator and
        each change of operator start a sequence. Each node's children are fetched once (a
        7,000-term chain is 7,000 nodes deep)."""
        rules = self._rules
        logical = rules.logical_operators
        kinds = (rules.binary_types, rules.parenthesized_types)
        members = self._in_sequence
        operators: list[str] = []
        first = _logical_parts(top, logical)
        if first is None:
            return 1, 1
        stack: list[tuple[ts.Node, list[ts.Node], str, bool]] = [(top, first[0], first[1], False)]
        while stack:
            node, children, operator, visited = stack.pop()
            if visited:
                operators.append(operator)
                continue
            members.add(node.id)
            if len(children) == 3:
                left: ts.Node | None = children[0]
                right: ts.Node | None = children[2]
            else:  # a comment among the children
                left, right = node.child_by_field_name("left"), node.child_by_field_name("right")
            inner = _logical_operand(right, logical, kinds)
            if inner is not None:
                stack.append((inner[0], inner[1], inner[2], False))
            stack.append((node, children, operator, True))
            inner = _logical_operand(left, logical, kinds)
            if inner is not None:
                stack.append((inner[0], inner[1], inner[2], False))
        changes = sum(1 for i, op in enumerate(operators) if i == 0 or op != operators[i - 1])
        return len(operators), changes


def _logical_parts(node: ts.Node, logical: frozenset[str]) -> tuple[list[ts.Node], str] | None:
    """(children, operator) of a logical binary expression, else None."""
    children = node.children
    operator = children[1].type if len(children) == 3 and not children[1].is_named else operator_of(node)
    return (children, operator) if operator in logical else None


_Kinds = tuple[frozenset[str], frozenset[str]]  # (binary, parenthesized) node types


def _logical_operand(
    node: ts.Node | None, logical: frozenset[str], kinds: _Kinds
) -> tuple[ts.Node, list[ts.Node], str] | None:
    """An operand that continues the sequence: a logical expression, through parentheses."""
    if node is None:
        return None
    binary, parenthesized = kinds
    kind = node.type
    while kind in parenthesized:
        inner = next((c for c in node.named_children if "comment" not in c.type), None)
        if inner is None:
            return None
        node, kind = inner, inner.type
    if kind not in binary:
        return None
    parts = _logical_parts(node, logical)
    return (node, parts[0], parts[1]) if parts is not None else None


_SEPARATORS = frozenset({",", ";", "=>"})
_CALLERS = frozenset({"identifier", "!", ">", ")", "]", "self", "field_identifier", "scoped_identifier"})


def macro_operators(token_tree: ts.Node) -> tuple[int, int]:
    """(`&&`/`||` tokens, boolean sequences) in a macro invocation's token tree.

    The tokens have no syntax tree, so a sequence is a run of operators read in order, split
    at `,` `;` `=>`; a parenthesized group continues the run around it unless it follows
    something callable (`f(a && b)` is a sequence of its own); brackets and braces start
    their own. Iterative: token trees nest as deep as the code in them.
    """
    operators = 0
    sequences = 0
    # one frame per open group: [children, next index, last operator of the run, hands back]
    stack: list[_Frame] = [_Frame(token_tree.children, "", False)]
    while stack:
        frame = stack[-1]
        if frame.index >= len(frame.children):
            stack.pop()
            if frame.hands_back and stack:
                stack[-1].last = frame.last
            continue
        child = frame.children[frame.index]
        previous = frame.children[frame.index - 1] if frame.index else None
        frame.index += 1
        kind = child.type
        if kind == "token_tree":
            inner = child.children
            grouped = bool(inner) and inner[0].type == "(" and (previous is None or previous.type not in _CALLERS)
            stack.append(_Frame(inner, frame.last if grouped else "", grouped))
        elif kind in ("&&", "||"):
            operators += 1
            if frame.last != kind:
                sequences += 1
            frame.last = kind
        elif kind in _SEPARATORS:
            frame.last = ""
    return operators, sequences


class _Frame:
    __slots__ = ("children", "hands_back", "index", "last")

    def __init__(self, children: list[ts.Node], last: str, hands_back: bool) -> None:
        self.children = children
        self.index = 0
        self.last = last
        self.hands_back = hands_back
