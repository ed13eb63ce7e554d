"""C, C++ and C# through the real server and worker (issue 18): a complex function in each
gets its lens and hover, by LSP language id (and Neovim's `cs` filetype), and survives an
edit that re-parses incrementally."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.e2e.lsp_support import murc, start_session, stop_session
from tests.support.fake_provider import FakeProvider
from tests.support.family_sources import family_file


@pytest.mark.parametrize(
    ("language_id", "file_name", "language"),
    [
        ("c", "handlers.c", "c"),
        ("cpp", "handlers.cpp", "cpp"),
        ("csharp", "Handlers.cs", "csharp"),
        ("cs", "H.cs", "csharp"),
    ],
)
async def test_complex_function_gets_lens_and_hover(
    fake: FakeProvider, tmp_path: Path, isolated_cache: Path, language_id: str, file_name: str, language: str
) -> None:
    text, rows = family_file(language, 40)
    murc(tmp_path, fake)
    session = await start_session("visual_studio_code", fake, tmp_path, isolated_cache)
    try:
        uri = (tmp_path / file_name).as_uri()
        session.open(text, uri=uri, language=language_id)
        title = await session.wait_for_lens(rows[0], "fake summary of", uri=uri)
        assert "handler_0" in title
        hover = await session.hover(rows[0], 8, uri=uri) or ""
        assert "fake summary of" in hover and "12" in hover  # the summary, and the cyclomatic figure
        # An edit inside the second function (re-parsed incrementally), then a save: only it
        # is summarized again; the first keeps its summary.
        before = len(fake.requests)
        session.change((rows[1] + 3, 0), (rows[1] + 3, 0), "    total += count > 3 ? 1 : 0;\n", 2, uri=uri)
        session.save(uri)
        await session.wait_for(lambda: len(fake.requests) > before, what="the edited function summarized again")
        assert "handler_1" in fake.requests[-1].prompt and "count > 3" in fake.requests[-1].prompt
        assert "fake summary of" in await session.wait_for_lens(rows[0], "fake summary of", uri=uri)
    finally:
        await stop_session(session)
