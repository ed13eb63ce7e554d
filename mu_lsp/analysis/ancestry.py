"""Ancestors of nodes visited in document order, in time linear in the tree.

tree-sitter nodes store no parent pointer: `Node.parent` (and every sibling step, which goes
through the parent) descends from the root, O(depth) per call. Walking up from every node of a
1,600-deep ternary chain is therefore cubic. A `TreeCursor` keeps its path instead; moving it
from one node to the next in document order costs the distance between the two, so visiting
N nodes in order costs the size of the union of their root paths. Each step down derives the
child's state from its parent's (top-down, once per node on the path), so a question about a
node's context never walks further than the answer needs.
"""

from __future__ import annotations

from collections.abc import Callable
from operator import attrgetter
from typing import Generic, TypeVar

import tree_sitter as ts

S = TypeVar("S")

#: (parent's state or None at the root, node, field name of node in its parent) -> node's state
Derive = Callable[["S | None", ts.Node, "str | None"], S]


class Ancestry(Generic[S]):
    """A cursor that follows targets in document order and keeps each ancestor's state."""

    __slots__ = ("_cursor", "_derive", "_spans", "nodes", "states")

    def __init__(self, root: ts.Node, derive: Derive[S]) -> None:
        self._cursor = root.walk()
        self._derive = derive
        self.nodes: list[ts.Node] = [root]
        self.states: list[S] = [derive(None, root, None)]
        self._spans: list[tuple[int, int, int]] = [(root.start_byte, root.end_byte, root.id)]

    def seek(self, target: ts.Node) -> bool:
        """Move to `target`; afterwards `nodes`/`states` run from the root down to it.

        False when the target cannot be reached (not in this tree); the path is then left at
        the deepest ancestor found.
        """
        cursor = self._cursor
        nodes = self.nodes
        states = self.states
        spans = self._spans  # (start, end, id) of each node on the path, read once
        derive = self._derive
        tid = target.id
        start = target.start_byte
        end = target.end_byte
        # Up, or on to a later sibling: to the nearest node that strictly contains the target.
        while len(nodes) > 1:
            low, high, nid = spans[-1]
            if nid == tid:
                return True
            if low <= start and end <= high and (low, high) != (start, end):
                break
            above_low, above_high, _ = spans[-2]
            if high <= start and ((above_low <= start and end <= above_high) or len(nodes) == 2):
                # The target lies after this node, inside its parent: step along the siblings
                # (from the parent, tree-sitter would scan its children from the first again).
                while cursor.goto_next_sibling():
                    sibling = cursor.node
                    if sibling is not None and sibling.end_byte > start:
                        nodes[-1] = sibling
                        spans[-1] = (sibling.start_byte, sibling.end_byte, sibling.id)
                        states[-1] = derive(states[-2], sibling, cursor.field_name)
                        break
                else:
                    cursor.goto_parent()
                    nodes.pop()
                    states.pop()
                    spans.pop()
                continue
            cursor.goto_parent()
            nodes.pop()
            states.pop()
            spans.pop()
        # Down: through the child that holds the target's first byte.
        while spans[-1][2] != tid:
            if cursor.goto_first_child_for_byte(start) is None:
                return False
            child = cursor.node
            if child is None:
                return False
            low, high = child.start_byte, child.end_byte
            if low > start or high < end:
                cursor.goto_parent()
                return False
            states.append(derive(states[-1], child, cursor.field_name))
            nodes.append(child)
            spans.append((low, high, child.id))
        return True


class Up:
    """The ancestors of one node, nearest first: `up[0]` is its parent, `up[1]` its grandparent.

    Built from an `Ancestry` path (free), or lazily from `Node.parent` for a one-off question
    (the language server asking about a single node).
    """

    __slots__ = ("_found", "_node", "_path")

    def __init__(self, node: ts.Node, path: list[ts.Node] | None = None) -> None:
        self._node = node
        self._path = path  # root .. node, when known
        self._found: list[ts.Node] = []

    def __getitem__(self, k: int) -> ts.Node | None:
        if self._path is not None:
            i = len(self._path) - 2 - k
            return self._path[i] if i >= 0 else None
        found = self._found
        while len(found) <= k:
            below = found[-1] if found else self._node
            above = below.parent
            if above is None:
                return None
            found.append(above)
        return found[k]


def with_ancestors(nodes: list[ts.Node], root: ts.Node, types: frozenset[str]) -> list[tuple[ts.Node, Up | None]]:
    """Each node with its ancestors, visiting the nodes of `types` in document order with one
    cursor; the others get None (they find their ancestors on demand, if ever)."""
    out: list[tuple[ts.Node, Up | None]] = []
    wanted: list[ts.Node] = []
    for node in nodes:
        if node.type in types:
            wanted.append(node)
        else:
            out.append((node, None))
    if not wanted:
        return out
    ancestry: Ancestry[None] = Ancestry(root, _nothing)
    by_end = sorted(wanted, key=attrgetter("end_byte"), reverse=True)
    for node in sorted(by_end, key=attrgetter("start_byte")):  # document order, outer first
        if ancestry.seek(node):
            out.append((node, Up(node, list(ancestry.nodes[-8:]))))
        else:
            out.append((node, None))
    return out


def _nothing(parent: None, node: ts.Node, field: str | None) -> None:
    return None
