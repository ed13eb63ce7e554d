"""What the editor shows besides hovers and lenses: the `mu/status` notification (provider,
cost, pending work) and `workspace/codeLens/refresh`, both debounced after visible changes."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import Any

from pygls.lsp.server import LanguageServer

from mu_lsp.llm.money import format_spend
from mu_lsp.privacy.scrub import scrub
from mu_lsp.server.worker_client import WorkerStatus

log = logging.getLogger(__name__)

STATUS_NOTIFICATION = "mu/status"
REFRESH_DELAY = 0.05


class StatusReporter:
    def __init__(
        self,
        server: LanguageServer,
        worker: WorkerStatus,
        pending: Callable[[], int],
        lenses_enabled: Callable[[], bool],
    ) -> None:
        self._server = server
        self._worker = worker
        self._pending_work = pending
        self._lenses_enabled = lenses_enabled
        self._pending = False

    def changed(self) -> None:
        """Something visible changed: refresh lenses and status once, shortly."""
        if self._pending:
            return
        self._pending = True
        asyncio.get_running_loop().call_later(REFRESH_DELAY, self._flush)

    def _flush(self) -> None:
        self._pending = False
        self.refresh_lenses()
        self.send()

    def refresh_lenses(self) -> None:
        server = self._server
        workspace = server.client_capabilities.workspace if server.client_capabilities else None
        code_lens = workspace.code_lens if workspace else None
        if code_lens and code_lens.refresh_support:
            try:
                server.workspace_code_lens_refresh(None)
            except Exception as error:
                log.debug("codeLens refresh failed: %s", error)

    def cost_text(self) -> str:
        return format_spend(self._worker.cost_usd, self._worker.unknown_cost_calls)

    def payload(self) -> dict[str, Any]:
        status = self._worker
        return {
            "ready": status.ready,  # until the worker has said which provider it uses: "starting"
            "pending": self._pending_work(),
            "costUsd": round(status.cost_usd, 6),
            "unknownCostCalls": status.unknown_cost_calls,
            "costText": self.cost_text(),
            "spentUsd": round(status.spent_usd, 6),
            "budgetUsd": status.budget_usd,
            "provider": scrub(status.provider),
            "model": scrub(status.model),
            "offline": status.offline,
            "unavailable": scrub(status.unavailable) if status.unavailable else None,
            "lensesEnabled": self._lenses_enabled(),
            "shared": status.shared,  # "unavailable": the team store is away, summaries are local only
            "sharedHits": status.shared_hits,
        }

    def send(self) -> None:
        self._server.protocol.notify(STATUS_NOTIFICATION, self.payload())
