"""The prompt (fencing, truncation, content) and the parsing of model answers."""

from __future__ import annotations

import pytest

from mu_lsp.llm.prompts import (
    PROMPT_VERSION,
    UnparseableAnswer,
    build_messages,
    fence_for,
    parse_summary,
    truncate_body,
)
from mu_lsp.llm.types import SummarizationRequest


def test_prompt_carries_everything_the_model_needs() -> None:
    request = SummarizationRequest(
        function_name="Parser.parse",
        body_source="def parse(self, text):\n    if text:\n        return 1\n",
        language="python",
        context="pkg/parser.py, inside Parser",
        signature="def parse(self, text):",
        hot_spots=("line 2 (+1): if text:",),
        cyclomatic=2,
        cognitive=1,
    )
    system, user = build_messages(request, request.body_source)
    assert system["role"] == "system" and "1 to 3 short bullet points" in system["content"]
    text = user["content"]
    for expected in (
        "Language: python",
        "Function: Parser.parse",
        "Context: pkg/parser.py, inside Parser",
        "Signature: def parse(self, text):",
        "cyclomatic 2, cognitive 1",
        "- line 2 (+1): if text:",
        "what it does, its key dependencies",
        "side effects",
    ):
        assert expected in text
    assert PROMPT_VERSION


def test_fence_cannot_be_closed_by_the_body() -> None:
    body = 'def f():\n    s = """\n```\n````python\n"""\n'
    fence = fence_for(body)
    assert len(fence) == 5
    request = SummarizationRequest("f", body, "python")
    content = build_messages(request, body)[1]["content"]
    opening = content.index(fence + "python")
    closing = content.index("\n" + fence + "\n", opening)
    assert body.strip() in content[opening:closing]


def test_long_bodies_are_truncated_with_a_marker() -> None:
    body = "".join(f"    line_{i} = compute({i})\n" for i in range(5000))
    text, truncated = truncate_body(body, max_tokens=500)
    assert truncated
    assert "[truncated:" in text and "lines omitted" in text
    assert text.startswith("    line_0 =") and text.rstrip().endswith("compute(4999)")
    assert len(text) <= 500 * 4 + 100
    assert truncate_body("short", 500) == ("short", False)
    one_line, cut = truncate_body("x" * 10_000, max_tokens=100)
    assert cut and "more characters" in one_line


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        (
            "- Parses input.\n- Calls helper.\n- Writes a file.",
            ["Parses input.", "Calls helper.", "Writes a file."],
        ),
        ("* one\n* two", ["one", "two"]),
        ("• one\n• two", ["one", "two"]),
        ("1. one\n2. two", ["one", "two"]),
        ("1) one\n2) two", ["one", "two"]),
        ("Here is a summary of the function:\n\n- one\n- two", ["one", "two"]),
        ("```\n- one\n- two\n```", ["one", "two"]),
        (
            "- **Parses** the input\n- Uses __init__ __values__",
            ["Parses the input", "Uses init values"],
        ),
        ("- a\n- b\n- c\n- d\n- e", ["a", "b", "c"]),
        ("- top\n    - nested detail\n- second", ["top", "second"]),
        ("-   spaced   out   text  ", ["spaced out text"]),
    ],
)
def test_parse_accepts_common_list_shapes(answer: str, expected: list[str]) -> None:
    assert parse_summary(answer) == expected


@pytest.mark.parametrize("answer", [None, "", "   \n", "This function does things.", "```\ncode only\n```"])
def test_empty_or_unparseable_answers_are_errors(answer: str | None) -> None:
    with pytest.raises(UnparseableAnswer):
        parse_summary(answer)


def test_overlong_bullets_are_cut() -> None:
    (bullet,) = parse_summary("- " + "word " * 200)
    assert len(bullet) <= 220 and bullet.endswith("…")
