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
argument does not count. `_reachable` mirrors that so the figures agree.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import tree_sitter as ts

from mu_lsp.analysis.engine import FLAG_ASSERT, FunctionShape, node_end_row
from mu_lsp.analysis.languages import grammar
from mu_lsp.analysis.rules.recursion import mentions_call

_COMPREHENSIONS = (
    "list_comprehension",
    "set_comprehension",
    "generator_expression",
    "dictionary_comprehension",
)

QUERY = "\n".join(
    [
        "(function_definition) @fn",
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
        "(lambda body: (_) @nest)",
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


def _is_field(parent: ts.Node, name: str, child: ts.Node) -> bool:
    target = parent.child_by_field_name(name)
    return target is not None and target.start_byte == child.start_byte


def _reachable(node: ts.Node) -> bool:
    """Whether complexipy's expression walk reaches `node` from its statement."""
    child = node
    parent = node.parent
    while parent is not None:
        kind = parent.type
        if kind in _TRANSPARENT:
            pass
        elif kind in _STATEMENTS or kind == "with_item":
            return True
        elif kind in ("assignment", "augmented_assignment"):
            if not _is_field(parent, "right", child):
                return False
        elif kind in ("if_statement", "elif_clause", "while_statement"):
            return _is_field(parent, "condition", child)
        elif kind == "for_statement":
            return _is_field(parent, "right", child)
        elif kind == "as_pattern":
            if parent.named_children[0].start_byte != child.start_byte:
                return False
        elif kind == "lambda":
            if not _is_field(parent, "body", child):
                return False
        elif kind == "for_in_clause":
            if not _is_field(parent, "right", child):
                return False
        elif kind == "if_clause":
            grand = parent.parent
            if grand is None or grand.type == "case_clause":
                return False
        elif kind == "pair":
            grand = parent.parent
            if grand is None:
                return False
            if grand.type == "dictionary" and not _is_field(parent, "value", child):
                return False
        elif kind == "call":
            if child.type not in ("argument_list", "generator_expression"):
                return False
        else:
            return False
        child = parent
        parent = parent.parent
    return False


def _boolean_score(top: ts.Node) -> int:
    """complexipy's score for one boolean expression.

    1 for the expression, plus 1 for each nested operator that differs from its parent's
    (`a and b or c` is 2) or that sits under a `not` (`a or not (b or c)` is 2).
    Iterative, so a 3000-term chain cannot exhaust the stack.
    """
    total = 0
    stack: list[tuple[ts.Node, str | None, bool]] = [(top, None, False)]
    while stack:
        node, parent_op, via_unary = stack.pop()
        kind = node.type
        if kind == "parenthesized_expression":
            stack.extend((child, parent_op, via_unary) for child in node.named_children)
        elif kind == "boolean_operator":
            operator = node.child_by_field_name("operator")
            op = operator.type if operator is not None else ""
            if parent_op is None or via_unary or op != parent_op:
                total += 1
            stack.extend((child, op, False) for child in node.named_children)
        elif kind in ("not_operator", "unary_operator"):
            argument = node.child_by_field_name("argument")
            if argument is not None:
                stack.append((argument, parent_op, True))
    return total


def _is_first_wildcard_case(case: ts.Node) -> bool:
    """radon does not count one wildcard case per match: the first `case _`/`case name`."""
    if not _is_wildcard_case(case):
        return False
    sibling = case.prev_named_sibling
    while sibling is not None:
        if sibling.type == "case_clause" and _is_wildcard_case(sibling):
            return False
        sibling = sibling.prev_named_sibling
    return True


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
    function_types: frozenset[str] = frozenset({"function_definition"})

    @cached_property
    def query(self) -> ts.Query:
        return ts.Query(grammar("python"), QUERY)

    @cached_property
    def _calls(self) -> ts.Query:
        return ts.Query(grammar("python"), "(call function: (identifier) @callee)")

    def describe_function(self, node: ts.Node, source: bytes) -> FunctionShape | None:
        name = node.child_by_field_name("name")
        body = node.child_by_field_name("body")
        if name is None or body is None:
            return None
        outer = node.parent if node.parent is not None and node.parent.type == "decorated_definition" else node
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

    def anonymous_body(self, node: ts.Node) -> ts.Node | None:
        return None

    def container_name(self, node: ts.Node, source: bytes) -> tuple[str, bool] | None:
        name = node.child_by_field_name("name")
        if name is None:
            return None
        return source[name.start_byte : name.end_byte].decode("utf-8", "replace"), True

    def score(self, kind: str, node: ts.Node, nesting: int, flags: int) -> tuple[int, int]:
        cyclomatic = 0 if flags & FLAG_ASSERT else 1
        if kind in ("if", "loop", "except"):
            return cyclomatic, 1 + nesting
        if kind in ("elif",):
            return cyclomatic, 1
        if kind == "if_else":
            return 0, 1
        if kind in ("loop_else", "try_else"):
            return cyclomatic, 0
        if kind == "match":
            return 0, 1 + nesting
        if kind == "case":
            return (0 if _is_first_wildcard_case(node) else cyclomatic), 0
        if kind == "assert":
            return 1, 0
        if kind == "ternary":
            return cyclomatic, (1 + nesting if _reachable(node) else 0)
        if kind == "bool":
            return cyclomatic, self._boolean_cognitive(node)
        if kind == "comp_for":
            parent = node.parent
            return cyclomatic, (1 + nesting if parent is not None and _reachable(parent) else 0)
        if kind == "comp_if":
            parent = node.parent
            return cyclomatic, (1 if parent is not None and _reachable(parent) else 0)
        return 0, 0

    def _boolean_cognitive(self, node: ts.Node) -> int:
        top = node
        parent = node.parent
        while parent is not None and parent.type in _BOOL_WRAPPERS:
            top = parent
            parent = parent.parent
        if parent is not None and parent.type == "boolean_operator":
            return 0  # part of a larger boolean expression, counted at its root
        if not _reachable(top):
            return 0
        return _boolean_score(top)

    def recursion_row(self, shape: FunctionShape, source: bytes) -> int | None:
        body = shape.body
        if not mentions_call(source, shape.name, body.start_byte, body.end_byte, allow_attribute=False):
            return None
        cursor = ts.QueryCursor(self._calls)
        cursor.set_byte_range(body.start_byte, body.end_byte)
        for callee in cursor.captures(body).get("callee", []):
            if source[callee.start_byte : callee.end_byte].decode("utf-8", "replace") != shape.name:
                continue
            if _directly_inside(callee, body):
                return callee.start_point.row
        return None


def _directly_inside(node: ts.Node, body: ts.Node) -> bool:
    """True when no function, class or lambda lies between `node` and `body`."""
    parent = node.parent
    while parent is not None and parent.start_byte >= body.start_byte:
        if parent.start_byte == body.start_byte and parent.end_byte == body.end_byte:
            return True
        if parent.type in ("function_definition", "class_definition", "lambda"):
            return False
        parent = parent.parent
    return False
