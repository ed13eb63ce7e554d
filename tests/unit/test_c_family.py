"""C, C++ and C# (issue 18): hand-checked counts, names, recursion, hashes, re-parse, and
hostile documents.

Cyclomatic: 1 + if/else-if, loops, non-default case labels (fall-through labels too) and
switch-expression arms (not a last `_`), catch, `when` filters, ternary, each `&&`/`||`
(C++ `and`/`or`, C# `??` and pattern `and`/`or`). Cognitive (SonarSource): structures
1 + nesting; else-if/else 1; one per boolean sequence; `goto` 1; recursion 1. Preprocessor
conditionals count for nothing.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from mu_lsp.analysis import analyze_source, parse, reparse
from mu_lsp.analysis.engine import analyze_tree
from mu_lsp.analysis.hashing import function_hash
from mu_lsp.analysis.languages import LANGUAGES, language_for_id, language_for_path
from mu_lsp.analysis.parsing import TextEdit
from mu_lsp.analysis.rules import rules_for
from mu_lsp.analysis.walk import discover

FAMILY = ("c", "cpp", "csharp")


def figures(code: str, language: str) -> dict[str, tuple[int, int]]:
    return {f.qualified_name: (f.cyclomatic, f.cognitive) for f in analyze_source(code.encode(), language)}


CASES = [
    # (id, language, code, qualified name, cyclomatic, cognitive)
    # if 1, && || two sequences 2 | else-if 1, else 1 | paths: if, &&, ||, else-if
    ("c_if_chain", "c", "int f(int a) { if (a && b || c) {} else if (a) {} else {} }", "f", 5, 5),
    # fall-through: both labels are paths, default is not; the switch is 1 for cognitive
    ("c_fallthrough", "c", "void f(int a) { switch (a) { case 1: case 2: g(); break; default: h(); } }", "f", 3, 1),
    # for(;;) 1, while 1, do 1 at nesting 0; ternary inside the do at nesting 1: 2
    ("c_loops", "c", "void f(int a) { for (;;) {} while (a) {} do { x = a ? 1 : 2; } while (a); }", "f", 5, 5),
    # goto: +1 cognitive, no path
    ("c_goto", "c", "void f(int a) { if (a) goto out; out: return; }", "f", 2, 2),
    # preprocessor conditionals count for nothing; code in both branches counts
    ("c_preproc", "c", "void f(int a) {\n#ifdef X\n if (a) {}\n#else\n if (!a) {}\n#endif\n}", "f", 3, 2),
    # ... nor do the operators of a directive's condition (tree-sitter parses them as expressions)
    ("c_preproc_condition", "c", "int f(int a) {\n#if A && (B || C ? D : E)\n#elif X || Y\n#endif\n}", "f", 1, 0),
    # a directive continued over lines; `#if` text elsewhere on a line is no directive
    (
        "c_preproc_continued",
        "c",
        'int f(int a) {\n#if A && \\\n  (B || C)\n#endif\n  s = "#if" && a; }',
        "f",
        2,
        1,
    ),
    # direct recursion +1; a call of another function is not
    ("c_recursion", "c", "int f(int n) { return n ? f(n - 1) : g(n); }", "f", 2, 2),
    # function pointer return type: the name sits three declarators deep
    ("c_declarator", "c", "int (*f(void))(int) { if (x) {} return 0; }", "f", 2, 1),
    # lambda body nests: the if inside it is at nesting 1
    ("cpp_lambda", "cpp", "void f() { auto g = [](int x) { if (x) {} }; }", "f", 2, 2),
    # range-for 1 + catch 1 (nested if in catch: 2) + catch(...) 1
    (
        "cpp_try",
        "cpp",
        "void f(V v) { for (auto x : v) {} try { g(); } catch (E& e) { if (e) {} } catch (...) {} }",
        "f",
        5,
        5,
    ),
    # `and`/`or` are the same operators as && and ||
    ("cpp_alt_tokens", "cpp", "bool f(bool a, bool b, bool c) { return a and b or c; }", "f", 3, 2),
    # function-try-block: the catch belongs to the function
    ("cpp_function_try", "cpp", "void f() try { g(); } catch (...) { h(); }", "f", 2, 1),
    # recursion through this-> and by bare name with a compatible argument count
    ("cpp_this_recursion", "cpp", "struct A { int f(int n) { return this->f(n - 1); } };", "A.f", 1, 1),
    ("cpp_scope_recursion", "cpp", "int A::f(int n) { return A::f(n - 1); }", "A.f", 1, 1),
    # switch expression 1 + arms (not the final `_`) 2 + pattern `and`/`or`: two sequences
    (
        "cs_switch_expression",
        "csharp",
        'class A { string M(int n) => n switch { 1 => "a", > 2 and < 5 or 9 => "b", _ => "c" }; }',
        "A.M",
        5,
        3,
    ),
    # `??` is a boolean operator: a ?? b ?? c is one sequence of two; `?.` and `??=` count nothing
    ("cs_coalesce", "csharp", "class A { int M() { x ??= y; return a?.b ?? c ?? d; } }", "A.M", 3, 1),
    # catch 1 with a `when` filter (+1 cyclomatic only), untyped catch 1
    ("cs_catch_when", "csharp", "class A { void M() { try { } catch (E e) when (e.X) { } catch { } } }", "A.M", 4, 2),
    # case labels with a `when` guard: 2 labels + guard; default 0; switch 1
    (
        "cs_switch_statement",
        "csharp",
        "class A { void M(int n) { switch (n) { case 1 when n > 0: case 2: break; default: break; } } }",
        "A.M",
        4,
        1,
    ),
    # foreach 1, nested if 2, && 1, else-if 1, else 1
    (
        "cs_foreach",
        "csharp",
        "class A { void M(int[] r) { foreach (var i in r) { if (i is int j && j > 0) {} else if (i < 0) {} else {} } } }",  # noqa: E501
        "A.M",
        5,
        6,
    ),
    ("cs_goto", "csharp", "class A { void M() { goto x; x: ; } }", "A.M", 1, 1),
    # lambdas nest; their calls of the method are not direct recursion
    ("cs_lambda", "csharp", "class A { void M() { Action f = () => { if (a) M(); }; } }", "A.M", 2, 2),
    # a local function is its own function: its recursion is its own
    (
        "cs_local_function",
        "csharp",
        "class A { int M() { int L(int k) => k > 0 ? L(k - 1) : 0; return L(3); } }",
        "A.M.L",
        2,
        2,
    ),
    # overloads by argument count: write(c) inside write(c, o, n) is another method
    (
        "cs_overload",
        "csharp",
        "class W { void Write(char[] c, int o, int n) {} void Write(char[] c) { Write(c, 0, c.Length); } }",
        "W.Write",
        1,
        0,
    ),
    ("cs_params_recursion", "csharp", "class A { void M(params int[] r) { this.M(1, 2); } }", "A.M", 1, 1),
]


@pytest.mark.parametrize(
    ("language", "code", "name", "cyclomatic", "cognitive"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_golden_counts(language: str, code: str, name: str, cyclomatic: int, cognitive: int) -> None:
    found = figures(code, language)
    assert found.get(name) == (cyclomatic, cognitive), found


NAMES = [
    (
        "c",
        "static int a(void) { return 0; }\nint *b(int x) { return 0; }\nint (*c(void))(int) { return 0; }\n"
        "int d(void);\nstruct S { int (*fp)(void); };\n",
        ["a", "b", "c"],
    ),
    (
        "cpp",
        """
namespace ns { namespace in {
template <typename T> int A::B::f(T a) { auto l = [](int x) { return x; }; return 0; }
struct S { S() {} ~S() {} bool operator==(const S&) const { return true; } void m() {} void d() = delete; };
class C { public: C(int); void inl() { } };
C::C(int) { }
C::operator bool() const { return true; }
template <typename T> void Tpl<T>::g() { }
}}
namespace a::b { void q() {} }
namespace { void hidden() {} }
class Outer::Inner { void r() {} };
""",
        [
            "ns.in.A.B.f",
            "ns.in.S.S",
            "ns.in.S.~S",
            "ns.in.S.operator==",
            "ns.in.S.m",
            "ns.in.C.inl",
            "ns.in.C.C",
            "ns.in.C.operator bool",
            "ns.in.Tpl.g",
            "a.b.q",
            "hidden",
            "Outer.Inner.r",
        ],
    ),
    (
        "csharp",
        """
namespace N.M {
class A<T> {
  public A(int x) {}
  ~A() {}
  public int P { get { return 1; } set { } }
  public int Q => 1;
  public static A operator +(A a, A b) => a;
  public static implicit operator int(A a) => 0;
  public int this[int i] { get => i; }
  public event E Ev { add { } remove { } }
  int M() { int Local() { return 1; } return Local(); }
  class In { void Deep() { } }
}
record R(int X) { void Rm() { } } struct S { void Sm() { } } interface I { void D() { } }
}
""",
        [
            "A.A",
            "A.~A",
            "A.P.get",
            "A.P.set",
            "A.Q",
            "A.operator+",
            "A.implicit operator int",
            "A.this.get",
            "A.Ev.add",
            "A.Ev.remove",
            "A.M",
            "A.M.Local",
            "A.In.Deep",
            "R.Rm",
            "S.Sm",
            "I.D",
        ],
    ),
]


@pytest.mark.parametrize(("language", "code", "expected"), NAMES, ids=[n[0] for n in NAMES])
def test_qualified_names(language: str, code: str, expected: list[str]) -> None:
    assert [f.qualified_name for f in analyze_source(code.encode(), language)] == expected


def test_template_range_starts_at_template_and_line_is_the_name() -> None:
    code = b"template <typename T>\nT twice(T x)\n{\n  return x + x;\n}\n"
    (fn,) = analyze_source(code, "cpp")
    assert (fn.start_row, fn.name_row, fn.end_row) == (0, 1, 4)
    # the server widens an edit to the definitions around it without the sweep's ancestors
    tree = parse(code, "cpp")
    node = tree.root_node.descendant_for_byte_range(code.index(b"x + x"), code.index(b"x + x"))
    while node is not None and node.type != "function_definition":
        node = node.parent
    assert node is not None
    shape = rules_for("cpp").describe_function(node, code)
    assert shape is not None and shape.start_byte == 0


def test_language_lookup() -> None:
    for path, language in [("a.c", "c"), ("a.H", "c"), ("a.cc", "cpp"), ("a.cpp", "cpp"), ("a.cxx", "cpp")]:
        assert language_for_path(path) == language
    for path in ("a.hpp", "a.hh", "a.hxx"):
        assert language_for_path(path) == "cpp"
    assert language_for_path("Program.cs") == "csharp"
    assert [language_for_id(i) for i in ("c", "cpp", "csharp")] == ["c", "cpp", "csharp"]
    assert language_for_id("plaintext", "x.hpp") == "cpp"
    assert language_for_id("cs") == "csharp"  # Neovim's filetype for C#


def test_complexity_discovery_finds_the_family(tmp_path: Path) -> None:
    names = ["a.c", "a.h", "b.cc", "b.cpp", "b.cxx", "b.hpp", "b.hh", "b.hxx", "c.cs", "notes.txt", "d.csx"]
    for name in names:
        (tmp_path / name).write_text("int f(void) { return 0; }\n")
    candidates, _, _ = discover([tmp_path])
    found = {c.path.name: c.language for c in candidates}
    assert found == {n: language_for_path(n) for n in names[:9]}
    assert set(found.values()) == {"c", "cpp", "csharp"}


BASES = {
    "c": b"int f(int a, int b) {\n  if (a) {\n    x();\n  }\n  return b;\n}\n",
    "cpp": b"int A::f(int a, int b) {\n  if (a) {\n    x();\n  }\n  return b;\n}\n",
    "csharp": b"class A {\n  int F(int a, int b) {\n    if (a) {\n      X();\n    }\n    return b;\n  }\n}\n",
}


def _hashes(code: bytes, language: str) -> list[str]:
    tree = parse(code, language)
    comments = LANGUAGES[language].comment_types
    rules = rules_for(language)
    return [function_hash(tree, code, f.start_byte, f.end_byte, comments) for f in analyze_tree(tree, code, rules)]


@pytest.mark.parametrize("language", FAMILY)
def test_hash_ignores_formatting_and_comments(language: str) -> None:
    base = BASES[language]
    reformatted = b" ".join(base.split()).replace(b"(a)", b"( a )").replace(b"{", b"{ /* why */ ")
    commented = base.replace(b"return b;", b"return b; // done")
    assert _hashes(reformatted, language) == _hashes(commented, language) == _hashes(base, language)
    assert _hashes(base.replace(b"return b", b"return a"), language) != _hashes(base, language)
    moved_out = re.sub(rb"(\w+\(\);)(\s*)\}", rb"}\2\1", base)  # the call leaves the if
    assert moved_out != base and _hashes(moved_out, language) != _hashes(base, language)


@pytest.mark.parametrize("language", FAMILY)
def test_incremental_reparse_matches_full_parse(language: str) -> None:
    source = BASES[language]
    tree = parse(source, language)
    at = source.index(b"return b") + len(b"return b")
    addition = b" ? 1 : 0"
    new_source = source[:at] + addition + source[at:]
    row = source[:at].count(b"\n")
    column = at - (source.rfind(b"\n", 0, at) + 1)
    edit = TextEdit(at, at, at + len(addition), (row, column), (row, column), (row, column + len(addition)))
    new_tree, changed = reparse(tree, new_source, language, edit)
    assert str(new_tree.root_node) == str(parse(new_source, language).root_node)
    assert changed
    (fn,) = analyze_tree(new_tree, new_source, rules_for(language), (0, len(new_source)))
    assert (fn.cyclomatic, fn.cognitive) == (3, 2)


# -- hostile documents: right answers, nothing recursive, nothing raised ---------------------------

DEPTH = 10_000
WRAP = {"c": ("void f(int a) {", "}"), "cpp": ("void f(int a) {", "}"), "csharp": ("class A { void f(int a) {", "} }")}
NAME = {"c": "f", "cpp": "f", "csharp": "A.f"}


@pytest.mark.parametrize("language", FAMILY)
def test_ten_thousand_nested_ifs(language: str) -> None:
    head, tail = WRAP[language]
    code = head + "if (a) {" * DEPTH + "}" * DEPTH + tail
    assert figures(code, language)[NAME[language]] == (DEPTH + 1, DEPTH * (DEPTH + 1) // 2)


@pytest.mark.parametrize("language", FAMILY)
def test_ten_thousand_else_ifs_and_long_chains(language: str) -> None:
    head, tail = WRAP[language]
    code = head + "if (a) {} else " * DEPTH + "{}" + tail
    assert figures(code, language)[NAME[language]] == (DEPTH + 1, DEPTH + 1)
    terms = 7000
    mixed = " || ".join(f"(a{i} && b{i})" for i in range(terms // 2))
    assert figures(f"{head} x = {mixed}; {tail}", language)[NAME[language]] == (terms, terms - 1)


@pytest.mark.parametrize("language", FAMILY)
def test_huge_literal(language: str) -> None:
    head, tail = WRAP[language]
    code = head + 'x = "' + "a" * 2_000_000 + '"; if (a) {}' + tail
    assert figures(code, language)[NAME[language]] == (2, 1)


@pytest.mark.parametrize("language", FAMILY)
def test_invalid_utf8_and_unterminated_constructs(language: str) -> None:
    head, tail = WRAP[language]
    good = (head + "if (a) {}" + tail).encode()
    for bad in (b"\xff\xfe\x80 \xc3(", b"/* never closed", b'"never closed', b"#if X\n", b"'\\", b"{" * 3000):
        functions = analyze_source(good + b"\n" + bad, language)
        assert any(f.qualified_name == NAME[language] and f.cyclomatic == 2 for f in functions), bad
    analyze_source(b"\x00\xff" * 5000 + bad, language)


@pytest.mark.parametrize("language", FAMILY)
def test_thousands_of_nested_lambdas(language: str) -> None:
    depth = 3000
    lam = {"c": ("{", "}"), "cpp": ("g([&]() {", "});"), "csharp": ("G(() => {", "});")}[language]
    head, tail = WRAP[language]
    code = head + lam[0] * depth + "x = a && b;" + lam[1] * depth + tail
    cyclomatic, _ = figures(code, language)[NAME[language]]
    assert cyclomatic == 2
