"""Out-of-spec requests get an error response (never silence), and no traceback is printed."""

from __future__ import annotations

import asyncio
import concurrent.futures
import itertools
from pathlib import Path
from typing import Any

import pytest
from pygls.exceptions import JsonRpcException

from tests.e2e.lsp_support import SAMPLE, line_of, start_session, stop_session
from tests.support.fake_provider import FakeProvider

TANGLED = line_of(SAMPLE, "def tangled")
INVALID_PARAMS = -32602
_IDS = itertools.count()


async def _raw_request(session: Any, method: str, params: Any) -> Any:
    """Send exactly these params (the client's own types would refuse to build them)."""
    protocol = session.client.protocol
    msg_id = f"raw-{next(_IDS)}"
    future: concurrent.futures.Future[Any] = concurrent.futures.Future()
    protocol._request_futures[msg_id] = future
    protocol._send_data({"jsonrpc": "2.0", "id": msg_id, "method": method, "params": params})
    return await asyncio.wrap_future(future)


def _hover(uri: str, line: Any, character: Any = 0) -> dict[str, Any]:
    return {"textDocument": {"uri": uri}, "position": {"line": line, "character": character}}


def _lens(uri: str, data: Any) -> dict[str, Any]:
    position = {"line": 0, "character": 0}
    return {"range": {"start": position, "end": position}, "data": data}


@pytest.mark.parametrize("capabilities", ["visual_studio_code", "neovim@v0.7.0"])
async def test_malformed_requests_are_answered_with_invalid_params(
    capabilities: str, fake: FakeProvider, tmp_path: Path, isolated_cache: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    session = await start_session(
        capabilities,
        fake,
        tmp_path,
        isolated_cache,
        init_options={"llm": {"provider": "offline"}},
        env={"MU_LOG_LEVEL": "info"},  # at debug level tracebacks are kept on purpose
    )
    uri = session.open()
    cases = [
        ("textDocument/hover", _hover(uri, -1)),
        ("textDocument/hover", _hover(uri, 2**31)),
        ("textDocument/hover", _hover(uri, "three")),
        ("textDocument/hover", _hover(uri, 0, -5)),
        ("textDocument/hover", {"textDocument": "nope"}),
        ("codeLens/resolve", _lens(uri, {"uri": uri, "name": "tangled", "index": "abc", "line": 0})),
        ("codeLens/resolve", _lens(uri, "garbage")),
        ("codeLens/resolve", _lens(uri, None)),
        ("workspace/executeCommand", {"command": "mu.summarizeFunction", "arguments": [uri, "x"]}),
        ("workspace/executeCommand", {"command": "mu.summarizeFunction", "arguments": [uri]}),
        ("workspace/executeCommand", {"command": "mu.summarizeFile", "arguments": []}),
        ("workspace/executeCommand", {"command": "mu.summarizeFile"}),
        ("workspace/executeCommand", {"command": "mu.summarizeFile", "arguments": [uri, 1]}),
    ]
    try:
        answers = []
        for method, params in cases:
            try:
                answers.append((method, params, await asyncio.wait_for(_raw_request(session, method, params), 240)))
            except JsonRpcException as error:
                answers.append((method, params, error.code))
        assert [a for a in answers if a[2] != INVALID_PARAMS] == []
        # and the server is still fine
        assert "tangled" in (await session.hover(TANGLED) or "")
    finally:
        await stop_session(session)
    stderr = capsys.readouterr().err
    assert "Traceback" not in stderr
