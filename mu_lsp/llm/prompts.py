"""The summary prompt and the parsing of answers.

Bump `PROMPT_VERSION` whenever the prompt or the parsing changes: it is part of every cache
key, so old summaries are not mixed with new ones.
"""

from __future__ import annotations

import re

from mu_lsp.llm.types import SummarizationRequest

PROMPT_VERSION = "mu-3"
MAX_BODY_TOKENS = 3000
CHARS_PER_TOKEN = 4
MAX_BULLETS = 3
MAX_BULLET_CHARS = 220

SYSTEM_PROMPT = (
    "You explain source code to a developer who is reading it for the first time. "
    "Answer with 1 to 3 short bullet points, each starting with '- ', and nothing else: "
    "no heading, no preamble, no code."
)

_INSTRUCTIONS = (
    "Summarize this function in 1-3 bullets of at most 20 words each: what it does, its key "
    "dependencies (what it calls or relies on), and its side effects (state it changes, I/O). "
    "Mention a hot spot only if it explains the complexity."
)


class UnparseableAnswer(ValueError):
    """The model's answer holds no usable bullet points."""


def fence_for(body: str) -> str:
    """A backtick fence longer than any backtick run inside `body`, so it cannot be closed early."""
    longest = max((len(run) for run in re.findall(r"`+", body)), default=0)
    return "`" * max(3, longest + 1)


def truncate_body(body: str, max_tokens: int = MAX_BODY_TOKENS) -> tuple[str, bool]:
    """Keep the head and tail of an over-long body, at line boundaries, with a marker between."""
    budget = max_tokens * CHARS_PER_TOKEN
    if len(body) <= budget:
        return body, False
    lines = body.splitlines(keepends=True)
    head: list[str] = []
    used = 0
    for line in lines:
        if used + len(line) > budget * 3 // 4:
            break
        head.append(line)
        used += len(line)
    tail: list[str] = []
    used_tail = 0
    for line in reversed(lines[len(head) :]):
        if used_tail + len(line) > budget // 4:
            break
        tail.append(line)
        used_tail += len(line)
    tail.reverse()
    omitted = len(lines) - len(head) - len(tail)
    if not head:  # a single enormous line
        return body[:budget] + f"\n... [truncated: {len(body) - budget} more characters] ...\n", True
    marker = f"... [truncated: {omitted} lines omitted] ...\n"
    return "".join(head) + marker + "".join(tail), True


def build_messages(request: SummarizationRequest, body: str) -> list[dict[str, str]]:
    """Chat messages for one request; `body` is the (already redacted) source to send."""
    text, _ = truncate_body(body)
    fence = fence_for(text)
    lines = [
        f"Language: {request.language}",
        f"Function: {request.function_name}",
    ]
    if request.context:
        lines.append(f"Context: {request.context}")
    if request.signature:
        lines.append(f"Signature: {request.signature.strip()}")
    if request.cyclomatic or request.cognitive:
        lines.append(f"Complexity: cyclomatic {request.cyclomatic}, cognitive {request.cognitive}")
    if request.hot_spots:
        lines.append("Hot spots (lines adding most to cognitive complexity):")
        lines.extend(f"- {spot}" for spot in request.hot_spots[:5])
    lines.extend(["Source:", f"{fence}{request.language}", text.rstrip("\n"), fence, "", _INSTRUCTIONS])
    return [
        {"role": "system", "content": SYSTEM_PROMPT},
        {"role": "user", "content": "\n".join(lines)},
    ]


_BULLET = re.compile(r"^\s{0,3}(?:[-*•‣▪–—]|\d{1,2}[.)])\s+(?P<text>\S.*)$")
_FENCE_LINE = re.compile(r"^\s*(`{3,}|~{3,})")
_BOLD = re.compile(r"(\*\*|__)(.+?)\1")
_ITALIC = re.compile(r"(?<![\w*])\*(?!\s)(.+?)(?<!\s)\*(?![\w*])")
_INLINE_CODE_SPACES = re.compile(r"\s+")


def _clean(text: str) -> str:
    text = _BOLD.sub(r"\2", text)
    text = _ITALIC.sub(r"\1", text)
    text = _INLINE_CODE_SPACES.sub(" ", text).strip()
    if len(text) > MAX_BULLET_CHARS:
        text = text[: MAX_BULLET_CHARS - 1].rstrip() + "…"
    return text


def parse_summary(answer: str | None) -> list[str]:
    """1-3 bullets from a model's answer.

    Accepts `-`, `*`, `•`, `1.`, `1)` lists, a preamble ("Here is ..."), surrounding code
    fences and bold. Raises `UnparseableAnswer` when nothing list-like is there: prose or
    an empty answer is an error, never a summary.
    """
    if answer is None or not answer.strip():
        raise UnparseableAnswer("the model returned an empty answer")
    bullets: list[str] = []
    for line in answer.replace("\r\n", "\n").split("\n"):
        if _FENCE_LINE.match(line):
            continue
        match = _BULLET.match(line)
        if match is None:
            continue
        cleaned = _clean(match.group("text"))
        if cleaned:
            bullets.append(cleaned)
    if not bullets:
        raise UnparseableAnswer("the model's answer had no bullet points")
    return bullets[:MAX_BULLETS]
