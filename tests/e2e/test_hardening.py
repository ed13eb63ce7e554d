"""Faults, hostile documents and security, each through the real server and worker."""

from __future__ import annotations

import itertools
import json
import random
import socket
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import pytest_asyncio

from tests.conftest import FAKE_KEY
from tests.e2e.lsp_support import (
    SAMPLE,
    Session,
    finish_test,
    line_of,
    murc,
    shared_session,
    start_session,
    stop_session,
)
from tests.support.fake_provider import FakeProvider

TANGLED = line_of(SAMPLE, "def tangled")


async def _session(fake: FakeProvider, root: Path, cache: Path, **llm: object) -> Session:
    murc(root, fake, **llm)
    return await start_session("visual_studio_code", fake, root, cache)


_test_numbers = itertools.count(1)


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def server(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Session]:
    """One server for the provider-fault cases: each fault is one test on its own file."""
    async with shared_session("visual_studio_code", tmp_path_factory.mktemp("server")) as started:
        yield started


@pytest_asyncio.fixture(loop_scope="module")
async def session(server: Session) -> AsyncIterator[Session]:
    view = server.for_test(next(_test_numbers))
    yield view
    await finish_test(view)


@pytest.mark.asyncio(loop_scope="module")
@pytest.mark.parametrize(
    ("kind", "phrase"),
    [
        ("status_500", "answered with a server error 500"),
        ("status_503", "answered with a server error 503"),
        ("garbage", "unreadable response"),
        ("empty", "empty answer"),
        ("huge", "implausibly long"),
        ("close", "could not connect"),
        ("no_bullets", "no bullet points"),
        ("status_429", "rate-limited by the model server at"),
    ],
)
async def test_provider_fault_shows_a_state_caches_nothing_and_recovers(
    session: Session, kind: str, phrase: str
) -> None:
    session.fake.always(kind, retry_after="0" if kind == "status_429" else None)
    session.open()
    tangled = session.named("tangled")
    title = await session.wait_for_lens(TANGLED, "error:")
    assert title.endswith("· retry")
    assert phrase in (await session.hover(TANGLED) or "")
    failed_calls = len(session.requests)
    session.fake.always("ok")
    await session.command("mu.summarizeFunction", session.uri, TANGLED)  # the lens's "retry"
    await session.wait_for_lens(TANGLED, f"fake summary of {tangled}")
    assert len(session.requests) == failed_calls + 1  # a new call: the failure was not cached


async def test_connection_refused_then_the_provider_comes_up(tmp_path: Path, isolated_cache: Path) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    down = FakeProvider(port)  # bound, never started: connections are refused
    down.stop()
    session = await _session(down, tmp_path, isolated_cache)
    try:
        session.open()
        assert "could not connect" in await session.wait_for_lens(TANGLED, "error:")
        with FakeProvider(port) as up:
            await session.command("mu.summarizeFile", session.uri)
            await session.wait_for_lens(TANGLED, "fake summary of tangled")
            # The two calls run concurrently: tangled's lens can update before knotted's request lands.
            await session.wait_for(lambda: len(up.requests) >= 2, what="both functions retried")
            assert {r.function for r in up.requests} == {"tangled", "knotted"}
    finally:
        await stop_session(session)


async def test_provider_dying_mid_batch(fake: FakeProvider, tmp_path: Path, isolated_cache: Path) -> None:
    # concurrency set: a loopback endpoint would otherwise start at one request at a time
    session = await _session(fake, tmp_path, isolated_cache, concurrency=2)
    port = fake.port
    try:
        fake.always(latency=30.0)
        session.open()
        await session.wait_for(lambda: len(fake.requests) >= 2, what="both calls in flight")
        fake.stop()  # the provider goes away with the calls in flight
        assert "error:" in await session.wait_for_lens(TANGLED, "error:")
        with FakeProvider(port) as back:
            await session.command("mu.summarizeFile", session.uri)
            await session.wait_for_lens(TANGLED, "fake summary of tangled")
            await session.wait_for(lambda: len(back.requests) >= 2, what="both functions retried")
            assert len(back.requests) == 2
    finally:
        await stop_session(session)


def _hostile_documents() -> list[tuple[str, str, str]]:
    rng = random.Random(5)
    noise = bytes(rng.randrange(256) for _ in range(20_000)).decode("latin-1")
    deep_python = "def deep(x):\n    return " + "(" * 3000 + "x" + ")" * 3000 + "\n"
    deep_blocks = "def nest(x):\n" + "".join("    " * (i + 1) + "if x:\n" for i in range(300)) + "    " * 301 + "pass\n"
    deep_js = "function deep(x) {" + "{" * 3000 + "}" * 3000 + "}\n"
    return [
        ("noise.py", "python", noise),
        ("truncated.py", "python", SAMPLE[: len(SAMPLE) // 2]),
        ("deep.py", "python", deep_python),
        ("blocks.py", "python", deep_blocks),
        ("deep.js", "javascript", deep_js),
        ("nul.py", "python", SAMPLE.replace("total = 0", "total = 0\x00\x00", 1)),
        ("crlf.py", "python", SAMPLE.replace("\n", "\r\n")),
        ("tabs.py", "python", SAMPLE.replace("    ", "\t")),
        ("emoji.py", "python", SAMPLE.replace("total = 0", "total = 0  # 🧨💥 ünïcödé 𝔘", 1)),
        ("big.py", "python", SAMPLE * 1800),  # ~5 MB
        ("unknown.cob", "cobol", "IDENTIFICATION DIVISION.\n"),
        ("empty.go", "go", ""),
        # C family (issue 18)
        ("deep.c", "c", "int deep(int x) {" + "if (x) {" * 3000 + "}" * 3000 + "}\n"),
        ("open.cpp", "cpp", "int f(int a) { /* never closed " + "x" * 100_000),
        ("bytes.cs", "csharp", "class A { void M() { if (a) {} } }\n" + noise),
        ("literal.h", "c", 'static const char *s = "' + "a" * 2_000_000 + '";\n#if X\n'),
    ]


async def test_hostile_documents_never_crash_the_server(
    fake: FakeProvider, tmp_path: Path, isolated_cache: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    session = await _session(fake, tmp_path, isolated_cache)
    try:
        for name, language, text in _hostile_documents():
            uri = (tmp_path / name).as_uri()
            session.open(text, uri=uri, language=language)
            await session.hover(0, 0, uri=uri)
            await session.hover(10**6, 10**6, uri=uri)
            await session.lenses(uri=uri)
            session.change((10**6, 0), (10**6, 1), "x", 2, uri=uri)  # out of range
            session.change((3, 0), (1, 0), "x", 3, uri=uri)  # end before start
            session.change((0, 0), (0, 0), "# edit\n", 4, uri=uri)  # a good one
            await session.lenses(uri=uri)
            session.save(uri)
            session.close(uri)
        stats = await session.command("mu.showStats")
        assert isinstance(stats["requests"], int)
        logs = [m.message for m in session.client.log_messages]
        assert any("ignored an edit" in line and "past the end" in line for line in logs)
        assert any("unsupported language 'cobol'" in line for line in logs)
    finally:
        await stop_session(session)
    captured = capfd.readouterr()
    assert "Traceback" not in captured.err + captured.out


async def test_large_files_are_analysed_but_not_summarized(
    fake: FakeProvider, tmp_path: Path, isolated_cache: Path
) -> None:
    murc(tmp_path, fake)
    with (tmp_path / ".murc.toml").open("a") as handle:
        handle.write("[summarize]\nmax_file_bytes = 1000\n")
    session = await start_session("visual_studio_code", fake, tmp_path, isolated_cache)
    try:
        session.open()
        assert "file too large to summarize" in await session.wait_for_lens(TANGLED, "too large")
        await session.command("mu.summarizeFile", session.uri)
        assert fake.requests == []
    finally:
        await stop_session(session)


async def test_excluded_files_are_never_sent(fake: FakeProvider, tmp_path: Path, isolated_cache: Path) -> None:
    session = await _session(fake, tmp_path, isolated_cache)
    try:
        (tmp_path / "secrets").mkdir()
        uri = (tmp_path / "secrets" / "vault.py").as_uri()
        session.open(uri=uri)
        assert "excluded" in await session.wait_for_lens(TANGLED, "excluded", uri=uri)
        await session.command("mu.summarizeFunction", uri, TANGLED)
        await session.command("mu.summarizeFile", uri)
        env_uri = (tmp_path / ".env.py").as_uri()
        session.open(uri=env_uri)
        await session.wait_for_lens(TANGLED, "excluded", uri=env_uri)
        assert fake.requests == []
    finally:
        await stop_session(session)


async def test_model_output_cannot_inject_markdown_or_html(
    fake: FakeProvider, tmp_path: Path, isolated_cache: Path
) -> None:
    evil = (
        "- ![pixel](https://evil.example/x.png) [click me](command:mu.clearCache) <img src=x onerror=alert(1)>\n"
        "- <script>alert(1)</script> **bold** `code` [ref]: https://evil.example\n"
        "- # heading\n"
    )
    fake.always(content=evil)
    session = await _session(fake, tmp_path, isolated_cache)
    try:
        session.open()
        await session.wait_for_lens(TANGLED, "pixel")
        hover = await session.hover(TANGLED) or ""
        assert "![" not in hover.replace("\\![", "")  # no image
        assert "](" not in hover.replace("\\](", "")  # no link
        assert "<img" not in hover and "<script" not in hover  # no raw HTML
        assert "command:" not in hover  # no command URI
        assert "https://" not in hover  # no auto-link
        assert "\n- \\# heading" in hover  # no heading
        titles = await session.lenses()
        assert "\n" not in titles[TANGLED]
    finally:
        await stop_session(session)


async def test_api_key_appears_nowhere_even_at_debug_level(
    fake: FakeProvider, tmp_path: Path, isolated_cache: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    fake.always("status_401_echo")  # the provider quotes the key back, as some real ones do
    session = await _session(fake, tmp_path, isolated_cache)
    try:
        session.open()
        await session.wait_for_lens(TANGLED, "error:")
        assert fake.saw(FAKE_KEY)  # the key really went to the provider (and nowhere else)
        seen = [
            await session.hover(TANGLED) or "",
            json.dumps(await session.lenses()),
            json.dumps(await session.command("mu.showStats")),
            *(m.message for m in session.client.log_messages),
            *(m.message for m in session.client.messages),
        ]
    finally:
        await stop_session(session)
    captured = capfd.readouterr()
    seen += [captured.err, captured.out]
    for text in seen:
        assert FAKE_KEY not in text
        assert FAKE_KEY[-12:] not in text


SITECUSTOMIZE = """
import os, socket
_log = os.environ["MU_NETLOG"]
def _record(kind, address):
    with open(_log, "a") as handle:
        handle.write(f"{os.getpid()} {kind} {address!r}\\n")
_connect = socket.socket.connect
def connect(self, address):
    _record("connect", address)
    return _connect(self, address)
socket.socket.connect = connect
_connect_ex = socket.socket.connect_ex
def connect_ex(self, address):
    _record("connect", address)
    return _connect_ex(self, address)
socket.socket.connect_ex = connect_ex
_getaddrinfo = socket.getaddrinfo
def getaddrinfo(host, *args, **kwargs):
    _record("resolve", host)
    return _getaddrinfo(host, *args, **kwargs)
socket.getaddrinfo = getaddrinfo
"""


async def test_nothing_goes_over_the_network_but_the_configured_provider(
    fake: FakeProvider, tmp_path: Path, isolated_cache: Path
) -> None:
    hooks = tmp_path / "hooks"
    hooks.mkdir()
    (hooks / "sitecustomize.py").write_text(SITECUSTOMIZE)
    netlog = tmp_path / "net.log"
    project = tmp_path / "project"
    project.mkdir()
    murc(project, fake)
    session = await start_session(
        "visual_studio_code",
        fake,
        project,
        isolated_cache,
        env={"PYTHONPATH": str(hooks), "MU_NETLOG": str(netlog)},
    )
    try:
        session.open()
        await session.wait_for_lens(TANGLED, "fake summary of tangled")
    finally:
        await stop_session(session)
    events = netlog.read_text().splitlines() if netlog.exists() else []
    assert events, "the network hook saw nothing (is it installed?)"
    for event in events:
        _, kind, address = event.split(" ", 2)
        if kind == "resolve":
            assert address.strip("'\"") in ("127.0.0.1", "localhost"), event
        else:
            assert address.startswith("('127.0.0.1'"), event
            assert str(fake.port) in address, event
