"""Rendering model output, which is untrusted text, safely.

A summary comes from a model that read code which may contain anything, including text
crafted to inject markdown. In hovers every markdown and HTML metacharacter is escaped, so
no image, link, raw HTML or `command:` URI from the model can render or be clicked; and every
character an autolinker needs (`:` of a scheme, `.` inside a host name, `@` of an address)
is backslash-escaped, which CommonMark renders as the character itself (Neovim conceals the
backslash) but no linkifier reads as a link: not GFM's (`www.`, `https://`, `a@b.c`) and not
markdown-it's fuzzy one (`evil.com/x`). Control and format characters (Unicode categories Cc and Cf:
C1 controls, bidi overrides, BOMs, invisible operators, tag characters) are dropped, so
nothing in a hover or a lens is hidden or reordered. Lens titles are plain text.
"""

from __future__ import annotations

import re

from mu_lsp.textcut import clip
from mu_lsp.untrusted import visible_text

# Characters that can open inline structure anywhere: emphasis, code, links, images, HTML,
# strikethrough, entities. Block structure can only start a line (see `_LEADING`).
_MARKDOWN_SPECIALS = re.compile(r"([\\`*_\[\]!~|@]|[.:](?=[/\w]))")
_LEADING = re.compile(r"^(\s*)([#+\-=])")
_LEADING_NUMBER = re.compile(r"^(\s*\d+)([.)])")


_CODE = re.compile(r"(`+)(?=[^`])(.+?)(?<=[^`])\1(?!`)")


def inline_markdown(text: str) -> str:
    """Model text for a hover: its inline code spans render as code, everything else escaped.
    Safe because nothing inside a code span is a link, emphasis or HTML (CommonMark), and the
    span is rebuilt by `code_span`, so its text cannot close it early."""
    parts: list[str] = []
    last = 0
    for match in _CODE.finditer(text):
        parts.append(_escaped_between(text[last : match.start()]))
        parts.append(code_span(match.group(2).strip() or match.group(2)))
        last = match.end()
    parts.append(_escaped_between(text[last:]))
    return "".join(parts)


def _escaped_between(text: str) -> str:
    """`escape_markdown` of the text around code spans, keeping the spaces that separate them."""
    before = " " if text[:1].isspace() else ""
    after = " " if text[-1:].isspace() and text.strip() else ""
    return before + escape_markdown(text) + after


def plain_code(text: str) -> str:
    """A lens title shows code spans as plain text: backticks would show as they are."""
    return _CODE.sub(lambda m: m.group(2), text)


def escape_markdown(text: str) -> str:
    """Text that renders literally in CommonMark (VS Code, Neovim) hovers."""
    text = visible_text(text)
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    text = _MARKDOWN_SPECIALS.sub(r"\\\1", text)
    text = _LEADING.sub(lambda m: m.group(1) + "\\" + m.group(2), text)
    return _LEADING_NUMBER.sub(lambda m: m.group(1) + "\\" + m.group(2), text)


def plain_title(text: str, limit: int) -> str:
    """A single-line, control-free lens title of at most `limit` characters, never cut inside a word."""
    return clip(visible_text(text), limit)


def code_span(text: str) -> str:
    """An inline code span that the text cannot break out of."""
    text = visible_text(text)
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}"
