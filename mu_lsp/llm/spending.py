"""The session's spending as the budget sees it: what each answer cost, and the message when
the budget is reached. Calls to models whose price is unknown are named, never shown as $0,
and the budget counts them at an expensive tier so that it still binds."""

from __future__ import annotations

from mu_lsp.llm.completion import Completion
from mu_lsp.llm.money import format_spend, format_usd
from mu_lsp.llm.providers import ModelConfig
from mu_lsp.llm.types import LLMStats

UNKNOWN_PRICE_PER_MILLION = (15.0, 75.0)


class Spending:
    def __init__(self, stats: LLMStats) -> None:
        self._stats = stats
        self.spent = 0.0  # what the budget has counted (unknown prices at an expensive rate)

    def resume(self, spent_usd: float) -> None:
        self.spent = max(self.spent, spent_usd)

    def reached(self, budget_usd: float) -> bool:
        return self.spent >= budget_usd

    def account(self, completion: Completion, model: ModelConfig) -> float | None:
        """Counts one answer's tokens and cost (None: unknown price); a stricter retry counts too."""
        stats = self._stats
        stats.estimated_usage_calls += completion.usage_estimated
        stats.input_tokens += completion.input_tokens
        stats.output_tokens += completion.output_tokens
        cost = model.cost(completion.input_tokens, completion.output_tokens)
        if cost is None:
            stats.unknown_cost_calls += 1
            price_in, price_out = UNKNOWN_PRICE_PER_MILLION
            self.spent += (completion.input_tokens * price_in + completion.output_tokens * price_out) / 1e6
        else:
            stats.cost_usd += cost
            self.spent += cost
        return cost

    def message(self, budget_usd: float) -> str:
        """What was spent, honestly: calls at unknown prices are named, not shown as $0."""
        spent = format_spend(self._stats.cost_usd, self._stats.unknown_cost_calls)
        counted = ""
        if self._stats.unknown_cost_calls:
            price_in, price_out = UNKNOWN_PRICE_PER_MILLION
            counted = f", which the budget counts at ${price_in:g}/${price_out:g} per million tokens"
        return (
            f"session budget of {format_usd(budget_usd)} reached ({spent} spent{counted}): "
            "raise [llm] max_session_cost_usd to continue"
        )
