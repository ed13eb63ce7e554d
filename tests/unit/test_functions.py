"""Function extraction: which functions, their names, qualified names and ranges."""

from __future__ import annotations

import textwrap

import pytest

from mu_lsp.analysis import analyze_source, parse, reparse
from mu_lsp.analysis.engine import analyze_tree
from mu_lsp.analysis.hashing import function_hash
from mu_lsp.analysis.languages import LANGUAGES, language_for_id, language_for_path
from mu_lsp.analysis.parsing import TextEdit
from mu_lsp.analysis.rules import rules_for


def names(code: str, language: str) -> list[str]:
    return [fn.qualified_name for fn in analyze_source(textwrap.dedent(code).encode(), language)]


def test_python_functions_methods_nested_async_decorated() -> None:
    code = """\
        import functools

        @functools.cache
        def top(a):
            def inner():
                pass
            return inner

        class Outer:
            @property
            def prop(self):
                return 1

            async def run(self):
                pass

            class Inner:
                def deep(self):
                    lam = lambda: 1
        """
    assert names(code, "python") == [
        "top",
        "top.inner",
        "Outer.prop",
        "Outer.run",
        "Outer.Inner.deep",
    ]


def test_python_range_includes_decorators_but_line_is_the_def() -> None:
    code = b"x = 1\n\n@a\n@b(\n    2)\ndef f(\n    p,\n):\n    return p\n"
    (fn,) = analyze_source(code, "python")
    assert fn.start_row == 2  # the first decorator
    assert code[fn.start_byte :].startswith(b"@a")
    assert fn.name_row == 5  # `def f(`
    assert fn.signature_end_row == 7  # the line with `):`
    assert fn.end_row == 8


@pytest.mark.parametrize(
    ("language", "code", "expected"),
    [
        (
            "javascript",
            """\
            function decl() {}
            function* gen() {}
            const arrow = () => 1;
            let expr = function () {};
            obj.handler = function () {};
            class A { m() {} static s = () => 2; #p() {} }
            const o = { k: () => 1, m() {} };
            export default function named() {}
            callback(() => { function inside() {} });
            """,
            [
                "decl",
                "gen",
                "arrow",
                "expr",
                "obj.handler",
                "A.m",
                "A.s",
                "A.#p",
                "o.k",
                "o.m",
                "named",
                "inside",
            ],
        ),
        (
            "typescript",
            """\
            namespace N { export class C {
              private h = (x: number) => x; constructor() {} get v() { return 1 } abstract z(): void;
            } }
            function over(a: string): void;
            function over(a: any) {}
            interface I { m(): void }
            """,
            ["N.C.h", "N.C.constructor", "N.C.v", "over"],
        ),
        ("tsx", "const App = () => <div/>;\nfunction Btn() { return <b/> }", ["App", "Btn"]),
        (
            "go",
            """\
            package p
            func F() {}
            func (r *Recv) M() {}
            func (r Val[T]) G() {}
            var v = func() {}
            """,
            ["F", "Recv.M", "Val.G"],
        ),
        (
            "rust",
            """\
            fn free() { fn nested() {} }
            impl<T> Foo<T> { fn m(&self) {} }
            impl Tr for Bar { fn t(&self) {} }
            trait Tr { fn d(&self) {} fn sig(&self); }
            mod m { fn g() {} }
            """,
            ["free", "free.nested", "Foo.m", "Bar.t", "Tr.d", "m.g"],
        ),
        (
            "java",
            """\
            class A {
              A(int x) {}
              int m() { return 1; }
              class In { void q() {} }
              Runnable r = new Runnable() { public void run() {} };
            }
            interface I { void a(); default void b() {} }
            record R(int a) { R {} }
            enum E { X; void e() {} }
            """,
            ["A.A", "A.m", "A.In.q", "A.<Runnable>.run", "I.b", "R.R", "E.e"],
        ),
    ],
)
def test_functions_per_language(language: str, code: str, expected: list[str]) -> None:
    assert names(code, language) == expected


def test_rust_range_includes_attributes() -> None:
    code = b"#[inline]\n#[must_use]\nfn f() -> i32 { 1 }\n"
    (fn,) = analyze_source(code, "rust")
    assert fn.start_row == 0 and fn.name_row == 2


@pytest.mark.parametrize(
    ("language", "code", "survivor"),
    [
        ("python", "def good(a):\n    if a:\n        return 1\n\ndef broken(:\n    pass\n", "good"),
        ("javascript", "function good(a) { if (a) {} }\nfunction broken( { ", "good"),
        ("go", "package p\nfunc good() { if x {} }\nfunc broken( {", "good"),
        ("rust", "fn good() { if x {} }\nfn broken( {", "good"),
        ("java", "class A { void good() { if (x) {} } void broken( { }", "A.good"),
    ],
)
def test_functions_survive_syntax_errors(language: str, code: str, survivor: str) -> None:
    functions = {fn.qualified_name: fn for fn in analyze_source(code.encode(), language)}
    assert survivor in functions
    assert functions[survivor].cyclomatic == 2


def test_garbage_input_never_raises() -> None:
    for language in LANGUAGES:
        for data in (b"", b"\x00\xff\xfe" * 100, "😀 def ( { [".encode(), b"{" * 3000, b"(" * 3000):
            analyze_source(data, language)


def test_language_lookup() -> None:
    assert language_for_path("a/b.PY") == "python"
    assert language_for_path("x.tsx") == "tsx"
    assert language_for_path("x.txt") is None
    assert language_for_id("typescriptreact") == "tsx"
    assert language_for_id("plaintext", "a.rs") == "rust"
    assert language_for_id("plaintext") is None


def _hash(code: bytes, language: str = "python") -> list[str]:
    tree = parse(code, language)
    comments = LANGUAGES[language].comment_types
    return [
        function_hash(tree, code, fn.start_byte, fn.end_byte, comments)
        for fn in analyze_tree(tree, code, rules_for(language))
    ]


BASE = b"def f(a, b):\n    if a:\n        x()\n        y()\n    return b\n"


@pytest.mark.parametrize(
    "variant",
    [
        b"def f(a,\n      b):\n    if a:\n\n        x()\n        y()\n    return b\n",
        b"def f(a, b):  # trailing\n    # a comment\n    if a:\n        x()   # why\n        y()\n    return b\n",
        b"def f(a, b):\n  if a:\n    x()\n    y()\n  return b\n",
        b"def f(a, b):\n    if a:\n        x(\n        )\n        y()\n    return \\\n        b\n",
    ],
    ids=["rewrap", "comments", "reindent", "continuation"],
)
def test_hash_ignores_formatting_and_comments(variant: bytes) -> None:
    assert _hash(variant) == _hash(BASE)


@pytest.mark.parametrize(
    "variant",
    [
        b"def f(a, b):\n    if a:\n        x()\n        y()\n    return a\n",
        b"def f(a, b):\n    if a:\n        x()\n    y()\n    return b\n",  # y() moved out
        b"def f(a, c):\n    if a:\n        x()\n        y()\n    return b\n",
        b"def f(a, b):\n    if a:\n        x()\n        y()\n    return 'b'\n",
    ],
    ids=["token", "dedent", "parameter", "string"],
)
def test_hash_changes_on_token_or_structure_change(variant: bytes) -> None:
    assert _hash(variant) != _hash(BASE)


def test_incremental_reparse_matches_full_parse() -> None:
    source = b"def a():\n    pass\n\ndef b(x):\n    return x\n"
    tree = parse(source, "python")
    insert_at = source.index(b"return x") + len(b"return x")
    addition = b" if x else 0"
    new_source = source[:insert_at] + addition + source[insert_at:]
    row = source[:insert_at].count(b"\n")
    column = insert_at - (source.rfind(b"\n", 0, insert_at) + 1)
    edit = TextEdit(
        insert_at,
        insert_at,
        insert_at + len(addition),
        (row, column),
        (row, column),
        (row, column + len(addition)),
    )
    new_tree, changed = reparse(tree, new_source, "python", edit)
    assert str(new_tree.root_node) == str(parse(new_source, "python").root_node)
    assert changed and all(start <= insert_at + len(addition) for start, _ in changed)
    b_only = analyze_tree(new_tree, new_source, rules_for("python"), (new_source.index(b"def b"), len(new_source)))
    assert [(fn.name, fn.cyclomatic) for fn in b_only] == [("b", 2)]
