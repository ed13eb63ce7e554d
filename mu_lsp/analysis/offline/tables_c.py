"""Offline summarizer tables for C, C++ and C# (issue 18), kept apart from `tables` so that
module stays under the size limit; `summary` merges them into one lookup.

C keeps a function's parameters inside its declarator (`parameters` path), and a local
declared without a value (`int i;`) is a `declaration` holding a bare identifier.
"""

from __future__ import annotations

from mu_lsp.analysis.offline.tables import Table

_C_LITERALS = {
    "null": "NULL",
    "true": "a bool",
    "false": "a bool",
    "number_literal": "a number",
    "string_literal": "a string",
    "concatenated_string": "a string",
    "char_literal": "a char",
    "initializer_list": "an initializer list",
    "compound_literal_expression": "@type",
}

_C = Table(
    functions=frozenset({"function_definition"}),
    blocks=frozenset({"compound_statement", "case_statement"}),
    calls={"call_expression": ("function",)},
    branches={"if_statement": ("condition", ""), "switch_statement": ("condition", "switch")},
    loops={
        "for_statement": ("while:condition", "forever:"),
        "while_statement": ("while:condition",),
        "do_statement": ("while:condition",),
    },
    returns=frozenset({"return_statement"}),
    raises=frozenset(),
    assignments={"assignment_expression": "left", "update_expression": "argument"},
    declarations={"init_declarator": "declarator", "declaration": "identifier"},
    patterns=frozenset(),
    catches={},
    literals=_C_LITERALS,
    extras={"goto_statement": "jumps with goto"},
    parameters="declarator.parameters",
)

_CPP = Table(
    functions=frozenset({"function_definition", "lambda_expression"}),
    blocks=frozenset({"compound_statement", "case_statement"}),
    calls={"call_expression": ("function",), "new_expression": ("type",)},
    branches={"if_statement": ("condition.value", ""), "switch_statement": ("condition.value", "switch")},
    loops={
        "for_range_loop": ("over:right",),
        "for_statement": ("while:condition", "forever:"),
        "while_statement": ("while:condition.value",),
        "do_statement": ("while:condition",),
    },
    returns=frozenset({"return_statement", "co_return_statement"}),
    raises=frozenset({"throw_statement"}),
    assignments={"assignment_expression": "left", "update_expression": "argument"},
    declarations={
        "init_declarator": "declarator",
        "declaration": "identifier",
        "for_range_loop": "declarator",
        "parameter_declaration": "declarator",
    },
    patterns=frozenset(),
    catches={"catch_clause": "parameters.parameter_declaration.type"},
    literals={**_C_LITERALS, "lambda_expression": "a lambda", "new_expression": "@type"},
    awaits=frozenset({"co_await_expression"}),
    yields=frozenset({"co_yield_statement"}),
    extras={"goto_statement": "jumps with goto"},
    raise_verb="throws",
    parameters="declarator.parameters",
)

_CSHARP = Table(
    functions=frozenset(
        {
            "method_declaration",
            "constructor_declaration",
            "destructor_declaration",
            "operator_declaration",
            "conversion_operator_declaration",
            "local_function_statement",
            "accessor_declaration",
            "lambda_expression",
            "anonymous_method_expression",
        }
    ),
    blocks=frozenset({"block", "switch_section", "switch_expression_arm"}),
    calls={"invocation_expression": ("function",), "object_creation_expression": ("type",)},
    branches={
        "if_statement": ("condition", ""),
        "switch_statement": ("value", "switch"),
        "switch_expression": ("", "switch"),
    },
    loops={
        "foreach_statement": ("over:right",),
        "for_statement": ("while:condition", "forever:"),
        "while_statement": ("while:condition",),
        "do_statement": ("while:condition",),
    },
    returns=frozenset({"return_statement"}),
    raises=frozenset({"throw_statement", "throw_expression"}),
    assignments={"assignment_expression": "left"},  # not `x++`: `x!` (null-forgiving) is the same node
    declarations={
        "variable_declarator": "name",
        "foreach_statement": "left",
        "catch_declaration": "name",
        "declaration_pattern": "name",
    },
    patterns=frozenset({"tuple_expression"}),
    catches={"catch_clause": "catch_declaration.type"},
    literals={
        "null_literal": "null",
        "boolean_literal": "a bool",
        "integer_literal": "a number",
        "real_literal": "a number",
        "string_literal": "a string",
        "verbatim_string_literal": "a string",
        "raw_string_literal": "a string",
        "interpolated_string_expression": "a string",
        "character_literal": "a char",
        "tuple_expression": "a tuple",
        "array_creation_expression": "an array",
        "implicit_array_creation_expression": "an array",
        "lambda_expression": "a lambda",
        "object_creation_expression": "@type",
    },
    awaits=frozenset({"await_expression"}),
    yields=frozenset({"yield_statement"}),
    extras={"lock_statement": "locks (lock)", "unsafe_statement": "uses unsafe", "goto_statement": "jumps with goto"},
    raise_verb="throws",
    wrapper=("class __Mu {\n", "\n}\n"),
)

C_FAMILY_TABLES: dict[str, Table] = {"c": _C, "cpp": _CPP, "csharp": _CSHARP}
