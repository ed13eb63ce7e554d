"""PHP, Ruby, Kotlin and Swift (issue 18): which files and functions, their names, hashes,
incremental re-parse, hostile documents, and the editors that are told about them."""

from __future__ import annotations

import json
import re
import textwrap
from pathlib import Path

import pytest

from mu_lsp.analysis import analyze_source, parse, reparse
from mu_lsp.analysis.engine import analyze_tree
from mu_lsp.analysis.hashing import function_hash
from mu_lsp.analysis.languages import LANGUAGES, language_for_id, language_for_path
from mu_lsp.analysis.parsing import TextEdit
from mu_lsp.analysis.rules import rules_for

NEW = ("php", "ruby", "kotlin", "swift")


def _figures(code: str, language: str) -> dict[str, tuple[int, int]]:
    return {f.qualified_name: (f.cyclomatic, f.cognitive) for f in analyze_source(code.encode(), language)}


def _names(code: str, language: str) -> list[str]:
    return [f.qualified_name for f in analyze_source(textwrap.dedent(code).encode(), language)]


NAMES = [
    (
        "php",
        """\
        <html><?php
        namespace App { class C { function m() { $f = function () { }; $g = fn($x) => $x; } } }
        trait T { function t() {} }
        interface I { function i(); }
        enum E { case A; function e() {} }
        function g() { function h() {} }
        $a = new class { function anon() {} };
        ?></html>
        """,
        ["App.C.m", "T.t", "E.e", "g", "g.h", "<class>.anon"],
    ),
    (
        "ruby",
        """\
        module M
          class A::B
            def m; 1; end
            def self.s; 1; end
            class << self
              def t; 1; end
            end
          end
        end
        def Obj.u; 1; end
        def top = 1
        def empty; end
        """,
        ["M.A.B.m", "M.A.B.s", "M.A.B.t", "Obj.u", "top"],
    ),
    (
        "kotlin",
        """\
        class C(val x: Int) {
          constructor(s: String) : this(1) {
          }
          init {
            f()
          }
          fun m() {
            fun local() {}
            xs.forEach { it }
          }
          companion object {
            fun create(): C = C(1)
          }
          object Named {
            fun n() = 1
          }
          val size: Int
            get() {
              return 1
            }
          var count: Int = 0
            set(value) {
              field = value
            }
        }
        fun <T> List<T>.ext(): Int = 1
        interface I {
          fun i()
          fun j() {}
        }
        val o = object : Runnable {
          override fun run() {}
        }
        """,
        [
            "C.constructor",
            "C.init",
            "C.m",
            "C.m.local",
            "C.Companion.create",
            "C.Named.n",
            "C.size.get",
            "C.count.set",
            "List.ext",
            "I.j",
            "<Runnable>.run",
        ],
    ),
    (
        "swift",
        """\
        class C: B {
          init(x: Int) { }
          deinit { }
          func m() { func nested() { } ; xs.forEach { x in print(x) } }
          subscript(i: Int) -> Int { return i }
          var area: Int { return w * h }
          var side: Int {
            get { return w }
            set { w = newValue }
          }
          let stored = 1
        }
        struct S { func s() {} }
        enum E { case x; func e() {} }
        protocol P { func p() }
        extension Array where Element: Equatable { func ext() {} }
        actor A { func a() {} }
        """,
        [
            "C.init",
            "C.deinit",
            "C.m",
            "C.m.nested",
            "C.subscript",
            "C.area",
            "C.side",
            "S.s",
            "E.e",
            "Array.ext",
            "A.a",
        ],
    ),
]


@pytest.mark.parametrize(("language", "code", "expected"), NAMES, ids=[n[0] for n in NAMES])
def test_qualified_names(language: str, code: str, expected: list[str]) -> None:
    assert _names(code, language) == expected


# (id, language, code, qualified name, cyclomatic, cognitive)
def test_language_lookup() -> None:
    assert [language_for_path(p) for p in ("a.php", "b.rb", "c.rake", "Rakefile", "Gemfile", "d.kt", "e.kts")] == [
        "php",
        "ruby",
        "ruby",
        "ruby",
        "ruby",
        "kotlin",
        "kotlin",
    ]
    assert language_for_path("x/App.swift") == "swift"
    assert language_for_path("Rakefile.txt") is None
    assert [language_for_id(lid) for lid in NEW] == list(NEW)


def _hashes(code: str, language: str) -> list[str]:
    data = code.encode()
    tree = parse(data, language)
    comments = LANGUAGES[language].comment_types
    return [
        function_hash(tree, data, f.start_byte, f.end_byte, comments)
        for f in analyze_tree(tree, data, rules_for(language))
    ]


# (language, base, reformatted with comments, a real edit)
HASHES = [
    (
        "php",
        "<?php function f($a) { if ($a) { g(); } return $a; }",
        "<?php function f( $a )\n{\n    // why\n    if ($a) {\n        g(); /* note */\n    }\n"
        "    # more\n    return $a;\n}",
        "<?php function f($a) { if ($a) { g(); } return 1; }",
    ),
    (
        "ruby",
        "def f(a)\n  g if a\n  a\nend\n",
        "def f( a )\n    # why\n    g if a   # note\n\n    a\nend\n",
        "def f(a)\n  g if a\n  b\nend\n",
    ),
    (
        "kotlin",
        "fun f(a: Int): Int {\n  if (a > 0) { g() }\n  return a\n}\n",
        "fun f(a: Int): Int {\n    // why\n    if (a > 0) {\n        g() /* note */\n    }\n    return a\n}\n",
        "fun f(a: Int): Int {\n  if (a > 1) { g() }\n  return a\n}\n",
    ),
    (
        "swift",
        "func f(a: Int) -> Int {\n  if a > 0 { g() }\n  return a\n}\n",
        "func f(a: Int) -> Int {\n    // why\n    if a > 0 {\n        g() /* note */\n    }\n    return a\n}\n",
        "func f(a: Int) -> Int {\n  if a > 0 { h() }\n  return a\n}\n",
    ),
]


@pytest.mark.parametrize(("language", "base", "reformatted", "edited"), HASHES, ids=[h[0] for h in HASHES])
def test_hash_ignores_formatting_not_edits(language: str, base: str, reformatted: str, edited: str) -> None:
    (original,) = _hashes(base, language)
    assert _hashes(reformatted, language) == [original]
    assert _hashes(edited, language) != [original]


SURVIVORS = [
    ("php", "<?php function good($a) { if ($a) {} }\nfunction broken( { ", "good"),
    ("ruby", "def good(a)\n  if a\n  end\nend\ndef broken(\n", "good"),
    ("kotlin", "fun good(a: Int) {\n  if (a > 0) { }\n}\nfun broken( {\n", "good"),
    ("swift", "func good(a: Int) {\n  if a > 0 { }\n}\nfunc broken( {\n", "good"),
]


@pytest.mark.parametrize(("language", "code", "survivor"), SURVIVORS, ids=[s[0] for s in SURVIVORS])
def test_functions_survive_unterminated_constructs(language: str, code: str, survivor: str) -> None:
    assert _figures(code, language).get(survivor, (0, 0))[0] == 2


@pytest.mark.parametrize("language", NEW)
def test_hostile_documents_never_raise(language: str) -> None:
    huge_string = '"' + "x" * 2_000_000 + '"'
    for data in (
        b"",
        b"\x00\xff\xfe\xc3(" * 1000,  # invalid UTF-8 and NULs
        ("<?php " if language == "php" else "").encode() + huge_string.encode(),  # a 2 MB literal
        b"{" * 5000 + b"(" * 5000 + b"[" * 5000,  # unterminated brackets
        b'"unterminated string' + b"\n" * 1000,
        b"/* unterminated comment" + b" x" * 10_000,
        "😀 fun def func function ( { [ <?php if".encode(),
    ):
        analyze_source(data, language)


def test_invalid_utf8_inside_a_function_keeps_it() -> None:
    code = b'def f(a)\n  x = "\xff\xfe"\n  x if a\nend\n'
    assert _figures(code.decode("utf-8", "replace"), "ruby")["f"] == (2, 1)
    (fn,) = analyze_source(code, "ruby")
    assert (fn.name, fn.cyclomatic) == ("f", 2)


@pytest.mark.parametrize(
    ("language", "source", "anchor", "addition"),
    [
        ("php", b"<?php\nfunction a() {}\nfunction b($x) { return $x; }\n", b"return $x", b" ?: 0"),
        ("ruby", b"def a\n  1\nend\ndef b(x)\n  x\nend\n", b"  x\n", b"  y if x\n"),
        ("kotlin", b"fun a() {}\nfun b(x: Int?): Int {\n  return x!!\n}\n", b"return x!!", b" ?: 0"),
        ("swift", b"func a() {}\nfunc b(x: Int?) -> Int {\n  return x!\n}\n", b"return x!", b" ?? 0"),
    ],
)
def test_incremental_reparse_matches_full_parse(language: str, source: bytes, anchor: bytes, addition: bytes) -> None:
    tree = parse(source, language)
    at = source.index(anchor) + len(anchor)
    new_source = source[:at] + addition + source[at:]
    row = source[:at].count(b"\n")
    column = at - (source.rfind(b"\n", 0, at) + 1)
    added_rows = addition.count(b"\n")
    end_column = len(addition) - (addition.rfind(b"\n") + 1) if added_rows else column + len(addition)
    edit = TextEdit(at, at, at + len(addition), (row, column), (row, column), (row + added_rows, end_column))
    new_tree, changed = reparse(tree, new_source, language, edit)
    assert str(new_tree.root_node) == str(parse(new_source, language).root_node)
    assert changed
    start_b = new_source.index(b"b")
    found = analyze_tree(
        new_tree, new_source, rules_for(language), (new_source.rfind(b"\n", 0, start_b) + 1, len(new_source))
    )
    assert [(f.name, f.cyclomatic) for f in found] == [("b", 2)]


def test_complexity_discovery_finds_the_new_files(tmp_path: Path) -> None:
    from mu_lsp.analysis.walk import discover

    for name in ("a.php", "b.rb", "Rakefile", "Gemfile", "tasks.rake", "C.kt", "build.gradle.kts", "D.swift"):
        (tmp_path / name).write_text("x\n")
    (tmp_path / "notes.txt").write_text("x\n")
    candidates, skipped, missing = discover([tmp_path])
    found = {c.path.name: c.language for c in candidates}
    assert found == {
        "a.php": "php",
        "b.rb": "ruby",
        "Rakefile": "ruby",
        "Gemfile": "ruby",
        "tasks.rake": "ruby",
        "C.kt": "kotlin",
        "build.gradle.kts": "kotlin",
        "D.swift": "swift",
    }
    assert not skipped and not missing


def test_editors_are_told_about_the_new_languages() -> None:
    """The VS Code extension activates on and selects them; the README's Neovim setup lists them."""
    root = Path(__file__).resolve().parents[2]
    manifest = json.loads((root / "vscode-extension" / "package.json").read_text(encoding="utf-8"))
    commands = (root / "vscode-extension" / "src" / "commands.ts").read_text(encoding="utf-8")
    selector = re.search(r"export const LANGUAGES = \[(.*?)\] as const", commands, re.S)
    assert selector is not None
    readme = (root / "README.md").read_text(encoding="utf-8")
    neovim = re.findall(r"(?:pattern|filetypes) = \{(.*?)\}", readme, re.S)
    assert len(neovim) == 2
    for language in NEW:
        (language_id,) = LANGUAGES[language].language_ids
        assert f"onLanguage:{language_id}" in manifest["activationEvents"]
        assert f'"{language_id}"' in selector.group(1)
        assert all(f'"{language_id}"' in listed for listed in neovim)
