"""Crash safety: a killed server loses no finished summary; two servers share a cache safely."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

from tests.conftest import FAKE_KEY
from tests.e2e.lsp_support import Session, murc, start_session, stop_session
from tests.support.fake_provider import FakeProvider
from tests.support.sources import complex_function


def complex_source(names: list[str]) -> str:
    return "".join(complex_function(name, index) for index, name in enumerate(names))


def rows_of(text: str) -> dict[str, int]:
    return {line.split("(")[0][4:]: row for row, line in enumerate(text.splitlines()) if line.startswith("def ")}


async def summarized(session: Session, uri: str, rows: dict[str, int]) -> set[str]:
    titles = await session.lenses(uri)
    return {name for name, row in rows.items() if "fake summary" in titles.get(row, "")}


async def test_sigkill_mid_batch_loses_no_finished_summary(
    fake: FakeProvider, tmp_path: Path, isolated_cache: Path
) -> None:
    names = [f"work{i}" for i in range(8)]
    text = complex_source(names)
    rows = rows_of(text)
    (tmp_path / "batch.py").write_text(text)
    murc(tmp_path, fake, concurrency=2)
    fake.always(latency=0.6)
    first = await start_session("visual_studio_code", fake, tmp_path, isolated_cache)
    uri = (tmp_path / "batch.py").as_uri()
    first.open(text, uri=uri)
    done: set[str] = set()

    async def enough() -> bool:
        nonlocal done
        done = await summarized(first, uri, rows)
        return len(done) >= 3

    await first.wait_for(enough, what="three finished summaries")
    assert len(done) < len(names)  # killed mid-batch
    assert first.client._server is not None
    os.kill(first.client._server.pid, signal.SIGKILL)
    await first.client.stop()
    await asyncio.sleep(1.0)  # the orphaned worker notices its closed stdin and exits

    fake.reset()
    fake.always("ok")
    second = await start_session("visual_studio_code", fake, tmp_path, isolated_cache)
    try:
        second.open(text, uri=uri)

        async def complete() -> bool:
            return await summarized(second, uri, rows) == set(names)

        await second.wait_for(complete, what="every summary after the restart")
        asked_again = {r.function for r in fake.requests}
        assert not (asked_again & done), f"finished before the kill but asked again: {asked_again & done}"
    finally:
        await stop_session(second)


async def test_two_servers_share_one_cache_under_load(fake: FakeProvider, tmp_path: Path, isolated_cache: Path) -> None:
    murc(tmp_path, fake, concurrency=5)
    fake.always(latency=0.05)
    texts = {
        "a.py": complex_source([f"alpha{i}" for i in range(25)]),
        "b.py": complex_source([f"beta{i}" for i in range(25)]),
        "shared.py": complex_source([f"gamma{i}" for i in range(10)]),
    }
    for name, text in texts.items():
        (tmp_path / name).write_text(text)
    one = await start_session("visual_studio_code", fake, tmp_path, isolated_cache)
    two = await start_session("neovim@v0.7.0", fake, tmp_path, isolated_cache)
    try:
        plan = [(one, "a.py"), (two, "b.py"), (one, "shared.py"), (two, "shared.py")]
        for session, name in plan:
            session.open(texts[name], uri=(tmp_path / name).as_uri())
        for session, name in plan:
            uri = (tmp_path / name).as_uri()
            rows = rows_of(texts[name])

            async def complete(session: Session = session, uri: str = uri, rows: dict[str, int] = rows) -> bool:
                return await summarized(session, uri, rows) == set(rows)

            await session.wait_for(complete, what=f"all of {name}")
    finally:
        await stop_session(one)
        await stop_session(two)

    database = isolated_cache / "summaries-v2" / "cache.db"
    with sqlite3.connect(database) as connection:
        assert connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    calls = len(fake.requests)
    result = await asyncio.to_thread(
        subprocess.run,
        [
            sys.executable,
            "-m",
            "mu_lsp",
            "summarize",
            "--json",
            "--provider",
            "openai",
            "--model",
            "gpt-4o-mini",
            "--api-base",
            fake.openai_base,
            ".",
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env={**os.environ, "OPENAI_API_KEY": FAKE_KEY, "MU_CACHE_DIR": str(isolated_cache)},
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    rows = json.loads(result.stdout)
    assert len(rows) == 60 and all(r["cached"] for r in rows)  # nothing lost
    assert len(fake.requests) == calls
