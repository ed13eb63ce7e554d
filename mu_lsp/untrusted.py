"""Text from a model or a provider is untrusted: this is what of it may be shown.

A terminal interprets escape sequences, an editor renders bidi overrides, and format
characters (zero-width, tag characters) hide text from the reader. `visible_text` keeps one
line of what a person can see; the hover adds markdown escaping on top
(`mu_lsp.server.markdown`).
"""

from __future__ import annotations

import unicodedata

_INVISIBLE_CATEGORIES = frozenset(("Cc", "Cf", "Cs", "Co", "Cn"))


def visible_text(text: str) -> str:
    """One line of text: whitespace of any kind becomes one space; control, format, surrogate,
    private-use and unassigned characters are dropped."""
    if not (text.isascii() and text.isprintable()):
        kept = []
        for char in text:
            if char.isspace():
                kept.append(" ")
            elif unicodedata.category(char) not in _INVISIBLE_CATEGORIES:
                kept.append(char)
        text = "".join(kept)
    return " ".join(text.split())
