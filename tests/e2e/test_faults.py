"""Faults and limits found by a break-in run (issue 12), through the real server and worker."""

from __future__ import annotations

import asyncio
import os
import re
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from lsprotocol import types

from tests.e2e.lsp_support import PATIENCE, SAMPLE, line_of, murc, start_session, stop_session
from tests.support.fake_provider import FakeProvider
from tests.support.sources import complex_function

TANGLED = line_of(SAMPLE, "def tangled")
KNOTTED = line_of(SAMPLE, "def knotted")


@pytest.mark.parametrize("capabilities", ["visual_studio_code", "neovim@v0.7.0"])
async def test_lenses_follow_a_client_that_never_bumps_the_version(
    capabilities: str, tmp_path: Path, isolated_cache: Path
) -> None:
    with FakeProvider() as fake:
        session = await start_session(
            capabilities, fake, tmp_path, isolated_cache, init_options={"llm": {"provider": "offline"}}
        )
        try:
            session.open()
            assert set(await session.lenses()) == {TANGLED, KNOTTED}
            end = len(SAMPLE.splitlines())
            session.change((end, 0), (end, 0), "\n" + complex_function("added"), version=1)  # same version
            added = end + 1 + next(i for i, text in enumerate(complex_function("added").splitlines()) if "def " in text)

            async def shows_the_new_function() -> bool:
                return added in await session.lenses()

            await session.wait_for(shows_the_new_function, what="a lens for the function added at version 1")
            session.change((0, 0), (0, 0), "# moved\n", version=1)

            async def moved() -> bool:
                return set(await session.lenses()) == {TANGLED + 1, KNOTTED + 1, added + 1}

            await session.wait_for(moved, what="lenses moved down a line, version still 1")
        finally:
            await stop_session(session)


async def test_the_budget_belongs_to_the_session_not_to_one_worker(
    fake: FakeProvider, tmp_path: Path, isolated_cache: Path
) -> None:
    # One call costs more than the whole budget: after it, automatic calls stop; killing the
    # worker or changing a setting (a new pool) must not buy more.
    murc(tmp_path, fake, max_session_cost_usd=0.000001, concurrency=1)
    session = await start_session("visual_studio_code", fake, tmp_path, isolated_cache, client_settings={})
    try:
        session.open()
        await session.wait_for_lens(TANGLED, "budget reached")
        paid = len(fake.requests)
        assert paid == 1  # the most complex function went first; the other hit the budget
        # kill -9 the worker, then save an edited file
        pid = (await session.command("mu.showStats"))["workerPid"]
        os.kill(pid, signal.SIGKILL)
        line = line_of(SAMPLE, "total += 2")
        session.change((line, 12), (line, 22), "total += 3", 2)
        session.save()
        await session.wait_for_lens(TANGLED, "budget reached")
        assert len(fake.requests) == paid
        # a new setting rebuilds the pool: still the same session, still no budget
        session.client.set_configuration({"llm": {"concurrency": 3}}, section="mu")
        session.client.workspace_did_change_configuration(types.DidChangeConfigurationParams(settings={}))
        session.change((line, 12), (line, 22), "total += 4", 3)
        session.save()

        async def new_pid() -> bool:
            return (await session.command("mu.showStats"))["workerPid"] not in (None, pid)

        await session.wait_for(new_pid, what="a new worker")
        await session.wait_for_lens(TANGLED, "budget reached")
        assert len(fake.requests) == paid
        stats = await session.command("mu.showStats")
        assert stats["costUsd"] > 0
    finally:
        await stop_session(session)


async def test_progress_counts_are_true_when_the_budget_stops_calls(
    fake: FakeProvider, tmp_path: Path, isolated_cache: Path
) -> None:
    murc(tmp_path, fake, max_session_cost_usd=0.000001, concurrency=1)
    session = await start_session("visual_studio_code", fake, tmp_path, isolated_cache)
    try:
        session.open()
        await session.wait_for_lens(TANGLED, "budget reached")  # knotted, more complex, went first

        def ended() -> bool:
            return any(values and values[-1].kind == "end" for values in session.client.progress_reports.values())

        await session.wait_for(ended, what="the progress to end")
        (values,) = [v for v in session.client.progress_reports.values() if v]
        end = values[-1].message or ""
        assert re.match(r"Summarized 1/2 · 1 stopped by the budget · (<\$0\.0001|\$0\.\d{4})", end), end
        stats = await session.command("mu.showStats")
        assert stats["costUsd"] > 0 and stats["unknownCostCalls"] == 0
        await session.wait_for(lambda: session.statuses and session.statuses[-1]["costUsd"] > 0)
        assert session.statuses[-1]["ready"] and session.statuses[-1]["provider"] == "openai"
        assert (await session.hover(TANGLED) or "").count("budget") >= 1
    finally:
        await stop_session(session)


async def test_clearing_the_cache_under_an_open_editor_keeps_persisting(
    fake: FakeProvider, tmp_path: Path, isolated_cache: Path
) -> None:
    murc(tmp_path, fake)
    session = await start_session("visual_studio_code", fake, tmp_path, isolated_cache)
    try:
        session.open()
        await session.wait_for_lens(TANGLED, "fake summary of tangled")
        await session.wait_for_lens(KNOTTED, "fake summary of knotted")  # both on disk now
        cleared = await asyncio.to_thread(
            subprocess.run,
            [sys.executable, "-m", "mu_lsp", "cache", "--clear"],
            env={**os.environ, "MU_CACHE_DIR": str(isolated_cache)},
            capture_output=True,
            text=True,
        )
        assert cleared.returncode == 0, cleared.stderr
        line = line_of(SAMPLE, "total += 2")
        session.change((line, 12), (line, 22), "total += 5", 2)
        session.save()
        await session.wait_for(lambda: len(fake.requests) == 3, what="the edited function's call")

        async def answered() -> bool:  # the new summary is shown, so the worker has stored it
            title = (await session.lenses()).get(TANGLED, "")
            return "fake summary of tangled" in title and "outdated" not in title and "summarizing" not in title

        await session.wait_for(answered, what="the edited function's new summary")
    finally:
        await stop_session(session)
    # a second editor on the same cache: the summary made after --clear was kept on disk
    calls = len(fake.requests)
    again = await start_session("visual_studio_code", fake, tmp_path, isolated_cache)
    try:
        edited = SAMPLE.replace("total += 2", "total += 5")
        again.open(edited)
        title = await again.wait_for_lens(TANGLED, "fake summary of tangled")
        assert "outdated" not in title
        await again.wait_for_lens(KNOTTED, "fake summary of knotted")
        assert [r.function for r in fake.requests[calls:]] == ["knotted"]  # tangled came from the disk
    finally:
        await stop_session(again)


async def test_a_worker_that_cannot_start_is_reported_once_not_blamed_on_functions(
    fake: FakeProvider, tmp_path: Path, isolated_cache: Path
) -> None:
    broken = [sys.executable, "-c", "import sys; sys.stderr.write('ImportError: libssl.so.3 missing\\n'); sys.exit(1)"]
    start = f"from mu_lsp.server.app import create_server; create_server({broken!r}).start_io()"
    server = [sys.executable, "-c", start]
    murc(tmp_path, fake)
    session = await start_session("visual_studio_code", fake, tmp_path, isolated_cache, command=server)
    try:
        session.open()
        title = await session.wait_for_lens(TANGLED, "summarizer unavailable")
        assert title.endswith("summarizer unavailable · see log")
        hover = await session.hover(TANGLED) or ""
        assert "libssl" in hover and "twice" not in hover
        shown = [m.message for m in session.client.messages if "could not start" in m.message]
        assert len(shown) == 1 and "libssl.so.3 missing" in shown[0]
        await session.wait_for(lambda: session.statuses and session.statuses[-1]["unavailable"])
    finally:
        await stop_session(session)


@pytest.mark.parametrize(("shutdown_first", "code"), [(True, 0), (False, 1)])
async def test_exit_ends_the_process_with_the_lsp_exit_code(
    fake: FakeProvider, tmp_path: Path, isolated_cache: Path, shutdown_first: bool, code: int
) -> None:
    # `exit` ends the process itself, whatever threads are still waiting on stdin: 0 after
    # `shutdown`, 1 without (LSP's rule). The client keeps stdin open, as editors may.
    murc(tmp_path, fake)
    session = await start_session("visual_studio_code", fake, tmp_path, isolated_cache)
    process = session.client._server
    assert process is not None
    session.open()
    if shutdown_first:
        await session.client.shutdown_async(None)
    session.client.exit(None)
    assert await asyncio.wait_for(process.wait(), PATIENCE) == code
    await session.client.stop()
