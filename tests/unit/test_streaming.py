"""The request path against a slow or rate-limiting server: streamed answers, time-to-first-token
and stall timeouts, Retry-After outside the concurrency slot, the stricter retry, and a loopback
endpoint's adaptive concurrency. Real LiteLLM over real HTTP to the stand-in provider."""

from __future__ import annotations

import asyncio
import re
import time
from pathlib import Path

import pytest

from mu_lsp.llm.pacing import MAX_RETRY_AFTER_SECONDS, AdaptiveLimiter
from mu_lsp.llm.prompts import STRICT_INSTRUCTION
from mu_lsp.llm.types import ErrorKind, SummarizationRequest
from tests.support.fake_provider import FakeProvider
from tests.unit.test_pool import WIRES, make_pool, request

SLOW_ANSWER = "Does: parses the flags\nUses: `split`, `dict`\nEffects: raises `ValueError` on a bad flag"


def endpoint(fake: FakeProvider) -> str:
    return f"the model server at 127.0.0.1:{fake.port}"


@pytest.mark.parametrize("wire", sorted(WIRES))
async def test_an_answer_that_keeps_coming_is_never_cut_off(
    fake: FakeProvider, isolated_cache: Path, wire: str
) -> None:
    # Three lines two seconds apart: 4 s in all, longer than the 3 s timeout, but the server
    # never went quiet for long. Answered whole (without streaming, it timed out and was lost).
    fake.always(content=SLOW_ANSWER, gap=2.0)
    pool = make_pool(fake, isolated_cache, wire, max_retries=0, timeout=3.0, stall_timeout_seconds=30.0)
    result = await pool.summarize(request())
    assert result.ok, result.error
    assert result.summary == ("Parses the flags", "Uses: `split`, `dict`", "Effects: raises `ValueError` on a bad flag")
    assert fake.requests[0].body.get("stream") is True
    # usage comes from the stream (the stand-in reports len // 4 tokens), not from an estimate
    assert result.output_tokens == len(SLOW_ANSWER) // 4 and pool.stats.estimated_usage_calls == 0
    assert result.input_tokens == len(fake.requests[0].prompt) // 4
    pool.close()


async def test_a_stalled_answer_times_out_and_says_what_to_change(fake: FakeProvider, isolated_cache: Path) -> None:
    fake.always("stall")
    pool = make_pool(fake, isolated_cache, max_retries=0, timeout=30.0, stall_timeout_seconds=0.5)
    result = await pool.summarize(request())
    assert result.error_kind is ErrorKind.TIMEOUT
    assert result.error == (
        f"{endpoint(fake)} stopped sending its answer for 0.5 s (after 1 attempt); raise [llm] stall_timeout_seconds"
    )
    pool.close()


async def test_no_first_token_names_the_server_and_the_settings(fake: FakeProvider, isolated_cache: Path) -> None:
    fake.always(latency=30.0)  # headers at once, then nothing: a server busy with other work
    pool = make_pool(fake, isolated_cache, max_retries=1, timeout=0.5, stall_timeout_seconds=30.0)
    result = await pool.summarize(request())
    assert result.error_kind is ErrorKind.TIMEOUT
    message = result.error or ""
    assert message.startswith(f"{endpoint(fake)} did not answer within 0.5 s (after 2 attempts); ")
    assert "[llm] timeout_seconds" in message and "[llm] concurrency" in message and "openai" not in message
    pool.close()


async def test_an_unusable_answer_is_asked_again_once_more_strictly(fake: FakeProvider, isolated_cache: Path) -> None:
    fake.queue("no_bullets")  # a preamble and nothing after it
    pool = make_pool(fake, isolated_cache, max_retries=0)
    result = await pool.summarize(request())
    assert result.ok and result.summary[0].startswith("fake summary of pkg.f")
    first, second = fake.requests
    assert STRICT_INSTRUCTION not in first.prompt and second.prompt.endswith(STRICT_INSTRUCTION)
    stats = pool.stats
    assert stats.requests == 2 and stats.strict_retries == 1 and stats.completed == 1
    # both answers were paid for: both are counted
    assert stats.input_tokens == len(first.prompt) // 4 + len(second.prompt) // 4
    assert stats.as_dict()["strictRetries"] == 1
    pool.close()


async def test_retry_after_beyond_the_bound_fails_at_once_while_others_go_on(
    fake: FakeProvider, isolated_cache: Path
) -> None:
    fake.queue("status_429", retry_after="3600")
    pool = make_pool(fake, isolated_cache, concurrency=1)
    requests = [request("pkg.first"), request("pkg.second", body="def second(x):\n    return x or 2\n")]
    before = time.time()
    results = await pool.summarize_batch(requests)
    limited = [r for r in results if r.error_kind is ErrorKind.RATE_LIMIT]
    assert len(limited) == 1 and sum(r.ok for r in results) == 1
    failed = limited[0]
    assert failed.retry_at is not None and failed.retry_at >= before + 3600
    assert re.fullmatch(
        rf"rate-limited by {re.escape(endpoint(fake))} until \d\d:\d\d — longer than mu-lsp waits "
        rf"\({MAX_RETRY_AFTER_SECONDS:g} s\); click the lens or run mu.summarizeFile to try again then",
        failed.error or "",
    )
    assert [r.function for r in fake.requests].count(failed.function_name) == 1  # not retried
    pool.close()


async def test_a_retry_after_wait_leaves_the_slot_to_other_functions(fake: FakeProvider, isolated_cache: Path) -> None:
    fake.queue("status_429", retry_after="3")
    pool = make_pool(fake, isolated_cache, concurrency=1)
    waits: list[tuple[str, float]] = []
    pool.on_waiting = lambda req, until: waits.append((req.function_name, until))
    first, second = request("pkg.first"), request("pkg.second", body="def second(x):\n    return x or 2\n")
    started = time.time()
    results = await pool.summarize_batch([first, second])
    assert all(r.ok for r in results)
    order = [(r.function, r.behaviour) for r in fake.requests]
    limited = order[0][0]
    other = "pkg.second" if limited == "pkg.first" else "pkg.first"
    # the other function was sent while the limited one slept (with the slot held: after it)
    assert order == [(limited, "status_429"), (other, "ok"), (limited, "ok")]
    assert [name for name, _ in waits] == [limited, limited]
    assert waits[0][1] >= started + 3 and waits[1][1] == 0.0  # "until", then "sent again"
    pool.close()


async def test_a_loopback_endpoint_starts_at_one_request_and_adapts(fake: FakeProvider, isolated_cache: Path) -> None:
    fake.always(latency=0.1)
    pool = make_pool(fake, isolated_cache, concurrency=None)  # not set: adaptive
    requests = [request(f"pkg.f{i}", body=f"def f{i}(a):\n    return a + {i}\n") for i in range(10)]
    results = await pool.summarize_batch(requests)
    assert all(r.ok for r in results)
    seen = fake.requests
    # one at a time at first: each of the first three arrived after the previous was answered
    assert all(seen[i + 1].received >= seen[i].answered for i in range(2))
    assert fake.max_in_flight >= 2  # then more, as the server kept up
    pool.close()


async def test_an_explicit_concurrency_is_used_from_the_start(fake: FakeProvider, isolated_cache: Path) -> None:
    fake.always(latency=0.5)
    pool = make_pool(fake, isolated_cache, concurrency=3)
    requests = [request(f"pkg.f{i}", body=f"def f{i}(a):\n    return a + {i}\n") for i in range(3)]
    assert all(r.ok for r in await pool.summarize_batch(requests))
    assert fake.max_in_flight == 3
    pool.close()


async def test_the_adaptive_limit_rises_on_steady_answers_and_falls_on_slow_ones() -> None:
    limiter = AdaptiveLimiter(1, 4, adaptive=True)
    for _ in range(3):
        limiter.answered(0.5)
    assert limiter.limit == 2
    limiter.answered(5.0)  # queued at the server: back off
    assert limiter.limit == 1
    for _ in range(9):
        limiter.answered(0.6)
    assert limiter.limit == 4
    for _ in range(3):
        limiter.answered(0.6)
    assert limiter.limit == 4  # never above the ceiling
    limiter.timed_out()
    assert limiter.limit == 3
    fixed = AdaptiveLimiter(5, 5, adaptive=False)
    fixed.answered(100.0)
    fixed.timed_out()
    assert fixed.limit == 5


async def test_the_limiter_never_runs_more_than_its_limit() -> None:
    limiter = AdaptiveLimiter(2, 2, adaptive=False)
    peak = 0

    async def one() -> None:
        nonlocal peak
        async with limiter.slot():
            peak = max(peak, limiter.running)
            await asyncio.sleep(0)

    await asyncio.gather(*(one() for _ in range(20)))
    assert peak == 2 and limiter.running == 0


def test_a_request_names_its_body() -> None:
    assert SummarizationRequest("f", "def f(): pass", "python", body_hash="abc").content_hash == "abc"


async def test_a_stream_without_usage_is_still_counted_and_paid(fake: FakeProvider, isolated_cache: Path) -> None:
    # LiteLLM counts the tokens itself when a server streams no usage (it cannot be told apart
    # from reported usage); the pool's own estimate is the fallback when it reports nothing.
    fake.always("no_usage")
    pool = make_pool(fake, isolated_cache)
    result = await pool.summarize(request())
    assert result.ok and result.input_tokens > 0 and result.output_tokens > 0
    assert result.cost_usd is not None and result.cost_usd > 0
    assert pool.stats.input_tokens == result.input_tokens
    pool.close()


async def test_with_no_usage_at_all_the_tokens_are_estimated_and_marked(monkeypatch: pytest.MonkeyPatch) -> None:
    # Narrow: LiteLLM replaced by a stream that reports no usage at all (LiteLLM itself fills it
    # in for the providers here, so the stand-in provider cannot produce this case).
    from types import SimpleNamespace

    from mu_lsp.llm import transport
    from mu_lsp.llm.providers import resolve_model
    from mu_lsp.llm.types import LLMProvider

    litellm = transport.load_litellm()

    def chunk(text: str | None) -> SimpleNamespace:
        delta = SimpleNamespace(content=text, role="assistant")
        return SimpleNamespace(choices=[SimpleNamespace(delta=delta, finish_reason=None)], usage=None)

    async def stream() -> object:
        for text in ("Does: adds\n", "Uses: +\n", "Effects: none"):
            yield chunk(text)

    async def acompletion(**_: object) -> object:
        return stream()

    monkeypatch.setattr(litellm, "acompletion", acompletion)
    model = resolve_model(LLMProvider.OPENAI, None, None)
    messages = [{"role": "user", "content": "x" * 400}]
    completion = await transport.complete(model, messages, None, "sk-x", 5.0, 5.0)
    assert completion.text == "Does: adds\nUses: +\nEffects: none"
    assert completion.usage_estimated and completion.input_tokens == 101 and completion.output_tokens > 0


async def test_a_call_queued_behind_the_one_that_spent_the_budget_is_not_sent(
    fake: FakeProvider, isolated_cache: Path
) -> None:
    # The slot is no longer held across retries, so the budget must be read once the slot is held.
    fake.always(latency=0.3)
    pool = make_pool(fake, isolated_cache, concurrency=1, budget=0.000001)
    requests = [request("pkg.first"), request("pkg.second", body="def second(x):\n    return x or 2\n")]
    results = await pool.summarize_batch(requests)
    assert sum(r.ok for r in results) == 1 and sum(r.error_kind is ErrorKind.BUDGET for r in results) == 1
    assert len(fake.requests) == 1
    pool.close()
