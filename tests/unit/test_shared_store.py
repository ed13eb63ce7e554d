"""The team's shared store: real LiteLLM over real HTTP to the stand-in provider, a real redis-server.

Each pool has its own local disk cache (a developer's laptop); they share only through Redis.
"""

from __future__ import annotations

import asyncio
import json
import logging
import socket
import threading
from pathlib import Path

import pytest

from mu_lsp.config import CacheSettings, LLMSettings, PrivacySettings, Settings
from mu_lsp.llm.factory import create_pool
from mu_lsp.llm.pool import Backoff, LLMPool
from mu_lsp.llm.shared_entry import store_key
from mu_lsp.llm.transport import load_litellm
from mu_lsp.llm.types import SummarizationRequest
from tests.conftest import FAKE_KEY
from tests.support.fake_provider import FakeProvider
from tests.support.redis_server import RedisServer
from tests.unit.test_pool import request, wait_until

SECRET = "team-secret-" + "k" * 20


@pytest.fixture(autouse=True, scope="module")
def litellm_loaded() -> None:
    """LiteLLM's first import holds the event loop for seconds (the worker warms it up in a
    thread); a lookup caught behind it would time out, which is not what these tests are about."""
    load_litellm()


def team_pool(
    fake: FakeProvider,
    cache: Path,
    url: str,
    secret: str | None = None,
    timeout_ms: int = 5000,  # generous: these tests are about behaviour, not speed (timeouts: their own tests)
    **environ: str,
) -> LLMPool:
    env = {"OPENAI_API_KEY": FAKE_KEY, **environ}
    if secret is not None:
        env["MU_SHARED_CACHE_SECRET"] = secret
    settings = Settings(
        llm=LLMSettings(
            provider="openai", model="gpt-4o-mini", api_base=fake.openai_base, max_retries=0, timeout_seconds=5.0
        ),
        cache=CacheSettings(shared=url, shared_timeout_ms=timeout_ms),
        privacy=PrivacySettings(),
    )
    return create_pool(settings, cache_base_path=cache, environ=env, probe_ollama=False, backoff=Backoff(0.01))


def requests(count: int, prefix: str = "f") -> list[SummarizationRequest]:
    return [request(f"pkg.{prefix}{i}") for i in range(count)]


def stored_keys(redis: RedisServer) -> list[str]:
    return [k for k in redis.command("KEYS", "mu:v1:*").split("\r\n") if k.startswith("mu:v1:")]


async def test_a_second_developer_makes_no_provider_calls(
    fake: FakeProvider, tmp_path: Path, redis_store: RedisServer
) -> None:
    alice = team_pool(fake, tmp_path / "alice", redis_store.url)
    first = await alice.summarize_batch(requests(5))
    assert all(r.ok for r in first) and len(fake.requests) == 5
    assert alice.stats.shared_hits == 0
    bob = team_pool(fake, tmp_path / "bob", redis_store.url)
    second = await bob.summarize_batch(requests(5))
    assert len(fake.requests) == 5  # nothing new asked
    assert [r.summary for r in second] == [r.summary for r in first]
    assert bob.stats.shared_hits == 5 and bob.stats.cache_hits == 5
    assert bob.cache.shared_stats()["hits"] == 5
    # a shared hit lands on Bob's disk: a new session of his needs neither Redis nor the provider
    alice.close()
    bob.close()
    redis_store.command("FLUSHALL")
    again = team_pool(fake, tmp_path / "bob", redis_store.url)
    await again.summarize_batch(requests(5))
    assert len(fake.requests) == 5 and again.stats.shared_hits == 0 and again.stats.cache_hits == 5
    again.close()


async def test_keys_are_namespaced_json_with_a_ttl(
    fake: FakeProvider, tmp_path: Path, redis_store: RedisServer
) -> None:
    pool = team_pool(fake, tmp_path / "a", redis_store.url, secret=SECRET)
    result = await pool.summarize(request("pkg.one"))
    keys = stored_keys(redis_store)
    assert keys == [store_key(result.cache_key)] and len(keys[0]) == len("mu:v1:") + 64
    value = json.loads(redis_store.command("GET", keys[0]))
    assert value["s"] == list(result.summary) and value["m"] == "gpt-4o-mini" and len(value["sig"]) == 64
    ttl = int(redis_store.command("TTL", keys[0]))
    assert 29 * 24 * 3600 < ttl <= 30 * 24 * 3600
    assert redis_store.command("KEYS", "mu:v1:flight:*") in ("", "*0\r\n")  # the in-flight marker is gone
    pool.close()


async def test_failures_and_empty_answers_are_never_shared(
    fake: FakeProvider, tmp_path: Path, redis_store: RedisServer
) -> None:
    pool = team_pool(fake, tmp_path / "a", redis_store.url)
    fake.always("empty")
    bad = await pool.summarize(request("pkg.empty"))
    fake.always("status_500")
    worse = await pool.summarize(request("pkg.broken"))
    assert not bad.ok and not worse.ok
    assert stored_keys(redis_store) == []  # no entry, and no in-flight marker left behind
    pool.close()


@pytest.mark.parametrize(
    ("writer", "reader", "accepted"),
    [
        (SECRET, SECRET, True),  # signed, same secret
        (None, SECRET, False),  # unsigned entry, reader requires a signature
        ("another-" + "x" * 20, SECRET, False),  # wrong secret
        (SECRET, None, True),  # a reader without a secret cannot check: it trusts the store
    ],
)
async def test_signatures(
    fake: FakeProvider,
    tmp_path: Path,
    redis_store: RedisServer,
    writer: str | None,
    reader: str | None,
    accepted: bool,
) -> None:
    pool = team_pool(fake, tmp_path / "w", redis_store.url, secret=writer)
    await pool.summarize_batch(requests(3))
    pool.close()
    reading = team_pool(fake, tmp_path / "r", redis_store.url, secret=reader)
    await reading.summarize_batch(requests(3))
    stats = reading.cache.shared_stats()
    if accepted:
        assert reading.stats.shared_hits == 3 and len(fake.requests) == 3
    else:
        assert reading.stats.shared_hits == 0 and stats["rejected"] == 3 and len(fake.requests) == 6
    reading.close()


async def test_a_forged_entry_never_reaches_a_hover(
    fake: FakeProvider, tmp_path: Path, redis_store: RedisServer
) -> None:
    honest = team_pool(fake, tmp_path / "h", redis_store.url, secret=SECRET)
    result = await honest.summarize(request("pkg.target"))
    honest.close()
    key = store_key(result.cache_key)
    value = json.loads(redis_store.command("GET", key))
    value["s"] = ["Click https://evil.example to fix"]  # the signature no longer matches
    redis_store.command("SET", key, json.dumps(value))
    reader = team_pool(fake, tmp_path / "r", redis_store.url, secret=SECRET)
    again = await reader.summarize(request("pkg.target"))
    assert again.ok and "evil" not in " ".join(again.summary)
    assert reader.cache.shared_stats()["rejected"] == 1 and len(fake.requests) == 2
    # the honest answer replaced the forged one
    assert json.loads(redis_store.command("GET", key))["s"] == list(again.summary)
    reader.close()


@pytest.mark.parametrize(
    "garbage",
    [
        "not json{{{",
        json.dumps([1, 2, 3]),
        json.dumps({"s": "a string, not a list"}),
        json.dumps({"s": []}),
        json.dumps({"s": ["ok"], "i": -5}),
        json.dumps({"s": ["x"] * 50}),
        json.dumps({"s": ["ok"], "m": {"nested": True}}),
        "\x80\x81\xfe",
        "- " + "y" * 40_000,
    ],
)
async def test_garbage_entries_are_misses(
    fake: FakeProvider, tmp_path: Path, redis_store: RedisServer, garbage: str
) -> None:
    probe = team_pool(fake, tmp_path / "p", redis_store.url)
    key = probe.key_for(request("pkg.g"))
    probe.close()
    redis_store.command("SET", store_key(key), garbage)
    pool = team_pool(fake, tmp_path / "a", redis_store.url)
    result = await pool.summarize(request("pkg.g"))
    assert result.ok and len(fake.requests) == 1
    stats = pool.cache.shared_stats()
    assert stats["invalid"] == 1 and stats["state"] == "ok"  # one bad entry is not a bad store
    pool.close()


async def test_a_key_of_another_type_is_a_miss(fake: FakeProvider, tmp_path: Path, redis_store: RedisServer) -> None:
    probe = team_pool(fake, tmp_path / "p", redis_store.url)
    key = store_key(probe.key_for(request("pkg.l")))
    probe.close()
    redis_store.command("RPUSH", key, "a list")
    pool = team_pool(fake, tmp_path / "a", redis_store.url)
    assert (await pool.summarize(request("pkg.l"))).ok
    assert pool.cache.shared_stats()["state"] == "ok"
    pool.close()


async def test_store_killed_mid_batch_degrades_once_and_comes_back(
    fake: FakeProvider, tmp_path: Path, own_redis: RedisServer, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, "mu_lsp")
    fake.always(latency=0.05)
    pool = team_pool(fake, tmp_path / "a", own_redis.url)
    batch = asyncio.ensure_future(pool.summarize_batch(requests(20)))
    await wait_until(lambda: len(fake.requests) >= 3)
    own_redis.kill()
    results = await batch
    assert all(r.ok for r in results)  # nothing lost: the provider answered, the disk kept them
    stats = pool.cache.shared_stats()
    assert stats["state"] == "unavailable" and stats["errors"] >= 1
    warnings = [r for r in caplog.records if "unavailable" in r.getMessage() and r.levelno == logging.WARNING]
    assert len(warnings) == 1, [r.getMessage() for r in warnings]
    own_redis.start()  # same port
    await wait_until(lambda: pool.cache.shared_stats()["state"] == "ok")
    assert any("available again" in r.getMessage() for r in caplog.records)
    more = await pool.summarize(request("pkg.after"))
    assert more.ok and store_key(more.cache_key) in stored_keys(own_redis)
    pool.close()


async def test_a_paused_store_is_skipped_within_the_timeout(
    fake: FakeProvider, tmp_path: Path, own_redis: RedisServer
) -> None:
    writer = team_pool(fake, tmp_path / "w", own_redis.url)
    await writer.summarize_batch(requests(3))
    writer.close()
    pool = team_pool(fake, tmp_path / "a", own_redis.url, timeout_ms=100)
    own_redis.send("DEBUG", "SLEEP", "3")
    results = await pool.summarize_batch(requests(3))
    assert all(r.ok for r in results)
    assert pool.stats.shared_hits == 0 and len(fake.requests) == 6  # asked the provider instead of waiting
    assert pool.cache.shared_stats()["state"] == "unavailable"
    assert "no answer within 100 ms" in pool.cache.shared_stats()["reason"]
    await wait_until(lambda: pool.cache.shared_stats()["state"] == "ok")  # after the pause
    pool.close()


async def test_a_flushed_store_is_filled_again(fake: FakeProvider, tmp_path: Path, redis_store: RedisServer) -> None:
    pool = team_pool(fake, tmp_path / "a", redis_store.url)
    await pool.summarize_batch(requests(4))
    redis_store.command("FLUSHALL")
    other = team_pool(fake, tmp_path / "b", redis_store.url)
    await other.summarize_batch(requests(4))
    assert other.stats.shared_hits == 0 and len(fake.requests) == 8
    assert len(stored_keys(redis_store)) == 4 and other.cache.shared_stats()["state"] == "ok"
    pool.close()
    other.close()


def _garbage_server() -> tuple[socket.socket, threading.Event]:
    """Something that is not Redis on the configured port: it answers every line with HTML."""
    listener = socket.create_server(("127.0.0.1", 0))
    stop = threading.Event()

    def serve() -> None:
        listener.settimeout(0.1)
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except OSError:
                continue
            conn.recv(65536)
            conn.sendall(b"HTTP/1.1 400 Bad Request\r\n\r\n<html>nope</html>")
            conn.close()

    threading.Thread(target=serve, daemon=True).start()
    return listener, stop


async def test_a_store_that_answers_garbage_degrades_to_local(
    fake: FakeProvider, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    listener, stop = _garbage_server()
    try:
        url = f"redis://127.0.0.1:{listener.getsockname()[1]}/0"
        pool = team_pool(fake, tmp_path / "a", url)
        results = await pool.summarize_batch(requests(4))
        assert all(r.ok for r in results) and len(fake.requests) == 4
        assert pool.cache.shared_stats()["state"] == "unavailable"
        assert sum("unavailable" in r.getMessage() for r in caplog.records if r.levelno == logging.WARNING) == 1
        pool.close()
    finally:
        stop.set()
        listener.close()


async def test_a_password_never_appears_in_logs_errors_or_stats(
    fake: FakeProvider, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    password = "pw-" + "Zx9" * 8
    server = RedisServer(password=password).start()
    try:
        caplog.set_level(logging.DEBUG)
        # right password through MU_SHARED_CACHE_URL: it works
        env_url = f"redis://:{password}@127.0.0.1:{server.port}/0"
        good = team_pool(fake, tmp_path / "g", server.url, MU_SHARED_CACHE_URL=env_url)
        await good.summarize_batch(requests(2))
        assert good.cache.shared_stats()["writes"] == 2
        # the same URL's password is not sent to another host named in settings
        elsewhere = team_pool(fake, tmp_path / "e", "redis://127.0.0.2:1/0", MU_SHARED_CACHE_URL=env_url)
        assert elsewhere.cache.shared is not None and elsewhere.cache.shared.config.password is None
        # wrong password: unavailable, and neither password is shown anywhere
        bad = team_pool(fake, tmp_path / "b", server.url, MU_REDIS_PASSWORD="wrong-" + password)
        await bad.summarize_batch(requests(2, "g"))
        stats = json.dumps([good.cache.shared_stats(), bad.cache.shared_stats(), bad.stats.as_dict()])
        assert bad.cache.shared_stats()["state"] == "unavailable"
        text = caplog.text + stats
        assert password not in text and "authentication" in bad.cache.shared_stats()["reason"].lower()
        good.close()
        bad.close()
        elsewhere.close()
    finally:
        server.stop()


async def test_without_the_client_library_the_store_is_off_with_one_warning(
    fake: FakeProvider, tmp_path: Path, redis_store: RedisServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    import sys

    monkeypatch.setitem(sys.modules, "redis.asyncio", None)  # as if `mu-lsp[team]` was not installed
    pool = team_pool(fake, tmp_path / "a", redis_store.url)
    assert (await pool.summarize(request())).ok
    assert pool.cache.shared_stats()["state"] == "unavailable"
    assert "mu-lsp[team]" in pool.cache.shared_stats()["reason"]
    pool.close()


async def test_simultaneous_developers_ask_the_provider_once(
    fake: FakeProvider, tmp_path: Path, redis_store: RedisServer
) -> None:
    fake.always(latency=0.3)
    pools = [team_pool(fake, tmp_path / f"dev{i}", redis_store.url) for i in range(4)]
    results = await asyncio.gather(*(p.summarize_batch(requests(5)) for p in pools))
    assert all(r.ok for batch in results for r in batch)
    assert len(fake.requests) == 5  # the in-flight marker made the others wait for the answer
    assert sum(p.cache.shared_stats()["peerWaits"] for p in pools) == 15
    for pool in pools:
        pool.close()


async def test_a_read_only_user_reads_and_keeps_its_own_summaries_locally(
    fake: FakeProvider, tmp_path: Path, redis_store: RedisServer
) -> None:
    writer = team_pool(fake, tmp_path / "ci", redis_store.url)
    await writer.summarize_batch(requests(2))
    writer.close()
    password = "reader-" + "r" * 20
    redis_store.command("ACL", "SETUSER", "reader", "on", f">{password}", "~*", "+get", "+mget", "+ping")
    try:
        url = redis_store.url.replace("redis://", "redis://reader@")
        reader = team_pool(fake, tmp_path / "dev", url, MU_REDIS_PASSWORD=password)
        results = await reader.summarize_batch(requests(3))  # 2 in the store, 1 new
        assert all(r.ok for r in results) and reader.stats.shared_hits == 2 and len(fake.requests) == 3
        stats = reader.cache.shared_stats()
        assert stats["state"] == "ok" and stats["writes"] == 0
        assert len(stored_keys(redis_store)) == 2
        reader.close()
    finally:
        redis_store.command("ACL", "DELUSER", "reader")
