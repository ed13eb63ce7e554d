"""Hover markdown and code-lens titles for a function's view. Pure functions: easy to test."""

from __future__ import annotations

from mu_lsp.llm.pacing import clock_time
from mu_lsp.privacy.policy import EXCLUDED_BY_PATTERN
from mu_lsp.server.markdown import code_span, escape_markdown, inline_markdown, plain_code, plain_title
from mu_lsp.server.state import State, View

LENS_BULLET_CHARS = 70
LENS_TITLE_CHARS = 120
ERROR_CHARS = 80


def figures(view: View) -> str:
    return f"CC {view.function.cyclomatic} · cog {view.function.cognitive}"


def lens_title(view: View, summarize_on_save: bool) -> str:
    """`CC 14 · cog 22 · <first bullet>` or the state while no fresh summary exists."""
    head = figures(view)
    first = view.summary.bullets[0] if view.summary and view.summary.bullets else ""
    short = plain_title(plain_code(first), LENS_BULLET_CHARS)
    state = view.state
    if state is State.READY:
        tail = short
    elif state is State.SUMMARIZING:
        tail = f"summarizing… · {short}" if short else "summarizing…"
    elif state is State.OUTDATED:
        action = "updates on save" if summarize_on_save else "summarize"
        tail = f"outdated · {action} · {short}"
    elif state is State.ERROR:
        tail = f"error: {plain_title(_headline(view.error or 'failed'), ERROR_CHARS)} · retry"
    elif state is State.RATE_LIMITED:
        when = clock_time(view.retry_at or 0.0)
        tail = f"rate-limited until {when} · retry" if view.error else f"rate-limited · retry at {when}"
    elif state is State.BUDGET:
        tail = "budget reached · summarize"
    elif state is State.UNAVAILABLE:
        tail = "summarizer unavailable · see log"
    elif state is State.ON_SAVE:
        tail = "summary on save"
    elif state is State.TOO_LARGE:
        tail = "file too large to summarize"
    elif state is State.EXCLUDED:
        tail = f"not summarized: {view.error or 'excluded by [privacy] exclude'}"
    else:
        tail = "summarize"
    return plain_title(f"{head} · {tail}", LENS_TITLE_CHARS)


def _headline(error: str) -> str:
    """An error's first clause: what happened (the hover has the rest: what to change)."""
    return error.split(";", 1)[0].strip() or error


def hover_markdown(view: View, complex_function: bool, summarize_on_save: bool) -> str:
    function = view.function
    lines = [
        f"**{code_span(function.qualified_name)}** · cyclomatic {function.cyclomatic} · cognitive {function.cognitive}"
    ]
    if not complex_function:
        return lines[0]
    summary = view.summary
    if summary is not None:
        lines.append("")
        lines.extend(f"- {inline_markdown(bullet)}" for bullet in summary.bullets)
    lines.append("")
    lines.append(f"_{_status_line(view, summarize_on_save)}_")
    return "\n".join(lines)


def _status_line(view: View, summarize_on_save: bool) -> str:
    summary = view.summary
    origin = ""
    if summary is not None:
        origin = "offline structural summary" if summary.offline else escape_markdown(summary.model)
        if summary.cached:
            origin += " · cached"
    state = view.state
    if state is State.READY:
        return origin
    if state is State.SUMMARIZING:
        return "summarizing…" + (f" · showing the previous summary ({origin})" if summary else "")
    if state is State.OUTDATED:
        when = "it updates on save" if summarize_on_save else "run mu.summarizeFunction to update it"
        return f"outdated: the code changed since this summary ({origin}); {when}"
    if state is State.ERROR:
        return f"error: {escape_markdown(view.error or 'failed')}"
    if state is State.RATE_LIMITED and view.error:
        return f"{escape_markdown(view.error)}"
    if state is State.RATE_LIMITED:
        return (
            f"rate-limited · retry at {clock_time(view.retry_at or 0.0)}: the provider asked to wait; summarizing then"
        )
    if state is State.BUDGET:
        return f"{escape_markdown(view.error or 'session budget reached')}; click the lens to summarize this function"
    if state is State.UNAVAILABLE:
        return (
            f"{escape_markdown(view.error or 'the summarizer is unavailable')}; see the mu-lsp log, "
            "then click the lens to try again"
        )
    if state is State.ON_SAVE:
        return "complex: summarized when the file is saved"
    if state is State.TOO_LARGE:
        return "the file is larger than [summarize] max_file_bytes: analysed, not summarized"
    if state is State.EXCLUDED:
        if view.error and view.error != EXCLUDED_BY_PATTERN:
            return f"{escape_markdown(view.error)}: nothing is sent"
        return "the file matches [privacy] exclude: nothing is sent"
    return "complex: run mu.summarizeFunction (or click the lens) for a summary"
