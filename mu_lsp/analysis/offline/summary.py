"""The offline summary of one function: locate it, walk it, then say the most informative
things in at most three bullets; trivial bodies get one plain bullet."""

from __future__ import annotations

import re

import tree_sitter as ts

from mu_lsp.analysis.languages import LANGUAGES
from mu_lsp.analysis.offline.bullets import bullets
from mu_lsp.analysis.offline.phrasing import pack
from mu_lsp.analysis.offline.syntax import (
    body_statements,
    callee_name,
    identifiers,
    is_empty,
    locate,
    node_head,
    resolve,
)
from mu_lsp.analysis.offline.tables import PARAMETER_FIELDS, TABLES, Table
from mu_lsp.analysis.offline.tables_c import C_FAMILY_TABLES
from mu_lsp.analysis.offline.tables_more import MORE_TABLES
from mu_lsp.analysis.offline.walk import NULLISH, Walk

MAX_BULLETS = 3
_CONSTANT_KINDS = NULLISH | {"a number", "a string", "a bool"}
_TABLES: dict[str, Table] = {**TABLES, **C_FAMILY_TABLES, **MORE_TABLES}


def _summarize(source: str, language: str, qualified_name: str) -> list[str]:
    table = _TABLES[language]
    comments = LANGUAGES[language].comment_types
    root, function, data = locate(source, language, table)
    own = function.child_by_field_name("name") if function is not None else None
    own_name = node_head(own, data, 80) if own is not None else re.split(r"[.:#/ ]+", qualified_name.strip())[-1]
    walk = Walk(table, data, comments, own_name)
    if function is None:
        statements = [c for c in root.named_children if c.type not in comments]
    else:
        for name_field in PARAMETER_FIELDS:
            parameters = function.child_by_field_name(name_field)
            if parameters is not None:
                walk.params.update(names := identifiers(parameters, data))
                if name_field == "receiver":
                    walk.self_names.update(names)
        listed = resolve(function, table.parameters) if table.parameters else None
        if listed is not None:  # C and C++ keep them in the declarator
            walk.params.update(identifiers(listed, data))
        for child in function.named_children if table.parameter_types else ():
            if child.type in table.parameter_types:
                walk.params.update(identifiers(child, data))
        declared = next((c for c in function.children if c.type == table.declared_raises), None)
        if declared is not None:
            walk.raises.extend(callee_name(node_head(c, data, 60))[1] for c in declared.named_children)
        body = function.child_by_field_name("body") or next(
            (c for c in function.named_children if c.type in table.body_types), None
        )
        statements = body_statements(body, table, comments) if body is not None else function.named_children
        if body is not None and body.type == "arrow_expression_clause":  # C#: `int P => x;`
            statements, function = body.named_children[:1], body
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
    returned = only is not None and _kind(only, table) in table.returns
    value = walk.first(only) if returned and only is not None else only
    quiet = not (walk.calls or walk.mutations or walk.io or walk.raises)
    if value is not None and quiet and walk.kind_of(value) in _CONSTANT_KINDS:
        return [f"Returns a constant ({node_head(value, data, 40)})"]
    candidates = bullets(walk)
    if candidates:
        while len(candidates) > MAX_BULLETS:
            merged = candidates.pop()
            candidates[-1] = candidates[-1] + merged
        return [pack(clauses) for clauses in candidates]
    if value is not None and (returned or expression_body):
        return [f"Returns {node_head(value, data, 90)}"]
    more = f" (+{len(meaningful) - 1} more)" if len(meaningful) > 1 else ""
    return [f"Straight-line code: {node_head(meaningful[0], data, 70).rstrip(';')}{more}"]


def _kind(node: ts.Node, table: Table) -> str:
    """A node's type, or type and first token where the table keys it so (Swift `return`)."""
    if node.type in table.keyword_kinds and node.child_count:
        return f"{node.type}:{node.children[0].type}"
    return node.type


def summarize_offline(source: str, language: str, qualified_name: str) -> list[str]:
    """1–3 bullets describing the function structurally. Never raises; never returns []."""
    lines = len(source.strip().splitlines())
    if not source.strip():
        return ["Empty source: nothing to summarize"]
    if language not in _TABLES or language not in LANGUAGES:
        shown = re.sub(r"[^\w+#.-]", "", language)[:20] or "this language"
        return [f"A {lines}-line function; {shown} is not analysed offline"]
    try:
        return _summarize(source, language, qualified_name)
    except Exception:  # the contract is "never raises": a summary is optional, a crash is not
        return [f"A {lines}-line function; its structure could not be read offline"]
