"""The worker client's policy with real processes: start, replay once, give up on a worker that
cannot start (saying why, once), and stop quickly."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

from mu_lsp.llm.types import ErrorKind, SummarizationRequest
from mu_lsp.server.worker_client import START_DELAYS, WorkerClient

REQUEST = SummarizationRequest("f", "def f(a):\n    if a:\n        return 1\n    return 2\n", "python")


def _broken_worker(counter: Path) -> list[str]:
    script = (
        "import sys\n"
        f"open({str(counter)!r}, 'a').write('x')\n"
        "sys.stderr.write('Traceback (most recent call last):\\n')\n"
        "sys.stderr.write(\"ModuleNotFoundError: No module named 'pydantic_core._pydantic_core'\\n\")\n"
        "sys.exit(3)\n"
    )
    return [sys.executable, "-c", script]


async def test_a_worker_that_cannot_start_is_given_up_with_its_reason(tmp_path: Path) -> None:
    counter = tmp_path / "starts"
    shown: list[str] = []
    # the same number of attempts as the server makes, without its pauses between them
    client = WorkerClient(_broken_worker(counter), on_unavailable=shown.append, start_delays=(0.0,) * len(START_DELAYS))
    await client.configure({"llm": {"provider": "offline"}}, None)
    assert counter.read_text() == "x" * len(START_DELAYS)  # a bounded number of attempts
    assert len(shown) == 1 and "No module named 'pydantic_core._pydantic_core'" in shown[0]
    assert client.status.unavailable == shown[0] and not client.status.ready
    result = await client.summarize(REQUEST)  # no new attempts, no blaming the function
    assert result.error_kind is ErrorKind.UNAVAILABLE and "pydantic_core" in (result.error or "")
    assert counter.read_text() == "x" * len(START_DELAYS)
    client.retry_if_unavailable()  # the user asked again: one more round of attempts
    await client.summarize(REQUEST)
    assert counter.read_text() == "x" * (2 * len(START_DELAYS))
    assert len(shown) == 2
    await client.stop()


async def test_a_worker_killed_mid_request_is_replaced_and_the_request_sent_again(isolated_cache: Path) -> None:
    client = WorkerClient()
    await client.configure({"llm": {"provider": "offline"}}, None)
    first_pid = client.pid
    assert first_pid is not None and (await client.summarize(REQUEST)).ok
    process = client._link._server if client._link else None
    assert process is not None
    process.kill()
    await process.wait()
    result = await client.summarize(REQUEST)
    assert result.ok and client.pid not in (None, first_pid)
    await client.stop()


async def test_stop_leaves_no_process(isolated_cache: Path) -> None:
    client = WorkerClient()
    await client.configure({"llm": {"provider": "offline"}}, None)
    process = client._link._server if client._link else None
    assert process is not None
    await client.stop()
    assert process.returncode == 0  # left by itself after mu/shutdown, not killed
    await asyncio.sleep(0)


async def test_a_rate_limit_wait_reaches_the_server_as_mu_waiting(isolated_cache: Path) -> None:
    # The notification handlers once took their first parameter as `_`: pygls then called them
    # without it, and every `mu/waiting` (and `mu/log`) was dropped on the floor.
    from tests.support.fake_provider import FakeProvider

    seen: list[tuple[str, float]] = []
    with FakeProvider() as fake:
        fake.on_first_attempt("status_429", retry_after="1")
        client = WorkerClient(on_waiting=lambda params: seen.append((params.body_hash, params.until)))
        settings = {"llm": {"provider": "openai", "model": "gpt-4o-mini", "api_base": fake.openai_base}}
        await client.configure(settings, None)
        request = SummarizationRequest("f", REQUEST.body_source, "python", body_hash="h-1")
        result = await client.summarize(request)
        await client.stop()
    assert result.ok
    assert [body for body, _ in seen] == ["h-1", "h-1"]
    assert seen[0][1] > 0 and seen[1][1] == 0.0  # until when, then "sent again"
