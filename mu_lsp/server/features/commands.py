"""`workspace/executeCommand` handlers. Arguments are typed: pygls converts them, and a wrong
argument is an `InvalidParams` error response.

mu.summarizeFunction(uri, line)  summarize the function at a 0-based line (a click on a lens);
                                 explicit, so it runs even when the session budget is reached
mu.summarizeFile(uri)            summarize every complex function of a document; one already
                                 in flight is retried if it then fails
mu.clearCache                    forget stored summaries (disk and memory)
mu.showStats                     requests, cache hits, tokens and cost (returned and logged)
mu.toggleLenses                  hide or show code lenses
"""

from __future__ import annotations

import logging
from typing import Any

from lsprotocol import types

from mu_lsp.llm.money import format_spend, format_usd
from mu_lsp.privacy.scrub import scrub
from mu_lsp.server.core import MuServer
from mu_lsp.server.features.code_lens import COMMAND_SUMMARIZE_FUNCTION
from mu_lsp.server.state import State
from mu_lsp.server.worker_client import WorkerStatus
from mu_lsp.untrusted import visible_text

log = logging.getLogger(__name__)

COMMAND_SUMMARIZE_FILE = "mu.summarizeFile"


def _error(message: str) -> dict[str, Any]:
    message = scrub(message)
    log.warning("%s", message)
    return {"ok": False, "error": message}


def _shared(stats: Any) -> dict[str, Any]:
    """The worker's shared-store figures, typed and scrubbed (no credentials ever reach them)."""
    if not isinstance(stats, dict):
        return {"state": "off"}
    return {k: scrub(v) if isinstance(v, str) else int(v) for k, v in stats.items() if isinstance(v, str | int)}


def register(server: MuServer) -> None:
    @server.command(COMMAND_SUMMARIZE_FUNCTION)
    def summarize_function(ls: MuServer, uri: str, line: int) -> dict[str, Any]:
        opened = ls.documents.get(uri)
        if opened is None:
            return _error(f"mu.summarizeFunction: {uri} is not open")
        candidates = [f for f in opened.document.functions if f.start_row <= line <= f.end_row]
        if not candidates:
            return _error(f"mu.summarizeFunction: no function at line {line + 1}")
        complex_candidates = [f for f in candidates if f.is_complex(ls.config.thresholds)]
        function = (complex_candidates or candidates)[-1]
        view = ls.view(opened, function)
        if view.state is State.READY and view.summary is not None:
            bullets = "\n".join(f"• {visible_text(b)}" for b in view.summary.bullets)
            ls.show_message(types.MessageType.Info, f"{function.qualified_name}\n{bullets}")
            return {"ok": True, "state": "ready", "summary": list(view.summary.bullets)}
        if not ls.summarizable(opened):
            return _error(f"mu.summarizeFunction: {function.qualified_name} is in a file that is not summarized")
        state = opened.state(function.key)
        state.error = state.error_kind = state.error_hash = None
        ls.worker.retry_if_unavailable()
        sent = ls.scheduler.submit(uri, [function], override_budget=True, asked=True)
        return {"ok": True, "state": "summarizing" if sent or state.in_flight else view.state.value}

    @server.command(COMMAND_SUMMARIZE_FILE)
    def summarize_file(ls: MuServer, uri: str) -> dict[str, Any]:
        opened = ls.documents.get(uri)
        if opened is None:
            return _error(f"mu.summarizeFile: {uri} is not open")
        if not ls.summarizable(opened):
            return _error("mu.summarizeFile: this file is excluded or too large to summarize")
        for function in ls.complex_functions(opened):
            state = opened.state(function.key)
            state.error = state.error_kind = state.error_hash = None
        ls.worker.retry_if_unavailable()
        return {"ok": True, "scheduled": ls.schedule(opened, asked=True)}

    @server.command("mu.clearCache")
    async def clear_cache(ls: MuServer) -> dict[str, Any]:
        ls.memory.clear()
        for opened in ls.documents:
            for state in opened.states.values():
                state.summary = None
        try:
            await ls.worker.clear_cache()
        except Exception as error:
            return _error(f"mu.clearCache: the summary cache could not be cleared: {error}")
        log.info("summary cache cleared")
        ls.status.changed()
        return {"ok": True, "cleared": True}

    @server.command("mu.showStats")
    async def show_stats(ls: MuServer) -> dict[str, Any]:
        try:
            stats = await ls.worker.stats()
        except Exception as error:
            log.warning("stats unavailable: %s", error)
            stats = {}
        status = ls.worker.status
        result: dict[str, Any] = {
            "requests": int(stats.get("requests", 0)),  # calls over the network (retries included)
            "cacheHits": int(stats.get("cacheHits", 0)),
            "sharedHits": int(stats.get("sharedHits", 0)),
            "shared": _shared(stats.get("shared")),
            "inputTokens": int(stats.get("inputTokens", 0)),
            "outputTokens": int(stats.get("outputTokens", 0)),
            "costUsd": round(status.cost_usd, 6),
            "unknownCostCalls": status.unknown_cost_calls,
            "failures": int(stats.get("failures", 0)),
            "pending": ls.scheduler.pending,
            "provider": status.provider,
            "model": status.model,
            "budgetUsd": status.budget_usd,
            "workerPid": ls.worker.pid,
        }
        result["summaries"] = int(stats.get("completed", 0))
        result["strictRetries"] = int(stats.get("strictRetries", 0))
        result["estimatedUsageCalls"] = int(stats.get("estimatedUsageCalls", 0))
        result["text"] = scrub(stats_text(result, status))
        log.info("%s", result["text"])
        return result

    @server.command("mu.toggleLenses")
    def toggle_lenses(ls: MuServer) -> dict[str, Any]:
        ls.lenses_enabled = not ls.lenses_enabled
        ls.status.refresh_lenses()
        ls.status.send()
        return {"ok": True, "enabled": ls.lenses_enabled}


def counted(number: int, noun: str) -> str:
    """`1 request`, `2 requests`, `1 summary`, `2 summaries`."""
    if number == 1:
        return f"1 {noun}"
    return f"{number:,} " + (noun[:-1] + "ies" if noun.endswith("y") else noun + "s")


def stats_text(result: dict[str, Any], status: WorkerStatus) -> str:
    """One line for `mu.showStats`. Offline summaries are written without a request, so they
    are counted as summaries: "0 requests" after five offline summaries read as "nothing works"."""
    summaries, hits = counted(result["summaries"], "summary"), counted(result["cacheHits"], "cache hit")
    shared = result.get("shared") or {"state": "off"}
    if shared.get("state", "off") != "off":
        hits += f" ({result.get('sharedHits', 0):,} from the shared store: {shared['state']})"
    if status.offline:
        return f"mu: {summaries} written offline, {hits} · nothing sent, nothing spent ({status.provider})"
    parts = [f"{summaries} from {counted(result['requests'], 'request')}", hits]
    if result.get("strictRetries"):
        parts.append(f"{counted(result['strictRetries'], 'answer')} asked again more strictly")
    tokens = f"{result['inputTokens']:,} input + {result['outputTokens']:,} output tokens"
    if result.get("estimatedUsageCalls"):
        tokens += f" ({counted(result['estimatedUsageCalls'], 'call')} estimated: no usage reported)"
    spend = f"{format_spend(status.cost_usd, status.unknown_cost_calls)} of {format_usd(status.budget_usd)} budget"
    return f"mu: {', '.join(parts)}, {tokens}, {spend} ({status.provider}/{status.model})"
