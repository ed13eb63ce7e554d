"""Reading the syntax tree for the offline summarizer: locating the function in a snippet,
following table paths, naming callees.

Every traversal is iterative and every text read is bounded, so no input is too deep or too
long.
"""

from __future__ import annotations

import re
import textwrap

import tree_sitter as ts

from mu_lsp.analysis.offline.phrasing import clip
from mu_lsp.analysis.offline.tables import IDENTIFIERS, Table
from mu_lsp.analysis.parsing import parse

#: nodes visited per function; a 2000-line function has ~40k, past this the rest is unseen
MAX_NODES = 100_000
_IDENT = re.compile(r"[A-Za-z_$][\w$]*!?\Z")
_EMPTY_STATEMENTS = frozenset({"pass_statement", "empty_statement"})


def node_head(node: ts.Node, data: bytes, limit: int) -> str:
    """The node's text, whitespace collapsed, at most `limit` characters (reads a bounded slice)."""
    cap = node.start_byte + 4 * limit + 64
    text = " ".join(data[node.start_byte : min(node.end_byte, cap)].decode("utf-8", "ignore").split())
    if len(text) > limit or node.end_byte > cap:
        return clip(text[: limit + 1] if len(text) > limit else text + " …", limit)
    return text


def node_tail(node: ts.Node, data: bytes, size: int = 160) -> str:
    """The last bytes of a node: enough to name a callee at the end of a long chain."""
    return data[max(node.start_byte, node.end_byte - size) : node.end_byte].decode("utf-8", "ignore")


def callee_name(raw: str) -> tuple[str, str]:
    """(dotted name, shown name) of a callee text: arguments, indexes and generics dropped,
    only the trailing run of identifiers kept, shown as its last two parts."""
    kept: list[str] = []
    depth = 0
    for char in raw:
        if char in "([{<":
            depth += 1
        elif char in ")]}>":
            depth = max(0, depth - 1)
        elif depth == 0 and char not in " \t\r\n?!*&":
            kept.append(char)
    text = "".join(kept)
    run: list[str] = []
    for segment in reversed(text.replace("::", ".").split(".")):
        if not segment:
            continue
        if not _IDENT.match(segment):
            break
        run.append(segment)
    if not run:
        return "", ""
    run.reverse()
    separator = "::" if len(run) > 1 and text.endswith("::" + run[-1]) else "."
    return ".".join(run), separator.join(run[-2:])


def unparen(node: ts.Node) -> ts.Node:
    while node.type == "parenthesized_expression" and node.named_child_count == 1:
        node = node.named_children[0]
    return node


def resolve(node: ts.Node, path: str) -> ts.Node | None:
    """Follow a table path: field names or child types; "*" is the first non-body child."""
    current: ts.Node | None = node
    for step in path.split("."):
        if current is None:
            return None
        if step == "*":
            body = current.child_by_field_name("body")
            current = next((c for c in current.named_children if body is None or c.id != body.id), None)
        elif not step:
            current = current.named_children[0] if current.named_child_count else None
        else:
            found = current.child_by_field_name(step)
            current = found if found is not None else next((c for c in current.named_children if c.type == step), None)
    return current


def identifiers(node: ts.Node, data: bytes, limit: int = 64) -> list[str]:
    """Names bound by a pattern or parameter list (bounded: patterns are small)."""
    found: list[str] = []
    stack = [node]
    while stack and limit > 0:
        current = stack.pop()
        limit -= 1
        if current.type in IDENTIFIERS:
            found.append(node_head(current, data, 60))
        stack.extend(current.named_children)
    return found


def _python_variants(source: str) -> list[str]:
    """Dedented source, and one with the first line re-indented: a method cut from its class
    starts at `def`/`@decorator` with no indentation while its other lines keep theirs."""
    variants = [textwrap.dedent(source)]
    lines = source.split("\n")
    header = next((line for line in lines[1:] if line.lstrip().startswith(("def ", "async def "))), None)
    if header is not None and lines[0][:1] not in (" ", "\t"):
        indent = header[: len(header) - len(header.lstrip())]
        variants.append(textwrap.dedent(indent + source))
    return variants


def _find_function(root: ts.Node, table: Table) -> ts.Node | None:
    """The outermost function node, in source order (decorators and attributes sit outside)."""
    stack = [root]
    budget = MAX_NODES
    while stack and budget:
        budget -= 1
        node = stack.pop()
        if node.type in table.functions:
            return node
        stack.extend(reversed(node.named_children))
    return None


def locate(source: str, language: str, table: Table) -> tuple[ts.Node, ts.Node | None, bytes]:
    """Parse the snippet (dedented, or wrapped in a container when a method cannot stand alone)
    and find the function; prefer a parse whose function is error-free and spans the snippet."""
    if language == "python":
        variants = [(text, "") for text in _python_variants(source)]
    else:
        variants = [(source, "")]
        if table.wrapper[0]:
            variants.append((table.wrapper[0] + source, table.wrapper[1]))
    best: tuple[tuple[bool, int], ts.Node, ts.Node | None, bytes] | None = None
    for text, suffix in variants:
        body = text.encode("utf-8", "replace")
        data = body + suffix.encode()
        root = parse(data, language).root_node
        function = _find_function(root, table)
        good = function is not None and not function.has_error and not body[function.end_byte :].strip(b" \t\r\n;,")
        span = function.end_byte - function.start_byte if function is not None else -1
        if best is None or (good, span) > best[0]:
            best = ((good, span), root, function, data)
        if good:
            break
    assert best is not None
    return best[1], best[2], best[3]


def body_statements(body: ts.Node, table: Table, comments: frozenset[str]) -> list[ts.Node]:
    """The function's top-level statements; the last one decides what "returns early" means."""
    if body.type not in table.blocks and not body.type.endswith(("block", "body")):
        return [body]  # an expression body: `x => x + 1`, `lambda: 0`
    statements = [c for c in body.named_children if c.type not in comments]
    if len(statements) == 1 and statements[0].type in ("statement_list", "statements", "block"):  # Go, Swift, Kotlin
        statements = [c for c in statements[0].named_children if c.type not in comments]
    return statements


def is_empty(statement: ts.Node) -> bool:
    """`pass`, `;`, a docstring or `...`: statements that do nothing."""
    if statement.type in _EMPTY_STATEMENTS:
        return True
    only = statement.named_children
    return statement.type == "expression_statement" and len(only) == 1 and only[0].type in ("string", "ellipsis")
