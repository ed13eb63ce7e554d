"""The README's hover and lens examples are what the real server shows on `examples/inventory.py`."""

from __future__ import annotations

import html
import re
import shutil
from pathlib import Path

from markdown_it import MarkdownIt

from tests.e2e.lsp_support import line_of, start_session, stop_session
from tests.support.fake_provider import FakeProvider
from tests.support.readme import ROOT, readme_block


async def test_the_readme_hover_and_lens_are_the_real_ones(
    fake: FakeProvider, tmp_path: Path, isolated_cache: Path
) -> None:
    shutil.copy(ROOT / "examples" / "inventory.py", tmp_path / "inventory.py")
    (tmp_path / ".murc.toml").write_text('[llm]\nprovider = "offline"\n')
    session = await start_session("visual_studio_code", fake, tmp_path, isolated_cache)
    try:
        text = (tmp_path / "inventory.py").read_text()
        uri = session.open(text, uri=(tmp_path / "inventory.py").as_uri())
        line = line_of(text, "def restock_plan")
        lens = await session.wait_for_lens(line, "Branches on", uri=uri)
        hover = await session.hover(line, uri=uri) or ""
    finally:
        await stop_session(session)
    assert _as_displayed(hover) == _lines(readme_block("hover-example", "text"))
    assert f"`{lens}`" in (ROOT / "README.md").read_text(encoding="utf-8")
    assert fake.requests == []


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def _as_displayed(markdown: str) -> list[str]:
    """The hover as an editor displays it: CommonMark rendered, markup gone, list items as "- "."""
    rendered = MarkdownIt("commonmark").render(markdown).replace("<li>", "- ")
    return _lines(html.unescape(re.sub(r"<[^>]+>", "", rendered)))
