"""The offline summarizer: a structural summary read off the syntax tree, at zero cost.

With no API key and no local Ollama, mu-lsp still explains complex functions: what they
branch on, what they call, how they return or fail, and what state they change. One iterative
walk (`walk`) over the function's tree gathers facts, driven by per-language node tables
(`tables`, `words`); the facts become at most three plain-text bullets (`bullets`, `phrasing`).
The LLM layer runs it as the `offline` provider's backend and labels the result "offline".
Deterministic, never raises, never empty.
"""

from mu_lsp.analysis.offline.phrasing import MAX_BULLET
from mu_lsp.analysis.offline.summary import summarize_offline

__all__ = ["MAX_BULLET", "summarize_offline"]
