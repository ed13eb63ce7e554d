"""C#: methods, constructors, finalizers, operators, accessors and local functions.

Classes, structs, records and interfaces qualify what they hold (`Outer.Inner.M`);
namespaces do not, as Java's packages do not: a block namespace and a file-scoped one then
name a method alike. A property's or indexer's or event's accessors are `Type.P.get`,
`Type.this.set`, `Type.E.add`; an expression-bodied property (`int P => x;`) is `Type.P`.
Local functions are named functions inside their method (`Type.M.Local`, counted for
themselves); lambdas and `delegate` expressions are anonymous and nest.

Language rules (see README): each `case` label and each switch-expression arm counts for
cyclomatic, except `default` and a final discard arm (`_ =>`); `??` is a boolean operator
like `&&` and `||` (a path for cyclomatic, a sequence for cognitive); `??=` and `?.` count
for nothing; pattern `and`/`or` count like `&&`/`||`; a `when` filter on a `catch` or a
`case` adds 1 to cyclomatic only, like a Rust match guard; `goto` adds 1 to cognitive.
"""

from __future__ import annotations

import tree_sitter as ts

from mu_lsp.analysis.ancestry import Up
from mu_lsp.analysis.engine import Callee, CallTarget, FunctionShape, Scorer
from mu_lsp.analysis.rules.c import PreprocessorAwareScorer
from mu_lsp.analysis.rules.common import BraceRules, argument_count, text

CSHARP_QUERY = "\n".join(
    [
        "[(method_declaration) (constructor_declaration) (destructor_declaration) (operator_declaration)"
        " (conversion_operator_declaration) (local_function_statement) (accessor_declaration)"
        " (property_declaration) (indexer_declaration) (lambda_expression) (anonymous_method_expression)] @fn",
        "[(class_declaration) (struct_declaration) (record_declaration) (interface_declaration)"
        " (property_declaration) (indexer_declaration) (event_declaration)] @container",
        "(if_statement) @if",
        "(if_statement consequence: (_) @nest)",
        "(if_statement alternative: (_) @else)",
        "[(for_statement) (foreach_statement) (while_statement) (do_statement)] @loop",
        "(for_statement body: (_) @nest)",
        "(foreach_statement body: (_) @nest)",
        "(while_statement body: (_) @nest)",
        "(do_statement body: (_) @nest)",
        "[(switch_statement) (switch_expression)] @switch",
        "(switch_statement body: (_) @nest)",
        "[(switch_section) (switch_expression_arm)] @case",
        "(switch_expression_arm) @nest",
        "(catch_clause) @catch",
        "(catch_clause body: (_) @nest)",
        "[(catch_filter_clause) (when_clause)] @guard",
        "(conditional_expression) @ternary",
        "(conditional_expression consequence: (_) @nest)",
        "(conditional_expression alternative: (_) @nest)",
        "(binary_expression) @bool",
        "[(and_pattern) (or_pattern)] @bool",
        "(goto_statement) @jump",
    ]
)

_MEMBERS = frozenset(
    {
        "method_declaration",
        "constructor_declaration",
        "destructor_declaration",
        "operator_declaration",
        "conversion_operator_declaration",
    }
)
_ANONYMOUS = frozenset({"lambda_expression", "anonymous_method_expression"})
_ARROW_MEMBERS = frozenset({"property_declaration", "indexer_declaration"})
_NEVER = CallTarget(bare=False)  # accessors and operators are not called by name
_PATTERNS = frozenset({"and_pattern", "or_pattern"})


class CSharpRules(BraceRules):
    function_types = _MEMBERS | _ANONYMOUS | _ARROW_MEMBERS | {"local_function_statement", "accessor_declaration"}
    query_source = CSHARP_QUERY
    logical_operators = frozenset({"&&", "||", "??"})
    recursion_barriers = _ANONYMOUS
    calls_query_source = "(invocation_expression) @call"
    call_openers = b"(<"

    def describe_function(self, node: ts.Node, source: bytes, up: Up | None = None) -> FunctionShape | None:
        kind = node.type
        if kind in _ANONYMOUS:
            return None
        if kind in _ARROW_MEMBERS:  # `int P => x;`: a getter named by the property
            value = node.child_by_field_name("value")
            if value is None or value.type != "arrow_expression_clause":
                return None
            name = node.child_by_field_name("name") or _keyword(node, "this")
            if name is None:
                return None
            return self.shape(text(name, source), node, name, value, target=_NEVER)
        body = node.child_by_field_name("body")
        if body is None:
            return None
        if kind == "accessor_declaration":
            name = node.child_by_field_name("name")
            if name is None:
                return None
            return self.shape(text(name, source), node, name, body, target=_NEVER)
        if kind in ("operator_declaration", "conversion_operator_declaration"):
            anchor = _keyword(node, "operator")
            if anchor is None:
                return None
            return self.shape(_operator_name(node, source), node, anchor, body, target=_NEVER)
        name = node.child_by_field_name("name")
        if name is None:
            return None
        own = text(name, source)
        if kind == "destructor_declaration":
            return self.shape(f"~{own}", node, name, body, target=_NEVER)
        if kind == "local_function_statement":
            return self.shape(own, node, name, body, target=CallTarget(bare=True))
        return self.shape(own, node, name, body, target=_overload_target(node))

    def anonymous_body(self, node: ts.Node) -> tuple[ts.Node, bool] | None:
        if node.type not in _ANONYMOUS:
            return None
        body = node.child_by_field_name("body")
        if body is None:  # `delegate (..) { }` keeps its block unnamed
            body = next((c for c in node.named_children if c.type == "block"), None)
        return (body, True) if body is not None else None

    def container_name(self, node: ts.Node, source: bytes, up: Up | None = None) -> tuple[str, bool] | None:
        if node.type in ("property_declaration", "indexer_declaration", "event_declaration"):
            if node.child_by_field_name("accessors") is None:
                return None
            name = node.child_by_field_name("name")
            return (text(name, source) if name is not None else "this"), True
        return super().container_name(node, source, up)

    def callee(self, call: ts.Node, source: bytes) -> Callee | None:
        function = call.child_by_field_name("function")
        if function is None:
            return None
        arguments = argument_count(call.child_by_field_name("arguments"))
        if function.type == "identifier":
            return Callee(text(function, source), None, arguments)
        if function.type == "generic_name":
            name = next((c for c in function.named_children if c.type == "identifier"), None)
            return Callee(text(name, source), None, arguments) if name is not None else None
        if function.type == "member_access_expression":
            receiver = function.child_by_field_name("expression")
            name = function.child_by_field_name("name")
            if receiver is not None and name is not None and receiver.type in ("this", "identifier"):
                return Callee(text(name, source), text(receiver, source), arguments)
        return None

    def is_counted_case(self, node: ts.Node) -> bool:
        if node.type == "switch_section":
            return any(child.type == "case" for child in node.children)
        pattern = node.named_children[0] if node.named_child_count else None
        is_discard = pattern is not None and pattern.type == "discard"
        return not (is_discard and node.next_named_sibling is None)

    def scorer(self, tree: ts.Tree, source: bytes) -> Scorer:
        return CSharpScorer(self, tree, source)


class CSharpScorer(PreprocessorAwareScorer):
    """Adds pattern combinators: `is > 0 and < 9 or 42` reads as a boolean sequence."""

    __slots__ = ("_in_pattern",)

    def __init__(self, rules: BraceRules, tree: ts.Tree, source: bytes) -> None:
        super().__init__(rules, tree, source)
        self._in_pattern: set[int] = set()

    def keep(self, kind: str, node: ts.Node) -> bool:
        """Patterns come with `@bool`, in document order: the top of each scores it whole."""
        if node.type not in _PATTERNS:
            return super().keep(kind, node)
        if node.id in self._in_pattern:
            return False
        self._sequences[node.id] = self._pattern_sequence(node)
        return True

    def __call__(self, kind: str, node: ts.Node, nesting: int, flags: int) -> tuple[int, int]:
        if kind == "case" and node.type == "switch_section":
            return sum(1 for child in node.children if child.type == "case"), 0
        return super().__call__(kind, node, nesting, flags)

    def _pattern_sequence(self, top: ts.Node) -> tuple[int, int]:
        """(operators, sequences) of a pattern, flattened through parentheses in reading
        order, as `BraceScorer._sequence` reads `&&`/`||`. Iterative: patterns nest deep."""
        operators: list[str] = []
        stack: list[tuple[ts.Node, bool]] = [(top, False)]
        while stack:
            node, visited = stack.pop()
            if visited:
                operators.append("and" if node.type == "and_pattern" else "or")
                continue
            self._in_pattern.add(node.id)
            left, right = node.child_by_field_name("left"), node.child_by_field_name("right")
            for side, after in ((right, False), (None, True), (left, False)):
                if after:
                    stack.append((node, True))
                    continue
                inner = _unparen_pattern(side)
                if inner is not None:
                    stack.append((inner, False))
        changes = sum(1 for i, op in enumerate(operators) if i == 0 or op != operators[i - 1])
        return len(operators), changes


def _unparen_pattern(node: ts.Node | None) -> ts.Node | None:
    while node is not None and node.type == "parenthesized_pattern":
        node = next((c for c in node.named_children if "comment" not in c.type), None)
    return node if node is not None and node.type in _PATTERNS else None


def _keyword(node: ts.Node, word: str) -> ts.Node | None:
    return next((c for c in node.children if c.type == word), None)


def _operator_name(node: ts.Node, source: bytes) -> str:
    """`operator+`, `operator true`, `implicit operator int` (words kept, symbols joined)."""
    parameters = node.child_by_field_name("parameters")
    start = next((c for c in node.children if c.type in ("implicit", "explicit", "operator")), None)
    if start is None or parameters is None:
        return "operator"
    words = source[start.start_byte : parameters.start_byte].decode("utf-8", "replace").split()
    if node.type == "operator_declaration" and len(words) > 1 and not words[1][0].isalpha():
        return "operator" + "".join(words[1:])
    return " ".join(words)


def _overload_target(method: ts.Node) -> CallTarget:
    """Methods are in scope by bare name and through `this` (or their type, when static);
    they overload by argument count, so a call reaches this one with as many arguments as
    it has parameters, fewer down to its optional ones, any more for a `params` array."""
    parameters = method.child_by_field_name("parameters")
    formal = [c for c in parameters.named_children if c.type == "parameter"] if parameters else []
    variadic = parameters is not None and any(c.type == "params" for c in parameters.children)
    optional = sum(1 for c in formal if any(child.type == "=" for child in c.children))
    return CallTarget(
        bare=True,
        receivers=frozenset({"this"}),
        min_args=len(formal) - optional,
        max_args=None if variadic else len(formal),
        checks_arity=True,
    )
