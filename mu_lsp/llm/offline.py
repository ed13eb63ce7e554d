"""The offline provider: a structural summary read off the syntax tree, at zero cost.

With no API key and no local Ollama, mu-lsp still explains complex functions: what they
branch on, what they call, what they return or raise, and what state they change. The
caller labels these summaries "offline". Deterministic, never raises, never empty.
"""

from __future__ import annotations

import textwrap
from collections import Counter
from dataclasses import dataclass, field

import tree_sitter as ts

from mu_lsp.analysis.languages import LANGUAGES
from mu_lsp.analysis.parse import parse

MAX_BULLET = 110
MAX_NODES = 200_000


@dataclass(frozen=True, slots=True)
class _Table:
    functions: frozenset[str]
    calls: dict[str, str]  # call node type -> field holding the callee
    conditions: dict[str, str]  # branching node type -> field holding the condition
    loops: dict[str, str]  # loop node type -> field holding what is iterated
    returns: frozenset[str]
    raises: frozenset[str]
    assignments: frozenset[str]
    targets: frozenset[str]  # assignment targets that mean mutation (attributes, indexing)
    wrapper: tuple[str, str] = ("", "")  # to parse a method on its own


_BRACE_CALLS = {"call_expression": "function"}
_TABLES: dict[str, _Table] = {
    "python": _Table(
        functions=frozenset({"function_definition", "lambda", "class_definition"}),
        calls={"call": "function"},
        conditions={
            "if_statement": "condition",
            "elif_clause": "condition",
            "while_statement": "condition",
            "match_statement": "subject",
        },
        loops={"for_statement": "right"},
        returns=frozenset({"return_statement"}),
        raises=frozenset({"raise_statement"}),
        assignments=frozenset({"assignment", "augmented_assignment"}),
        targets=frozenset({"attribute", "subscript"}),
    ),
    "javascript": _Table(
        functions=frozenset(
            {
                "function_declaration",
                "function_expression",
                "arrow_function",
                "method_definition",
                "class_declaration",
                "generator_function",
            }
        ),
        calls={"call_expression": "function", "new_expression": "constructor"},
        conditions={
            "if_statement": "condition",
            "while_statement": "condition",
            "switch_statement": "value",
            "do_statement": "condition",
        },
        loops={"for_in_statement": "right", "for_statement": "condition"},
        returns=frozenset({"return_statement"}),
        raises=frozenset({"throw_statement"}),
        assignments=frozenset({"assignment_expression", "augmented_assignment_expression"}),
        targets=frozenset({"member_expression", "subscript_expression"}),
        wrapper=("class __mu {\n", "\n}\n"),
    ),
    "go": _Table(
        functions=frozenset({"function_declaration", "method_declaration", "func_literal"}),
        calls=dict(_BRACE_CALLS),
        conditions={
            "if_statement": "condition",
            "expression_switch_statement": "value",
            "type_switch_statement": "value",
        },
        loops={"for_statement": ""},
        returns=frozenset({"return_statement"}),
        raises=frozenset(),
        assignments=frozenset({"assignment_statement", "inc_statement", "dec_statement"}),
        targets=frozenset({"selector_expression", "index_expression"}),
        wrapper=("package p\n", "\n"),
    ),
    "rust": _Table(
        functions=frozenset({"function_item", "closure_expression"}),
        calls={"call_expression": "function", "macro_invocation": "macro"},
        conditions={
            "if_expression": "condition",
            "while_expression": "condition",
            "match_expression": "value",
        },
        loops={"for_expression": "value"},
        returns=frozenset({"return_expression"}),
        raises=frozenset(),
        assignments=frozenset({"assignment_expression", "compound_assignment_expr"}),
        targets=frozenset({"field_expression", "index_expression"}),
        wrapper=("impl __Mu {\n", "\n}\n"),
    ),
    "java": _Table(
        functions=frozenset({"method_declaration", "constructor_declaration", "lambda_expression", "class_body"}),
        calls={"method_invocation": "name", "object_creation_expression": "type"},
        conditions={
            "if_statement": "condition",
            "while_statement": "condition",
            "switch_expression": "condition",
        },
        loops={"enhanced_for_statement": "value", "for_statement": "condition"},
        returns=frozenset({"return_statement"}),
        raises=frozenset({"throw_statement"}),
        assignments=frozenset({"assignment_expression", "update_expression"}),
        targets=frozenset({"field_access", "array_access"}),
        wrapper=("class __Mu {\n", "\n}\n"),
    ),
}
_TABLES["typescript"] = _TABLES["tsx"] = _TABLES["javascript"]

_TRIVIAL_CALLS = frozenset(
    [
        "len",
        "str",
        "int",
        "float",
        "bool",
        "list",
        "dict",
        "set",
        "tuple",
        "isinstance",
        "issubclass",
        "print",
        "range",
        "enumerate",
        "zip",
        "repr",
        "type",
        "super",
        "getattr",
        "hasattr",
        "setattr",
        "min",
        "max",
        "sorted",
        "iter",
        "next",
        "map",
        "filter",
        "any",
        "all",
        "abs",
        "round",
        "format",
        "append",
        "Some",
        "Ok",
        "Err",
        "Box",
        "String",
        "Vec",
        "println",
        "format!",
        "vec!",
        "println!",
        "Object",
        "Array",
        "Number",
        "parseInt",
        "console.log",
        "make",
        "new",
    ]
)
_CONSTANTS = frozenset({"1", "0", "True", "False", "true", "false", "None", "null", "nil"})
_RAISERS = frozenset({"panic", "unreachable", "bail", "todo", "unimplemented"})
_MUTATORS = frozenset(
    [
        "append",
        "extend",
        "update",
        "pop",
        "remove",
        "add",
        "discard",
        "setdefault",
        "clear",
        "insert",
        "sort",
        "reverse",
        "write",
        "writelines",
        "put",
        "push",
        "shift",
        "unshift",
        "splice",
        "set",
        "delete",
        "put_nowait",
        "send",
        "flush",
        "close",
        "truncate",
    ]
)
_IO_HINTS = (
    "open",
    "read",
    "write",
    "requests.",
    "urlopen",
    "subprocess",
    "os.remove",
    "os.unlink",
    "os.rename",
    "shutil.",
    "socket",
    "fetch",
    "fs.",
    "http.",
    "ioutil",
    "File::",
    "fs::",
    "System.out",
    "Files.",
    "logging.",
    "log.",
    "logger.",
)


def _text(node: ts.Node | None, source: bytes) -> str:
    if node is None:
        return ""
    return " ".join(source[node.start_byte : node.end_byte].decode("utf-8", "replace").split())


def _short(text: str, limit: int = 30) -> str:
    text = text.strip()
    while text.startswith("(") and text.endswith(")") and len(text) > 2:
        text = text[1:-1].strip()
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _callee_name(text: str) -> str:
    text = text.split("(", maxsplit=1)[0].split("<", maxsplit=1)[0].strip()
    parts = [p for p in text.replace("::", ".").replace("->", ".").split(".") if p]
    return ".".join(parts[-2:]) if parts else text


@dataclass(slots=True)
class _Facts:
    conditions: list[str] = field(default_factory=list)
    loops: list[str] = field(default_factory=list)
    calls: Counter[str] = field(default_factory=Counter)
    returns: int = 0
    raises: list[str] = field(default_factory=list)
    mutations: list[str] = field(default_factory=list)
    io: list[str] = field(default_factory=list)
    helpers: list[str] = field(default_factory=list)
    awaits: bool = False
    yields: bool = False


def _find_function(root: ts.Node, table: _Table) -> ts.Node | None:
    stack = [root]
    while stack:
        node = stack.pop()
        if node.type in table.functions and node.type not in (
            "class_definition",
            "class_declaration",
            "class_body",
        ):
            return node
        stack.extend(reversed(node.children))
    return None


def _parse_function(source: str, language: str, table: _Table) -> tuple[ts.Node | None, bytes]:
    if language == "python":
        source = textwrap.dedent(source)
    data = source.encode("utf-8", "replace")
    tree = parse(data, language)
    function = _find_function(tree.root_node, table)
    if (function is None or function.has_error) and table.wrapper[0]:
        wrapped = (table.wrapper[0] + source + table.wrapper[1]).encode("utf-8", "replace")
        wrapped_tree = parse(wrapped, language)
        candidate = _find_function(wrapped_tree.root_node, table)
        if candidate is not None and (function is None or not candidate.has_error):
            return candidate, wrapped
    return function, data


def _collect(function: ts.Node, source: bytes, table: _Table) -> _Facts:
    facts = _Facts()
    body = function.child_by_field_name("body") or function
    stack = list(reversed(body.children))
    visited = 0
    while stack and visited < MAX_NODES:
        node = stack.pop()
        visited += 1
        kind = node.type
        if kind in table.functions:
            helper = node.child_by_field_name("name")
            if helper is not None:
                facts.helpers.append(_text(helper, source))
            continue
        if kind in table.conditions:
            field_name = table.conditions[kind]
            condition = node.child_by_field_name(field_name) if field_name else None
            text = _short(_text(condition, source)) if condition is not None else ""
            if text and text not in _CONSTANTS:
                facts.conditions.append(text)
        elif kind in table.loops:
            field_name = table.loops[kind]
            target = node.child_by_field_name(field_name) if field_name else None
            if target is None and kind == "for_statement" and table is _TABLES["go"]:
                clause = next((c for c in node.named_children if c.type == "range_clause"), None)
                target = clause.child_by_field_name("right") if clause is not None else None
            facts.loops.append(_short(_text(target, source), 24) if target is not None else "a loop")
        elif kind in table.calls:
            callee = node.child_by_field_name(table.calls[kind])
            name = _callee_name(_text(callee, source))
            if kind == "method_invocation":
                obj = node.child_by_field_name("object")
                name = _callee_name(f"{_text(obj, source)}.{name}" if obj is not None else name)
            last = name.rsplit(".", 1)[-1].rstrip("!")
            if last in _RAISERS:
                facts.raises.append(last)
            elif name:
                facts.calls[name] += 1
                full = _text(callee, source)
                if last in _MUTATORS and "." in name:
                    facts.mutations.append(_short(name.rsplit(".", 1)[0], 24))
                if any(hint in full or full.startswith(hint.rstrip(".")) for hint in _IO_HINTS):
                    facts.io.append(name)
        elif kind in table.returns:
            facts.returns += 1
        elif kind in table.raises:
            thrown = next(iter(node.named_children), None)
            name = ""
            if thrown is not None:
                inner = (
                    thrown.child_by_field_name("function")
                    or thrown.child_by_field_name("constructor")
                    or thrown.child_by_field_name("type")
                    or thrown
                )
                name = _callee_name(_text(inner, source))
            facts.raises.append(_short(name or "an error", 24))
        elif kind in table.assignments:
            left = node.child_by_field_name("left") or (node.named_children[0] if node.named_children else None)
            if left is not None and left.type == "expression_list" and left.named_children:
                left = left.named_children[0]
            if (left is not None and left.type in table.targets) or (
                kind
                in (
                    "augmented_assignment",
                    "compound_assignment_expr",
                    "augmented_assignment_expression",
                    "inc_statement",
                    "dec_statement",
                    "update_expression",
                )
                and left is not None
            ):
                facts.mutations.append(_short(_text(left, source), 24))
        elif kind in ("global_statement", "nonlocal_statement"):
            facts.mutations.extend(_text(c, source) for c in node.named_children)
        elif kind in ("await", "await_expression"):
            facts.awaits = True
        elif kind in ("yield", "yield_expression"):
            facts.yields = True
        stack.extend(reversed(node.children))
    return facts


def _unique(items: list[str], limit: int) -> list[str]:
    seen: list[str] = []
    for item in items:
        if item and item not in seen:
            seen.append(item)
    return seen[:limit]


def _bullet(text: str) -> str:
    return text if len(text) <= MAX_BULLET else text[: MAX_BULLET - 1].rstrip() + "…"


def _bullets(facts: _Facts) -> list[str]:
    bullets: list[str] = []
    decisions = _unique(facts.conditions, 3)
    loops = _unique(facts.loops, 2)
    if decisions or loops:
        parts = []
        if decisions:
            parts.append("branches on " + ", ".join(decisions))
        if loops:
            parts.append("loops over " + ", ".join(loops))
        text = "; ".join(parts)
        bullets.append(_bullet(text[0].upper() + text[1:]))
    calls = [name for name, _ in facts.calls.most_common() if name.split(".")[-1] not in _TRIVIAL_CALLS]
    calls = _unique(calls, 4)
    if calls:
        bullets.append(_bullet("Calls " + ", ".join(calls)))
    effects = []
    mutations = _unique(facts.mutations, 3)
    if mutations:
        effects.append("mutates " + ", ".join(mutations))
    io = _unique(facts.io, 2)
    if io:
        effects.append("does I/O (" + ", ".join(io) + ")")
    raises = _unique(facts.raises, 3)
    if raises:
        effects.append("raises " + ", ".join(raises))
    if facts.yields:
        effects.append("yields values")
    elif facts.returns > 1:
        effects.append(f"returns from {facts.returns} places")
    if facts.awaits:
        effects.append("awaits")
    helpers = _unique(facts.helpers, 3)
    if helpers:
        effects.append("defines " + ", ".join(helpers))
    if effects:
        text = "; ".join(effects)
        bullets.append(_bullet(text[0].upper() + text[1:]))
    return bullets[:3]


def summarize_offline(source: str, language: str, qualified_name: str) -> list[str]:
    """1-3 bullets describing the function structurally. Never raises; never empty."""
    fallback = [f"{qualified_name or 'This function'}: no structure could be read offline"]
    table = _TABLES.get(language)
    if table is None or language not in LANGUAGES or not source.strip():
        return fallback
    try:
        function, data = _parse_function(source, language, table)
        if function is None:
            return fallback
        bullets = _bullets(_collect(function, data, table))
    except (RecursionError, ValueError, UnicodeError):
        return fallback
    return bullets or ["Straight-line code with no branches, calls or side effects"]
