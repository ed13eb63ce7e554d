"""The worst cases of `bench_worst_cases.py` for PHP, Ruby, Kotlin and Swift (issue 18).

The same shapes as the brace languages': long `+`, `&&` and `&&`/`||` chains, 10,000 nested
ifs, a 10,000-long else-if (`elseif`, `elsif`) chain, 3,000 nested closures (blocks), a
100k-element literal and thousands of functions on one line.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass

LANGUAGES = ("php", "ruby", "kotlin", "swift")


@dataclass(frozen=True)
class Case:
    language: str
    name: str
    source: bytes


def _fn(language: str, body: str) -> str:
    if language == "php":
        return f"<?php\nfunction f($a, $b, $c) {{\n{body}\n}}\n"
    if language == "ruby":
        return f"def f(a, b, c)\n{body}\nend\n"
    if language == "kotlin":
        return f"fun f(a: Boolean, b: Boolean, c: Boolean): Any {{\n{body}\n}}\n"
    return f"func f(a: Bool, b: Bool, c: Bool) -> Any {{\n{body}\n}}\n"


def _var(language: str, name: str) -> str:
    return f"${name}" if language == "php" else name


def _ret(language: str, expr: str) -> str:
    return expr if language == "ruby" else f"return {expr}" + (";" if language == "php" else "")


def _nested_ifs(language: str, depth: int) -> str:
    a, b = _var(language, "a"), _var(language, "b")
    if language == "ruby":
        return "if a\n" * depth + "b\n" + "end\n" * depth
    cond = f"({a})" if language in ("php", "kotlin") else a
    return f"if {cond} {{\n" * depth + f"{b}{';' if language == 'php' else ''}\n" + "}\n" * depth


def _else_ifs(language: str, depth: int) -> str:
    a, c = _var(language, "a"), _var(language, "c")
    if language == "ruby":
        return "if a\n  c\n" + "elsif a\n  c\n" * depth + "end\n"
    if language == "php":
        return f"if ({a}) {{ {c}; }}" + f" elseif ({a}) {{ {c}; }}" * depth + "\n"
    cond = f"({a})" if language == "kotlin" else a
    return f"if {cond} {{ {c} }} else " * depth + "{ }\n"


def _closures(language: str, depth: int) -> str:
    if language == "php":
        return "g(function () {\n" * depth + "$a && $b;\n" + "});\n" * depth
    if language == "ruby":
        return "g do\n" * depth + "a && b\n" + "end\n" * depth
    if language == "kotlin":
        return "g {\n" * depth + "a && b\n" + "}\n" * depth
    return "g {\n" * depth + "_ = a && b\n" + "}\n" * depth


def _literal(language: str, values: str) -> str:
    if language == "php":
        return f"<?php\n$data = [{values}];\n"
    if language == "ruby":
        return f"DATA = [{values}]\n"
    if language == "kotlin":
        return f"val data = listOf({values})\n"
    return f"let data = [{values}]\n"


def _minified(language: str, functions: int) -> str:
    if language == "php":
        body = "if($a&&$b||$c){$x=$a?1:2;}elseif($b){for(;;){break;}}while($c){$c=!$c;}"
        return "<?php " + "".join(f"function f{i}($a,$b,$c){{$x=0;{body}return $x;}}" for i in range(functions))
    if language == "ruby":
        body = "if a&&b||c then x=a ? 1 : 2 elsif b then loop{break} end;while c do c=!c end"
        return "".join(f"def f{i}(a,b,c);x=0;{body};x;end;" for i in range(functions)) + "\n"
    if language == "kotlin":
        body = "if(a&&b||c){x=if(a)1 else 2}else if(b){while(true){break}};while(c){c=!c}"
        functions_text = (
            f"fun f{i}(a:Boolean,b:Boolean,c0:Boolean):Int{{var c=c0;var x=0;{body};return x}}"
            for i in range(functions)
        )
        return ";".join(functions_text) + "\n"
    body = "if a&&b||c{x=a ? 1:2}else if b{while true{break}};while c{c = !c}"
    return (
        ";".join(f"func f{i}(a:Bool,b:Bool,c0:Bool)->Int{{var c=c0;var x=0;{body};return x}}" for i in range(functions))
        + "\n"
    )


def more_cases() -> Iterator[Case]:
    for language in LANGUAGES:
        n = 7000
        semicolon = ";" if language == "php" else ""
        declarations = "".join(
            f"{'$' if language == 'php' else 'val ' if language == 'kotlin' else 'let ' if language == 'swift' else ''}"
            f"x{i} = 1{semicolon}\n"
            for i in range(50)
        )
        plus = " + ".join(_var(language, f"x{i % 50}") for i in range(n))
        yield Case(language, f"'+' chain of {n}", _fn(language, declarations + _ret(language, plus)).encode())
        logical = " && ".join(_var(language, "a" if i % 2 else "b") for i in range(n))
        yield Case(language, f"'&&' chain of {n}", _fn(language, _ret(language, logical)).encode())
        mixed = "".join(
            (" && " if i % 2 else " || ") * bool(i)
            + f"({_var(language, 'a' if i % 3 else 'b')} && {_var(language, 'c')})"
            for i in range(2000)
        )
        yield Case(language, "'&&'/'||' mix of 2000", _fn(language, _ret(language, mixed)).encode())
        depth = 10000
        yield Case(
            language, f"{depth} nested ifs", _fn(language, _nested_ifs(language, depth) + _ret(language, "0")).encode()
        )
        yield Case(
            language, f"{depth} else-if chain", _fn(language, _else_ifs(language, depth) + _ret(language, "0")).encode()
        )
        yield Case(
            language, "3000 nested closures", _fn(language, _closures(language, 3000) + _ret(language, "0")).encode()
        )
        values = ", ".join(str(random.Random(i).randint(0, 1 << 30)) for i in range(100000))
        yield Case(language, "100k-element literal", _literal(language, values).encode())
        yield Case(language, "one-line minified", _minified(language, 3000).encode())
