"""A content hash of a function that survives reformatting but not real edits.

The hash covers the syntax tree, not the text: every leaf token and the nesting of nodes,
with comments and line continuations left out. Re-indenting, re-wrapping or re-commenting a
function keeps its hash (and its cached summary); changing any token, or moving a statement
into or out of a block (which in Python changes no token, only indentation), changes it.
"""

from __future__ import annotations

import hashlib

import tree_sitter as ts

_SKIPPED = frozenset({"line_continuation"})


def _nodes_spanning(tree: ts.Tree, start_byte: int, end_byte: int) -> list[ts.Node]:
    """The node covering exactly [start, end), or the run of siblings that does (a Rust fn
    with its `#[attributes]` is several siblings)."""
    node = tree.root_node.descendant_for_byte_range(start_byte, max(start_byte, end_byte - 1))
    while node is not None and (node.start_byte > start_byte or node.end_byte < end_byte):
        node = node.parent
    if node is None:
        return [tree.root_node]
    if node.start_byte == start_byte and node.end_byte == end_byte:
        return [node]
    inside = [c for c in node.children if c.start_byte >= start_byte and c.end_byte <= end_byte]
    return inside or [node]


def _structure(node: ts.Node, source: bytes, skipped: frozenset[str], parts: list[bytes]) -> None:
    cursor = node.walk()
    while True:
        current = cursor.node
        assert current is not None
        if current.type not in skipped:
            if current.child_count == 0:
                parts.append(b"\x03" + source[current.start_byte : current.end_byte])
            elif cursor.goto_first_child():
                parts.append(b"\x01%d" % current.kind_id)
                continue
        while not cursor.goto_next_sibling():
            if not cursor.goto_parent():
                return
            parts.append(b"\x02")


def structural_hash(nodes: list[ts.Node], source: bytes, comment_types: frozenset[str]) -> str:
    """Hex digest of the tokens and structure of `nodes`, comments excluded."""
    parts: list[bytes] = []
    skipped = comment_types | _SKIPPED
    for node in nodes:
        _structure(node, source, skipped, parts)
    return hashlib.blake2b(b"".join(parts), digest_size=16).hexdigest()


def function_hash(tree: ts.Tree, source: bytes, start_byte: int, end_byte: int, comment_types: frozenset[str]) -> str:
    """The structural hash of the definition spanning [start_byte, end_byte)."""
    return structural_hash(_nodes_spanning(tree, start_byte, end_byte), source, comment_types)
