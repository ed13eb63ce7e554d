"""A team sharing summaries through a real redis-server: real language servers (each with its own
local cache, as on two laptops), the real CLI warming the store, the stand-in provider counting calls."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import FAKE_KEY
from tests.e2e.lsp_support import COMPLEX_NAMES, SAMPLE, Session, line_of, murc, start_session, stop_session
from tests.e2e.test_cli_summarize import openai_args
from tests.e2e.test_cli_summarize import run_process as run  # a process: these tests run an event loop
from tests.support.fake_provider import FakeProvider
from tests.support.redis_server import RedisServer
from tests.support.trust import trust_folder

TANGLED = line_of(SAMPLE, "def tangled")
KNOTTED = line_of(SAMPLE, "def knotted")
# These tests are about sharing, not speed: a loaded machine must not turn a lookup into a timeout
# (timeouts have their own tests in tests/unit/test_shared_store.py).
PATIENT_MS = 5000


def team_workspace(root: Path, fake: FakeProvider, url: str | None, timeout_ms: int = PATIENT_MS) -> None:
    root.mkdir(parents=True, exist_ok=True)
    (root / "sample.py").write_text(SAMPLE)
    murc(root, fake, trusted=False)
    trust_folder(root.parent)  # the workspace may name the store (one call: it rewrites the user's file)
    cache = f"\n[cache]\nshared_timeout_ms = {timeout_ms}\n" + (f'shared = "{url}"\n' if url else "")
    with (root / ".murc.toml").open("a") as handle:
        handle.write(cache)


async def open_and_wait(session: Session) -> None:
    session.open()
    await session.wait_for_lens(TANGLED, "fake summary of tangled")
    await session.wait_for_lens(KNOTTED, "fake summary of knotted")


def last_status(session: Session) -> dict[str, Any]:
    return session.statuses[-1] if session.statuses else {}


async def test_two_editors_on_two_laptops_share_summaries(
    fake: FakeProvider, tmp_path: Path, redis_store: RedisServer
) -> None:
    alice_root, bob_root = tmp_path / "laptops" / "alice", tmp_path / "laptops" / "bob"
    team_workspace(alice_root, fake, redis_store.url)
    team_workspace(bob_root, fake, redis_store.url)
    alice = await start_session("visual_studio_code", fake, alice_root, tmp_path / "alice-cache")
    try:
        await open_and_wait(alice)
    finally:
        await stop_session(alice)
    assert sorted(r.function for r in fake.requests) == sorted(COMPLEX_NAMES)
    bob = await start_session("neovim@v0.7.0", fake, bob_root, tmp_path / "bob-cache")
    try:
        await open_and_wait(bob)
        stats = await bob.command("mu.showStats")
        await bob.wait_for(lambda: last_status(bob).get("sharedHits") == 2, what="mu/status to count 2 shared hits")
    finally:
        await stop_session(bob)
    assert len(fake.requests) == 2  # Bob's editor asked the provider for nothing
    assert stats["sharedHits"] == 2 and stats["cacheHits"] == 2 and stats["requests"] == 0
    assert stats["shared"]["state"] == "ok" and stats["shared"]["store"] == redis_store.url
    assert last_status(bob)["shared"] == "ok"
    assert "2 from the shared store" in stats["text"]


async def test_the_cli_warms_the_store_and_an_editor_then_makes_no_calls(
    fake: FakeProvider, tmp_path: Path, redis_store: RedisServer
) -> None:
    ci = tmp_path / "ci" / "repo"
    ci.mkdir(parents=True)
    (ci / "sample.py").write_text(SAMPLE)
    (ci / ".murc.toml").write_text(f"[cache]\nshared_timeout_ms = {PATIENT_MS}\n")  # the CI runner names no store
    env = {
        "OPENAI_API_KEY": FAKE_KEY,
        "MU_SHARED_CACHE_URL": redis_store.url,  # the CI job's secret variable
        "MU_CACHE_DIR": str(tmp_path / "ci-cache"),
    }
    warmed = run([*openai_args(fake), "--yes", "--json", "."], ci, env=env)
    assert warmed.returncode == 0, warmed.stderr
    assert len(fake.requests) == 2 and "0 from the shared store" in warmed.stderr
    again = run([*openai_args(fake), "--yes", "--json", "."], ci, env={**env, "MU_CACHE_DIR": str(tmp_path / "c2")})
    assert again.returncode == 0 and "2 from the shared store" in again.stderr and len(fake.requests) == 2

    dev = tmp_path / "dev" / "repo"
    team_workspace(dev, fake, redis_store.url)
    session = await start_session("visual_studio_code", fake, dev, tmp_path / "dev-cache")
    try:
        await open_and_wait(session)
    finally:
        await stop_session(session)
    assert len(fake.requests) == 2


async def test_a_store_that_goes_away_is_a_status_flag_and_one_warning(
    fake: FakeProvider, tmp_path: Path, own_redis: RedisServer
) -> None:
    root = tmp_path / "repo"
    team_workspace(root, fake, own_redis.url)
    own_redis.kill()
    session = await start_session("visual_studio_code", fake, root, tmp_path / "cache")
    try:
        await open_and_wait(session)  # summaries still come, from the provider
        await session.wait_for(lambda: last_status(session).get("shared") == "unavailable", what="the flag")
        warnings = [m.message for m in session.client.log_messages if "shared summary store" in m.message]
        assert len(warnings) == 1 and "unavailable" in warnings[0]
        own_redis.start()
        other = session.root / "other.py"
        other.write_text(SAMPLE.replace("tangled", "tangled_two").replace("knotted", "knotted_two"))
        await session.wait_for(
            lambda: any("available again" in m.message for m in session.client.log_messages), what="recovery"
        )
        session.open(other.read_text(), other.as_uri())
        await session.wait_for_lens(TANGLED, "fake summary of tangled_two", uri=other.as_uri())
        await session.wait_for(lambda: last_status(session).get("shared") == "ok", what="the flag to clear")
    finally:
        await stop_session(session)


async def test_the_store_password_appears_nowhere(
    fake: FakeProvider, tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    password = "RedisPw" + "x7Q" * 8
    server = RedisServer(password=password).start()
    try:
        root = tmp_path / "repo"
        team_workspace(root, fake, server.url)
        wrong = {"MU_SHARED_CACHE_URL": f"redis://:wrong{password}@127.0.0.1:{server.port}/0"}
        session = await start_session("visual_studio_code", fake, root, tmp_path / "cache", env=wrong)
        try:
            await open_and_wait(session)
            await session.wait_for(lambda: last_status(session).get("shared") == "unavailable", what="the flag")
            seen = [
                await session.hover(TANGLED) or "",
                json.dumps(await session.command("mu.showStats")),
                json.dumps(session.statuses),
                *(m.message for m in session.client.log_messages),
                *(m.message for m in session.client.messages),
            ]
        finally:
            await stop_session(session)
        right = {"MU_SHARED_CACHE_URL": f"redis://:{password}@127.0.0.1:{server.port}/0", "MU_LOG_LEVEL": "debug"}
        session = await start_session("visual_studio_code", fake, root, tmp_path / "cache2", env=right)
        try:
            await open_and_wait(session)
            stats = await session.command("mu.showStats")
            assert stats["shared"]["state"] == "ok" and stats["sharedHits"] == 0
            seen += [json.dumps(stats), *(m.message for m in session.client.log_messages)]
        finally:
            await stop_session(session)
        cli = run(["--provider", "openai", "--api-base", fake.openai_base, "--yes", "."], root,
                  env={**right, "OPENAI_API_KEY": FAKE_KEY, "MU_CACHE_DIR": str(tmp_path / "c3")})  # fmt: skip
        assert cli.returncode == 0 and "2 from the shared store" in cli.stderr
        captured = capfd.readouterr()
        seen += [captured.err, captured.out, cli.stderr, cli.stdout]
    finally:
        server.stop()
    assert any("authentication failed" in text for text in seen)  # the failure is reported ...
    for text in seen:
        assert password not in text and password[7:19] not in text  # ... without the password
