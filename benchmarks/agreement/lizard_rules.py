"""Our cyclomatic figure under lizard's definitions for PHP, Ruby, Kotlin and Swift (issue 18).

lizard counts tokens: per language a set of keywords (`if`, `for`, `while`, `catch`, ...),
`&&`/`||` and `?`. Where that differs from the rule mu-lsp follows (README, "How complexity is
counted"), the difference is known, and a disagreement that it explains is lizard's
definition, not a defect. Each adjustment below is one such difference, named so the report
can say which one explains a function.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import tree_sitter as ts

from mu_lsp.analysis import parse

Adjust = Callable[[ts.Node, bytes], dict[str, int]]


def _leaves(node: ts.Node) -> list[ts.Node]:
    out: list[ts.Node] = []
    stack = [node]
    while stack:
        current = stack.pop()
        out.append(current)
        stack.extend(current.children)
    return out


def _ruby(node: ts.Node, source: bytes) -> dict[str, int]:
    found: dict[str, int] = {}

    def add(key: str, value: int) -> None:
        found[key] = found.get(key, 0) + value

    for n in _leaves(node):
        kind = n.type if n.is_named else ""  # `unless` is a statement and its keyword
        if kind in ("unless", "unless_modifier", "unless_guard"):
            add("lizard does not count unless", -1)
        elif kind == "ensure":
            add("lizard counts ensure", +1)
        elif kind == "in_clause":
            add("lizard does not count case/in", -1)
        elif n.type in ("||=", "&&="):
            add("lizard counts ||= and &&=", +1)
    return found


def _php(node: ts.Node, source: bytes) -> dict[str, int]:
    found: dict[str, int] = {}

    def add(key: str, value: int) -> None:
        found[key] = found.get(key, 0) + value

    for n in _leaves(node):
        kind = n.type
        if kind == "match_expression":
            add("lizard counts match once, not per arm", +1)
        elif kind == "match_conditional_expression":
            add("lizard counts match once, not per arm", -1)
        elif kind in ("and", "or", "??"):
            add(f"lizard does not count {kind}", -1)
        elif kind == "conditional_expression" and n.child_by_field_name("body") is None:
            add("lizard does not count ?:", -1)
        elif kind == "optional_type":
            add("lizard counts ? of nullable types", +1)
        elif kind == "name" and source[n.start_byte : n.end_byte] in _KEYWORDS:
            add("lizard counts keywords used as names ($case)", +1)
        elif kind in ("heredoc", "nowdoc"):
            text = source[n.start_byte : n.end_byte]
            add("lizard reads heredoc text as code", text.count(b"?") + text.count(b"&&") + text.count(b"||"))
    return found


def _kotlin(node: ts.Node, source: bytes) -> dict[str, int]:
    found: dict[str, int] = {}

    def add(key: str, value: int) -> None:
        found[key] = found.get(key, 0) + value

    for n in _leaves(node):
        if n.type == "when_expression":
            entries = [c for c in n.named_children if c.type == "when_entry"]
            if entries and not any(c.type == "else" for e in entries for c in e.children):
                add("lizard counts a when's arrows but one, so one fewer without else", -1)
        elif n.type == "?:" and _inside(n, "string_literal"):
            add("lizard misses ?: inside string templates", -1)
    return found


def _inside(node: ts.Node, kind: str) -> bool:
    parent = node.parent
    while parent is not None:
        if parent.type == kind:
            return True
        parent = parent.parent
    return False


_KEYWORDS = {b"if", b"for", b"while", b"case", b"catch", b"guard", b"match", b"foreach", b"elseif"}


def _swift(node: ts.Node, source: bytes) -> dict[str, int]:
    found: dict[str, int] = {}

    def add(key: str, value: int) -> None:
        found[key] = found.get(key, 0) + value

    for n in _leaves(node):
        kind = n.type
        if kind == "??":
            add("lizard does not count ??", -1)
        elif _is_counted_where(n):
            add("lizard does not count where", -1)
        elif (
            kind == "simple_identifier"
            and n.parent is not None
            and n.parent.type == "parameter"
            and source[n.start_byte : n.end_byte] in _KEYWORDS
        ):
            add("lizard counts keywords used as argument labels (for x: T)", +1)
        elif kind == "case" and n.parent is not None and n.parent.type != "switch_entry":
            add("lizard counts case outside switch (if case, enum case)", +1)
    return found


def _is_counted_where(node: ts.Node) -> bool:
    parent = node.parent
    if parent is None:
        return False
    return (node.type == "where_keyword" and parent.type == "switch_entry") or (
        node.type == "where_clause" and parent.type == "for_statement"
    )


ADJUSTMENTS: dict[str, Adjust] = {"ruby": _ruby, "php": _php, "kotlin": _kotlin, "swift": _swift}


def lizard_class(language: str, path: Path, start_byte: int, end_byte: int, ours: int, theirs: int) -> str:
    """The lizard rule that explains the difference, or "other"."""
    data = path.read_bytes()
    root = parse(data, language).root_node
    node = root.descendant_for_byte_range(start_byte, max(start_byte, end_byte - 1))
    while node is not None and (node.start_byte > start_byte or node.end_byte < end_byte):
        node = node.parent
    if node is None:
        return "other"
    found = ADJUSTMENTS[language](node, data)
    if ours + sum(found.values()) != theirs:
        return "other"
    named = sorted(k for k, v in found.items() if v)
    return " + ".join(named) if named else "other"
