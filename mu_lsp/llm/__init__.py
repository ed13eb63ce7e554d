"""The LLM layer: summaries of functions, with caching, cost, retries and privacy.

Public names, by module (imported from there: this package imports nothing, so that the
server, which needs only the boundary types, does not load the pool, the disk cache and the
HTTP stack it never uses; LiteLLM itself is imported on the first provider call):
* `types`: SummarizationRequest, SummarizationResult, LLMProvider, ErrorKind, LLMStats, CostEstimate
* `pool`: LLMPool (summarize, summarize_batch, estimate, cancel, close), PoolConfig, Backoff
* `factory`: create_pool
* `cost`: estimate_cost
* `prompts`: PROMPT_VERSION
* `completion`: the completion hook (Completion, Call, CompletionBackend); `transport` is
  LiteLLM's backend and the only LiteLLM import, `structural` the offline summarizer's
"""
