"""`create_pool`: from settings to a ready LLMPool (provider detection included)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

from mu_lsp.cachedir import LEGACY_STORES, SUMMARY_STORE, resolve_cache_dir
from mu_lsp.config import CacheSettings, LLMSettings, PrivacySettings, Settings
from mu_lsp.llm.cache import SummaryCache
from mu_lsp.llm.completion import CompleteFn
from mu_lsp.llm.pool import Backoff, LLMPool, PoolConfig
from mu_lsp.llm.providers import OLLAMA_DEFAULT_BASE, detect_provider, resolve_model
from mu_lsp.privacy.policy import PrivacyPolicy
from mu_lsp.providers import LLMProvider


def create_pool(
    config: LLMSettings | Settings | None = None,
    cache_config: CacheSettings | None = None,
    cache_base_path: Path | None = None,
    *,
    privacy: PrivacySettings | None = None,
    workspace_root: Path | None = None,
    environ: Mapping[str, str] | None = None,
    use_disk_cache: bool = True,
    probe_ollama: bool = True,
    backoff: Backoff | None = None,
    complete_fn: CompleteFn | None = None,
) -> LLMPool:
    """Build a pool; with no provider configured, detect one (`DETECTION_ORDER`: keys, then a
    local server, then offline).

    `cache_base_path` overrides the cache root (else `MU_CACHE_DIR`, `[cache] dir`,
    `~/.cache/mu-lsp`); summaries live in its `summaries-v2/` store.
    """
    if isinstance(config, Settings):
        settings = config
        llm = settings.llm
        cache_config = cache_config or settings.cache
        privacy = privacy or settings.privacy
    else:
        llm = config or LLMSettings()
        cache_config = cache_config or CacheSettings()
        privacy = privacy or PrivacySettings()
    env = os.environ if environ is None else environ
    ollama_base = llm.ollama_base_url or OLLAMA_DEFAULT_BASE
    if llm.provider is not None:
        provider = LLMProvider(llm.provider)
    else:
        provider = detect_provider(env, ollama_base, probe_ollama=probe_ollama)
    api_base = llm.api_base
    if provider.spec.probe_path is not None and not api_base:
        api_base = ollama_base  # a local server's address is its base URL setting
    model = resolve_model(provider, llm.model, api_base)
    pool_config = PoolConfig(
        provider=provider,
        model=model,
        api_base=api_base,
        timeout_seconds=llm.timeout_seconds,
        stall_timeout_seconds=llm.stall_timeout_seconds,
        max_retries=llm.max_retries,
        concurrency=llm.concurrency,
        max_session_cost_usd=llm.max_session_cost_usd,
        privacy=PrivacyPolicy.from_settings(privacy.exclude, privacy.use_default_excludes),
        workspace_root=workspace_root,
    )
    shared = None
    if cache_config.shared and use_disk_cache and provider.spec.stores_summaries:
        from mu_lsp.llm.shared import SharedStore, shared_config

        store = shared_config(cache_config.shared, cache_config.shared_timeout_ms, env, llm.timeout_seconds)
        shared = SharedStore(store)
    root = cache_base_path if cache_base_path is not None else resolve_cache_dir(cache_config.dir)
    cache = SummaryCache(
        root / SUMMARY_STORE if use_disk_cache else None,
        cache_config.size_limit_mb,
        legacy=(root / LEGACY_STORES[0],),
        shared=shared,
    )
    return LLMPool(pool_config, cache, backoff=backoff, complete_fn=complete_fn, environ=env)
