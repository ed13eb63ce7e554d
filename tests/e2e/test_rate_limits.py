"""Rate limits and slow servers as the editor shows them: "rate-limited · retry at 14:05" while
a request sleeps on Retry-After, a clear failure (and a retry by click) when the provider asks
for longer than mu-lsp waits, and other functions summarized meanwhile."""

from __future__ import annotations

import re
from pathlib import Path

from tests.e2e.lsp_support import SAMPLE, line_of, murc, start_session, stop_session
from tests.support.fake_provider import FakeProvider

TANGLED = line_of(SAMPLE, "def tangled")
KNOTTED = line_of(SAMPLE, "def knotted")
CLOCK = r"\d\d:\d\d"


async def test_a_short_retry_after_shows_rate_limited_then_the_summary(
    fake: FakeProvider, tmp_path: Path, isolated_cache: Path
) -> None:
    murc(tmp_path, fake)
    fake.on_first_attempt("status_429", retry_after="4")  # each function: 429, then an answer
    session = await start_session("visual_studio_code", fake, tmp_path, isolated_cache)
    try:
        session.open()
        title = await session.wait_for_lens(TANGLED, "rate-limited · retry at")
        assert re.search(rf"rate-limited · retry at {CLOCK}$", title), title
        await session.wait_for_lens(TANGLED, "fake summary of tangled")
        await session.wait_for_lens(KNOTTED, "fake summary of knotted")
        assert [r.behaviour for r in fake.requests].count("status_429") == 2
    finally:
        await stop_session(session)


async def test_a_retry_after_beyond_the_bound_fails_at_once_and_a_click_retries(
    fake: FakeProvider, tmp_path: Path, isolated_cache: Path
) -> None:
    murc(tmp_path, fake)
    fake.queue("status_429", retry_after="3600")  # the first function sent; the other is answered
    session = await start_session("visual_studio_code", fake, tmp_path, isolated_cache)
    try:
        session.open()
        await session.wait_for(lambda: len(fake.requests) >= 2, what="both functions sent")
        limited = fake.requests[0].function
        line, other = (TANGLED, KNOTTED) if limited == "tangled" else (KNOTTED, TANGLED)
        title = await session.wait_for_lens(line, "rate-limited until")
        assert re.search(rf"rate-limited until {CLOCK} · retry$", title), title
        await session.wait_for_lens(other, "fake summary of")
        hover = await session.hover(line) or ""
        assert f"rate-limited by the model server at 127\\.0\\.0\\.1\\:{fake.port} until" in hover
        assert "click the lens or run mu\\.summarizeFile" in hover
        assert [r.function for r in fake.requests].count(limited) == 1  # failed at once, not retried
        await session.command("mu.summarizeFunction", session.uri, line)  # the lens's "retry"
        await session.wait_for_lens(line, f"fake summary of {limited}")
    finally:
        await stop_session(session)
