"""pygls's warnings about cancellation races, kept out of the user's log.

Every edit cancels the requests it outdated, and the worker's requests are cancelled when the
editor's are; a request that finished a moment before its cancel arrived makes pygls warn
"Cancel notification for unknown message id" or "Received response to unknown message id".
Both are expected and harmless, so they are shown only at debug level.
"""

from __future__ import annotations

import logging

_RACES = ("Cancel notification for unknown message id", "Received response to unknown message id")


class CancellationRaces(logging.Filter):
    """Drops pygls's cancellation-race warnings unless mu-lsp logs at debug level."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not isinstance(record.msg, str) or not record.msg.startswith(_RACES):
            return True
        return logging.getLogger("mu_lsp").isEnabledFor(logging.DEBUG)


def quiet_cancellation_races() -> None:
    """Installs the filter on pygls's JSON-RPC logger (idempotent)."""
    rpc = logging.getLogger("pygls.protocol.json_rpc")
    if not any(isinstance(existing, CancellationRaces) for existing in rpc.filters):
        rpc.addFilter(CancellationRaces())
