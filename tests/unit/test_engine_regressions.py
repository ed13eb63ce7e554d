"""Regressions found by scoring the engine against independent tools on third-party code.

Each case is a small reproduction of one defect class (issue 13), with the figure the
reference tool gives: complexipy for Python, ESLint `complexity` and SonarSource's rule for
JS/TS, SonarSource's analyzers for the boolean-sequence rule elsewhere.
"""

from __future__ import annotations

import pytest

from mu_lsp.analysis import analyze_source


def _figures(code: str, language: str) -> dict[str, tuple[int, int]]:
    """By qualified name; of overloads, the last one in the file."""
    return {f.qualified_name: (f.cyclomatic, f.cognitive) for f in analyze_source(code.encode(), language)}


# (id, language, code, qualified name, cyclomatic, cognitive)
CASES = [
    # 1. Python: what a dict literal's `**` splat holds is examined, as complexipy does
    ("py_dict_splat_paren", "python", "def f(a):\n    return {**(a or {})}\n", "f", 2, 1),
    ("py_dict_splat_dict", "python", "def f(a, b):\n    return {**{1: a or b}}\n", "f", 2, 1),
    ("py_dict_splat_mixed", "python", "def f(a, b, c):\n    return {'k': 1, **(a and b or c)}\n", "f", 3, 2),
    # ... but a call's `**kwargs` is a keyword argument, which complexipy does not visit
    ("py_call_double_star", "python", "def f(a, b):\n    g(**(a or b))\n", "f", 2, 0),
    # 2. JS/TS: decisions inside parameter defaults belong to the function
    ("js_default_and", "javascript", "function f(a = b && c) {}", "f", 2, 1),
    ("js_default_ternary", "javascript", "const f = (a = b ? 1 : 2) => a", "f", 2, 1),
    ("js_default_nullish", "javascript", "function f(a = b ?? c, d = e || g) {}", "f", 3, 2),
    ("ts_method_default", "typescript", "class C { m(a: number = b && c ? 1 : 2) {} }", "C.m", 3, 2),
    # 3. recursion: only calls that reach the function itself
    (
        "java_overload_is_not_recursion",
        "java",
        "class W { void write(char[] c, int o, int n) {} void write(char[] c) { write(c, 0, c.length); } }",
        "W.write",
        1,
        0,
    ),
    (
        "java_same_arity_overload_is_ambiguous",
        "java",
        "class B { B append(String s) { return this; } B append(Object o) { return append(String.valueOf(o)); } }",
        "B.append",
        1,
        0,
    ),
    ("java_same_arity", "java", "class A { int f(int n) { return this.f(n - 1); } }", "A.f", 1, 1),
    ("java_varargs", "java", 'class A { void f(String... xs) { f(); f("a", "b"); } }', "A.f", 1, 1),
    ("java_other_object", "java", "class A { void f(int n) { other.f(n); } }", "A.f", 1, 0),
    (
        "rust_path_call_is_elsewhere",
        "rust",
        "impl FromRawFd for File { fn from_raw_fd(fd: i32) -> File { File(StdFile::from_raw_fd(fd)) } }",
        "File.from_raw_fd",
        1,
        0,
    ),
    (
        "rust_trait_call_is_elsewhere",
        "rust",
        "impl PartialEq for X { fn eq(&self, o: &X) -> bool { PartialEq::eq(&self.0, &o.0) } }",
        "X.eq",
        1,
        0,
    ),
    ("rust_self_method", "rust", "impl S { fn walk(&self) { self.walk() } }", "S.walk", 1, 1),
    ("rust_self_path", "rust", "impl S { fn make() -> S { Self::make() } }", "S.make", 1, 1),
    ("rust_bare_call_in_method_is_free_fn", "rust", "impl S { fn run() { run() } }", "S.run", 1, 0),
    ("rust_free_fn", "rust", "fn run(n: u32) { run(n - 1) }", "run", 1, 1),
    (
        "js_static_calls_free_function",
        "javascript",
        "class C { static parse(x) { return parse(x); } }",
        "C.parse",
        1,
        0,
    ),
    ("js_method_via_this", "javascript", "class C { walk(n) { this.walk(n - 1); } }", "C.walk", 1, 1),
    ("go_method_via_receiver", "go", "package p\nfunc (t *T) Walk() { t.Walk() }", "T.Walk", 1, 1),
    ("go_method_via_other", "go", "package p\nfunc (t *T) Walk() { t.next.Walk(); other.Walk() }", "T.Walk", 1, 0),
    # 4. Rust: macro token trees and match guards
    ("rust_assert_macro", "rust", "fn f(a: bool, b: bool) { assert!(a && b); }", "f", 2, 1),
    ("rust_macro_sequences", "rust", 'fn f() { assert!((a && b) || c, "{}", x && y); }', "f", 4, 3),
    ("rust_macro_call_inside", "rust", 'fn f() { println!("{}", g(a || b) && c); }', "f", 3, 2),
    (
        "rust_match_guard",
        "rust",
        "fn f(x: Option<i32>) -> i32 { match x { Some(v) if v > 1 => 1, Some(_) => 2, _ => 0 } }",
        "f",
        4,
        1,
    ),
    # 5. boolean sequences, SonarSource's reading: parentheses do not start a new sequence
    ("js_sonar_sequence", "javascript", "function f() { return (a && b) || (c && d) || e }", "f", 5, 4),
    ("ts_sonar_sequence", "typescript", "function f() { return (a && b) || (c && d) || e }", "f", 5, 4),
    ("java_sonar_sequence", "java", "class A { boolean f() { return (a && b) || (c && d) || e; } }", "A.f", 5, 4),
    ("go_sonar_sequence", "go", "package p\nfunc f() bool { return (a && b) || (c && d) || e }", "f", 5, 4),
    ("rust_sonar_sequence", "rust", "fn f() -> bool { (a && b) || (c && d) || e }", "f", 5, 4),
    ("js_same_operator_through_parens", "javascript", "function f() { return a && (b && c) }", "f", 3, 1),
    ("js_negation_is_its_own_sequence", "javascript", "function f() { return a && !(b && c) }", "f", 3, 2),
    # an else without braces still nests what it holds (SonarJS, PMD): if 1, else 1, for 2, if 3
    ("js_else_without_braces", "javascript", "function f() { if (a) {} else for (;;) { if (b) {} } }", "f", 4, 7),
    ("java_else_without_braces", "java", "class A { void f() { if (a) {} else for (;;) { if (b) {} } } }", "A.f", 4, 7),
    # Python keeps complexipy's reading: 1 + one per nested operator that differs from its parent
    ("py_complexipy_sequence", "python", "def f(a, b, c, d, e):\n    return (a and b) or (c and d) or e\n", "f", 5, 3),
]


@pytest.mark.parametrize(
    ("language", "code", "name", "cyclomatic", "cognitive"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_regression(language: str, code: str, name: str, cyclomatic: int, cognitive: int) -> None:
    figures = _figures(code, language)
    assert figures.get(name) == (cyclomatic, cognitive), figures


# Deep and long inputs: the results must be right (nothing recursive, nothing capped).
def test_ten_thousand_nested_ifs() -> None:
    depth = 10_000
    code = "function f(a) {" + "if (a) {" * depth + "}" * depth + "}"
    assert _figures(code, "javascript")["f"] == (depth + 1, depth * (depth + 1) // 2)


def test_ten_thousand_else_ifs() -> None:
    depth = 10_000
    code = "package p\nfunc f(a bool) {" + "if a { } else " * depth + "{ }\n}"
    assert _figures(code, "go")["f"] == (depth + 1, depth + 1)


def test_python_ternary_chain_of_1600() -> None:
    depth = 1600
    chain = "".join(f"x if c{i} else (" for i in range(depth)) + "0" + ")" * depth
    figures = _figures(f"def f(x):\n    return {chain}\n", "python")
    assert figures["f"] == (depth + 1, depth * (depth + 1) // 2)


def test_seven_thousand_term_chains() -> None:
    terms = 7000
    plus = " + ".join(f'"s{i}"' for i in range(terms))
    assert _figures(f"package p\nfunc f() string {{ return {plus} }}", "go")["f"] == (1, 0)
    mixed = " || ".join(f"(a{i} && b{i})" for i in range(terms // 2))
    assert _figures(f"function f() {{ return {mixed} }}", "javascript")["f"] == (terms, terms - 1)


def test_thousands_of_nested_closures_keep_their_names() -> None:
    depth = 3000
    code = "const outer = () => {" + "g(() => {" * depth + "a && b;" + "});" * depth + "};"
    assert _figures(code, "javascript")["outer"] == (2, 1)
