"""Server configuration, error states, encodings and worker recovery."""

from __future__ import annotations

import os
import signal
from pathlib import Path

from lsprotocol import types

from tests.e2e.lsp_support import SAMPLE, line_of, murc, start_session, stop_session
from tests.support.fake_provider import FakeProvider

TANGLED = line_of(SAMPLE, "def tangled")


async def test_precedence_file_then_init_options_then_workspace_configuration(
    fake: FakeProvider, tmp_path: Path, isolated_cache: Path
) -> None:
    murc(tmp_path, fake)
    with (tmp_path / ".murc.toml").open("a") as handle:
        handle.write("[complexity]\ncyclomatic = 100\ncognitive = 100\n")
    session = await start_session(
        "visual_studio_code",
        fake,
        tmp_path,
        isolated_cache,
        init_options={"complexity": {"cognitive": 5}},
        client_settings={"complexity": {"cognitive": 200}},
    )
    try:
        session.open()
        assert await session.lenses() == {}  # workspace/configuration (200) wins over init (5)
        session.client.set_configuration({"complexity": {"cognitive": 5}}, section="mu")
        session.client.workspace_did_change_configuration(types.DidChangeConfigurationParams(settings=None))
        await session.wait_for_lens(TANGLED, "CC ")
    finally:
        await stop_session(session)


async def test_init_options_beat_the_file_for_clients_without_configuration(
    fake: FakeProvider, tmp_path: Path, isolated_cache: Path
) -> None:
    murc(tmp_path, fake)
    with (tmp_path / ".murc.toml").open("a") as handle:
        handle.write("[complexity]\ncyclomatic = 100\ncognitive = 100\n")
    session = await start_session(
        "neovim@v0.7.0", fake, tmp_path, isolated_cache, init_options={"complexity": {"cognitive": 5}}
    )
    try:
        session.open()
        await session.wait_for_lens(TANGLED, "fake summary of tangled")
    finally:
        await stop_session(session)


async def test_invalid_values_are_shown_and_defaults_used(
    fake: FakeProvider, tmp_path: Path, isolated_cache: Path
) -> None:
    murc(tmp_path, fake)
    session = await start_session(
        "visual_studio_code", fake, tmp_path, isolated_cache, init_options={"llm": {"concurrency": "lots"}, "colour": 1}
    )
    try:
        await session.wait_for(lambda: len(session.client.messages) >= 2, what="window/showMessage")
        texts = [m.message for m in session.client.messages]
        assert any("llm.concurrency must be a positive integer, got 'lots'; using the default" in t for t in texts)
        assert any("unknown section [colour]" in t for t in texts)
        session.open()
        await session.wait_for_lens(TANGLED, "fake summary of tangled")  # still works, on defaults
    finally:
        await stop_session(session)


async def test_timeout_and_rate_limit_states(fake: FakeProvider, tmp_path: Path, isolated_cache: Path) -> None:
    murc(tmp_path, fake, timeout_seconds=0.5)
    session = await start_session("visual_studio_code", fake, tmp_path, isolated_cache)
    try:
        fake.always("hang")
        session.open()
        title = await session.wait_for_lens(TANGLED, "error:")
        assert "did not answer within 0.5 s" in title and title.endswith("retry")
        fake.always("status_429", retry_after="0")
        await session.command("mu.summarizeFunction", session.uri, TANGLED)
        title = await session.wait_for_lens(TANGLED, "rate-limited")
        hover = await session.hover(TANGLED) or ""
        assert "rate-limited by the model server at 127" in hover and "(after 4 attempts)" in hover
        assert "openai" not in hover
        fake.always("ok")
        await session.command("mu.summarizeFunction", session.uri, TANGLED)  # the lens's "retry"
        await session.wait_for_lens(TANGLED, "fake summary of tangled")
    finally:
        await stop_session(session)


async def test_budget_reached_state(fake: FakeProvider, tmp_path: Path, isolated_cache: Path) -> None:
    murc(tmp_path, fake, max_session_cost_usd=0.0)
    session = await start_session("visual_studio_code", fake, tmp_path, isolated_cache)
    try:
        session.open()
        assert "budget reached · summarize" in await session.wait_for_lens(TANGLED, "budget reached")
        assert fake.requests == []
        await session.command("mu.summarizeFunction", session.uri, TANGLED)  # an explicit click
        await session.wait_for_lens(TANGLED, "fake summary of tangled")
        assert len(fake.requests) == 1
    finally:
        await stop_session(session)


async def test_on_request_mode(fake: FakeProvider, tmp_path: Path, isolated_cache: Path) -> None:
    murc(tmp_path, fake)
    with (tmp_path / ".murc.toml").open("a") as handle:
        handle.write("[summarize]\non = []\n")
    session = await start_session("visual_studio_code", fake, tmp_path, isolated_cache)
    try:
        session.open()
        title = await session.wait_for_lens(TANGLED, "summarize")
        assert title.endswith("· summarize")
        session.save()
        assert fake.requests == []
        await session.command("mu.summarizeFunction", session.uri, TANGLED)
        await session.wait_for_lens(TANGLED, "fake summary of tangled")
    finally:
        await stop_session(session)


async def test_utf8_positions_when_the_client_offers_them(
    fake: FakeProvider, tmp_path: Path, isolated_cache: Path
) -> None:
    murc(tmp_path, fake)
    session = await start_session("neovim@v0.11.0", fake, tmp_path, isolated_cache)
    try:
        assert session.initialize_result is not None
        assert session.initialize_result.capabilities.position_encoding == "utf-8"
        text = SAMPLE.replace('mode == "fast"', 'mode == "😀é-fast"', 1)
        session.open(text)
        await session.wait_for_lens(TANGLED, "fake summary of tangled")
        line = line_of(text, "😀")
        prefix = text.splitlines()[line].split("-fast")[0]
        column = len(prefix.encode())  # UTF-8 bytes: 😀 is 4, é is 2 (UTF-16 would say 2 and 1)
        session.change((line, column), (line, column), "ü", 2)
        session.save()
        await session.wait_for(lambda: any('"😀éü-fast"' in r.prompt for r in fake.requests), what="the edited body")
    finally:
        await stop_session(session)


async def test_worker_killed_mid_batch_is_restarted_and_retried(
    fake: FakeProvider, tmp_path: Path, isolated_cache: Path
) -> None:
    murc(tmp_path, fake)
    session = await start_session("visual_studio_code", fake, tmp_path, isolated_cache)
    try:
        fake.always(latency=2.0)
        session.open()
        await session.wait_for(lambda: len(fake.requests) >= 1, what="calls in flight")
        pid = (await session.command("mu.showStats"))["workerPid"]
        os.kill(pid, signal.SIGKILL)
        fake.always("ok")
        await session.wait_for_lens(TANGLED, "fake summary of tangled")
        stats = await session.command("mu.showStats")
        assert stats["workerPid"] != pid
        hover = await session.hover(TANGLED + 1)
        assert hover is None or "fake summary" in hover
    finally:
        await stop_session(session)
