"""Per-language node tables, word lists and syntax helpers for the offline summarizer.

The walker in `offline.py` is one loop for every language; what differs between grammars
(which node is a call, where an `if` keeps its condition, what a literal returns) lives here
as data, so adding a language is adding a table, not another copy of the logic. The helpers
below read those tables: locating the function in a snippet, naming callees, fitting bullets.
Every tree traversal is iterative and every text read is bounded, so no input is too deep or
too long.
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache

import tree_sitter as ts

from mu_lsp.analysis.parse import parse

MAX_BULLET = 110
#: nodes visited per function; a 2000-line function has ~40k, past this the rest is unseen
MAX_NODES = 100_000
_IDENT = re.compile(r"[A-Za-z_$][\w$]*!?\Z")
_EMPTY_STATEMENTS = frozenset({"pass_statement", "empty_statement"})
Clause = tuple[int, str, str]  # (priority: lower is kept first, full text, short text)


@dataclass(frozen=True, slots=True)
class Table:
    """Where one grammar keeps what the summary talks about.

    Field paths are dot-separated steps; a step is a field name or, failing that, the type of
    a named child, and `*` is the first named child that is not the body.
    """

    functions: frozenset[str]  # the summarized function and nested helpers/closures
    blocks: frozenset[str]  # statement containers: one nesting level deeper
    calls: Mapping[str, tuple[str, ...]]  # call node -> fields naming the callee, joined by "."
    branches: Mapping[str, tuple[str, str]]  # node -> (condition path, keyword shown before it)
    loops: Mapping[str, tuple[str, ...]]  # node -> "over:path" / "while:path" / "forever:"
    returns: frozenset[str]
    raises: frozenset[str]
    assignments: Mapping[str, str]  # node -> target path ("" = first named child)
    declarations: Mapping[str, str]  # node -> path whose identifiers become locals
    patterns: frozenset[str]  # assignment targets that hold several targets
    catches: Mapping[str, str]  # handler node -> path of the caught types ("" = untyped)
    literals: Mapping[str, str]  # returned node type -> kind; "@field" reads a type name
    awaits: frozenset[str] = frozenset()
    yields: frozenset[str] = frozenset()
    extras: Mapping[str, str] = field(default_factory=dict)  # node -> side-effect phrase
    macros: frozenset[str] = frozenset()  # call nodes whose callee gets a "!"
    raise_verb: str = "raises"
    bare_return: str = ""  # kind of a `return` with no value ("" = unknown)
    declares_by_assignment: frozenset[str] = frozenset()  # `x = 1` makes a local (Python)
    globals: frozenset[str] = frozenset()  # `global x` / `nonlocal x`
    implicit_tail: bool = False  # the body's last expression is the result (Rust)
    error_results: bool = False  # a non-nil last result named like "err" is an error (Go)
    constructors_are_noise: bool = False  # `Foo::Bar(x)` builds an enum value (Rust)
    declared_raises: str = ""  # signature child listing thrown types (Java `throws`)
    wrapper: tuple[str, str] = ("", "")  # container that lets a method snippet parse


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


IDENTIFIERS = frozenset({"identifier", "shorthand_property_identifier_pattern"})
PARAMETER_FIELDS = ("parameters", "parameter", "receiver", "result")
SELF_NAMES = frozenset({"self", "this", "Self", "cls"})
BOOL_OPERATORS = frozenset({"==", "!=", "===", "!==", "<", ">", "<=", ">=", "&&", "||", "instanceof"})

_JS_FUNCTIONS = frozenset(
    {
        "function_declaration",
        "generator_function_declaration",
        "function_expression",
        "generator_function",
        "arrow_function",
        "method_definition",
    }
)

TABLES: dict[str, Table] = {
    "python": Table(
        functions=frozenset({"function_definition", "lambda"}),
        blocks=frozenset({"block"}),
        calls={"call": ("function",)},
        branches={
            "if_statement": ("condition", ""),
            "elif_clause": ("condition", ""),
            "match_statement": ("subject", "match"),
        },
        loops={"for_statement": ("over:right",), "while_statement": ("while:condition",)},
        returns=frozenset({"return_statement"}),
        raises=frozenset({"raise_statement"}),
        assignments={"assignment": "left", "augmented_assignment": "left", "delete_statement": ""},
        declarations={
            "for_statement": "left",
            "as_pattern": "alias",
            "named_expression": "name",
            "for_in_clause": "left",
        },
        patterns=frozenset({"pattern_list", "tuple_pattern", "list_pattern", "tuple", "list", "expression_list"}),
        catches={"except_clause": "value"},
        literals={
            "tuple": "a tuple",
            "dictionary": "a dict",
            "dictionary_comprehension": "a dict",
            "list": "a list",
            "list_comprehension": "a list",
            "set": "a set",
            "set_comprehension": "a set",
            "true": "a bool",
            "false": "a bool",
            "comparison_operator": "a bool",
            "not_operator": "a bool",
            "none": "None",
            "string": "a string",
            "concatenated_string": "a string",
            "integer": "a number",
            "float": "a number",
            "lambda": "a function",
            "generator_expression": "a generator",
        },
        awaits=frozenset({"await"}),
        yields=frozenset({"yield"}),
        bare_return="None",
        declares_by_assignment=frozenset({"assignment"}),
        globals=frozenset({"global_statement", "nonlocal_statement"}),
    ),
    "javascript": Table(
        functions=_JS_FUNCTIONS,
        blocks=frozenset({"statement_block", "switch_case", "switch_default"}),
        calls={"call_expression": ("function",), "new_expression": ("constructor",)},
        branches={"if_statement": ("condition", ""), "switch_statement": ("value", "switch")},
        loops={
            "for_in_statement": ("over:right",),
            "for_statement": ("while:condition",),
            "while_statement": ("while:condition",),
            "do_statement": ("while:condition",),
        },
        returns=frozenset({"return_statement"}),
        raises=frozenset({"throw_statement"}),
        assignments={
            "assignment_expression": "left",
            "augmented_assignment_expression": "left",
            "update_expression": "argument",
        },
        declarations={"variable_declarator": "name", "for_in_statement": "left", "catch_clause": "parameter"},
        patterns=frozenset({"array_pattern", "object_pattern", "parenthesized_expression"}),
        catches={"catch_clause": ""},
        literals={
            "object": "an object",
            "array": "an array",
            "true": "a bool",
            "false": "a bool",
            "null": "null",
            "undefined": "undefined",
            "string": "a string",
            "template_string": "a string",
            "number": "a number",
            "arrow_function": "a function",
            "function_expression": "a function",
            "new_expression": "@constructor",
            "jsx_element": "JSX",
            "jsx_self_closing_element": "JSX",
        },
        awaits=frozenset({"await_expression"}),
        yields=frozenset({"yield_expression"}),
        raise_verb="throws",
        bare_return="undefined",
        wrapper=("class __Mu {\n", "\n}\n"),
    ),
    "go": Table(
        functions=frozenset({"function_declaration", "method_declaration", "func_literal"}),
        blocks=frozenset({"statement_list"}),
        calls={"call_expression": ("function",)},
        branches={
            "if_statement": ("condition", ""),
            "expression_switch_statement": ("value", "switch"),
            "type_switch_statement": ("value", "type switch"),
            "select_statement": ("", "select"),
        },
        loops={
            "for_statement": (
                "over:range_clause.right",
                "while:for_clause.condition",
                "while:*",
                "forever:",
            )
        },
        returns=frozenset({"return_statement"}),
        raises=frozenset(),
        assignments={"assignment_statement": "left", "inc_statement": "", "dec_statement": ""},
        declarations={
            "short_var_declaration": "left",
            "var_spec": "name",
            "const_spec": "name",
            "range_clause": "left",
            "receive_statement": "left",
        },
        patterns=frozenset({"expression_list"}),
        catches={},
        literals={
            "nil": "nil",
            "true": "a bool",
            "false": "a bool",
            "interpreted_string_literal": "a string",
            "raw_string_literal": "a string",
            "int_literal": "a number",
            "float_literal": "a number",
            "func_literal": "a function",
            "composite_literal": "@type",
        },
        extras={
            "go_statement": "starts goroutines",
            "send_statement": "sends on channels",
            "defer_statement": "defers cleanup",
        },
        raise_verb="panics",
        error_results=True,
    ),
    "rust": Table(
        functions=frozenset({"function_item", "closure_expression"}),
        blocks=frozenset({"block", "match_block"}),
        calls={"call_expression": ("function",), "macro_invocation": ("macro",)},
        branches={"if_expression": ("condition", ""), "match_expression": ("value", "match")},
        loops={
            "for_expression": ("over:value",),
            "while_expression": ("while:condition",),
            "loop_expression": ("forever:",),
        },
        returns=frozenset({"return_expression"}),
        raises=frozenset(),
        assignments={"assignment_expression": "left", "compound_assignment_expr": "left"},
        declarations={"let_declaration": "pattern", "for_expression": "pattern", "let_condition": "pattern"},
        patterns=frozenset({"tuple_expression"}),
        catches={},
        literals={
            "unit_expression": "()",
            "tuple_expression": "a tuple",
            "array_expression": "an array",
            "boolean_literal": "a bool",
            "string_literal": "a string",
            "integer_literal": "a number",
            "float_literal": "a number",
            "closure_expression": "a closure",
            "struct_expression": "@name",
        },
        awaits=frozenset({"await_expression"}),
        extras={"unsafe_block": "uses unsafe"},
        macros=frozenset({"macro_invocation"}),
        raise_verb="panics",
        bare_return="()",
        implicit_tail=True,
        constructors_are_noise=True,
        wrapper=("impl __Mu {\n", "\n}\n"),
    ),
    "java": Table(
        functions=frozenset(
            {"method_declaration", "constructor_declaration", "compact_constructor_declaration", "lambda_expression"}
        ),
        blocks=frozenset({"block", "constructor_body", "switch_block_statement_group", "switch_rule"}),
        calls={"method_invocation": ("object", "name"), "object_creation_expression": ("type",)},
        branches={"if_statement": ("condition", ""), "switch_expression": ("condition", "switch")},
        loops={
            "enhanced_for_statement": ("over:value",),
            "for_statement": ("while:condition",),
            "while_statement": ("while:condition",),
            "do_statement": ("while:condition",),
        },
        returns=frozenset({"return_statement"}),
        raises=frozenset({"throw_statement"}),
        assignments={"assignment_expression": "left", "update_expression": ""},
        declarations={
            "variable_declarator": "name",
            "enhanced_for_statement": "name",
            "catch_formal_parameter": "name",
        },
        patterns=frozenset(),
        catches={"catch_clause": "catch_formal_parameter.catch_type"},
        literals={
            "null_literal": "null",
            "true": "a bool",
            "false": "a bool",
            "string_literal": "a string",
            "decimal_integer_literal": "a number",
            "array_creation_expression": "an array",
            "lambda_expression": "a function",
            "object_creation_expression": "@type",
        },
        extras={"synchronized_statement": "locks (synchronized)"},
        declared_raises="throws",
        raise_verb="throws",
        wrapper=("class __Mu {\n", "\n}\n"),
    ),
}
TABLES["typescript"] = TABLES["tsx"] = TABLES["javascript"]

#: callees too common to say anything (matched on the last name part)
TRIVIAL = _words(
    """len str int float bool list dict set tuple frozenset bytes isinstance issubclass range enumerate
    zip repr type super getattr hasattr setattr min max sorted reversed iter next map filter any all
    abs round format id hash callable vars object strip lstrip rstrip split lower upper startswith
    endswith items keys values copy encode decode replace join
    toString valueOf equals hashCode size isEmpty length trim toLowerCase toUpperCase startsWith
    endsWith includes indexOf slice concat forEach reduce some every parseInt parseFloat String
    Number Boolean Array Object Map Set Error Date RegExp Symbol isArray
    Some Ok Err Box Vec to_string to_owned clone into iter collect as_str as_ref is_empty unwrap_or
    unwrap_or_default unwrap_or_else format! vec! matches! assert! assert_eq! assert_ne! debug_assert!
    make new cap append Unlock RUnlock Sprintf Sprint ArrayList HashMap HashSet LinkedList TreeMap StringBuilder
    Integer Long Double requireNonNull fmt.Errorf errors.New
    Vec.new Vec.with_capacity String.new String.from HashMap.new HashSet.new BTreeMap.new Default.default"""
)
#: methods that change their receiver: a side effect unless the receiver is a fresh local
MUTATORS = _words(
    """append extend update pop popleft appendleft remove add discard setdefault clear insert sort
    reverse put put_nowait push unshift shift splice set delete fill retain truncate drain dedup
    push_back push_front pop_back pop_front addAll removeAll putAll putIfAbsent computeIfAbsent
    offer poll Store Delete"""
)
#: calls that mean "this may panic" in Go and Rust
PANICS = frozenset({"panic", "panic!", "unreachable!", "todo!", "unimplemented!", "unwrap", "expect"})
CATCH_ALL = frozenset({"recover"})

#: I/O by category. "x." or "x*" match a dotted segment anywhere; "=x" only exactly; "x" exactly
#: or as the last segment(s).
IO_RULES: tuple[tuple[str, str], ...] = (
    (
        "file I/O",
        """open os.remove os.unlink os.rename os.replace os.makedirs os.mkdir os.rmdir os.listdir
        os.scandir os.walk shutil. read_text write_text read_bytes write_bytes json.dump json.load
        pickle. fs. fsPromises. readFile writeFile os.Open* os.Create os.ReadFile os.WriteFile
        os.Remove* os.MkdirAll ioutil. File.open File.create OpenOptions. Files. FileReader FileWriter
        FileInputStream FileOutputStream""",
    ),
    (
        "network I/O",
        """requests. httpx. urllib. urlopen aiohttp. socket. fetch axios. http.Get http.Post
        http.NewRequest* net.Dial* reqwest. HttpClient. openConnection""",
    ),
    (
        "runs processes",
        """subprocess. os.system os.popen os.exec* exec.Command* child_process. =spawn =execSync
        =execFile Command.new ProcessBuilder""",
    ),
    (
        "logs",
        """logging. logger. log. LOG. LOGGER. console. warnings.warn info! warn! error! debug! trace!
        slog.""",
    ),
    (
        "prints",
        """=print System.out. System.err. fmt.Print* fmt.Fprint* println! eprintln! print! eprint!
        sys.stdout. sys.stderr. process.stdout.""",
    ),
)


def _category_pattern(patterns: str) -> re.Pattern[str]:
    """One regex per category: a call is checked against five patterns, not a hundred."""
    alternatives = []
    for pattern in patterns.split():
        if pattern.startswith("="):
            alternatives.append(f"^{re.escape(pattern[1:])}$")
        elif pattern.endswith((".", "*")):
            alternatives.append(rf"(?:^|\.){re.escape(pattern.rstrip('*'))}")
        else:
            alternatives.append(rf"(?:^|\.){re.escape(pattern)}$")
    return re.compile("|".join(alternatives))


_IO_PATTERNS = tuple((category, _category_pattern(patterns)) for category, patterns in IO_RULES)


@lru_cache(maxsize=4096)
def io_category(dotted: str) -> str | None:
    """The I/O category of a callee written with "." separators, if it is one."""
    for category, pattern in _IO_PATTERNS:
        if pattern.search(dotted):
            return category
    return None


# -- syntax and text helpers ------------------------------------------------------------------


def node_head(node: ts.Node, data: bytes, limit: int) -> str:
    """The node's text, whitespace collapsed, at most `limit` characters (reads a bounded slice)."""
    cap = node.start_byte + 4 * limit + 64
    text = " ".join(data[node.start_byte : min(node.end_byte, cap)].decode("utf-8", "ignore").split())
    if len(text) > limit or node.end_byte > cap:
        return text[: limit - 1].rstrip() + "…"
    return text


def node_tail(node: ts.Node, data: bytes, size: int = 160) -> str:
    """The last bytes of a node: enough to name a callee at the end of a long chain."""
    return data[max(node.start_byte, node.end_byte - size) : node.end_byte].decode("utf-8", "ignore")


def clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


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


def _dedupe(items: list[str], limit: int) -> tuple[list[str], int]:
    """First `limit` distinct items and how many more there were."""
    unique = list(dict.fromkeys(item for item in items if item))
    return unique[:limit], max(0, len(unique) - limit)


def listing(items: list[str], limit: int, more: bool = True) -> str:
    """ "a, b, c (+2 more)": distinct items in first-seen order, so output is deterministic."""
    shown, hidden = _dedupe(items, limit)
    return ", ".join(shown) + (f" (+{hidden} more)" if hidden and more else "")


def plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def listing_clause(priority: int, prefix: str, items: list[str], limit: int) -> Clause:
    """A listing clause, with a one-item short form for when space runs out."""
    return (priority, prefix + listing(items, limit), prefix + listing(items, 1))


def pack(clauses: list[Clause]) -> str:
    """One bullet of at most MAX_BULLET characters, clauses shown in their original order.

    Priority tiers are filled in turn: every clause of a tier in its short form if it fits, then
    upgraded to its full form if that still fits; lower tiers get what is left.
    """
    ranked = sorted(range(len(clauses)), key=lambda i: (clauses[i][0], i))
    chosen = {ranked[0]: clip(clauses[ranked[0]][2], MAX_BULLET)}
    for level in sorted({clause[0] for clause in clauses}):
        tier = [index for index in ranked if clauses[index][0] == level]
        for upgrade in (False, True):
            for index in tier:
                text = clauses[index][1] if upgrade else clauses[index][2]
                others = sum(len(chosen[i]) + 2 for i in chosen if i != index)
                if (index in chosen or not upgrade) and others + len(text) <= MAX_BULLET:
                    chosen[index] = text
    text = "; ".join(chosen[index] for index in sorted(chosen))
    return text[:1].upper() + text[1:]


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
    if len(statements) == 1 and statements[0].type == "statement_list":  # Go
        statements = [c for c in statements[0].named_children if c.type not in comments]
    return statements


def is_empty(statement: ts.Node) -> bool:
    """`pass`, `;`, a docstring or `...`: statements that do nothing."""
    if statement.type in _EMPTY_STATEMENTS:
        return True
    only = statement.named_children
    return statement.type == "expression_statement" and len(only) == 1 and only[0].type in ("string", "ellipsis")
