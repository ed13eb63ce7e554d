"""Money is written one way, and unknown prices are never shown as $0."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from pathlib import Path

from mu_lsp.llm.money import format_spend, format_usd
from mu_lsp.llm.types import ErrorKind, SummarizationResult
from mu_lsp.server.scheduler import describe_outcomes
from mu_lsp.server.worker_client import WorkerClient
from mu_lsp.worker.protocol import Summarized
from tests.support.fake_provider import FakeProvider
from tests.unit.test_pool import make_pool, request


def test_one_format() -> None:
    assert format_usd(0.0) == "$0.0000" and format_usd(1) == "$1.0000" and format_usd(0.01234) == "$0.0123"
    assert format_usd(0.00002) == "<$0.0001"  # spent, but less than four decimals show
    assert format_spend(0.0123) == "$0.0123"
    assert format_spend(0.0123, 1) == "$0.0123 + 1 call at unknown prices"
    assert format_spend(0, 3) == "$0.0000 + 3 calls at unknown prices"


def test_the_session_counts_calls_at_unknown_prices() -> None:
    client = WorkerClient()
    paid = SummarizationResult("a", ("x",), input_tokens=10, output_tokens=5, cost_usd=0.002)
    unknown = SummarizationResult("b", ("x",), input_tokens=10, output_tokens=5, cost_usd=None)
    cached = SummarizationResult("c", ("x",), cached=True, cost_usd=0.0)
    offline = SummarizationResult("d", ("x",), offline=True, cost_usd=0.0)
    for result in (paid, unknown, unknown, cached, offline):
        client._account(Summarized(result, spent_usd=0.5))
    assert client.status.cost_usd == 0.002 and client.status.unknown_cost_calls == 2
    assert client.status.spent_usd == 0.5
    client._account(Summarized(paid, spent_usd=0.1))  # a new worker reports less: the session keeps the most
    assert client.status.spent_usd == 0.5


def test_progress_counts_add_up() -> None:
    from collections import Counter

    text = describe_outcomes(Counter(ok=3, budget=17), 20, "$0.0010")
    assert text == "Summarized 3/20 · 17 stopped by the budget · $0.0010"
    assert describe_outcomes(Counter(ok=1, failed=1, cancelled=2), 4, "$0") == (
        "Summarized 1/4 · 1 failed · 2 cancelled · $0"
    )


def test_a_budget_reached_through_unknown_prices_says_so(fake: FakeProvider, isolated_cache: Path) -> None:
    pool = make_pool(fake, isolated_cache, budget=0.000001, concurrency=1)
    unknown = replace(pool.config.model, name="house-model-7b", input_per_million=None, output_per_million=None)
    pool.config = replace(pool.config, model=unknown)
    first = asyncio.run(pool.summarize(request("pkg.first")))
    assert first.ok and first.cost_usd is None
    assert pool.stats.unknown_cost_calls == 1 and pool.stats.cost_usd == 0.0
    second = asyncio.run(pool.summarize(request("pkg.second", body="def second(x):\n    return x or 2\n")))
    assert second.error_kind is ErrorKind.BUDGET
    assert "$0.0000 + 1 call at unknown prices spent" in (second.error or "")  # nothing at known prices
    assert "per million tokens" in (second.error or "")
    pool.close()
