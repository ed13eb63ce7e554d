"""The offline provider: a structural summary read off the syntax tree, at zero cost.

With no API key and no local Ollama, mu-lsp still explains complex functions: what they
branch on, what they call, how they return or fail, and what state they change. One iterative
walk (no recursion: 3000-deep nesting is fine) over the function's tree gathers facts, driven by
per-language node tables (`offline_tables`); the facts become at most three plain-text bullets.
The caller labels them "offline". Deterministic, never raises, never empty.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import tree_sitter as ts

from mu_lsp.analysis.languages import LANGUAGES
from mu_lsp.llm.offline_tables import (
    BOOL_OPERATORS,
    CATCH_ALL,
    IDENTIFIERS,
    MAX_BULLET,
    MAX_NODES,
    MUTATORS,
    PANICS,
    PARAMETER_FIELDS,
    SELF_NAMES,
    TABLES,
    TRIVIAL,
    Clause,
    Table,
    body_statements,
    callee_name,
    clip,
    identifiers,
    io_category,
    is_empty,
    listing,
    listing_clause,
    locate,
    node_head,
    node_tail,
    pack,
    plural,
    resolve,
    unparen,
)

__all__ = ["MAX_BULLET", "summarize_offline"]

MAX_BULLETS = 3
_ROOT = re.compile(r"[*&(\s]*([A-Za-z_$][\w$]*)")
_GETTER = re.compile(r"(?:get|is|has)[A-Z]")
_ERRORISH = re.compile(r"err", re.IGNORECASE)
_CONSTANT_CONDITIONS = frozenset({"True", "true", "1", "False", "false", "0"})
_NULLISH = frozenset({"None", "null", "nil", "undefined", "()"})
_CONSTANT_KINDS = _NULLISH | {"a number", "a string", "a bool"}
_PROPAGATE = "try_expression"  # Rust's `?`


@dataclass(slots=True)
class _Walk:
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
            text = node_head(unparen(subject), self.data, 29 - len(keyword)) if subject is not None else ""
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
        if kind == _PROPAGATE and not nested:
            self.propagates += 1

    def first(self, node: ts.Node) -> ts.Node | None:
        return next((c for c in node.named_children if c.type not in self.comments), None)

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
        parts = [node_tail(c, self.data) for f in self.table.calls[kind] if (c := node.child_by_field_name(f))]
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

    # -- the bullets ---------------------------------------------------------------------------

    def bullets(self) -> list[list[Clause]]:
        """Clauses of the candidate bullets, in the order of the brief; empty ones dropped."""
        decisions: list[Clause] = []
        if self.conditions:
            conditions = [c[2] for c in sorted(self.conditions)]
            decisions.append(
                (
                    0,
                    "branches on: " + listing(conditions, 3, more=False),
                    "branches on: " + listing(conditions, 2, more=False),
                )
            )
        if self.loops:
            decisions.append(self._loop_clause())
        calls = [name for name in sorted(self.calls, key=self.calls.__getitem__) if name not in self.raises]
        if self.recursive:
            calls.insert(0, "itself (recursive)")
        called = (
            [listing_clause(0, "calls: " if decisions else "straight-line code: calls ", calls, 4)] if calls else []
        )
        # `s.data[k]` already says `s.data` changes
        mutations = [m for m in self.mutations if not any(o.startswith(m + "[") for o in self.mutations)]
        effects = [listing_clause(1, "mutates ", mutations, 3)] if mutations else []
        for category, names in self.io.items():
            priority = 5 if category in ("logs", "prints") else 2
            effects.append((priority, f"{category} ({listing(names, 2)})", f"{category} ({listing(names, 1)})"))
        effects += [(4, extra, extra) for extra in dict.fromkeys(self.extras)]
        helpers = [listing_clause(5, f"defines helper{'s' if len(set(self.helpers)) > 1 else ''}: ", self.helpers, 3)]
        candidates = [decisions, called, self._exit_clauses(), effects, helpers if self.helpers else []]
        return [clauses for clauses in candidates if clauses]

    def _loop_clause(self) -> Clause:
        groups: dict[str, list[str]] = {}
        for _, _, style, text in sorted(self.loops)[:2]:
            groups.setdefault(style, []).append(text)
        words = {"over": "over ", "while": "while ", "forever": "until break"}
        parts = [words[style] + (listing(texts, 2) if style != "forever" else "") for style, texts in groups.items()]
        text = "loops " + " and ".join(parts)
        return (2, text, clip(text, 40))

    def _exit_clauses(self) -> list[Clause]:
        clauses: list[Clause] = []
        verb = self.table.raise_verb
        kinds = self._kinds_phrase(self.kinds) if self.valued else ""  # "returns None" says nothing
        if self.yields:
            clauses.append((1, "yields values", "yields values"))
        else:
            early = len(self.early_kinds)
            clause = f"returns {kinds}" if kinds else ""
            if early:
                early_kinds = "" if kinds or not self.valued else self._kinds_phrase(self.early_kinds, ", ")
                where = f"early in {plural(early, 'place')}" + (f" ({early_kinds})" if early_kinds else "")
                clause = f"{clause}, {where}" if clause else f"returns {where}"
            elif self.returns >= 3:
                clause = f"{clause or 'returns'} from {self.returns} places"
            if clause:
                clauses.append((1, clause, f"returns {kinds}" if kinds else clause))
        if self.error_returns and "Err" not in kinds:
            clauses.append((2, f"returns errors in {plural(self.error_returns, 'place')}", "returns errors"))
        if self.propagates:
            text = f"propagates errors with ? in {plural(self.propagates, 'place')}"
            clauses.append((3, text, "propagates errors with ?"))
        if self.raises:
            clauses.append(listing_clause(1, "may panic: " if verb == "panics" else f"{verb} ", self.raises, 3))
        if self.reraises:
            clauses.append((4, "re-raises", "re-raises"))
        if self.catches:
            clauses.append(listing_clause(4, "catches ", self.catches, 3))
        if self.awaits:
            clauses.append(listing_clause(3, "async: awaits ", self.awaits, 3))
        return clauses

    @staticmethod
    def _kinds_phrase(kinds: list[str | None], joiner: str = " or ") -> str:
        if not kinds or any(kind is None for kind in kinds):
            return ""
        distinct = sorted(dict.fromkeys(k for k in kinds if k), key=lambda k: k in _NULLISH or k == "Err")
        return joiner.join(distinct) if 0 < len(distinct) <= 2 else ""


def _summarize(source: str, language: str, qualified_name: str) -> list[str]:
    """Locate, walk, then say the most informative things; trivial bodies get one plain bullet."""
    table = TABLES[language]
    comments = LANGUAGES[language].comment_types
    root, function, data = locate(source, language, table)
    own = function.child_by_field_name("name") if function is not None else None
    own_name = node_head(own, data, 80) if own is not None else re.split(r"[.:#/ ]+", qualified_name.strip())[-1]
    walk = _Walk(table, data, comments, own_name)
    if function is None:
        statements = [c for c in root.named_children if c.type not in comments]
    else:
        for name_field in PARAMETER_FIELDS:
            parameters = function.child_by_field_name(name_field)
            if parameters is not None:
                walk.params.update(names := identifiers(parameters, data))
                if name_field == "receiver":
                    walk.self_names.update(names)
        declared = next((c for c in function.children if c.type == table.declared_raises), None)
        if declared is not None:
            walk.raises.extend(callee_name(node_head(c, data, 60))[1] for c in declared.named_children)
        body = function.child_by_field_name("body")
        statements = body_statements(body, table, comments) if body is not None else function.named_children
    walk.run(statements)
    tail = statements[-1] if statements and function is not None else None
    parent = tail.parent if tail is not None else None
    expression_body = len(statements) == 1 and parent is not None and function is not None and parent.id == function.id
    if (
        tail is not None
        and (expression_body or table.implicit_tail)
        and not tail.type.endswith(("_statement", "_declaration", "_item"))
        and tail.type not in comments
    ):
        walk.result(walk.kind_of(tail))
    meaningful = [s for s in statements if not is_empty(s)]
    if not meaningful:
        return ["Does nothing (empty body)"]
    only = meaningful[0] if len(meaningful) == 1 else None
    returned = only is not None and only.type in table.returns
    value = walk.first(only) if returned and only is not None else only
    quiet = not (walk.calls or walk.mutations or walk.io or walk.raises)
    if value is not None and quiet and walk.kind_of(value) in _CONSTANT_KINDS:
        return [f"Returns a constant ({node_head(value, data, 40)})"]
    bullets = walk.bullets()
    if bullets:
        while len(bullets) > MAX_BULLETS:
            merged = bullets.pop()
            bullets[-1] = bullets[-1] + merged
        return [pack(clauses) for clauses in bullets]
    if value is not None and (returned or expression_body):
        return [f"Returns {node_head(value, data, 90)}"]
    more = f" (+{len(meaningful) - 1} more)" if len(meaningful) > 1 else ""
    return [f"Straight-line code: {node_head(meaningful[0], data, 70).rstrip(';')}{more}"]


def summarize_offline(source: str, language: str, qualified_name: str) -> list[str]:
    """1–3 bullets describing the function structurally. Never raises; never returns []."""
    lines = len(source.strip().splitlines())
    if not source.strip():
        return ["Empty source: nothing to summarize"]
    if language not in TABLES or language not in LANGUAGES:
        shown = re.sub(r"[^\w+#.-]", "", language)[:20] or "this language"
        return [f"A {lines}-line function; {shown} is not analysed offline"]
    try:
        return _summarize(source, language, qualified_name)
    except Exception:  # the contract is "never raises": a summary is optional, a crash is not
        return [f"A {lines}-line function; its structure could not be read offline"]
