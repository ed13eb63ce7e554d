"""Rendering model output, which is untrusted text, safely.

A summary comes from a model that read code which may contain anything, including text
crafted to inject markdown. In hovers every markdown and HTML metacharacter is escaped, so
no image, link, raw HTML or `command:` URI from the model can render or be clicked; URL
schemes are broken with an invisible word joiner so they are not auto-linked. Lens titles are
plain text: control characters and line breaks are removed.
"""

from __future__ import annotations

import re

# Characters that can open inline structure anywhere: emphasis, code, links, images, HTML,
# strikethrough, entities. Block structure can only start a line (see `_LEADING`).
_MARKDOWN_SPECIALS = re.compile(r"([\\`*_\[\]!~|])")
_LEADING = re.compile(r"^(\s*)([#+\-=])")
_LEADING_NUMBER = re.compile(r"^(\s*\d+)([.)])")
_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.\-]*):(?=//|[A-Za-z0-9])")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\u200b-\u200f\u202a-\u202e\u2066-\u2069]")
_WORD_JOINER = "\u2060"  # word joiner: invisible, stops auto-linking of `scheme:`


def escape_markdown(text: str) -> str:
    """Text that renders literally in CommonMark (VS Code, Neovim) hovers."""
    text = _CONTROL.sub("", text)
    text = " ".join(text.split())
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    text = _MARKDOWN_SPECIALS.sub(r"\\\1", text)
    text = _LEADING.sub(lambda m: m.group(1) + "\\" + m.group(2), text)
    text = _LEADING_NUMBER.sub(lambda m: m.group(1) + "\\" + m.group(2), text)
    return _SCHEME.sub(lambda m: f"{m.group(1)}{_WORD_JOINER}:", text)


def plain_title(text: str, limit: int) -> str:
    """A single-line, control-free lens title of at most `limit` characters."""
    text = _CONTROL.sub("", text)
    text = " ".join(text.split())
    if len(text) > limit:
        text = text[: max(0, limit - 1)].rstrip() + "…"
    return text


def code_span(text: str) -> str:
    """An inline code span that the text cannot break out of."""
    text = " ".join(_CONTROL.sub("", text).split())
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}"
