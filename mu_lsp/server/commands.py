"""`workspace/executeCommand` handlers.

mu.summarizeFunction(uri, line)  summarize the function at a 0-based line (a click on a lens);
                                 explicit, so it runs even when the session budget is reached
mu.summarizeFile(uri)            summarize every complex function of a document
mu.clearCache                    forget stored summaries (disk and memory)
mu.showStats                     requests, cache hits, tokens and cost (returned and logged)
mu.toggleLenses                  hide or show code lenses
"""

from __future__ import annotations

import logging
from typing import Any

from lsprotocol import types

from mu_lsp.server.app import COMMAND_SUMMARIZE_FILE, COMMAND_SUMMARIZE_FUNCTION, MuServer
from mu_lsp.server.state import FunctionState, State, function_keys

log = logging.getLogger(__name__)


def _argument(args: tuple[Any, ...], index: int, kind: type, name: str) -> Any:
    if len(args) <= index or isinstance(args[index], bool) or not isinstance(args[index], kind):
        raise ValueError(f"expected argument {index + 1} ({name}) to be a {kind.__name__}")
    return args[index]


def _error(message: str) -> dict[str, Any]:
    log.warning("%s", message)
    return {"ok": False, "error": message}


def register_commands(server: MuServer) -> None:
    @server.command(COMMAND_SUMMARIZE_FUNCTION)
    def summarize_function(ls: MuServer, *args: Any) -> dict[str, Any]:
        try:
            uri = _argument(args, 0, str, "uri")
            line = _argument(args, 1, int, "line")
        except ValueError as error:
            return _error(f"mu.summarizeFunction: {error}")
        document = ls.document(uri)
        if document is None:
            return _error(f"mu.summarizeFunction: {uri} is not open")
        keys = function_keys(document.functions)
        candidates = [
            (key, f) for key, f in zip(keys, document.functions, strict=True) if f.start_row <= line <= f.end_row
        ]
        if not candidates:
            return _error(f"mu.summarizeFunction: no function at line {line + 1}")
        complex_candidates = [c for c in candidates if c[1].is_complex(ls.thresholds)]
        key, function = (complex_candidates or candidates)[-1]
        view = ls.view(document, key, function)
        if view.state is State.READY and view.summary is not None:
            bullets = "\n".join(f"• {b}" for b in view.summary.bullets)
            ls.window_show_message(
                types.ShowMessageParams(type=types.MessageType.Info, message=f"{function.qualified_name}\n{bullets}")
            )
            return {"ok": True, "state": "ready", "summary": list(view.summary.bullets)}
        if not ls.summarizable(document):
            return _error(f"mu.summarizeFunction: {function.qualified_name} is in a file that is not summarized")
        state: FunctionState = ls.state_for(uri, key)
        state.error = state.error_kind = state.error_hash = None
        sent = ls.scheduler.submit(uri, [(key, function)], override_budget=True)
        return {"ok": True, "state": "summarizing" if sent or state.in_flight else view.state.value}

    @server.command(COMMAND_SUMMARIZE_FILE)
    def summarize_file(ls: MuServer, *args: Any) -> dict[str, Any]:
        try:
            uri = _argument(args, 0, str, "uri")
        except ValueError as error:
            return _error(f"mu.summarizeFile: {error}")
        document = ls.document(uri)
        if document is None:
            return _error(f"mu.summarizeFile: {uri} is not open")
        if not ls.summarizable(document):
            return _error("mu.summarizeFile: this file is excluded or too large to summarize")
        for key, _ in ls.complex_functions(document):
            state = ls.state_for(uri, key)
            state.error = state.error_kind = state.error_hash = None
        return {"ok": True, "scheduled": ls.schedule_document(document, "command")}

    @server.command("mu.clearCache")
    async def clear_cache(ls: MuServer, *args: Any) -> dict[str, Any]:
        ls.memory.clear()
        for states in ls.states.values():
            for state in states.values():
                state.summary = None
        try:
            await ls.worker.request("clear_cache")
        except Exception as error:
            return _error(f"mu.clearCache: the summary cache could not be cleared: {error}")
        log.info("summary cache cleared")
        ls.scheduler.changed()
        return {"ok": True, "cleared": True}

    @server.command("mu.showStats")
    async def show_stats(ls: MuServer, *args: Any) -> dict[str, Any]:
        try:
            reply = await ls.worker.request("stats")
            stats = reply.get("stats") or {}
        except Exception as error:
            log.warning("stats unavailable: %s", error)
            stats = {}
        status = ls.worker.status
        result: dict[str, Any] = {
            "requests": int(stats.get("requests", 0)),
            "cacheHits": int(stats.get("cacheHits", 0)),
            "inputTokens": int(stats.get("inputTokens", 0)),
            "outputTokens": int(stats.get("outputTokens", 0)),
            "costUsd": float(stats.get("costUsd", 0.0)),
            "failures": int(stats.get("failures", 0)),
            "pending": ls.scheduler.pending,
            "provider": status.provider,
            "model": status.model,
            "budgetUsd": status.budget_usd,
            "workerPid": ls.worker.pid,
        }
        result["text"] = (
            f"mu: {result['requests']} requests, {result['cacheHits']} cache hits, "
            f"{result['inputTokens']:,} input + {result['outputTokens']:,} output tokens, "
            f"${result['costUsd']:.4f} of ${status.budget_usd:.2f} budget ({status.provider}/{status.model})"
        )
        log.info("%s", result["text"])
        return result

    @server.command("mu.toggleLenses")
    def toggle_lenses(ls: MuServer, *args: Any) -> dict[str, Any]:
        ls.lenses_enabled = not ls.lenses_enabled
        ls.refresh_lenses()
        ls.send_status()
        return {"ok": True, "enabled": ls.lenses_enabled}
