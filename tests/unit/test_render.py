"""Lens titles, hover markdown, and escaping of untrusted model output."""

from __future__ import annotations

import pytest

from mu_lsp.analysis.model import FunctionInfo
from mu_lsp.llm.types import ErrorKind
from mu_lsp.server.markdown import code_span, escape_markdown, plain_title
from mu_lsp.server.render import hover_markdown, lens_title
from mu_lsp.server.state import (
    FunctionState,
    Policy,
    State,
    Summary,
    SummaryMemory,
    View,
    view_of,
)

FUNCTION = FunctionInfo("parse", "Parser.parse", "python", 0, 100, 0, 9, 1, 1, 20, cyclomatic=14, cognitive=22)
SUMMARY = Summary(("Parses the input into tokens.", "Calls the lexer."), "claude-haiku-4-5", True, False, "h1")


@pytest.mark.parametrize(
    ("state", "summary", "error", "expected"),
    [
        (State.READY, SUMMARY, None, "CC 14 · cog 22 · Parses the input into tokens."),
        (State.SUMMARIZING, None, None, "CC 14 · cog 22 · summarizing…"),
        (State.OUTDATED, SUMMARY, None, "CC 14 · cog 22 · outdated · updates on save · Parses the input into tokens."),
        (
            State.ERROR,
            None,
            "rate limited by openai after 4 attempts; try later",
            "CC 14 · cog 22 · error: rate limited by openai after 4 attempts; try la… · retry",
        ),
        (State.BUDGET, None, "budget", "CC 14 · cog 22 · budget reached · summarize"),
        (State.ON_REQUEST, None, None, "CC 14 · cog 22 · summarize"),
        (State.ON_SAVE, None, None, "CC 14 · cog 22 · summary on save"),
        (State.TOO_LARGE, None, None, "CC 14 · cog 22 · file too large to summarize"),
        (State.EXCLUDED, None, None, "CC 14 · cog 22 · not summarized: excluded by [privacy] exclude"),
    ],
)
def test_lens_titles(state: State, summary: Summary | None, error: str | None, expected: str) -> None:
    assert lens_title(View(FUNCTION, state, summary, error), summarize_on_save=True) == expected


def test_outdated_lens_without_save_trigger_says_summarize() -> None:
    title = lens_title(View(FUNCTION, State.OUTDATED, SUMMARY, None), summarize_on_save=False)
    assert "outdated · summarize ·" in title


def test_hover_shows_name_figures_bullets_and_state() -> None:
    markdown = hover_markdown(View(FUNCTION, State.READY, SUMMARY, None), True, True)
    assert markdown.splitlines()[0] == "**`Parser.parse`** · cyclomatic 14 · cognitive 22"
    assert "- Parses the input into tokens." in markdown
    assert markdown.rstrip().endswith("_claude-haiku-4-5 · cached_")
    outdated = hover_markdown(View(FUNCTION, State.OUTDATED, SUMMARY, None), True, True)
    assert "outdated: the code changed since this summary" in outdated and "updates on save" in outdated
    offline = Summary(("Branches on x",), "structural", False, True, "h")
    assert "offline structural summary" in hover_markdown(View(FUNCTION, State.READY, offline, None), True, True)
    simple = hover_markdown(View(FUNCTION, State.READY, None, None), False, True)
    assert simple == "**`Parser.parse`** · cyclomatic 14 · cognitive 22"


@pytest.mark.parametrize(
    "evil",
    [
        "![x](http://evil.example/p.png)",
        "[click](command:workbench.action.terminal.new)",
        "<img src=x onerror=alert(1)>",
        "<a href='command:mu.clearCache'>x</a>",
        "https://evil.example/phish",
        "<https://evil.example>",
        "[ref]: https://evil.example",
        "`code` **bold** _it_ ~~strike~~",
        "# heading",
        "1. list item",
        "line\nbreak\r\nand\x1b[31mescape\u202eRLO",
    ],
)
def test_escaped_text_renders_literally(evil: str) -> None:
    escaped = escape_markdown(evil)
    assert "\n" not in escaped and "\x1b" not in escaped and "\u202e" not in escaped
    for dangerous in ("![", "](", "<img", "<a ", "command:", "https://", "**", "~~"):
        assert dangerous not in escaped.replace("\\![", "").replace("\\](", "").replace("\\*\\*", "").replace(
            "\\~\\~", ""
        )
    assert not escaped.startswith(("#", "1."))


def test_plain_titles_and_code_spans() -> None:
    assert plain_title("a\nb\tc\x00d" + "x" * 200, 20) == "a b cdxxxxxxxxxxxxx…"
    assert code_span("a`b") == "``a`b``"
    assert code_span("`x`") == "`` `x` ``"


def test_view_prefers_a_fresh_summary_and_keeps_the_old_one_while_outdated() -> None:
    memory = SummaryMemory()
    state = FunctionState()
    policy = Policy(on_save=True, too_large=False, excluded=False)
    assert view_of(FUNCTION, "h1", state, memory, policy).state is State.ON_SAVE
    memory.put(SUMMARY)
    assert view_of(FUNCTION, "h1", state, memory, policy).state is State.READY
    edited = view_of(FUNCTION, "h2", state, memory, policy)
    assert edited.state is State.OUTDATED and edited.summary is SUMMARY
    state.in_flight = "h2"
    assert view_of(FUNCTION, "h2", state, memory, policy).state is State.SUMMARIZING
    state.in_flight = None
    state.error, state.error_kind, state.error_hash = "budget", ErrorKind.BUDGET, "h2"
    assert view_of(FUNCTION, "h2", state, memory, policy).state is State.BUDGET
    assert view_of(FUNCTION, "h1", state, memory, policy).state is State.READY  # undo: back at once
    assert view_of(FUNCTION, "h2", state, memory, Policy(True, False, True)).state is State.EXCLUDED
