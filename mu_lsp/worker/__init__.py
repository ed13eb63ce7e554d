"""The summarizer worker: a child process that owns LiteLLM and the LLM pool.

LiteLLM's import costs ~5 s and ~200 MB, and its per-call CPU (~10 ms) would stall an
editor-facing event loop; in a separate process neither reaches the language server. The two
speak JSON-RPC over the child's stdin/stdout through pygls (`mu_lsp.worker.protocol`).
"""
