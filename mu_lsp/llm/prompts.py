"""The summary prompt: three labelled lines (`Does:` / `Uses:` / `Effects:`), little else.

Why this shape: small models ignore "1 to 3 bullets" (real answers had 4-13) and put raises
and side effects last, where a 3-bullet cut drops them; asked for three labelled lines they
answer with exactly those, and the effects line carries the raises and writes. The fixed
part of the prompt (everything but the body) stays under ~120 tokens: no signature (it is
the body's first line), no complexity figures and no hot-spot lines (models echoed them as
bullets, some with false claims). `benchmarks/bench_quality.py` measures both.

Bump `PROMPT_VERSION` whenever the prompt or the parsing changes: it is part of every cache
key, so old summaries are not mixed with new ones. Parsing lives in `mu_lsp.llm.answers`.
"""

from __future__ import annotations

import re

from mu_lsp.llm.answers import MAX_BULLET_CHARS, MAX_BULLETS, UnparseableAnswer, parse_summary
from mu_lsp.llm.types import SummarizationRequest

__all__ = [
    "CHARS_PER_TOKEN",
    "MAX_BODY_TOKENS",
    "MAX_BULLETS",
    "MAX_BULLET_CHARS",
    "PROMPT_VERSION",
    "STRICT_INSTRUCTION",
    "SYSTEM_PROMPT",
    "UnparseableAnswer",
    "build_messages",
    "fence_for",
    "parse_summary",
    "stricter",
    "truncate_body",
]

PROMPT_VERSION = "mu-4"
MAX_BODY_TOKENS = 3000
CHARS_PER_TOKEN = 4
# Names and contexts are the only variable part of the fixed overhead: capped, so it stays fixed.
MAX_NAME_CHARS = 60
MAX_CONTEXT_CHARS = 60

SYSTEM_PROMPT = (
    "You summarize code. Reply with exactly 3 lines, no other text:\n"
    "Does: <what it does and what it returns>\n"
    "Uses: <the key calls or types>\n"
    "Effects: <what it changes, writes, raises or throws; or none>\n"
    "At most 25 words each; name real identifiers."
)
# After the code: small models follow the format better when it is repeated last.
_CUE = "Reply with the Does:, Uses: and Effects: lines."

# Appended to the user message when an answer could not be used (the pool retries once).
STRICT_INSTRUCTION = (
    "Your previous answer could not be used. Reply with only the 3 lines Does:, Uses: and "
    "Effects:, plain text, no list markers, no code."
)


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


def _one_line(text: str, limit: int, keep_tail: bool = False) -> str:
    """Whitespace collapsed (a name cannot smuggle in extra prompt lines) and capped."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    return "…" + text[-(limit - 1) :] if keep_tail else text[: limit - 1] + "…"


def build_messages(request: SummarizationRequest, body: str, *, strict: bool = False) -> list[dict[str, str]]:
    """Chat messages for one request; `body` is the (already redacted) source to send.

    `strict=True` is the retry after an unusable answer: the same prompt plus
    `STRICT_INSTRUCTION`. Signature, complexity and hot spots of the request are not sent
    (see the module docstring); the context (relative path, enclosing class) is.
    """
    text, _ = truncate_body(body)
    fence = fence_for(text)
    # The name in backticks, not as a "Function: x" line: models copied that line as a label.
    name = _one_line(request.function_name, MAX_NAME_CHARS).replace("`", "")
    where = f" in {_one_line(request.context, MAX_CONTEXT_CHARS, keep_tail=True)}" if request.context.strip() else ""
    language = re.sub(r"[^a-z0-9+#-]", "", request.language.lower())
    lines = [f"`{name}`{where}:", f"{fence}{language}", text.rstrip("\n"), fence, _CUE]
    messages = [
        {"role": "system", "content": SYSTEM_PROMPT},
        {"role": "user", "content": "\n".join(lines)},
    ]
    return stricter(messages) if strict else messages


def stricter(messages: list[dict[str, str]]) -> list[dict[str, str]]:
    """The retry prompt from already-built messages: the pool need not keep the request around."""
    if not messages or STRICT_INSTRUCTION in messages[-1]["content"]:
        return [dict(m) for m in messages]
    *rest, last = messages
    return [*(dict(m) for m in rest), {**last, "content": f"{last['content']}\n\n{STRICT_INSTRUCTION}"}]
