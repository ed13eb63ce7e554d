"""PHP, Ruby, Kotlin and Swift (issue 18): hand-checked counts, deep nesting and long chains.

Counts follow README "How complexity is counted"; each case says how its figure is made up.
"""

from __future__ import annotations

import pytest

from mu_lsp.analysis import analyze_source

NEW = ("php", "ruby", "kotlin", "swift")


def _figures(code: str, language: str) -> dict[str, tuple[int, int]]:
    return {f.qualified_name: (f.cyclomatic, f.cognitive) for f in analyze_source(code.encode(), language)}


CASES = [
    # 1 + if 1 + && || 2 + elseif 1 + else-if 1 | cognitive: if 1, two sequences 2, elseif 1, else if 1, else 1
    (
        "php_if_chain",
        "php",
        "<?php function f($a, $b, $c) { if ($a && $b || $c) {} elseif ($b) {} else if ($c) {} else {} }",
        "f",
        6,
        6,
    ),
    # two non-default arms (`1, 2` is one); match 1 for cognitive; `??` 1 + 1; `?->` nothing
    (
        "php_match",
        "php",
        "<?php function f($a) { return match($a) { 1, 2 => 3, 5 => $a?->b, default => $a ?? 4 }; }",
        "f",
        4,
        2,
    ),
    # foreach 1 + while at nesting 1 (2) + `continue 2` 1 + the closure's ternary at nesting 1 (2)
    (
        "php_loops_closure",
        "php",
        "<?php function f($xs) { foreach ($xs as $x) { while ($x) { continue 2; } }"
        " $g = function ($y) { return $y ? 1 : 2; }; }",
        "f",
        4,
        6,
    ),
    ("php_and_or", "php", "<?php function f($a, $b, $c) { return $a and $b or $c; }", "f", 3, 2),
    ("php_catch", "php", "<?php function f() { try { g(); } catch (E $e) { if ($e) {} } finally {} }", "f", 3, 3),
    ("php_recursion_this", "php", "<?php class A { function m($n) { return $this->m($n - 1); } }", "A.m", 1, 1),
    ("php_recursion_static", "php", "<?php class A { function m() { static::m(); } }", "A.m", 1, 1),
    # a bare call inside a method names a free function, not the method
    ("php_bare_call_in_method", "php", "<?php class A { function m() { m(); } }", "A.m", 1, 0),
    ("php_free_recursion", "php", "<?php function g($n) { return g($n - 1); }", "g", 1, 1),
    # if 1 + && || and 3 + elsif 1 | if 1, three sequences 3, elsif 1, else 1
    (
        "ruby_if_chain",
        "ruby",
        "def f(a, b, c, d)\n  if a && b || c and d\n    1\n  elsif b\n    2\n  else\n    3\n  end\nend\n",
        "f",
        6,
        6,
    ),
    # unless 1, modifiers if/unless/while/until 1 each | each 1 at nesting 0
    (
        "ruby_modifiers",
        "ruby",
        "def f(a)\n  unless a\n  end\n  x if a\n  y unless a\n  z while a\n  w until a\nend\n",
        "f",
        6,
        5,
    ),
    # two whens (a `when 1, 2` once), else not counted | case 1, nested if at 1 (2)
    (
        "ruby_case_when",
        "ruby",
        "def f(a)\n  case a\n  when 1, 2 then 1\n  when 3\n    x if a\n  else 3\n  end\nend\n",
        "f",
        4,
        3,
    ),
    # two `in` arms + an if guard | case 1
    ("ruby_case_in", "ruby", "def f(a)\n  case a\n  in [x] if x > 1 then 1\n  in {y:} then 2\n  end\nend\n", "f", 4, 1),
    # rescue 1 + rescue modifier 1; `ensure`, `&.` and `||=` count nothing
    (
        "ruby_rescue",
        "ruby",
        "def f(a)\n  begin\n    g\n  rescue E\n    h\n  ensure\n    i\n  end\n"
        "  a&.b\n  a ||= 1\n  x = g rescue nil\nend\n",
        "f",
        3,
        2,
    ),
    # a case's else nests (if at 2) but adds nothing; a begin's else is neither; if-else adds 1
    (
        "ruby_elses",
        "ruby",
        "def f(a)\n  case a\n  when 1 then 1\n  else\n    x if a\n  end\n"
        "  begin\n    g\n  rescue\n    h\n  else\n    i\n  end\n  if a\n    1\n  else\n    2\n  end\nend\n",
        "f",
        5,
        6,
    ),
    # the block nests: its if-modifier is at nesting 1 (2); the call inside it is recursion (1)
    ("ruby_block", "ruby", "def walk(xs)\n  xs.each { |x| walk x if x }\nend\n", "walk", 2, 3),
    ("ruby_self_recursion", "ruby", "def f(n)\n  self.f(n - 1)\nend\n", "f", 1, 1),
    ("ruby_other_receiver", "ruby", "def f(n)\n  other.f(n - 1)\nend\n", "f", 1, 0),
    # if 1 + && || 2 + else-if 1 | if 1, two sequences 2, else if 1, else 1
    (
        "kotlin_if_chain",
        "kotlin",
        "fun f(a: Int, b: Boolean, c: Boolean) {\n  if (a > 0 && b || c) { } else if (b) { } else { }\n}\n",
        "f",
        5,
        5,
    ),
    # two branches with conditions (`1, 2 ->` once), else not | when 1
    (
        "kotlin_when",
        "kotlin",
        "fun f(a: Int) = when (a) {\n  1, 2 -> 1\n  in 3..4 -> 2\n  else -> 3\n}\n",
        "f",
        3,
        1,
    ),
    # elvis 1 + 1; `?.` nothing; labelled continue 1 + while 1
    (
        "kotlin_elvis_label",
        "kotlin",
        "fun f(b: String?) {\n  val y = b?.length ?: 0\n  loop@ while (true) {\n    continue@loop\n  }\n}\n",
        "f",
        3,
        3,
    ),
    # catch 1 | the lambda nests its if (2) and the call in it is recursion (1)
    (
        "kotlin_catch_lambda",
        "kotlin",
        "fun walk(xs: List<Int>) {\n  try { g() } catch (e: E) { }\n  xs.forEach { if (it > 0) walk(xs) }\n}\n",
        "walk",
        3,
        4,
    ),
    ("kotlin_this_recursion", "kotlin", "class A {\n  fun f(n: Int): Int = this.f(n - 1)\n}\n", "A.f", 1, 1),
    # if 1 + && || 2 + else-if 1 (its comma condition adds nothing) | if 1, 2 sequences, else if 1, else 1
    (
        "swift_if_chain",
        "swift",
        "func f(a: Int, b: String?) {\n  if a > 0 && c || d { } else if let v = b, v.isEmpty { } else { }\n}\n",
        "f",
        5,
        5,
    ),
    # guard 1 + ?? 1 (cognitive 1 + 1); optional chaining nothing
    (
        "swift_guard",
        "swift",
        "func f(b: String?) -> Int {\n  guard let y = b else { return 0 }\n  return (b?.count ?? 1)\n}\n",
        "f",
        3,
        2,
    ),
    # two non-default cases + a where 1 | switch 1
    (
        "swift_switch_where",
        "swift",
        "func f(a: Int) {\n  switch a {\n  case 1, 2: g()\n  case let q where q > 3: h()\n  default: k()\n  }\n}\n",
        "f",
        4,
        1,
    ),
    # for 1 + its where 1, catch x2, labelled break 1, repeat-while 1
    (
        "swift_loops_catch",
        "swift",
        "func f(xs: [Int]) {\n  outer: for x in xs where x > 1 { break outer }\n"
        "  repeat { } while g()\n  do { try h() } catch E.x { } catch { }\n}\n",
        "f",
        6,
        5,
    ),
    # the closure nests its if (2); the call inside it is recursion (1)
    (
        "swift_closure",
        "swift",
        "func walk(xs: [Int]) {\n  xs.forEach { x in if x > 0 { walk(xs: xs) } }\n}\n",
        "walk",
        2,
        3,
    ),
    ("swift_self_recursion", "swift", "class A {\n  func f() { self.f() }\n}\n", "A.f", 1, 1),
    # a computed property is a function: its getter's if 1 and its setter's ternary 1
    (
        "swift_computed_property",
        "swift",
        "class C {\n  var p: Int {\n    get { if a { return 1 }; return 2 }\n    set { w = b ? 1 : 2 }\n  }\n}\n",
        "C.p",
        3,
        2,
    ),
    ("kotlin_getter", "kotlin", "class C {\n  val p: Int\n    get() = if (a) 1 else 2\n}\n", "C.p.get", 2, 2),
    ("swift_ternary", "swift", "func f(a: Int) -> Int {\n  return a > 0 ? 1 : 2\n}\n", "f", 2, 1),
]


@pytest.mark.parametrize(
    ("language", "code", "name", "cyclomatic", "cognitive"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_golden_counts(language: str, code: str, name: str, cyclomatic: int, cognitive: int) -> None:
    figures = _figures(code, language)
    assert figures.get(name) == (cyclomatic, cognitive), figures


DEEP = 3000


def _deep_ifs(language: str) -> tuple[str, str]:
    """(code, name) of a function holding DEEP nested ifs."""
    if language == "php":
        return "<?php function f($a) {" + "if ($a) {" * DEEP + "}" * DEEP + "}", "f"
    if language == "ruby":
        return "def f(a)\n" + "if a\n" * DEEP + "end\n" * DEEP + "end\n", "f"
    if language == "kotlin":
        return "fun f(a: Boolean) {\n" + "if (a) {\n" * DEEP + "}\n" * DEEP + "}\n", "f"
    return "func f(a: Bool) {\n" + "if a {\n" * DEEP + "}\n" * DEEP + "}\n", "f"


@pytest.mark.parametrize("language", NEW)
def test_deep_nesting_is_counted_whole(language: str) -> None:
    code, name = _deep_ifs(language)
    assert _figures(code, language)[name] == (DEEP + 1, DEEP * (DEEP + 1) // 2)


NESTED = {
    # (language, opening, closing): each level is one structure adding 1 + nesting
    "swift-for": ("swift", "for x in xs {\n", "}\n"),
    "swift-while": ("swift", "while a {\n", "}\n"),
    "swift-if-else": ("swift", "if a { g() } else {\n", "}\n"),
    "swift-catch": ("swift", "do { g() } catch {\n", "}\n"),
    "ruby-unless": ("ruby", "unless a\n", "end\n"),
    "ruby-case-else": ("ruby", "case a\nwhen 1\n  g\nelse\n", "end\n"),
    "ruby-if-else": ("ruby", "if a\n  g\nelse\n", "end\n"),
    "kotlin-when": ("kotlin", "when (a) {\n1 -> {\n", "}\n}\n"),
    "php-foreach": ("php", "foreach ($a as $x) {\n", "}\n"),
}


@pytest.mark.parametrize("case", sorted(NESTED))
def test_deep_nesting_of_every_structure(case: str) -> None:
    """3,000 levels of each structure: counted whole (and, in the benchmark, in linear time)."""
    language, opening, closing = NESTED[case]
    depth = 3000
    head, tail = {
        "php": ("<?php function f($a) {\n", "}\n"),
        "ruby": ("def f(a)\n", "end\n"),
        "kotlin": ("fun f(a: Int) {\n", "}\n"),
        "swift": ("func f(a: Bool) {\n", "}\n"),
    }[language]
    cyclomatic, cognitive = _figures(head + opening * depth + "g()\n" + closing * depth + tail, language)["f"]
    structure = depth * (depth + 1) // 2
    if case.endswith("else"):  # each level's else adds 1 (an if's) or nothing (a case's), nests the next
        assert cognitive == structure + (depth if case == "swift-if-else" or case == "ruby-if-else" else 0)
    else:
        assert cognitive == structure
    assert cyclomatic == depth + 1


@pytest.mark.parametrize("language", NEW)
def test_long_boolean_chains(language: str) -> None:
    terms = 5000
    chain = " || ".join(f"(a{i} && b{i})" for i in range(terms // 2))
    code = {
        "php": f"<?php function f() {{ return {chain.replace('a', '$a').replace('b', '$b')}; }}",
        "ruby": f"def f\n  {chain}\nend\n",
        "kotlin": f"fun f() = {chain}\n",
        "swift": f"func f() -> Bool {{\n  return {chain}\n}}\n",
    }[language]
    assert _figures(code, language)["f"] == (terms, terms - 1)
