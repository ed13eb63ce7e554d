"""The language server ↔ worker protocol: JSON-RPC 2.0 over the worker's stdin/stdout, via pygls.

pygls frames the messages, matches replies to requests and cancels a handler on
`$/cancelRequest`; this module only declares the methods and their typed parameters and
results, so both ends get attrs/dataclass objects instead of dicts.

server → worker requests: `mu/configure`, `mu/summarize`, `mu/stats`, `mu/clearCache`,
`mu/shutdown`. worker → server notifications: `mu/log`, `mu/waiting` (a request is sleeping
on a rate limit until a given time).
"""

from __future__ import annotations

from typing import Any, cast

import attrs
from cattrs import Converter
from pygls.protocol import JsonRPCProtocol, default_converter

from mu_lsp.llm.types import SummarizationRequest, SummarizationResult

CONFIGURE = "mu/configure"
SUMMARIZE = "mu/summarize"
STATS = "mu/stats"
CLEAR_CACHE = "mu/clearCache"
SHUTDOWN = "mu/shutdown"
LOG = "mu/log"
WAITING = "mu/waiting"


@attrs.define
class ConfigureParams:
    settings: dict[str, Any]  # one `.murc.toml`-shaped layer, already filtered for trust
    workspace_root: str | None = None
    session_spent_usd: float = 0.0  # spend survives worker restarts and reconfiguration


@attrs.define
class Ready:
    provider: str
    model: str
    offline: bool
    budget_usd: float
    warnings: list[str] = attrs.field(factory=list)


@attrs.define
class SummarizeParams:
    request: SummarizationRequest
    use_cache: bool = True
    override_budget: bool = False


@attrs.define
class Summarized:
    result: SummarizationResult
    spent_usd: float = 0.0  # the session's spend so far (what the budget counts)
    budget_reached: bool = False
    shared: str = "off"  # the team store: "off", "ok" or "unavailable"
    shared_hits: int = 0  # this worker's hits from the team store so far


@attrs.define
class Empty:
    """Parameters of requests that need none."""


@attrs.define
class Stats:
    stats: dict[str, Any]


@attrs.define
class LogParams:
    level: str
    message: str


@attrs.define
class WaitingParams:
    """A request for the body with this structural hash is sleeping on the provider's rate
    limit until `until` (epoch seconds); `until` 0: it is being sent again."""

    body_hash: str
    until: float
    reason: str = "rate_limit"


_ID = cast(type, int | str)
_OPTIONAL_ID = cast(type, int | str | None)


# No defaults on the envelope fields: pygls's converter omits fields equal to their default,
# and pygls always passes them explicitly.
def _request_type(method: str, params: type[Any]) -> type[Any]:
    return attrs.make_class(
        f"{params.__name__}Request",
        {
            "id": attrs.field(type=_ID),
            "params": attrs.field(type=params),
            "method": attrs.field(type=str),
            "jsonrpc": attrs.field(type=str),
        },
    )


def _response_type(result: type[Any]) -> type[Any]:
    return attrs.make_class(
        f"{result.__name__}Response",
        {
            "id": attrs.field(type=_OPTIONAL_ID),
            "result": attrs.field(type=cast(type, result | None)),
            "jsonrpc": attrs.field(type=str),
        },
    )


def _notification_type(method: str, params: type[Any]) -> type[Any]:
    return attrs.make_class(
        f"{params.__name__}Notification",
        {
            "params": attrs.field(type=params),
            "method": attrs.field(type=str),
            "jsonrpc": attrs.field(type=str),
        },
    )


_REQUESTS: dict[str, tuple[type[Any], type[Any]]] = {
    CONFIGURE: (ConfigureParams, Ready),
    SUMMARIZE: (SummarizeParams, Summarized),
    STATS: (Empty, Stats),
    CLEAR_CACHE: (Empty, Empty),
    SHUTDOWN: (Empty, Empty),
}
_NOTIFICATIONS: dict[str, type[Any]] = {LOG: LogParams, WAITING: WaitingParams}
MESSAGE_TYPES: dict[str, type[Any]] = {
    **{method: _request_type(method, params) for method, (params, _) in _REQUESTS.items()},
    **{method: _notification_type(method, params) for method, params in _NOTIFICATIONS.items()},
}
RESULT_TYPES: dict[str, type[Any]] = {method: _response_type(result) for method, (_, result) in _REQUESTS.items()}


class WorkerProtocol(JsonRPCProtocol):
    """Both ends use this: typed messages for the `mu/*` methods."""

    def get_message_type(self, method: str) -> type[Any] | None:
        return MESSAGE_TYPES.get(method)

    def get_result_type(self, method: str) -> type[Any] | None:
        return RESULT_TYPES.get(method)


def converter() -> Converter:
    made: Converter = default_converter()  # type: ignore[no-untyped-call]
    return made
