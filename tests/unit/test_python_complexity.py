"""Hand-checked golden counts for every Python construct the counting rules name.

Each case is (id, code of `f`, cyclomatic, cognitive) with the arithmetic in a comment.
Cyclomatic follows radon, cognitive follows complexipy (see mu_lsp/analysis/rules/python.py).
"""

from __future__ import annotations

import textwrap

import pytest

from mu_lsp.analysis import analyze_source

CASES = [
    ("empty", "def f():\n    pass\n", 1, 0),
    ("if", "def f(a):\n    if a:\n        pass\n", 2, 1),
    # if +1, elif +1 | cognitive: if 1, elif 1, else 1
    (
        "if_elif_else",
        "def f(a, b):\n    if a:\n        pass\n    elif b:\n        pass\n    else:\n        pass\n",
        3,
        3,
    ),
    # for +1, nested if +1 | for 1 + if at nesting 1 (2)
    ("nested_if_in_for", "def f(y):\n    for x in y:\n        if x:\n            pass\n", 3, 3),
    # loops count their else branch for cyclomatic, not cognitive
    ("for_else", "def f(y):\n    for x in y:\n        pass\n    else:\n        pass\n", 3, 1),
    ("while_else", "def f(a):\n    while a:\n        pass\n    else:\n        pass\n", 3, 1),
    # two handlers + try-else for cyclomatic; each handler 1 for cognitive; finally free
    (
        "try",
        "def f():\n    try:\n        pass\n    except A:\n        pass\n    except B:\n"
        "        pass\n    else:\n        pass\n    finally:\n        pass\n",
        4,
        2,
    ),
    (
        "except_nested",
        "def f(a):\n    if a:\n        try:\n            pass\n        except E:\n            pass\n",
        3,
        3,
    ),
    # each binary boolean operator is a cyclomatic path; a same-operator sequence is 1
    ("and_chain", "def f(a, b, c):\n    return a and b and c\n", 3, 1),
    ("mixed_bool", "def f(a, b, c):\n    return a and b or c\n", 3, 2),
    ("not_breaks_sequence", "def f(a, b, c):\n    return a or not (b or c)\n", 3, 2),
    ("bool_in_if", "def f(a, b):\n    if a and b:\n        pass\n", 3, 2),
    ("bool_in_while", "def f(a, b):\n    while a and b:\n        pass\n", 3, 2),
    (
        "bool_in_elif",
        "def f(a, b, c):\n    if a:\n        pass\n    elif b or c:\n        pass\n",
        4,
        3,
    ),
    ("ternary", "def f(a):\n    return 1 if a else 2\n", 2, 1),
    # ternary at nesting 1 inside the if body
    ("ternary_nested", "def f(a, b):\n    if a:\n        x = 1 if b else 2\n", 3, 3),
    ("ternary_in_ternary", "def f(a, b):\n    return 1 if a else (2 if b else 3)\n", 3, 3),
    # comprehension `for` +1 and `if` +1 (both metrics)
    ("comprehension_if", "def f(y):\n    return [x for x in y if x]\n", 3, 2),
    ("comprehension_two_fors", "def f(b):\n    return [x for a in b for x in a]\n", 3, 2),
    ("dict_comprehension", "def f(y):\n    return {k: v for k, v in y}\n", 2, 1),
    # the lambda belongs to f; its body is one level deeper
    ("lambda", "def f():\n    g = lambda v: 1 if v else 2\n", 2, 2),
    # radon counts the assert, not what is inside it; complexipy counts the boolean
    ("assert", "def f(a, b):\n    assert a and b\n", 2, 1),
    # three cases, the wildcard is free for cyclomatic; match is 1 for cognitive
    (
        "match",
        "def f(a):\n    match a:\n        case 1:\n            pass\n        case 2:\n"
        "            pass\n        case _:\n            pass\n",
        3,
        1,
    ),
    (
        "match_capture_is_wildcard",
        "def f(a):\n    match a:\n        case 1:\n            pass\n        case other:\n            pass\n",
        2,
        1,
    ),
    ("recursion", "def f(n):\n    return f(n - 1)\n", 1, 1),
    ("method_call_is_not_recursion", "def f(self):\n    return self.f()\n", 1, 0),
    # complexipy does not look into keyword arguments
    ("keyword_argument", "def f(a, b):\n    g(k=a or b)\n", 2, 0),
    ("positional_argument", "def f(a, b):\n    g(a or b)\n", 2, 1),
    ("with", "def f(a, b):\n    with a or b:\n        pass\n", 2, 1),
    ("async_for", "async def f(y):\n    async for x in y:\n        pass\n", 2, 1),
    # decorators and default values belong to nobody
    ("decorators_and_defaults", "@d(a if b else c)\ndef f(x=1 if y else 2):\n    pass\n", 1, 0),
    # if 1 + for at nesting 1 (2) + if at nesting 2 (3)
    (
        "deep_nesting",
        "def f(a, y):\n    while a:\n        for x in y:\n            if x:\n                pass\n",
        4,
        6,
    ),
]


def _function(code: str, name: str = "f"):
    functions = [fn for fn in analyze_source(code.encode(), "python") if fn.name == name]
    assert len(functions) == 1, [fn.qualified_name for fn in analyze_source(code.encode(), "python")]
    return functions[0]


@pytest.mark.parametrize(("code", "cyclomatic", "cognitive"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_golden_counts(code: str, cyclomatic: int, cognitive: int) -> None:
    fn = _function(code)
    assert (fn.cyclomatic, fn.cognitive) == (cyclomatic, cognitive)


def test_nested_function_counts_for_itself_only() -> None:
    code = "def f():\n    def g(a):\n        if a:\n            pass\n    return g\n"
    outer, inner = analyze_source(code.encode(), "python")
    assert (outer.qualified_name, outer.cyclomatic, outer.cognitive) == ("f", 1, 0)
    assert (inner.qualified_name, inner.cyclomatic, inner.cognitive) == ("f.g", 2, 1)


def test_class_inside_function_is_excluded() -> None:
    code = (
        "def f():\n    class C:\n        x = 1 if a else 2\n"
        "        def m(self):\n            if b:\n                pass\n"
    )
    by_name = {fn.qualified_name: fn for fn in analyze_source(code.encode(), "python")}
    assert (by_name["f"].cyclomatic, by_name["f"].cognitive) == (1, 0)
    assert (by_name["f.C.m"].cyclomatic, by_name["f.C.m"].cognitive) == (2, 1)


def test_hot_spots_point_at_the_costliest_lines() -> None:
    code = textwrap.dedent(
        """\
        def f(a, b, y):
            if a:
                for x in y:
                    if x and b:
                        pass
            return 1 if a else 2
        """
    )
    fn = _function(code)
    by_row = dict(fn.hot_spot_rows())
    # row 3: `if` at nesting 2 (3) plus one boolean sequence (1)
    assert by_row[3] == 4
    assert by_row[2] == 2
    assert by_row[1] == 1
    assert sum(by_row.values()) == fn.cognitive


def test_three_thousand_term_boolean_chain_does_not_overflow() -> None:
    code = "def f(a):\n    return " + " and ".join(["a"] * 3000) + "\n"
    fn = _function(code)
    assert fn.cyclomatic == 3000
    assert fn.cognitive == 1
