"""C and C++: function definitions, found through their declarators.

A C function's name sits inside its declarator (`int (*f(void))(int)` nests it three
deep), so the name is the innermost function declarator's own name. C++ adds scopes:
namespaces, classes, structs and unions qualify what they hold, and an out-of-line
definition `A::B::f` is qualified by its written scope (`ns.A.B.f`, `.` joins every scope
as in the other languages). Lambdas are anonymous and nest. Templates and a function-try
block belong to the function they wrap.

Language rules (see README): every `case` label counts for cyclomatic, fall-through labels
too (each is an entry path, as lizard counts them); `default` does not. `goto` adds 1 to
cognitive, like a labelled jump. Preprocessor conditionals (`#if`, `#ifdef`, `#elif`) count
for nothing: they choose what is compiled, not a path at run time; the code of every branch
is counted, since tree-sitter reads them all; the `&&`, `||` and `?:` in a directive's
condition (which tree-sitter parses as expressions) count for nothing either.
"""

from __future__ import annotations

import re
from bisect import bisect_right

import tree_sitter as ts

from mu_lsp.analysis.ancestry import Up
from mu_lsp.analysis.engine import Callee, CallTarget, FunctionShape, Scorer
from mu_lsp.analysis.rules.common import BraceRules, BraceScorer, argument_count, text

_C_STATEMENTS = [
    "(if_statement) @if",
    "(if_statement consequence: (_) @nest)",
    "(else_clause) @else",
    "[(for_statement) (while_statement) (do_statement)] @loop",
    "(for_statement body: (_) @nest)",
    "(while_statement body: (_) @nest)",
    "(do_statement body: (_) @nest)",
    "(switch_statement) @switch",
    "(switch_statement body: (_) @nest)",
    "(case_statement) @case",
    "(conditional_expression) @ternary",
    "(conditional_expression consequence: (_) @nest)",
    "(conditional_expression alternative: (_) @nest)",
    "(binary_expression) @bool",
    "(goto_statement) @jump",
]

C_QUERY = "\n".join(["(function_definition) @fn", *_C_STATEMENTS])

CPP_QUERY = "\n".join(
    [
        "[(function_definition) (lambda_expression)] @fn",
        "[(namespace_definition) (class_specifier) (struct_specifier) (union_specifier)] @container",
        *_C_STATEMENTS,
        "(for_range_loop) @loop",
        "(for_range_loop body: (_) @nest)",
        "(catch_clause) @catch",
        "(catch_clause body: (_) @nest)",
    ]
)

#: declarators that wrap the one holding the name
_WRAPPERS = frozenset(
    {"pointer_declarator", "reference_declarator", "parenthesized_declarator", "attributed_declarator"}
)
_NAMES = frozenset(
    {
        "identifier",
        "field_identifier",
        "qualified_identifier",
        "destructor_name",
        "operator_name",
        "operator_cast",
        "template_function",
        "type_identifier",
    }
)
_OPERATOR_SPACE = re.compile(r"\boperator (?=[^\w])")


class CRules(BraceRules):
    """C: free functions, called by bare name only (C has no overloads)."""

    function_types = frozenset({"function_definition"})
    query_source = C_QUERY
    named_by_context = frozenset({"function_definition"})
    call_openers = b"("

    def describe_function(self, node: ts.Node, source: bytes, up: Up | None = None) -> FunctionShape | None:
        if node.type != "function_definition":
            return None
        body = node.child_by_field_name("body")
        name_node = function_name(node)
        if body is None or name_node is None:
            return None
        scope, name = split_name(name_node, source)
        if not name:
            return None
        up = up if up is not None else Up(node)  # the server's edit widening passes none
        outer = up[0] if up[0] is not None and up[0].type == "template_declaration" else node
        return self.shape(name, outer, name_node, body, ".".join(scope) or None, self.target(node, scope, source))

    def target(self, node: ts.Node, scope: list[str], source: bytes) -> CallTarget:
        return CallTarget(bare=True)

    def callee(self, call: ts.Node, source: bytes) -> Callee | None:
        function = call.child_by_field_name("function")
        if function is None or function.type != "identifier":
            return None
        return Callee(text(function, source), None, argument_count(call.child_by_field_name("arguments")))

    def is_counted_case(self, node: ts.Node) -> bool:
        return node.child_by_field_name("value") is not None

    def scorer(self, tree: ts.Tree, source: bytes) -> Scorer:
        return PreprocessorAwareScorer(self, tree, source)


class CppRules(CRules):
    """C++: methods are called by bare name or through `this`, and overload by argument count."""

    function_types = frozenset({"function_definition", "lambda_expression"})
    query_source = CPP_QUERY
    logical_operators = frozenset({"&&", "||", "and", "or"})
    recursion_barriers = frozenset({"lambda_expression"})
    call_openers = b"(<"

    def target(self, node: ts.Node, scope: list[str], source: bytes) -> CallTarget:
        """Bare, `this->f(..)`, or `Scope::f(..)` through its own class; by argument count,
        since `f(x)` inside `f(x, y)` is usually another overload."""
        declarator = _function_declarator(node)
        parameters = declarator.child_by_field_name("parameters") if declarator is not None else None
        formal = [c for c in parameters.named_children if "comment" not in c.type] if parameters else []
        if len(formal) == 1 and _is_void(formal[0], source):
            formal = []
        variadic = any(c.type in _VARIADIC for c in formal) or (
            parameters is not None and any(c.type == "..." for c in parameters.children)
        )
        fixed = [c for c in formal if c.type not in _VARIADIC]
        required = sum(1 for c in fixed if c.type != "optional_parameter_declaration")
        return CallTarget(
            bare=True,
            receivers=frozenset({"this", *scope[-1:]}),
            min_args=required,
            max_args=None if variadic else len(fixed),
            checks_arity=True,
        )

    def callee(self, call: ts.Node, source: bytes) -> Callee | None:
        function = call.child_by_field_name("function")
        if function is None:
            return None
        arguments = argument_count(call.child_by_field_name("arguments"))
        if function.type == "template_function":
            function = function.child_by_field_name("name")
        if function is None:
            return None
        if function.type == "identifier":
            return Callee(text(function, source), None, arguments)
        if function.type == "field_expression":
            argument = function.child_by_field_name("argument")
            field = function.child_by_field_name("field")
            if argument is not None and argument.type == "this" and field is not None:
                return Callee(text(field, source), "this", arguments)
        if function.type == "qualified_identifier":
            scope, name = split_name(function, source)
            if scope:
                return Callee(name, scope[-1], arguments)
        return None

    def container_name(self, node: ts.Node, source: bytes, up: Up | None = None) -> tuple[str, bool] | None:
        name = node.child_by_field_name("name")
        if name is None:
            return None  # an anonymous namespace or struct names nothing
        if name.type == "template_type":
            name = name.child_by_field_name("name") or name
        if name.type in ("nested_namespace_specifier", "qualified_identifier"):  # namespace a::b, class A::B
            return ".".join(part for part in text(name, source).replace(" ", "").split("::") if part), True
        return text(name, source), True


_VARIADIC = frozenset({"variadic_parameter", "variadic_parameter_declaration"})


def _is_void(parameter: ts.Node, source: bytes) -> bool:
    """`f(void)`: a parameter list of no parameters."""
    kind = parameter.child_by_field_name("type")
    return parameter.named_child_count == 1 and kind is not None and text(kind, source) == "void"


def _function_declarator(node: ts.Node) -> ts.Node | None:
    """The innermost function declarator: the one whose own declarator is a name."""
    current = node.child_by_field_name("declarator")
    found: ts.Node | None = None
    for _ in range(64):  # declarators nest a few levels; a bound keeps hostile input cheap
        if current is None:
            break
        if current.type == "function_declarator":
            found = current
            inner = current.child_by_field_name("declarator")
            if inner is None or inner.type in _NAMES:
                break
            current = inner
        elif current.type in _WRAPPERS:
            current = current.child_by_field_name("declarator") or next(iter(current.named_children[-1:]), None)
        else:
            break
    return found


def function_name(node: ts.Node) -> ts.Node | None:
    direct = node.child_by_field_name("declarator")
    if direct is not None and direct.type in ("operator_cast", "qualified_identifier"):
        return direct  # `operator bool() const`: the cast holds its own parameters
    declarator = _function_declarator(node)
    inner = declarator.child_by_field_name("declarator") if declarator is not None else None
    return inner if inner is not None and inner.type in _NAMES else None


def split_name(name: ts.Node, source: bytes) -> tuple[list[str], str]:
    """(scopes, own name) of a declarator name: `A<T>::B::~B` -> (["A", "B"], "~B")."""
    scope: list[str] = []
    current: ts.Node | None = name
    for _ in range(256):
        if current is None or current.type != "qualified_identifier":
            break
        part = current.child_by_field_name("scope")
        if part is not None:
            if part.type == "template_type":
                part = part.child_by_field_name("name") or part
            scope.append(text(part, source))
        current = current.child_by_field_name("name")
    if current is None:
        return scope, ""
    if current.type == "template_function":
        current = current.child_by_field_name("name") or current
    if current.type == "operator_cast":
        return scope, "operator " + " ".join(text(current.child_by_field_name("type"), source).split())
    return scope, normalize_operator(text(current, source))


def normalize_operator(name: str) -> str:
    """`operator ==` -> `operator==`; `operator bool` keeps its space; `~ S` -> `~S`."""
    name = " ".join(name.split())
    name = _OPERATOR_SPACE.sub("operator", name)
    return name.replace("~ ", "~")


_DIRECTIVE = re.compile(rb"#[ \t]*(?:el)?if")  # unanchored: a scan at C speed, then checked


def directive_spans(source: bytes) -> tuple[list[int], list[int]]:
    """(starts, ends) of the `#if`/`#elif` lines (with their `\\` continuations), in order.

    Found by text, not by a query: the server re-analyses a small byte range after each
    edit, and a whole-tree query for a handful of directives cost five times that analysis.
    """
    starts: list[int] = []
    ends: list[int] = []
    for match in _DIRECTIVE.finditer(source):
        start = match.start()
        before = start
        while before > 0 and source[before - 1] in b" \t":
            before -= 1
        if (before > 0 and source[before - 1] != 10) or (ends and start < ends[-1]):
            continue  # not at the start of a line, or inside the previous directive
        end = source.find(b"\n", start)
        while end > 0 and (source.endswith(b"\\", 0, end) or source.endswith(b"\\\r", 0, end)):
            end = source.find(b"\n", end + 1)
        end = len(source) if end < 0 else end
        starts.append(start)
        ends.append(end)
    return starts, ends


class PreprocessorAwareScorer(BraceScorer):
    """Drops the operators of `#if`/`#elif` conditions: they decide what is compiled."""

    __slots__ = ("_ends", "_starts")

    def __init__(self, rules: BraceRules, tree: ts.Tree, source: bytes) -> None:
        super().__init__(rules)
        self._starts, self._ends = directive_spans(source)

    def keep(self, kind: str, node: ts.Node) -> bool:
        if self._starts and kind in ("bool", "ternary"):
            index = bisect_right(self._starts, node.start_byte) - 1
            if index >= 0 and node.end_byte <= self._ends[index]:
                return False
        return super().keep(kind, node)
