"""Per-language node tables for the offline summarizer.

The walker is one loop for every language; what differs between grammars (which node is a
call, where an `if` keeps its condition, what a literal returns) lives here as data, so adding
a language is adding a table, not another copy of the logic.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field


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
    parameters: str = ""  # path to the parameter list when it is no field of the function (C)
    body_types: frozenset[str] = frozenset()  # the body, where the grammar gives it no field (Kotlin)
    parameter_types: frozenset[str] = frozenset()  # parameters, where they have no field (Kotlin, Swift)
    keyword_kinds: frozenset[str] = frozenset()  # nodes known by their first token (Swift `return`/`throw`)
    raise_calls: frozenset[str] = frozenset()  # calls that raise (Ruby `raise`, `fail`)
    propagates: bool = True  # `try_expression` is Rust's `?` (Kotlin's and Swift's are not)


IDENTIFIERS = frozenset({"identifier", "shorthand_property_identifier_pattern", "variable_name", "simple_identifier"})
PARAMETER_FIELDS = ("parameters", "parameter", "receiver", "result")
SELF_NAMES = frozenset({"self", "this", "Self", "cls", "$this"})
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
