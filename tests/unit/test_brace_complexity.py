"""Hand-checked golden counts for JavaScript, TypeScript/TSX, Go, Rust and Java.

Cyclomatic: 1 + if/else-if, conditional loops, non-default cases/arms, catch, ternary, and
each `&&`/`||`/`??`. Cognitive (SonarSource): structures 1 + nesting; else-if/else 1; one per
boolean operator sequence; labelled jumps and goto 1; recursion 1.
"""

from __future__ import annotations

import pytest

from mu_lsp.analysis import analyze_source

CASES = [
    # (id, language, code, qualified name, cyclomatic, cognitive)
    ("js_if", "javascript", "function f(a) { if (a) {} }", "f", 2, 1),
    # if 1, else-if 1, else 1 | paths: if, else-if
    (
        "js_else_if",
        "javascript",
        "function f(a, b) { if (a) {} else if (b) {} else {} }",
        "f",
        3,
        3,
    ),
    # loops: for, for-of, while, do | each 1 at nesting 0
    (
        "js_loops",
        "javascript",
        "function f(y) { for (;;) {} for (const x of y) {} while (y) {} do {} while (y); }",
        "f",
        5,
        4,
    ),
    # if 1 + for at nesting 1 (2) + if at nesting 2 (3)
    (
        "js_nesting",
        "javascript",
        "function f(a, y) { if (a) { for (const x of y) { if (x) {} } } }",
        "f",
        4,
        6,
    ),
    # two cases + default: 2 paths; switch 1 for cognitive
    (
        "js_switch",
        "javascript",
        "function f(x) { switch (x) { case 1: break; case 2: break; default: } }",
        "f",
        3,
        1,
    ),
    (
        "js_catch",
        "javascript",
        "function f() { try { g() } catch (e) { if (e) {} } finally {} }",
        "f",
        3,
        3,
    ),
    ("js_ternary", "javascript", "function f(a) { return a ? 1 : 2 }", "f", 2, 1),
    # && || ??: three operators, three sequences (the operator changes twice)
    (
        "js_bool_sequences",
        "javascript",
        "function f(a, b, c, d) { return a && b || c ?? d }",
        "f",
        4,
        3,
    ),
    ("js_same_operator", "javascript", "function f(a, b, c) { return a && b && c }", "f", 3, 1),
    (
        "js_labelled_continue",
        "javascript",
        "function f() { outer: for (;;) { continue outer; } }",
        "f",
        2,
        2,
    ),
    # the callback is anonymous: part of f, one nesting level deeper
    ("js_callback", "javascript", "function f(xs) { xs.map(x => x ? 1 : 2) }", "f", 2, 2),
    ("js_recursion", "javascript", "function f(n) { return f(n - 1) }", "f", 1, 1),
    ("js_arrow_named", "javascript", "const f = (a) => { if (a) {} }", "f", 2, 1),
    ("ts_optional_chain", "typescript", "function f(a: any) { return a?.b ?? c }", "f", 2, 1),
    (
        "ts_method",
        "typescript",
        "class C { m(a: number): number { return a > 0 ? 1 : 2 } }",
        "C.m",
        2,
        1,
    ),
    ("tsx_component", "tsx", "const App = () => { return ok ? <A/> : <B/> }", "App", 2, 1),
    # go: if && else-if else | 1 + && + else-if = 3 paths; if 1, && 1, else-if 1, else 1
    (
        "go_if_chain",
        "go",
        "package p\nfunc f(a, b, c bool) { if a && b {} else if c {} else {} }",
        "f",
        4,
        4,
    ),
    # two non-default cases (a case with two values is one)
    (
        "go_switch",
        "go",
        "package p\nfunc f(a int) { switch a { case 1, 2: ; case 3: ; default: } }",
        "f",
        3,
        1,
    ),
    (
        "go_select",
        "go",
        "package p\nfunc f(c chan int) { select { case <-c: ; default: } }",
        "f",
        2,
        1,
    ),
    (
        "go_range_nested",
        "go",
        "package p\nfunc f(xs []int) { for _, x := range xs { if x > 0 {} } }",
        "f",
        3,
        3,
    ),
    ("go_goto", "go", "package p\nfunc f() {\ngoto L\nL:\n}", "f", 1, 1),
    ("go_method", "go", "package p\nfunc (r *R) M(a bool) { if a { r.M(false) } }", "R.M", 2, 2),
    # rust: if-let, else-if with ||, else
    (
        "rust_if_let",
        "rust",
        "fn f(a: i32) { if let Some(x) = y { } else if a > 1 || b { } else { } }",
        "f",
        4,
        4,
    ),
    # `loop` has no condition: cognitive only; a labelled break is 1
    ("rust_loop", "rust", "fn f() { 'o: loop { break 'o; } }", "f", 1, 2),
    # two arms count, the final `_` arm does not; match 1 for cognitive
    ("rust_match", "rust", "fn f(a: i32) -> i32 { match a { 1 => 1, 2 => 2, _ => 3 } }", "f", 3, 1),
    (
        "rust_closure",
        "rust",
        "fn f(xs: Vec<i32>) { xs.iter().map(|x| if *x > 0 { 1 } else { 2 }); }",
        "f",
        2,
        3,
    ),
    ("rust_while", "rust", "fn f(mut a: i32) { while a > 0 && a < 9 { a -= 1; } }", "f", 3, 2),
    # java: for, enhanced for, while, do, catch, ternary
    (
        "java_loops",
        "java",
        "class A { void f(int[] xs) { for (int i=0;;) {} for (int x : xs) {} while (t) {} do {} while (t); } }",
        "A.f",
        5,
        4,
    ),
    # two case labels count, default does not
    (
        "java_switch",
        "java",
        "class A { void f(int x) { switch (x) { case 1: break; case 2: break; default: } } }",
        "A.f",
        3,
        1,
    ),
    (
        "java_catch",
        "java",
        "class A { void f() { try {} catch (E e) {} finally {} } }",
        "A.f",
        2,
        1,
    ),
    (
        "java_lambda",
        "java",
        "class A { void f() { r = () -> { return c ? 1 : 2; }; } }",
        "A.f",
        2,
        2,
    ),
    ("java_recursion", "java", "class A { int f(int n) { return f(n - 1); } }", "A.f", 1, 1),
    (
        "java_labelled_break",
        "java",
        "class A { void f() { o: for (;;) { break o; } } }",
        "A.f",
        2,
        2,
    ),
]


@pytest.mark.parametrize(
    ("language", "code", "qualified_name", "cyclomatic", "cognitive"),
    [c[1:] for c in CASES],
    ids=[c[0] for c in CASES],
)
def test_golden_counts(language: str, code: str, qualified_name: str, cyclomatic: int, cognitive: int) -> None:
    functions = {fn.qualified_name: fn for fn in analyze_source(code.encode(), language)}
    assert qualified_name in functions, sorted(functions)
    fn = functions[qualified_name]
    assert (fn.cyclomatic, fn.cognitive) == (cyclomatic, cognitive)


def test_nested_named_function_is_excluded_from_outer() -> None:
    code = "function outer(a) { function inner(b) { if (b) {} } if (a) {} }"
    functions = {fn.qualified_name: fn for fn in analyze_source(code.encode(), "javascript")}
    assert (functions["outer"].cyclomatic, functions["outer"].cognitive) == (2, 1)
    assert (functions["outer.inner"].cyclomatic, functions["outer.inner"].cognitive) == (2, 1)
