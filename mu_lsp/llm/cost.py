"""Cost before (estimate) and after (usage) calls.

Tokens are estimated at ~4 characters each: no tokenizer is downloaded, and the estimate only
has to be good enough to decide whether to ask before spending.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from mu_lsp.llm.prompts import CHARS_PER_TOKEN, build_messages
from mu_lsp.llm.providers import resolve_model
from mu_lsp.llm.types import CostEstimate, LLMProvider, SummarizationRequest

EXPECTED_OUTPUT_TOKENS = 90


def estimate_tokens(text: str) -> int:
    return max(1, (len(text) + CHARS_PER_TOKEN - 1) // CHARS_PER_TOKEN)


def prompt_tokens(request: SummarizationRequest) -> int:
    """Estimated from the unredacted prompt: placeholders change its length by a few
    characters, and redacting thousands of bodies just to count them would cost seconds."""
    return sum(estimate_tokens(m["content"]) + 4 for m in build_messages(request, request.body_source))


def estimate_cost(
    requests: Iterable[SummarizationRequest],
    model: str | None,
    provider: LLMProvider | str,
    is_cached: Callable[[SummarizationRequest], bool] | None = None,
    api_base: str | None = None,
) -> CostEstimate:
    """What summarizing `requests` would cost; requests `is_cached` says are cached are free,
    and a provider that sends nothing (offline) counts no tokens."""
    provider = LLMProvider(provider)
    sends = not provider.spec.offline
    config = resolve_model(provider, model, api_base)
    to_send = cached = input_tokens = 0
    for request in requests:
        if is_cached is not None and is_cached(request):
            cached += 1
            continue
        to_send += 1
        input_tokens += prompt_tokens(request) if sends else 0
    output_tokens = to_send * EXPECTED_OUTPUT_TOKENS if sends else 0
    cost = config.cost(input_tokens, output_tokens)
    return CostEstimate(to_send, cached, input_tokens, output_tokens, cost, config.name, provider.value)
