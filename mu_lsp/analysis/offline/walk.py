"""One pass over a function's syntax tree, gathering what the offline summary talks about.

An explicit stack (no recursion: 3000-deep nesting is fine), driven by the per-language table.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import tree_sitter as ts

from mu_lsp.analysis.offline.phrasing import clip
from mu_lsp.analysis.offline.syntax import (
    MAX_NODES,
    callee_name,
    identifiers,
    node_head,
    node_tail,
    resolve,
    unparen,
)
from mu_lsp.analysis.offline.tables import BOOL_OPERATORS, IDENTIFIERS, PARAMETER_FIELDS, SELF_NAMES, Table
from mu_lsp.analysis.offline.words import CATCH_ALL, MUTATORS, PANICS, TRIVIAL, io_category

_ROOT = re.compile(r"[*&(\s]*([A-Za-z_$][\w$]*)")
_GETTER = re.compile(r"(?:get|is|has)[A-Z]")
_ERRORISH = re.compile(r"err", re.IGNORECASE)
_CONSTANT_CONDITIONS = frozenset({"True", "true", "1", "False", "false", "0"})
NULLISH = frozenset({"None", "null", "nil", "undefined", "()"})
_PROPAGATE = "try_expression"  # Rust's `?`


@dataclass(slots=True)
class Walk:
    """Facts about one function, gathered in a single pass over its syntax tree."""

    table: Table
    data: bytes
    comments: frozenset[str]
    own_name: str
    locals: set[str] = field(default_factory=set)
    params: set[str] = field(default_factory=set)
    self_names: set[str] = field(default_factory=lambda: set(SELF_NAMES))
    conditions: list[tuple[int, int, str]] = field(default_factory=list)
    loops: list[tuple[int, int, str, str]] = field(default_factory=list)
    calls: dict[str, list[int]] = field(default_factory=dict)  # shown -> [rank, -count, order]
    local_kinds: dict[str, str | None] = field(default_factory=dict)
    io: dict[str, list[str]] = field(default_factory=dict)
    mutations: list[str] = field(default_factory=list)
    raises: list[str] = field(default_factory=list)
    catches: list[str] = field(default_factory=list)
    awaits: list[str] = field(default_factory=list)
    helpers: list[str] = field(default_factory=list)
    extras: list[str] = field(default_factory=list)
    kinds: list[str | None] = field(default_factory=list)
    early_kinds: list[str | None] = field(default_factory=list)
    returns: int = 0
    error_returns: int = 0
    propagates: int = 0
    valued: bool = False  # some way out hands back a value (not just `return;`)
    reraises: bool = False
    yields: bool = False
    recursive: bool = False

    # -- the walk ------------------------------------------------------------------------------

    def run(self, starts: list[ts.Node]) -> None:
        """Visit every node below the top-level statements with an explicit stack.

        Each entry carries its nesting depth (branches near the top are what the function
        decides on), whether it sits in a nested function (whose returns are not ours), and
        whether it is inside the last top-level statement (returns elsewhere are early).
        """
        t = self.table
        interesting = {
            *t.functions, *t.calls, *t.branches, *t.loops, *t.returns, *t.raises, *t.assignments,
            *t.declarations, *t.catches, *t.awaits, *t.yields, *t.extras, *t.globals, _PROPAGATE,
        }  # fmt: skip
        last = len(starts) - 1
        stack = [(node, 0, False, index == last) for index, node in reversed(list(enumerate(starts)))]
        order = 0
        while stack and order < MAX_NODES:
            node, depth, nested, in_last = stack.pop()
            order += 1
            kind = node.type
            if kind in t.keyword_kinds and node.child_count:  # `return x` / `throw e` in one node type
                kind = f"{kind}:{node.children[0].type}"
            inner = depth + 1 if kind in t.blocks else depth
            if kind in interesting:
                if kind in t.functions:
                    self._function(node)
                    nested, inner = True, inner + 1
                else:
                    self._visit(node, kind, depth, order, nested, in_last)
            if node.named_child_count:
                children = node.named_children
                children.reverse()
                stack.extend([(child, inner, nested, in_last) for child in children])

    def _visit(self, node: ts.Node, kind: str, depth: int, order: int, nested: bool, in_last: bool) -> None:
        t = self.table
        if kind in t.calls:
            self._call(node, kind)
        if kind in t.branches:
            path, keyword = t.branches[kind]
            subject = resolve(node, path) if path else None
            text = node_head(unparen(subject), self.data, 40 - len(keyword)) if subject is not None else ""
            if text not in _CONSTANT_CONDITIONS and (text or keyword):
                self.conditions.append((depth, order, f"{keyword} {text}".strip()))
        if kind in t.loops:
            self._loop(node, kind, depth, order)
        if kind in t.returns and not nested:
            self._return(node, in_last)
        if kind in t.raises:
            value = self.first(node)
            if value is None:
                self.reraises = True
            else:
                self.raises.append(self._name(unparen(value), 24))
        if kind in t.assignments:
            path = t.assignments[kind]
            target = resolve(node, path) if path else self.first(node)
            if target is not None:
                self._assign(target, kind)
        if kind in t.declarations:
            target = resolve(node, t.declarations[kind])
            if target is not None:
                self.locals.update(identifiers(target, self.data))
        if kind in t.declarations or kind in t.assignments:
            self._note_kind(node)
        if kind in t.catches:
            self._catch(node, t.catches[kind])
        if kind in t.awaits and not nested:
            value = self.first(node)
            self.awaits.append(self._name(unparen(value), 20) if value is not None else "")
        if kind in t.yields and not nested:
            self.yields = True
        if kind in t.extras:
            self.extras.append(t.extras[kind])
        if kind in t.globals:
            for name in identifiers(node, self.data):
                self.locals.add(name)
                self.mutations.append(f"{kind.partition('_')[0]} {name}")
        if kind == _PROPAGATE and not nested and t.propagates:
            self.propagates += 1

    def first(self, node: ts.Node) -> ts.Node | None:
        """The first named child that is not a comment (nor Swift's `throw` keyword)."""
        return next((c for c in node.named_children if c.type not in self.comments and c.type != "throw_keyword"), None)

    def _function(self, node: ts.Node) -> None:
        """A nested function or closure: its parameters are locals; a named one is a helper."""
        for name_field in PARAMETER_FIELDS:
            parameters = node.child_by_field_name(name_field)
            if parameters is not None:
                self.params.update(identifiers(parameters, self.data))
        name = node.child_by_field_name("name")
        parent = node.parent
        if name is None and parent is not None:
            if parent.type == "expression_list" and parent.parent is not None:
                parent = parent.parent
            if parent.type in ("variable_declarator", "assignment", "let_declaration", "short_var_declaration"):
                name = resolve(parent, "name") or resolve(parent, "pattern") or resolve(parent, "left")
                if name is not None and name.type == "expression_list" and name.named_child_count:
                    name = name.named_children[0]
        if name is not None and name.type in IDENTIFIERS | {"property_identifier", "field_identifier"}:
            self.helpers.append(node_head(name, self.data, 24))

    def _call_name(self, node: ts.Node, kind: str) -> tuple[str, str]:
        parts = [node_tail(c, self.data) for f in self.table.calls[kind] if (c := resolve(node, f))]
        dotted, shown = callee_name(".".join(parts))
        if dotted and kind in self.table.macros:
            return dotted + "!", shown + "!"
        return dotted, shown

    def _name(self, node: ts.Node, limit: int) -> str:
        if node.type in self.table.calls:
            return self._call_name(node, node.type)[1]
        return node_head(node, self.data, limit)

    def _call(self, node: ts.Node, kind: str) -> None:
        """Sort a call into recursion, panic, mutation, I/O, noise, or a callee worth naming.

        Callees are ranked so the distinctive come first: free functions, own methods and
        module calls before methods of parameters, and those before methods of locals.
        """
        dotted, shown = self._call_name(node, kind)
        if not dotted:
            return
        qualifier, _, last = dotted.rpartition(".")
        if last == self.own_name and (not qualifier or qualifier in self.self_names):
            self.recursive = True
        elif self.table.raise_verb == "panics" and last in PANICS:
            self.raises.append(last)
        elif last in self.table.raise_calls and not qualifier:
            arguments = node.child_by_field_name("arguments")
            first = self.first(arguments) if arguments is not None else None
            self.raises.append(self._name(first, 24) if first is not None else last)
        elif last in CATCH_ALL and not qualifier:
            self.catches.append("panics")
        elif last in MUTATORS and qualifier:
            self._mutation(qualifier)
        elif last == "delete" and not qualifier and (arguments := node.child_by_field_name("arguments")):
            first = self.first(arguments)  # Go's delete(m, k)
            if first is not None:
                self._mutation(node_head(first, self.data, 60))
        elif category := io_category(dotted):
            self.io.setdefault(category, []).append(shown)
        elif dotted not in TRIVIAL and (last not in TRIVIAL or (qualifier and last == "new")):
            if self.table.constructors_are_noise and last[:1].isupper():
                return
            root = dotted.partition(".")[0] if qualifier else ""
            rank = 2 if root in self.locals else 1 if root in self.params and root not in self.self_names else 0
            rank = min(2, rank + 1) if _GETTER.match(last) else rank
            entry = self.calls.setdefault(shown, [rank, 0, len(self.calls)])
            entry[0], entry[1] = min(entry[0], rank), entry[1] - 1

    def _mutation(self, target: str) -> None:
        """Record a changed place unless it hangs off a local the function created itself."""
        root = _ROOT.match(target)
        if root is not None and root.group(1) in self.locals and root.group(1) not in self.params:
            return
        if len(target) > 24 and "." in target:
            target = ".".join(target.rsplit(".", 2)[-2:])
        self.mutations.append(clip(target, 24))

    def _assign(self, target: ts.Node, kind: str) -> None:
        """A bare name is a new local or rebinding; a field, index or deref changes state."""
        stack = [target]
        while stack:
            node = stack.pop()
            if node.type in IDENTIFIERS:
                name = node_head(node, self.data, 60)
                if name in self.locals or name in self.params:
                    continue
                if kind in self.table.declares_by_assignment:
                    self.locals.add(name)
                else:
                    self._mutation(name)
            elif node.type in self.table.patterns:
                stack.extend(reversed(node.named_children))
            elif node.type not in self.comments:
                self._mutation(node_head(node, self.data, 60))

    def _note_kind(self, node: ts.Node) -> None:
        """Remember what a local holds when every assignment to it says so (`x = {}`)."""
        value = node.child_by_field_name("value") or node.child_by_field_name("right")
        target = node.child_by_field_name("name") or node.child_by_field_name("left")
        target = node.child_by_field_name("pattern") if target is None else target
        if value is None or target is None:
            return
        if target.type == value.type == "expression_list" and target.named_child_count == value.named_child_count == 1:
            target, value = target.named_children[0], value.named_children[0]
        if target.type in IDENTIFIERS:
            name = node_head(target, self.data, 60)
            kind = self.kind_of(value)
            self.local_kinds[name] = kind if self.local_kinds.get(name, kind) == kind else None

    def _loop(self, node: ts.Node, kind: str, depth: int, order: int) -> None:
        for spec in self.table.loops[kind]:
            style, _, path = spec.partition(":")
            target = resolve(node, path) if path else None
            if style == "forever" or target is not None:
                text = node_head(unparen(target), self.data, 24) if target is not None else ""
                if text in _CONSTANT_CONDITIONS or text in ("", ";"):  # `while True`, `for (;;)`
                    style, text = "forever", ""
                self.loops.append((depth, order, style, text))
                return

    def _return(self, node: ts.Node, in_last: bool) -> None:
        self.returns += 1
        value = self.first(node)
        if value is not None and value.type == "expression_list":  # Go: several results
            values = value.named_children
            value = values[0] if len(values) == 1 else None
            if values and self.table.error_results:
                text = node_head(values[-1], self.data, 40)
                if text != "nil" and _ERRORISH.search(text):
                    self.error_returns += 1
            kind = self.kind_of(value) if value is not None else None
        else:
            kind = self.kind_of(value)
        self.result(kind, early=not in_last, valued=self.first(node) is not None)

    def result(self, kind: str | None, early: bool = False, valued: bool = True) -> None:
        """One way out of the function, and what it hands back if known."""
        self.valued = self.valued or valued
        self.kinds.append(kind)
        if early:
            self.early_kinds.append(kind)
        if kind == "Err":
            self.error_returns += 1

    def kind_of(self, value: ts.Node | None) -> str | None:
        """What a returned expression is, when its syntax says so ("a dict", "None", "Ok")."""
        if value is None:
            return self.table.bare_return or None
        value = unparen(value)
        if value.type == "expression_list" and value.named_child_count == 1:  # Go
            value = value.named_children[0]
        kind = self.table.literals.get(value.type)
        if kind and kind.startswith("@"):
            named = resolve(value, kind[1:])
            name = callee_name(node_tail(named, self.data))[1] if named is not None else ""
            return f"{'an' if name[:1].lower() in 'aeiou' else 'a'} {name}" if name else None
        if kind:
            return kind
        operator = value.child_by_field_name("operator")
        if operator is not None and (
            (value.type == "binary_expression" and operator.type in BOOL_OPERATORS)
            or (value.type == "unary_expression" and operator.type == "!")
        ):
            return "a bool"
        if value.type in self.table.calls:
            last = self._call_name(value, value.type)[0].rpartition(".")[2]
            return last if last in ("Ok", "Err", "Some") else None
        if value.type in IDENTIFIERS:
            name = node_head(value, self.data, 24)
            if name == "None" or name in self.helpers:
                return "None" if name == "None" else f"the nested {name}"
            return self.local_kinds.get(name)
        return None

    def _catch(self, node: ts.Node, path: str) -> None:
        if not path:
            self.catches.append("errors")
            return
        caught = resolve(node, path)
        if caught is None:
            self.catches.append("all exceptions")
            return
        caught = unparen(caught)
        if caught.type == "as_pattern" and caught.named_child_count:
            caught = unparen(caught.named_children[0])
        items = caught.named_children if caught.type in ("tuple", "catch_type") else [caught]
        self.catches.extend(callee_name(node_head(item, self.data, 60))[1] for item in items)
