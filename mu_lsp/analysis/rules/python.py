"""Python: radon's cyclomatic counting and complexipy's cognitive counting, on tree-sitter.

Cyclomatic follows radon's `ComplexityVisitor`: +1 for if/elif, ternary, each loop and its
`else`, each `except` and a `try`'s `else`, each boolean operator (`a and b or c` is +2),
each comprehension `for` and `if`, `assert` (whose sub-expressions radon does not visit),
and each `match` case except a wildcard (`case _` / `case name`). Lambdas belong to their
enclosing function; decorators, defaults and annotations count for nothing.

Cognitive follows complexipy, which applies the SonarSource specification to Python's AST:
structures add 1 + nesting; elif/else add 1; a boolean expression adds 1 plus one per change
of operator; ternaries and comprehension `for`s add 1 + nesting; comprehension `if`s add 1;
direct recursion adds 1. complexipy only looks for expressions in certain places (assignment
values, returns, raises, asserts, conditions, `with` items, expression statements) and only
descends through certain expression kinds (calls' positional arguments, containers,
comparisons, ternaries, lambdas, comprehensions, `not`), so an `a or b` in a keyword
argument does not count. `_derive` mirrors that so the figures agree.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import tree_sitter as ts

from mu_lsp.analysis.ancestry import Ancestry, Up
from mu_lsp.analysis.engine import FLAG_ASSERT, Callee, FunctionShape, Scorer, node_end_row
from mu_lsp.analysis.languages import grammar

_COMPREHENSIONS = (
    "list_comprehension",
    "set_comprehension",
    "generator_expression",
    "dictionary_comprehension",
)

QUERY = "\n".join(
    [
        "[(function_definition) (lambda)] @fn",
        "(decorated_definition) @wrapper",
        "(class_definition) @container",
        "(if_statement) @if",
        "(elif_clause) @elif",
        "(if_statement alternative: (else_clause) @if_else)",
        "[(for_statement) (while_statement)] @loop",
        "(for_statement alternative: (else_clause) @loop_else)",
        "(while_statement alternative: (else_clause) @loop_else)",
        "(try_statement (else_clause) @try_else)",
        "(except_clause) @except",
        "(match_statement) @match",
        "(case_clause) @case",
        "(conditional_expression) @ternary",
        "(boolean_operator) @bool",
        "(for_in_clause) @comp_for",
        *(f"({c} (if_clause) @comp_if @nest)" for c in _COMPREHENSIONS),
        "(assert_statement) @assert",
        # Nesting regions (cognitive): bodies of structures, ternary branches, lambda and
        # comprehension bodies.
        "(if_statement consequence: (block) @nest)",
        "(elif_clause consequence: (block) @nest)",
        "(if_statement alternative: (else_clause body: (block) @nest))",
        "(for_statement body: (block) @nest)",
        "(while_statement body: (block) @nest)",
        "(except_clause (block) @nest)",
        "(case_clause consequence: (block) @nest)",
        "(conditional_expression . (_) @nest)",
        "(conditional_expression (_) @nest .)",
        *(f"({c} body: (_) @nest)" for c in _COMPREHENSIONS),
    ]
)

# Parents through which complexipy keeps looking for boolean operators and ternaries.
_TRANSPARENT = frozenset(
    {
        "parenthesized_expression",
        "comparison_operator",
        "conditional_expression",
        "tuple",
        "list",
        "set",
        "expression_list",
        "argument_list",
        "dictionary",
        *_COMPREHENSIONS,
    }
)
_STATEMENTS = frozenset({"expression_statement", "return_statement", "raise_statement", "assert_statement"})
_BOOL_WRAPPERS = frozenset({"parenthesized_expression", "not_operator", "unary_operator"})


# (node type, whether complexipy's expression walk reaches the node, parent's type)
_State = tuple[str, bool, "str | None"]


def _derive(parent: _State | None, node: ts.Node, field: str | None) -> _State:
    """Whether complexipy's walk reaches `node`, from its parent's answer (top-down, once per
    node on a path: the bottom-up walk it replaces was cubic on deep ternary chains)."""
    kind = node.type
    if parent is None:
        return kind, False, None
    above, reached, grand = parent
    if above in _TRANSPARENT:
        reach = reached
    elif above in _STATEMENTS or above == "with_item":
        reach = True
    elif above in ("assignment", "augmented_assignment"):
        reach = reached and field == "right"
    elif above in ("if_statement", "elif_clause", "while_statement"):
        reach = field == "condition"
    elif above == "for_statement":
        reach = field == "right"
    elif above == "as_pattern":
        reach = reached and field != "alias"
    elif above == "lambda":
        reach = reached and field == "body"
    elif above == "for_in_clause":
        reach = reached and field == "right"
    elif above == "if_clause":
        reach = reached and grand != "case_clause"
    elif above == "pair":
        reach = reached and (grand != "dictionary" or field == "value")
    elif above == "call":
        reach = reached and kind in ("argument_list", "generator_expression")
    elif above == "dictionary_splat":  # `{**(a or b)}`: a dict entry; `f(**x)` is a keyword
        reach = reached and grand == "dictionary"
    else:
        reach = False
    return kind, reach, above


def _boolean_score(top: ts.Node, members: set[int]) -> tuple[int, int]:
    """(operators, complexipy's cognitive score) of one boolean expression; marks its parts.

    1 for the expression, plus 1 for each nested operator that differs from its parent's
    (`a and b or c` is 2) or that sits under a `not` (`a or not (b or c)` is 2).
    Iterative, so a 7,000-term chain cannot exhaust the stack.
    """
    total = operators = 0
    stack: list[tuple[ts.Node, str | None, bool]] = [(top, None, False)]
    while stack:
        node, parent_op, via_unary = stack.pop()
        kind = node.type
        if kind == "parenthesized_expression":
            stack.extend((child, parent_op, via_unary) for child in node.named_children)
        elif kind == "boolean_operator":
            members.add(node.id)
            operators += 1
            children = node.children
            if len(children) == 3 and not children[1].is_named:
                op = children[1].type
                named = [children[0], children[2]]
            else:  # a comment among them
                operator = node.child_by_field_name("operator")
                op = operator.type if operator is not None else ""
                named = node.named_children
            if parent_op is None or via_unary or op != parent_op:
                total += 1
            stack.extend((child, op, False) for child in named)
        elif kind in ("not_operator", "unary_operator"):
            argument = node.child_by_field_name("argument")
            if argument is not None:
                stack.append((argument, parent_op, True))
    return operators, total


def _first_wildcard_case(match: ts.Node) -> ts.Node | None:
    """radon does not count one wildcard case per match: the first `case _`/`case name`."""
    body = match.child_by_field_name("body")
    for case in body.named_children if body is not None else ():
        if case.type == "case_clause" and _is_wildcard_case(case):
            return case
    return None


def _is_wildcard_case(case: ts.Node) -> bool:
    for child in case.named_children:
        if child.type == "case_pattern":
            parts = child.children
            if len(parts) != 1:
                return False
            only = parts[0]
            return only.type == "_" or (only.type == "dotted_name" and only.named_child_count == 1)
    return False


@dataclass
class PythonRules:
    """Counting rules for Python (see the module docstring)."""

    language: str = "python"
    function_types: frozenset[str] = frozenset({"function_definition", "lambda"})
    named_by_context: frozenset[str] = frozenset()  # decorators come as @wrapper captures
    call_openers: bytes = b"("
    attribute_calls: bool = False

    @cached_property
    def query(self) -> ts.Query:
        return ts.Query(grammar("python"), QUERY)

    @cached_property
    def calls_query(self) -> ts.Query:
        return ts.Query(grammar("python"), "(call) @call")

    def describe_function(self, node: ts.Node, source: bytes, up: Up | None = None) -> FunctionShape | None:
        if node.type != "function_definition":
            return None
        name = node.child_by_field_name("name")
        body = node.child_by_field_name("body")
        if name is None or body is None:
            return None
        parent = (up if up is not None else Up(node))[0]
        outer = parent if parent is not None and parent.type == "decorated_definition" else node
        colon = body.prev_sibling
        signature_end = colon.end_point.row if colon is not None else body.start_point.row
        return FunctionShape(
            name=source[name.start_byte : name.end_byte].decode("utf-8", "replace"),
            start_byte=outer.start_byte,
            end_byte=outer.end_byte,
            start_row=outer.start_point.row,
            end_row=node_end_row(outer),
            name_row=name.start_point.row,
            signature_end_row=max(signature_end, name.start_point.row),
            body=body,
        )

    def anonymous_body(self, node: ts.Node) -> tuple[ts.Node, bool] | None:
        """A lambda nests its body, and a call inside it is not its enclosing function's."""
        body = node.child_by_field_name("body") if node.type == "lambda" else None
        return (body, True) if body is not None else None

    def container_name(self, node: ts.Node, source: bytes, up: Up | None = None) -> tuple[str, bool] | None:
        name = node.child_by_field_name("name")
        if name is None:
            return None
        return source[name.start_byte : name.end_byte].decode("utf-8", "replace"), True

    def else_region(self, node: ts.Node) -> ts.Node | None:
        """Python's else bodies are captured as nesting regions by the query."""
        return None

    def scorer(self, tree: ts.Tree, source: bytes) -> Scorer:
        return _PythonScorer(tree)

    def callee(self, call: ts.Node, source: bytes) -> Callee | None:
        """complexipy counts a call by bare name only."""
        function = call.child_by_field_name("function")
        if function is None or function.type != "identifier":
            return None
        return Callee(source[function.start_byte : function.end_byte].decode("utf-8", "replace"), None, 0)


class _PythonScorer:
    """Scores one tree; ternaries, boolean expressions and comprehensions ask the ancestry
    cursor whether complexipy reaches them (they arrive in document order)."""

    __slots__ = ("_ancestry", "_booleans", "_free_cases", "_in_boolean")

    def __init__(self, tree: ts.Tree) -> None:
        self._ancestry: Ancestry[_State] = Ancestry(tree.root_node, _derive)
        self._free_cases: set[int] = set()
        self._in_boolean: set[int] = set()
        self._booleans: dict[int, tuple[int, int]] = {}

    def keep(self, kind: str, node: ts.Node) -> bool:
        """A boolean expression is scored whole at its top; its parts are dropped."""
        if kind != "bool":
            return True
        if node.id in self._in_boolean:
            return False
        self._booleans[node.id] = _boolean_score(node, self._in_boolean)
        return True

    def __call__(self, kind: str, node: ts.Node, nesting: int, flags: int) -> tuple[int, int]:
        cyclomatic = 0 if flags & FLAG_ASSERT else 1
        if kind in ("if", "loop", "except"):
            return cyclomatic, 1 + nesting
        if kind == "elif":
            return cyclomatic, 1
        if kind == "if_else":
            return 0, 1
        if kind in ("loop_else", "try_else"):
            return cyclomatic, 0
        if kind == "match":
            free = _first_wildcard_case(node)
            if free is not None:
                self._free_cases.add(free.id)
            return 0, 1 + nesting
        if kind == "case":
            return (0 if node.id in self._free_cases else cyclomatic), 0
        if kind == "assert":
            return 1, 0
        if kind == "ternary":
            return cyclomatic, (1 + nesting if self._reached(node, 1) else 0)
        if kind == "bool":
            operators, score = self._booleans.get(node.id, (1, 1))
            return cyclomatic * operators, (score if self._reached_boolean(node) else 0)
        if kind == "comp_for":
            return cyclomatic, (1 + nesting if self._reached(node, 2) else 0)
        if kind == "comp_if":
            return cyclomatic, (1 if self._reached(node, 2) else 0)
        return 0, 0

    def _reached(self, node: ts.Node, level: int) -> bool:
        """Whether complexipy reaches `node` (level 1) or its parent (level 2)."""
        ancestry = self._ancestry
        return ancestry.seek(node) and len(ancestry.states) >= level and ancestry.states[-level][1]

    def _reached_boolean(self, node: ts.Node) -> bool:
        """Whether complexipy reaches the top of this boolean expression: the outermost of the
        parentheses, `not`s and signs around it (it is never inside another boolean: then it
        would be part of that one, see `keep`)."""
        ancestry = self._ancestry
        if not ancestry.seek(node):
            return False
        states = ancestry.states
        top = len(states) - 1
        while top > 0 and states[top - 1][0] in _BOOL_WRAPPERS:
            top -= 1
        return states[top][1]
