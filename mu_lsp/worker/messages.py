"""The worker's wire format: one JSON object per line, both directions.

Server -> worker: configure, summarize, cancel, stats, clear_cache, shutdown.
Worker -> server: ready, result, stats, cleared, log.
"""

from __future__ import annotations

import dataclasses
import json
from typing import Any

from mu_lsp.llm.types import ErrorKind, SummarizationRequest, SummarizationResult

MAX_LINE_BYTES = 256 * 1024 * 1024  # a request carries a function body; files are capped far below


def encode(message: dict[str, Any]) -> bytes:
    return json.dumps(message, separators=(",", ":"), ensure_ascii=False).encode("utf-8") + b"\n"


def decode(line: bytes) -> dict[str, Any] | None:
    """A message, or None for a line that is not one (never raises)."""
    try:
        value = json.loads(line)
    except (ValueError, UnicodeDecodeError):
        return None
    return value if isinstance(value, dict) and isinstance(value.get("type"), str) else None


def request_to_wire(request: SummarizationRequest) -> dict[str, Any]:
    data = dataclasses.asdict(request)
    data["hot_spots"] = list(request.hot_spots)
    return data


def request_from_wire(data: Any) -> SummarizationRequest:
    if not isinstance(data, dict):
        raise ValueError("request must be an object")
    fields = {f.name for f in dataclasses.fields(SummarizationRequest)}
    kwargs = {k: v for k, v in data.items() if k in fields}
    kwargs["hot_spots"] = tuple(str(h) for h in kwargs.get("hot_spots", ()) or ())
    request = SummarizationRequest(**kwargs)
    if not isinstance(request.body_source, str) or not isinstance(request.function_name, str):
        raise ValueError("request needs function_name and body_source strings")
    return request


def result_to_wire(result: SummarizationResult) -> dict[str, Any]:
    data = dataclasses.asdict(result)
    data["summary"] = list(result.summary)
    data["error_kind"] = result.error_kind.value if result.error_kind else None
    return data


def result_from_wire(data: Any) -> SummarizationResult:
    if not isinstance(data, dict):
        raise ValueError("result must be an object")
    fields = {f.name for f in dataclasses.fields(SummarizationResult)}
    kwargs = {k: v for k, v in data.items() if k in fields}
    kwargs["summary"] = tuple(str(s) for s in kwargs.get("summary", ()) or ())
    kind = kwargs.get("error_kind")
    kwargs["error_kind"] = ErrorKind(kind) if kind else None
    return SummarizationResult(**kwargs)
