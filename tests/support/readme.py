"""The README's marked code blocks, which tests run exactly as a reader would copy them."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def readme_block(marker: str, language: str) -> str:
    """The fenced block that follows `<!-- marker -->` in README.md."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    match = re.search(rf"<!-- {re.escape(marker)} -->\s*```{language}\n(.*?)```", text, re.DOTALL)
    assert match, f"README.md has no {marker} block"
    return match.group(1)
