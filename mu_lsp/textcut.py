"""Shortening text for one line (lens titles, offline bullets) without breaking a word.

A cut inside an identifier (`len(job.…`, `item["minim…`) reads as a typo or a bug; a cut
between tokens reads as "and more". One rule, used everywhere text is shortened for display.
"""

from __future__ import annotations

import re

# Where a shortened condition may end: after a whole operand of `&&`, `||`, `and`, `or`, `??`.
_OPERATOR_END = re.compile(r"\s(?:&&|\|\||and|or|\?\?)\s")
_TOKEN_END = re.compile(r"[\w$](?![\w$])|[)\]}]")


def clip(text: str, limit: int) -> str:
    """`text` in at most `limit` characters, cut between tokens: after a whole operand
    (`a && …`), else at a space, else after a whole identifier or bracket outside quotes; only a
    word longer than half the room is cut inside (there is nothing better to show)."""
    if len(text) <= limit:
        return text
    room = limit - 1  # for the "…"
    half = limit // 2
    operands = [m.end() for m in _OPERATOR_END.finditer(text) if half < m.end() <= room]
    if operands:
        return text[: operands[-1]] + "…"
    space = text.rfind(" ", 0, room + 1)
    if space > half:
        head = text[:space].rstrip(" ,;:·—-")
        # after an operator (`a ==`) a gap keeps it readable as "and something"
        gap = " " if head[-1:] in tuple("=<>!&|+-*/%?") and len(head) + 2 <= limit else ""
        return head + gap + "…"
    ends = [
        m.end() for m in _TOKEN_END.finditer(text) if half < m.end() <= room and not _inside_quotes(text[: m.end()])
    ]
    if ends:
        return text[: ends[-1]] + "…"
    return text[:room].rstrip() + "…"


def _inside_quotes(prefix: str) -> bool:
    return prefix.count('"') % 2 == 1 or prefix.count("'") % 2 == 1
