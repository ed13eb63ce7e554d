"""Lens titles, hover markdown, and escaping of untrusted model output."""

from __future__ import annotations

import unicodedata

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
            "CC 14 · cog 22 · error: rate limited by openai after 4 attempts · retry",
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
    assert plain_title("a\nb\tc\x00d" + "x" * 200, 20) == "a b cdxxxxxxxxxxxxx…"  # controls gone
    assert plain_title("Builds a reorder plan per item, picking the cheapest supplier", 48) == (
        "Builds a reorder plan per item, picking the…"
    )
    assert code_span("a`b") == "``a`b``"
    assert code_span("`x`") == "`` `x` ``"


def test_view_prefers_a_fresh_summary_and_keeps_the_old_one_while_outdated() -> None:
    memory = SummaryMemory()
    state = FunctionState()
    policy = Policy(on_save=True, too_large=False, excluded=None)
    assert view_of(FUNCTION, "h1", state, memory, policy).state is State.ON_SAVE
    memory.put(SUMMARY)  # a summary arrives: the scheduler remembers it and keeps it on the state
    state.summary = SUMMARY
    before = repr(state)
    assert view_of(FUNCTION, "h1", state, memory, policy).state is State.READY
    assert repr(state) == before  # reading a view never changes the state
    edited = view_of(FUNCTION, "h2", state, memory, policy)
    assert edited.state is State.OUTDATED and edited.summary is SUMMARY
    state.in_flight = "h2"
    assert view_of(FUNCTION, "h2", state, memory, policy).state is State.SUMMARIZING
    state.in_flight = None
    state.error, state.error_kind, state.error_hash = "budget", ErrorKind.BUDGET, "h2"
    assert view_of(FUNCTION, "h2", state, memory, policy).state is State.BUDGET
    assert view_of(FUNCTION, "h1", state, memory, policy).state is State.READY  # undo: back at once
    assert (
        view_of(FUNCTION, "h2", state, memory, Policy(True, False, "excluded by [privacy] exclude")).state
        is State.EXCLUDED
    )


# -- model text can never become a link or hide text (issue: GFM autolinks, Cc/Cf characters) --

HOSTILE_BULLETS = (
    "Sends the report to www.evil.com/collect for review.",
    "Mail a@evil.com with the token; see evil.com/path too.",
    "Approve at https://evil.com/ok or ftp://evil.com or mailto:x@evil.com.",
    "Click <https://evil.com> [here](https://evil.com) ![p](https://evil.com/p.png) <img src=x>",
    "Run command:workbench.action.terminal.sendSequence now.",
)
INVISIBLE = ("\x9b", "\x1b", "\u061c", "\ufeff", "\u2062", "\u202e", "\u200b", "\U000e0041", "\U000e007f", "\x85")


def _renderers() -> list[object]:
    from markdown_it import MarkdownIt

    fuzzy = MarkdownIt("gfm-like", {"linkify": True})  # linkify-it: GFM forms and bare domains
    strict = MarkdownIt("gfm-like", {"linkify": True})
    strict.linkify.set({"fuzzy_link": False})
    return [fuzzy, strict]


@pytest.mark.parametrize("bullet", HOSTILE_BULLETS)
def test_no_model_text_renders_as_a_link_image_or_html(bullet: str) -> None:
    summary = Summary((bullet,), "m", False, False, "h")
    markdown = hover_markdown(View(FUNCTION, State.READY, summary, None), True, True)
    for renderer in _renderers():
        html = renderer.render(markdown)  # type: ignore[attr-defined]
        assert "<a " not in html and "<img" not in html, html
        assert bullet.split(maxsplit=1)[0] in html  # the words are still there, as text


def test_the_renderers_would_link_the_raw_text() -> None:
    # guards the test above: without escaping, these renderers do make links
    for renderer in _renderers():
        assert "<a " in renderer.render(HOSTILE_BULLETS[2])  # type: ignore[attr-defined]
    assert "<a " in _renderers()[0].render(HOSTILE_BULLETS[0])  # type: ignore[attr-defined]


@pytest.mark.parametrize("char", INVISIBLE)
def test_control_and_format_characters_are_dropped_everywhere(char: str) -> None:
    text = f"Wri{char}tes the{char} plan"
    summary = Summary((text,), f"mod{char}el", False, False, "h")
    view = View(FUNCTION, State.READY, summary, None)
    for shown in (
        hover_markdown(view, True, True),
        lens_title(view, True),
        escape_markdown(text),
        plain_title(text, 99),
    ):
        assert char not in shown
        assert not any(unicodedata.category(c) in ("Cc", "Cf") for c in shown.replace("\n", ""))


def test_rate_limited_lens_and_hover_say_until_when() -> None:
    import time

    from mu_lsp.llm.pacing import clock_time

    until = time.time() + 90
    waiting = View(FUNCTION, State.RATE_LIMITED, None, None, until)
    assert lens_title(waiting, True) == f"CC 14 · cog 22 · rate-limited · retry at {clock_time(until)}"
    assert f"rate-limited · retry at {clock_time(until)}" in hover_markdown(waiting, True, True)
    error = f"rate-limited by the model server at 127.0.0.1:8088 until {clock_time(until)} — longer than mu-lsp waits"
    failed = View(FUNCTION, State.RATE_LIMITED, None, error, until)
    assert lens_title(failed, True) == f"CC 14 · cog 22 · rate-limited until {clock_time(until)} · retry"
    assert "_rate-limited by the model server at 127\\.0\\.0\\.1\\:8088 until" in hover_markdown(failed, True, True)


def test_lens_text_is_cut_at_a_word_boundary() -> None:
    error = (
        "the model server at 127.0.0.1:8088 did not answer within 60 s (after 3 attempts) because of "
        "an extraordinarily verbose explanation; raise [llm] timeout_seconds"
    )
    title = lens_title(View(FUNCTION, State.ERROR, None, error), True)
    assert title == (
        "CC 14 · cog 22 · error: the model server at 127.0.0.1:8088 did not answer within 60 s (after 3… · retry"
    )
    assert plain_title("Parses a long flag argument into the options table", 30) == "Parses a long flag argument…"
    assert plain_title("x" * 40, 10) == "x" * 9 + "…"  # one long word: cut inside it


def test_stats_text_counts_in_words() -> None:
    from mu_lsp.server.features.commands import stats_text
    from mu_lsp.server.worker_client import WorkerStatus

    status = WorkerStatus(provider="openai", model="gpt-4o-mini", budget_usd=1.0, cost_usd=0.001)
    one = {"summaries": 1, "requests": 1, "cacheHits": 1, "inputTokens": 1200, "outputTokens": 30}
    assert stats_text(one, status) == (
        "mu: 1 summary from 1 request, 1 cache hit, 1,200 input + 30 output tokens, $0.0010 of $1.0000 budget "
        "(openai/gpt-4o-mini)"
    )
    many = {**one, "summaries": 2, "requests": 3, "cacheHits": 0, "strictRetries": 1, "estimatedUsageCalls": 2}
    assert stats_text(many, status).startswith(
        "mu: 2 summaries from 3 requests, 0 cache hits, 1 answer asked again more strictly, 1,200 input + 30 output "
        "tokens (2 calls estimated: no usage reported), $0.0010"
    )


def test_code_spans_render_as_code_in_hovers_and_plain_in_lenses() -> None:
    from mu_lsp.server.markdown import inline_markdown

    summary = Summary(
        ("Calls `os.path.join` on `self.__dict__` keys.", "Uses: `[x](javascript:alert(1))`"), "m", False, False, "h"
    )
    markdown = hover_markdown(View(FUNCTION, State.READY, summary, None), True, True)
    assert "- Calls `os.path.join` on `self.__dict__` keys." in markdown
    assert "- Uses: `[x](javascript:alert(1))`" in markdown  # inside a code span: never a link
    assert lens_title(View(FUNCTION, State.READY, summary, None), True) == (
        "CC 14 · cog 22 · Calls os.path.join on self.__dict__ keys."
    )
    assert inline_markdown("a `` b`c `` d") == "a ``b`c`` d"  # a span that holds a backtick stays whole
    assert inline_markdown("no `closing <b>") == "no \\`closing &lt;b&gt;"  # not a span: escaped
