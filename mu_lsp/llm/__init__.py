"""The LLM layer: summaries of functions through LiteLLM, with caching, cost and privacy.

Public names are resolved lazily so that importing `mu_lsp.llm` stays cheap; LiteLLM itself
is imported only when the first provider call is made.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

_EXPORTS = {
    "LLMPool": "mu_lsp.llm.pool",
    "PoolConfig": "mu_lsp.llm.pool",
    "Backoff": "mu_lsp.llm.pool",
    "create_pool": "mu_lsp.llm.factory",
    "SummarizationRequest": "mu_lsp.llm.types",
    "SummarizationResult": "mu_lsp.llm.types",
    "LLMProvider": "mu_lsp.llm.types",
    "LLMStats": "mu_lsp.llm.types",
    "CostEstimate": "mu_lsp.llm.types",
    "ErrorKind": "mu_lsp.llm.types",
    "estimate_cost": "mu_lsp.llm.cost",
    "PROMPT_VERSION": "mu_lsp.llm.prompts",
}

__all__ = [
    "PROMPT_VERSION",
    "Backoff",
    "CostEstimate",
    "ErrorKind",
    "LLMPool",
    "LLMProvider",
    "LLMStats",
    "PoolConfig",
    "SummarizationRequest",
    "SummarizationResult",
    "create_pool",
    "estimate_cost",
]

if TYPE_CHECKING:
    from mu_lsp.llm.cost import estimate_cost
    from mu_lsp.llm.factory import create_pool
    from mu_lsp.llm.pool import Backoff, LLMPool, PoolConfig
    from mu_lsp.llm.prompts import PROMPT_VERSION
    from mu_lsp.llm.types import (
        CostEstimate,
        ErrorKind,
        LLMProvider,
        LLMStats,
        SummarizationRequest,
        SummarizationResult,
    )


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'mu_lsp.llm' has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)
