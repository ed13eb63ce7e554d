"""Diagnosing lizard's cyclomatic against ours on C, C++ and C# (issue 18).

lizard reads tokens. Where its rules differ from ours, the difference is re-derived from the
syntax tree of the function and named; a disagreement the named differences explain exactly
is a rule difference, not a defect on either side:

- all three: lizard adds 1 per `#if`, `#ifdef` and `#elif` (not `#ifndef`) inside a function;
  we count no preprocessor conditional (they choose what is compiled, not a run-time path);
- C++: lizard counts the `&&` of some rvalue-reference types (`cast_op<T &&>(x)`,
  `for (auto &&x : xs)`), and the `||`/`&&` of a fold expression `(... || f(xs))`, which we
  do not count (a fold is one expression over a pack, no decision written out);
- C and C++: where an unexpanded macro (`Py_BEGIN_ALLOW_THREADS` with no `;`) makes
  tree-sitter recover from an error, the function may lose or gain a decision: named, ours;
- C#: lizard does not count `foreach`; it counts `??=` as `??`, and `?.`, `?[` and some `?`
  of nullable types `T?` as ternaries (which ones depends on its token heuristics: the
  tree's `?` tokens other than ternaries', from the function's name on, bound the
  difference); it knows nothing of switch-expression arms, `when` filters or pattern
  `and`/`or`, which we count, and reads an interpolated string `$"{a ?? b}"` as one token.
"""

from __future__ import annotations

import re
from pathlib import Path

import tree_sitter as ts

from mu_lsp.analysis import parse

_PREPROC = re.compile(rb"^[ \t]*#[ \t]*(if|ifdef|elif)\b", re.M)
_OPS = frozenset({"binary_expression", "fold_expression"})
REFERENCES = "lizard counts && of reference types"
QUESTIONS = "lizard counts ?. ?[ and some T?"


def _nodes(node: ts.Node) -> list[ts.Node]:
    out: list[ts.Node] = []
    stack = [node]
    while stack:
        current = stack.pop()
        out.append(current)
        stack.extend(current.children)
    return out


def lizard_differences(path: Path, start_byte: int, language: str) -> tuple[dict[str, int], bool]:
    """What lizard counts minus what we count, per named rule, in the function at start_byte;
    and whether tree-sitter met an error in it (an unexpanded macro it cannot read)."""
    data = path.read_bytes()
    tree = parse(data, language)
    node = tree.root_node.descendant_for_byte_range(start_byte, start_byte)
    while node is not None and node.start_byte == start_byte and node.parent is not None:
        if node.parent.start_byte != start_byte:
            break
        node = node.parent
    if node is None:
        return {}, False
    text = data[node.start_byte : node.end_byte]
    found = {"lizard counts #if/#ifdef/#elif": len(_PREPROC.findall(text))}
    nodes = _nodes(node)
    if language == "cpp":
        folds = [n for n in nodes if n.type == "fold_expression" and any(c.type in ("&&", "||") for c in n.children)]
        found["lizard counts a fold expression's ||/&&"] = len(folds)
        references = sum(1 for n in nodes if n.type == "&&" and n.parent is not None and n.parent.type not in _OPS)
        found[REFERENCES] = references  # an upper bound: lizard skips some (see classify_lizard)
    if language == "csharp":
        kinds: dict[str, int] = {}
        for n in nodes:
            kinds[n.type] = kinds.get(n.type, 0) + 1
        arms = [n for n in nodes if n.type == "switch_expression_arm"]
        last_discards = sum(
            1
            for arm in arms
            if arm.named_child_count and arm.named_children[0].type == "discard" and arm.next_named_sibling is None
        )
        counted_arms = len(arms) - last_discards
        # every `?` token lizard sees once the function has begun (at its name: a nullable
        # return type comes before), `??` being a token of its own
        name = node.child_by_field_name("name")
        begun = name.start_byte if name is not None else node.start_byte
        question_tokens = sum(1 for n in nodes if n.type == "?" and n.start_byte >= begun)
        ternaries = kinds.get("conditional_expression", 0)
        found |= {
            "lizard skips foreach": -kinds.get("foreach_statement", 0),
            QUESTIONS: question_tokens - ternaries,  # an upper bound (see classify_lizard)
            "lizard counts ??=": kinds.get("??=", 0),
            "lizard skips switch-expression arms": -counted_arms,
            "lizard skips when": -kinds.get("when_clause", 0) - kinds.get("catch_filter_clause", 0),
            "lizard skips pattern and/or": -kinds.get("and_pattern", 0) - kinds.get("or_pattern", 0),
            'lizard reads $"…{x ?? y}" as one string': -sum(
                1
                for hole in nodes
                if hole.type == "interpolation"
                for n in _nodes(hole)
                if n.type in ("??", "&&", "||", "conditional_expression")
            ),
        }
    return {name: delta for name, delta in found.items() if delta}, node.has_error


def classify_lizard(items: list[dict[str, object]], language: str) -> None:
    """Name each disagreement the rule differences explain; the rest stay "other"."""
    for item in items:
        path, start = Path(str(item["path"])), int(str(item["start_byte"]))
        differences, broken = lizard_differences(path, start, language)
        bounded = {name: differences.pop(name) for name in (REFERENCES, QUESTIONS) if name in differences}
        gap = int(str(item["theirs"])) - int(str(item["ours"])) - sum(differences.values())
        for name, bound in bounded.items():  # lizard counts some of these tokens, not all
            if 0 < gap <= bound:
                differences[name] = gap
                break
        explained = int(str(item["ours"])) + sum(differences.values()) == item["theirs"]
        if explained and differences:
            item["class"] = " + ".join(sorted(differences))
        elif broken:
            item["class"] = "tree-sitter error (macro)"
        else:
            item["class"] = "other"
            item["differences"] = differences
