"""The language server end to end, parametrized over VS Code's and Neovim's capabilities."""

from __future__ import annotations

import itertools
from collections.abc import AsyncIterator

import pytest
import pytest_asyncio
from pygls.exceptions import JsonRpcInvalidParams

from tests.e2e.lsp_support import SAMPLE, Session, finish_test, line_of, shared_session

CLIENTS = ["visual_studio_code", "neovim@v0.7.0"]
TANGLED = line_of(SAMPLE, "def tangled")
KNOTTED = line_of(SAMPLE, "def knotted")
SIMPLE = line_of(SAMPLE, "def simple")


pytestmark = pytest.mark.asyncio(loop_scope="module")
_test_numbers = itertools.count(1)


@pytest_asyncio.fixture(params=CLIENTS, scope="module", loop_scope="module")
async def server(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Session]:
    """One server per client for this module; each test has its own file and function names."""
    async with shared_session(request.param, tmp_path_factory.mktemp("server")) as started:
        yield started


@pytest_asyncio.fixture(loop_scope="module")
async def session(server: Session) -> AsyncIterator[Session]:
    view = server.for_test(next(_test_numbers))
    yield view
    await finish_test(view)


async def test_open_summarizes_complex_functions_only(session: Session) -> None:
    session.open()
    title = await session.wait_for_lens(TANGLED, "fake summary of tangled")
    assert title.startswith("CC ") and " · cog " in title
    await session.wait_for_lens(KNOTTED, "fake summary of knotted")
    assert sorted(r.function for r in session.requests) == sorted(session.names.values())
    assert SIMPLE not in await session.lenses()
    hover = await session.hover(TANGLED)
    assert hover is not None
    assert f"**`{session.named('tangled')}`**" in hover and "cyclomatic" in hover and "cognitive" in hover
    assert "- fake summary of tangled" in hover
    assert "gpt-4o-mini" in hover
    simple_hover = await session.hover(SIMPLE)
    assert simple_hover is not None and "fake summary" not in simple_hover
    assert await session.hover(TANGLED + 3) is None  # inside the body: nothing


async def test_inserting_lines_above_moves_lenses_without_calls(session: Session) -> None:
    session.open()
    await session.wait_for_lens(TANGLED, "fake summary of tangled")
    await session.wait_for_lens(KNOTTED, "fake summary")
    calls = len(session.requests)
    session.change((0, 0), (0, 0), "# a\n# b\n# c\n", 2)
    title = await session.wait_for_lens(TANGLED + 3, "fake summary of tangled")
    assert "outdated" not in title
    session.save()
    await session.wait_for_lens(KNOTTED + 3, "fake summary of knotted")
    assert len(session.requests) == calls


async def test_edit_inside_marks_outdated_and_save_resummarizes(session: Session) -> None:
    session.open()
    await session.wait_for_lens(TANGLED, "fake summary of tangled")
    await session.wait_for_lens(KNOTTED, "fake summary")
    before = len(session.requests)
    line = line_of(SAMPLE, "total += 2")
    session.change((line, 12), (line, 22), "total += 3", 2)
    title = await session.wait_for_lens(TANGLED, "outdated")
    assert "updates on save" in title and "fake summary of tangled" in title
    assert "outdated" in (await session.hover(TANGLED) or "")
    assert len(session.requests) == before  # nothing while typing
    session.save()
    await session.wait_for(lambda: len(session.requests) == before + 1, what="one new call")
    new = session.requests[-1]
    assert new.function == session.named("tangled") and "total += 3" in new.prompt
    title = await session.wait_for_lens(TANGLED, "fake summary of tangled")
    assert "outdated" not in title
    assert len(session.requests) == before + 1


async def test_undo_brings_the_cached_summary_back_at_once(session: Session) -> None:
    session.open()
    original = await session.wait_for_lens(TANGLED, "fake summary of tangled")
    await session.wait_for_lens(KNOTTED, "fake summary")
    line = line_of(SAMPLE, "total += 2")
    session.change((line, 12), (line, 22), "total += 9", 2)
    await session.wait_for_lens(TANGLED, "outdated")
    session.change((line, 12), (line, 22), "total += 2", 3)
    assert await session.wait_for_lens(TANGLED, "fake summary of tangled") == original


async def test_provider_errors_show_in_lens_and_hover(session: Session) -> None:
    session.fake.always("status_401")
    session.open()
    title = await session.wait_for_lens(TANGLED, "error:")
    assert title.endswith("· retry") and "authentication failed" in title
    hover = await session.hover(TANGLED) or ""
    assert "authentication failed for openai: check OPENAI\\_API\\_KEY" in hover
    assert len(session.requests) == 2  # one per complex function, no retries


async def test_commands(session: Session) -> None:
    earlier = (await session.command("mu.showStats"))["requests"]  # other tests' calls on this server
    session.open()
    await session.wait_for_lens(TANGLED, "fake summary of tangled")
    await session.wait_for_lens(KNOTTED, "fake summary")
    stats = await session.command("mu.showStats")
    assert stats["requests"] == earlier + 2 and stats["costUsd"] > 0 and "requests" in stats["text"]
    toggled = await session.command("mu.toggleLenses")
    assert toggled["enabled"] is False and await session.lenses() == {}
    assert (await session.command("mu.toggleLenses"))["enabled"] is True
    cleared = await session.command("mu.clearCache")
    assert cleared["ok"]
    again = await session.command("mu.summarizeFunction", session.uri, TANGLED + 2)
    assert again["ok"]
    await session.wait_for(lambda: len(session.requests) == 3, what="a new call after clearing the cache")
    await session.wait_for_lens(TANGLED, "fake summary of tangled")
    result = await session.command("mu.summarizeFile", session.uri)
    assert result["ok"]
    await session.wait_for(lambda: len(session.requests) == 4, what="the file's other function")
    with pytest.raises(JsonRpcInvalidParams, match="int"):  # typed arguments: a wrong one is InvalidParams
        await session.command("mu.summarizeFunction", "file:///nowhere.py", "x")
    missing = await session.command("mu.summarizeFunction", "file:///nowhere.py", 3)
    assert missing["ok"] is False and "is not open" in missing["error"]


async def test_lens_refresh_only_when_supported(session: Session) -> None:
    session.open()
    await session.wait_for_lens(TANGLED, "fake summary of tangled")
    await session.wait_for_lens(KNOTTED, "fake summary")
    if session.supports_refresh:
        await session.wait_for(lambda: session.refreshes > 0, what="a codeLens refresh")
    else:
        assert session.refreshes == 0


async def test_progress_begin_report_end(session: Session) -> None:
    session.open()
    await session.wait_for_lens(KNOTTED, "fake summary")

    def ended() -> bool:
        return any(values[-1].kind == "end" for values in session.progress().values())

    await session.wait_for(ended, what="progress end")
    (values,) = session.progress().values()
    kinds = [v.kind for v in values]
    assert kinds[0] == "begin" and kinds[-1] == "end" and "report" in kinds
    assert values[0].cancellable is True
    assert any(getattr(v, "message", "") and "Summarizing 2/2 · $" in v.message for v in values)


async def test_close_cancels_pending_work(session: Session) -> None:
    session.fake.always(latency=3.0)
    session.open()
    await session.wait_for(lambda: len(session.requests) >= 1, what="the first call")
    session.close()
    stats = await session.command("mu.showStats")
    assert stats["pending"] == 0


async def test_cancelling_progress_cancels_the_batch(session: Session) -> None:
    from lsprotocol import types

    session.fake.always(latency=20.0)
    session.open()

    def begun() -> bool:
        return any(values[0].kind == "begin" for values in session.progress().values())

    await session.wait_for(begun, what="progress begin")
    token = next(iter(session.progress()))
    session.client.window_work_done_progress_cancel(types.WorkDoneProgressCancelParams(token=token))

    async def drained() -> bool:
        return (await session.command("mu.showStats"))["pending"] == 0

    await session.wait_for(drained, what="the batch to be cancelled")
    title = await session.wait_for_lens(TANGLED, "summary on save")
    assert "summarizing" not in title
    await session.wait_for(lambda: session.client.progress_reports[token][-1].kind == "end", what="progress end")
