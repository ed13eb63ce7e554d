"""LLMPool end to end: real LiteLLM over real HTTP to the stand-in provider."""

from __future__ import annotations

import asyncio
import logging
import os
import select
import socket
import stat
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from mu_lsp.config import LLMSettings, PrivacySettings
from mu_lsp.llm.factory import create_pool
from mu_lsp.llm.pool import Backoff, LLMPool
from mu_lsp.llm.providers import detect_provider
from mu_lsp.llm.transport import bypass_proxy_for_local_addresses
from mu_lsp.llm.types import ErrorKind, LLMProvider, SummarizationRequest
from tests.conftest import FAKE_KEY
from tests.support.fake_provider import FakeProvider

WIRES = {
    "openai": ("openai", "gpt-4o-mini", lambda f: f.openai_base, "OPENAI_API_KEY"),
    "anthropic": ("anthropic", "claude-haiku-4-5", lambda f: f.url, "ANTHROPIC_API_KEY"),
    "ollama": ("ollama", "qwen2.5-coder", lambda f: f.url, None),
}


async def wait_until(condition: Callable[[], bool], timeout: float = 240.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        await asyncio.sleep(0.02)


def request(name: str = "pkg.f", body: str | None = None, **extra: object) -> SummarizationRequest:
    source = body or f"def {name.rsplit('.', 1)[-1]}(a, b):\n    if a and b:\n        return a\n    return b\n"
    return SummarizationRequest(function_name=name, body_source=source, language="python", **extra)  # type: ignore[arg-type]


def make_pool(
    fake: FakeProvider,
    cache: Path,
    wire: str = "openai",
    concurrency: int | None = 5,
    max_retries: int = 2,
    budget: float = 1.0,
    timeout: float = 5.0,
    backoff: float = 0.01,
    **settings: object,
) -> LLMPool:
    provider, model, base, variable = WIRES[wire]
    environ = {variable: FAKE_KEY} if variable else {}
    return create_pool(
        LLMSettings(
            provider=provider,
            model=model,
            api_base=base(fake),
            concurrency=concurrency,
            max_retries=max_retries,
            max_session_cost_usd=budget,
            timeout_seconds=timeout,
            **settings,  # type: ignore[arg-type]
        ),
        cache_base_path=cache,
        environ=environ,
        probe_ollama=False,
        backoff=Backoff(base=backoff, cap=60.0),
        privacy=PrivacySettings(),
    )


@pytest.mark.parametrize("wire", sorted(WIRES))
async def test_each_wire_format_summarizes_and_caches(fake: FakeProvider, isolated_cache: Path, wire: str) -> None:
    pool = make_pool(fake, isolated_cache, wire)
    first = await pool.summarize(request())
    assert first.ok, first.error
    assert first.summary[0].startswith("fake summary of pkg.f")
    assert not first.cached and len(fake.requests) == 1
    assert fake.requests[0].wire == wire
    second = await pool.summarize(request())
    assert second.cached and second.summary == first.summary
    assert len(fake.requests) == 1
    pool.close()
    # a new pool (a new session) reads the disk cache
    again = make_pool(fake, isolated_cache, wire)
    third = await again.summarize(request())
    assert third.cached and len(fake.requests) == 1
    again.close()


async def test_concurrent_duplicates_make_one_call(fake: FakeProvider, isolated_cache: Path) -> None:
    fake.always(latency=0.2)
    pool = make_pool(fake, isolated_cache)
    results = await asyncio.gather(*(pool.summarize(request()) for _ in range(8)))
    assert all(r.ok for r in results)
    assert len(fake.requests) == 1
    assert pool.stats.deduplicated == 7


async def test_one_limiter_shared_by_every_call(fake: FakeProvider, isolated_cache: Path) -> None:
    fake.always(latency=0.15)
    pool = make_pool(fake, isolated_cache, concurrency=3)
    batch_a = pool.summarize_batch([request(f"a{i}") for i in range(6)])
    batch_b = pool.summarize_batch([request(f"b{i}") for i in range(6)])
    singles = [pool.summarize(request(f"c{i}")) for i in range(3)]
    await asyncio.gather(batch_a, batch_b, *singles)
    assert len(fake.requests) == 15
    assert fake.max_in_flight == 3


async def test_batch_keeps_order_and_reports_progress(fake: FakeProvider, isolated_cache: Path) -> None:
    pool = make_pool(fake, isolated_cache)
    seen: list[tuple[int, int]] = []
    names = [f"mod.f{i}" for i in range(5)]
    results = await pool.summarize_batch([request(n) for n in names], lambda d, t: seen.append((d, t)))
    assert [r.function_name for r in results] == names
    assert [r.summary[0].split(":")[0] for r in results] == [f"fake summary of {n}" for n in names]
    assert seen == [(i, 5) for i in range(1, 6)]


async def test_rate_limit_honors_retry_after(fake: FakeProvider, isolated_cache: Path) -> None:
    fake.on_first_attempt("status_429", retry_after="1")
    pool = make_pool(fake, isolated_cache)
    results = await pool.summarize_batch([request(f"r{i}") for i in range(3)])
    assert all(r.ok for r in results), [r.error for r in results]
    assert len(fake.requests) == 6
    by_prompt: dict[str, list[float]] = {}
    for record in fake.requests:
        by_prompt.setdefault(record.prompt, []).append(record.received)
    for times in by_prompt.values():
        assert len(times) == 2 and times[1] - times[0] >= 1.0


async def test_authentication_error_is_not_retried_and_names_the_variable(
    fake: FakeProvider, isolated_cache: Path
) -> None:
    fake.always("status_401")
    pool = make_pool(fake, isolated_cache)
    results = await pool.summarize_batch([request(f"u{i}") for i in range(3)])
    assert len(fake.requests) == 3
    for result in results:
        assert result.error_kind is ErrorKind.AUTHENTICATION
        assert result.error == "authentication failed for openai: check OPENAI_API_KEY"
        assert FAKE_KEY not in (result.error or "")


async def test_garbage_is_an_error_and_nothing_is_cached(fake: FakeProvider, isolated_cache: Path) -> None:
    fake.always("garbage")
    pool = make_pool(fake, isolated_cache, max_retries=1)
    result = await pool.summarize(request())
    assert result.error_kind is ErrorKind.BAD_RESPONSE and not result.summary
    assert len(fake.requests) == 2  # retried once
    fake.always("ok")
    healthy = await pool.summarize(request())
    assert healthy.ok and not healthy.cached
    assert len(fake.requests) == 3


@pytest.mark.parametrize(
    ("kind", "error_kind"),
    [("empty", ErrorKind.BAD_RESPONSE), ("no_bullets", ErrorKind.BAD_RESPONSE)],
)
async def test_unusable_answers_are_errors_not_summaries(
    fake: FakeProvider, isolated_cache: Path, kind: str, error_kind: ErrorKind
) -> None:
    fake.always(kind)
    pool = make_pool(fake, isolated_cache)
    result = await pool.summarize(request())
    assert result.error_kind is error_kind and not result.summary
    assert len(fake.requests) == 2 and pool.stats.strict_retries == 1  # asked once more, more strictly
    fake.always("ok")
    assert (await pool.summarize(request())).ok and len(fake.requests) == 3


async def test_timeouts_retry_then_fail(fake: FakeProvider, isolated_cache: Path) -> None:
    fake.always("hang")
    pool = make_pool(fake, isolated_cache, max_retries=1, timeout=0.5)
    result = await pool.summarize(request())
    assert result.error_kind is ErrorKind.TIMEOUT
    assert "did not answer within 0.5 s" in (result.error or "")
    assert len(fake.requests) == 2


async def test_server_errors_retry_then_succeed(fake: FakeProvider, isolated_cache: Path) -> None:
    fake.queue("status_500", "status_503")
    pool = make_pool(fake, isolated_cache, max_retries=2)
    result = await pool.summarize(request())
    assert result.ok and len(fake.requests) == 3
    assert pool.stats.retries == 2


@pytest.mark.parametrize(
    ("kind", "error_kind"),
    [
        ("context_window", ErrorKind.CONTEXT_WINDOW),
        ("status_400", ErrorKind.BAD_REQUEST),
        ("status_404", ErrorKind.NOT_FOUND),
        ("status_403", ErrorKind.AUTHENTICATION),
    ],
)
async def test_permanent_errors_are_not_retried(
    fake: FakeProvider, isolated_cache: Path, kind: str, error_kind: ErrorKind
) -> None:
    fake.always(kind)
    pool = make_pool(fake, isolated_cache, max_retries=3)
    result = await pool.summarize(request())
    assert result.error_kind is error_kind
    assert len(fake.requests) == 1


async def test_connection_refused(isolated_cache: Path) -> None:
    dead = FakeProvider().start()
    dead.stop()  # nothing listens on this port any more
    pool = make_pool(dead, isolated_cache, max_retries=1)
    result = await pool.summarize(request())
    assert result.error_kind is ErrorKind.CONNECTION
    assert result.error and "could not connect" in result.error


async def test_budget_stops_paid_calls_but_not_an_explicit_one(fake: FakeProvider, isolated_cache: Path) -> None:
    pool = make_pool(fake, isolated_cache, budget=0.000001, concurrency=1)
    first = await pool.summarize(request("a"))
    assert first.ok and first.cost_usd and first.cost_usd > 0
    second = await pool.summarize(request("b"))
    assert second.error_kind is ErrorKind.BUDGET
    assert "budget of <$0.0001 reached (<$0.0001 spent)" in (second.error or "")
    assert len(fake.requests) == 1
    explicit = await pool.summarize(request("b"), override_budget=True)
    assert explicit.ok and len(fake.requests) == 2


async def test_cancel_a_running_request(fake: FakeProvider, isolated_cache: Path) -> None:
    fake.always(latency=2.0)
    pool = make_pool(fake, isolated_cache)
    task = asyncio.ensure_future(pool.summarize(request()))
    await asyncio.sleep(0.3)
    assert pool.cancel(pool.key_for(request()))
    result = await task
    assert result.error_kind is ErrorKind.CANCELLED
    assert not pool.cache.contains(pool.key_for(request()))


async def test_cancelling_the_only_waiter_cancels_the_call(fake: FakeProvider, isolated_cache: Path) -> None:
    fake.always(latency=1.0)
    pool = make_pool(fake, isolated_cache, concurrency=1)
    blocker = asyncio.ensure_future(pool.summarize(request("first")))
    await wait_until(lambda: bool(fake.requests))  # the first call holds the only slot
    queued = asyncio.ensure_future(pool.summarize(request("second")))
    await asyncio.sleep(0.2)
    queued.cancel()
    with pytest.raises(asyncio.CancelledError):
        await queued
    await blocker
    await asyncio.sleep(0.1)
    assert [r.function for r in fake.requests] == ["first"]  # the queued one never went out


async def test_secrets_are_redacted_before_sending(fake: FakeProvider, isolated_cache: Path) -> None:
    secret = "ghp_" + "aB3dE5fG7hJ9kL1mN3pQ5rS7tU9vW1xY3zA5"
    body = f'def connect(a):\n    token = "{secret}"\n    if a:\n        return call(token)\n'
    pool = make_pool(fake, isolated_cache)
    result = await pool.summarize(request("connect", body))
    assert result.ok and result.redactions == 1
    assert not fake.saw(secret)
    assert "<redacted:github_token>" in fake.requests[0].prompt


async def test_excluded_files_are_never_sent(fake: FakeProvider, isolated_cache: Path, tmp_path: Path) -> None:
    pool = make_pool(fake, isolated_cache)
    result = await pool.summarize(request(path=str(tmp_path / "secrets" / "db.py")))
    assert result.error_kind is ErrorKind.EXCLUDED
    assert fake.requests == []


async def test_offline_provider_needs_no_network(isolated_cache: Path) -> None:
    pool = create_pool(
        LLMSettings(provider="offline"),
        cache_base_path=isolated_cache,
        environ={},
        probe_ollama=False,
    )
    result = await pool.summarize(request())
    assert result.ok and result.offline and result.cost_usd == 0.0
    assert any("Branches on" in bullet for bullet in result.summary)
    assert pool.stats.requests == 0


async def test_missing_key_fails_without_a_call(fake: FakeProvider, isolated_cache: Path) -> None:
    pool = create_pool(
        LLMSettings(provider="anthropic", api_base="https://api.example.invalid"),
        cache_base_path=isolated_cache,
        environ={},
        probe_ollama=False,
    )
    result = await pool.summarize(request())
    assert result.error_kind is ErrorKind.AUTHENTICATION
    assert result.error == "no API key for anthropic: set ANTHROPIC_API_KEY"


def test_concurrency_is_clamped_with_a_warning(
    fake: FakeProvider, isolated_cache: Path, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING):
        pool = make_pool(fake, isolated_cache, concurrency=50)
    assert pool.config.concurrency == 10
    assert "above the maximum of 10" in caplog.text


def test_ollama_defaults_to_two_in_flight(fake: FakeProvider, isolated_cache: Path) -> None:
    assert make_pool(fake, isolated_cache, "ollama", concurrency=None).config.concurrency == 2
    assert make_pool(fake, isolated_cache, "openai", concurrency=None).config.concurrency == 5


def test_provider_detection_order(fake: FakeProvider) -> None:
    keys = {"ANTHROPIC_API_KEY": "a", "OPENAI_API_KEY": "o", "OPENROUTER_API_KEY": "r"}
    assert detect_provider(keys, probe_ollama=False) is LLMProvider.ANTHROPIC
    assert detect_provider({"OPENAI_API_KEY": "o", "OPENROUTER_API_KEY": "r"}, probe_ollama=False) is LLMProvider.OPENAI
    assert detect_provider({"OPENROUTER_API_KEY": "r"}, probe_ollama=False) is LLMProvider.OPENROUTER
    assert detect_provider({}, fake.url) is LLMProvider.OLLAMA  # the fake answers /api/tags
    dead = FakeProvider().start()
    dead.stop()
    assert detect_provider({}, dead.url) is LLMProvider.OFFLINE


def test_local_ollama_probe_bypasses_a_configured_proxy(fake: FakeProvider, monkeypatch: pytest.MonkeyPatch) -> None:
    with socket.create_server(("127.0.0.1", 0)) as proxy:  # a "proxy" that only notices connections
        proxy_url = f"http://127.0.0.1:{proxy.getsockname()[1]}"
        for variable in ("http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY"):
            monkeypatch.setenv(variable, proxy_url)
        for variable in ("no_proxy", "NO_PROXY"):
            monkeypatch.delenv(variable, raising=False)
        assert detect_provider({}, fake.url) is LLMProvider.OLLAMA
        contacted, _, _ = select.select([proxy], [], [], 0)
        assert contacted == [], "the probe of a local Ollama went through the proxy"


def test_estimate_excludes_cached_requests(fake: FakeProvider, isolated_cache: Path) -> None:
    pool = make_pool(fake, isolated_cache)
    asyncio.run(pool.summarize(request("cached")))
    estimate = pool.estimate([request("cached"), request("new1"), request("new2")])
    assert (estimate.requests, estimate.cached) == (2, 1)
    assert estimate.cost_usd is not None and estimate.cost_usd > 0


def test_unknown_model_price_is_unknown_not_zero(fake: FakeProvider, isolated_cache: Path) -> None:
    pool = create_pool(
        LLMSettings(provider="openai", model="brand-new-model-x", api_base="https://llm.example.com/v1"),
        cache_base_path=isolated_cache,
        environ={"OPENAI_API_KEY": FAKE_KEY},
        probe_ollama=False,
    )
    estimate = pool.estimate([request()])
    assert estimate.cost_usd is None and "unknown cost" in estimate.describe()


def test_cache_directory_is_private(fake: FakeProvider, isolated_cache: Path) -> None:
    pool = make_pool(fake, isolated_cache)
    asyncio.run(pool.summarize(request()))
    pool.close()
    for directory in (isolated_cache, isolated_cache / "summaries-v2"):
        assert stat.S_IMODE(os.stat(directory).st_mode) == 0o700


def test_corrupted_cache_is_rebuilt(fake: FakeProvider, isolated_cache: Path, caplog: pytest.LogCaptureFixture) -> None:
    pool = make_pool(fake, isolated_cache)
    asyncio.run(pool.summarize(request()))
    pool.close()
    database = isolated_cache / "summaries-v2" / "cache.db"
    database.write_bytes(b"this is not a sqlite database" * 100)
    with caplog.at_level(logging.WARNING):
        again = make_pool(fake, isolated_cache)
        result = asyncio.run(again.summarize(request()))
    assert result.ok and not result.cached
    assert "rebuilding" in caplog.text


async def test_done_when_retry_wait_is_at_least_retry_after(fake: FakeProvider, isolated_cache: Path) -> None:
    fake.queue("status_429", retry_after="1")
    pool = make_pool(fake, isolated_cache)
    started = time.monotonic()
    result = await pool.summarize(request())
    assert result.ok and time.monotonic() - started >= 1.0


@pytest.mark.parametrize(
    ("before", "after"),
    [
        ({}, "localhost,127.0.0.1,::1,[::1]"),
        ({"NO_PROXY": "corp.example, localhost"}, "corp.example,localhost,127.0.0.1,::1,[::1]"),
        ({"NO_PROXY": "*"}, "*"),
    ],
)
def test_local_addresses_join_no_proxy_without_losing_the_users_entries(before: dict[str, str], after: str) -> None:
    environ = dict(before)
    bypass_proxy_for_local_addresses(environ)
    assert environ["NO_PROXY"] == after
    bypass_proxy_for_local_addresses(environ)
    assert environ["NO_PROXY"] == after  # idempotent: a second import adds nothing


def test_a_call_that_never_returns_ends_at_the_hard_deadline(
    fake: FakeProvider, isolated_cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Narrow unit test: LiteLLM is replaced by a call that ignores its own timeout, as LiteLLM
    # did for a request parked at a silent proxy.
    from mu_lsp.llm import transport

    litellm = transport.load_litellm()

    async def never(**_: object) -> None:
        await asyncio.Event().wait()

    monkeypatch.setattr(litellm, "acompletion", never)
    monkeypatch.setattr(transport, "HARD_DEADLINE_GRACE_SECONDS", 0.2)
    pool = make_pool(fake, isolated_cache, max_retries=0, timeout=0.3)
    result = asyncio.run(pool.summarize(request("stuck")))  # without the deadline: a hang
    assert result.error_kind is ErrorKind.TIMEOUT
    assert "did not answer within" in (result.error or "")
