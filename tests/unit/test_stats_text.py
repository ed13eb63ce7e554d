"""The one line `mu.showStats` shows: true counts in every mode, plurals right."""

from __future__ import annotations

from typing import Any

from mu_lsp.server.features.commands import stats_text
from mu_lsp.server.worker_client import WorkerStatus


def _result(summaries: int, requests: int, hits: int) -> dict[str, Any]:
    return {"summaries": summaries, "requests": requests, "cacheHits": hits, "inputTokens": 1200, "outputTokens": 90}


def test_offline_summaries_are_counted_not_shown_as_zero_requests() -> None:
    status = WorkerStatus(ready=True, provider="offline", model="structural", offline=True)
    text = stats_text(_result(5, 0, 2), status)
    assert text.startswith("mu: 5 summaries written offline, 2 cache hits")
    assert "0 requests" not in text and "$" not in text


def test_paid_provider_counts_summaries_requests_and_money_with_plurals() -> None:
    status = WorkerStatus(ready=True, provider="openai", model="gpt-4o-mini", budget_usd=1.0, cost_usd=0.00042)
    assert stats_text(_result(1, 1, 1), status).startswith("mu: 1 summary from 1 request, 1 cache hit, 1,200 input")
    text = stats_text(_result(3, 4, 0), status)
    assert text.startswith("mu: 3 summaries from 4 requests, 0 cache hits")
    assert "$0.0004 of $1.0000 budget (openai/gpt-4o-mini)" in text
