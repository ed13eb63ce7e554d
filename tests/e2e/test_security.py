"""A cloned repository is hostile input: through the real server and CLI, it cannot run code,
redirect code or keys, place the cache, or reach the user through an unscrubbed message."""

from __future__ import annotations

import asyncio
import hashlib
import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import diskcache
import pytest

from mu_lsp.analysis import analyze_source, parse
from mu_lsp.analysis.hashing import function_hash
from mu_lsp.analysis.languages import LANGUAGES
from mu_lsp.llm.cache import cache_key
from mu_lsp.llm.providers import endpoint_identity
from tests.conftest import FAKE_KEY
from tests.e2e.lsp_support import SAMPLE, line_of, start_session, stop_session
from tests.support.fake_provider import FakeProvider
from tests.support.trust import write_user_config

TANGLED = line_of(SAMPLE, "def tangled")

# Names a repository may hold that the server, the worker or the CLI import after start-up:
# lazily imported standard-library modules and every dependency.
SHADOWED = (
    "email", "json", "asyncio", "sqlite3", "http", "urllib", "uuid", "logging", "concurrent",
    "tomllib", "zlib", "hashlib", "base64", "ssl", "socket", "selectors", "multiprocessing",
    "diskcache", "litellm", "pygls", "lsprotocol", "cattrs", "attrs", "tree_sitter",
    "tree_sitter_python", "pathspec", "platformdirs", "httpx", "httpcore", "openai", "aiohttp",
    "pydantic", "tiktoken", "sitecustomize", "usercustomize",
)  # fmt: skip


def _shadowing_repo(root: Path, marker_dir: Path) -> None:
    """A repository whose top level shadows module names; importing any of them leaves a mark."""
    marker_dir.mkdir(parents=True, exist_ok=True)
    for name in SHADOWED:
        code = f"open({str(marker_dir / name)!r}, 'w').close()\n"
        if name in ("email", "http", "urllib", "concurrent", "multiprocessing", "pygls", "lsprotocol"):
            (root / name).mkdir()
            (root / name / "__init__.py").write_text(code)
        else:
            (root / f"{name}.py").write_text(code)
    (root / "sample.py").write_text(SAMPLE)


@pytest.mark.parametrize(
    "command",
    [[sys.executable, "-P", "-m", "mu_lsp"], [sys.executable, "-m", "mu_lsp"]],
    ids=["as-vscode-starts-it", "plain-python-m"],
)
async def test_a_repository_cannot_shadow_modules_of_the_server_or_the_worker(
    command: list[str], fake: FakeProvider, tmp_path: Path, isolated_cache: Path
) -> None:
    root = tmp_path / "repo"
    root.mkdir()
    marks = tmp_path / "marks"
    _shadowing_repo(root, marks)
    settings = {"llm": {"provider": "openai", "apiBase": fake.openai_base, "maxRetries": 0}}
    session = await start_session(
        "visual_studio_code", fake, root, isolated_cache, init_options=settings, cwd=root, command=command
    )
    try:
        session.open()
        await session.wait_for_lens(TANGLED, "fake summary of tangled")
    finally:
        await stop_session(session)
    assert sorted(p.name for p in marks.iterdir()) == []


def test_a_repository_cannot_shadow_modules_of_the_cli(fake: FakeProvider, tmp_path: Path) -> None:
    root = tmp_path / "repo"
    root.mkdir()
    marks = tmp_path / "marks"
    _shadowing_repo(root, marks)
    env = {**os.environ, "OPENAI_API_KEY": FAKE_KEY}
    for args in (
        ["complexity", "--json", "."],
        ["summarize", "--json", "--yes", "--provider", "openai", "--api-base", fake.openai_base, "."],
    ):
        result = subprocess.run(
            [sys.executable, "-m", "mu_lsp", *args], cwd=root, env=env, capture_output=True, text=True, timeout=300
        )
        assert result.returncode == 0, result.stderr
        assert json.loads(result.stdout)
    assert sorted(p.name for p in marks.iterdir()) == []


async def test_an_untrusted_workspace_cannot_send_code_and_key_to_its_own_server(
    tmp_path: Path, isolated_cache: Path
) -> None:
    with FakeProvider() as mine, FakeProvider() as attacker:
        write_user_config(f'[llm]\nprovider = "openai"\napi_base = "{mine.openai_base}"\nmax_retries = 0\n')
        root = tmp_path / "cloned"
        root.mkdir()
        (root / ".murc.toml").write_text(f'[llm]\napi_base = "{attacker.openai_base}"\n')
        session = await start_session("visual_studio_code", mine, root, isolated_cache)
        try:
            session.open()
            await session.wait_for_lens(TANGLED, "fake summary of tangled")
            warnings = [m.message for m in session.client.messages]
        finally:
            await stop_session(session)
        assert attacker.requests == [] and not attacker.saw(FAKE_KEY)
        assert mine.requests
        [warning] = [w for w in warnings if "api_base" in w]
        assert "not trusted" in warning and "[trust] folders" in warning


async def test_vs_code_workspace_trust_lets_the_workspace_choose(tmp_path: Path, isolated_cache: Path) -> None:
    with FakeProvider() as mine, FakeProvider() as workspace_server:
        write_user_config(f'[llm]\nprovider = "openai"\napi_base = "{mine.openai_base}"\nmax_retries = 0\n')
        root = tmp_path / "trusted"
        root.mkdir()
        (root / ".murc.toml").write_text(f'[llm]\napi_base = "{workspace_server.openai_base}"\n')
        session = await start_session(
            "visual_studio_code", mine, root, isolated_cache, init_options={"workspaceTrusted": True}
        )
        try:
            session.open()
            await session.wait_for_lens(TANGLED, "fake summary of tangled")
        finally:
            await stop_session(session)
        assert workspace_server.requests and not mine.requests


def _plant_pickles(store: Path, keys: list[str], marker: Path) -> None:
    class Payload:
        def __reduce__(self) -> tuple[object, tuple[str, str]]:
            return (open, (str(marker), "w"))

    cache = diskcache.Cache(str(store))
    for key in keys:
        cache.set(key, Payload())
    cache.close()


async def test_a_planted_cache_directory_is_never_opened(fake: FakeProvider, tmp_path: Path) -> None:
    root = tmp_path / "cloned"
    root.mkdir()
    marker = tmp_path / "pwned"
    data = SAMPLE.encode()
    (root / "sample.py").write_bytes(data)
    tree = parse(data, "python")
    keys = [f"complexity:1:python:{hashlib.blake2b(data, digest_size=16).hexdigest()}"]
    for function in analyze_source(data, "python"):
        digest = function_hash(tree, data, function.start_byte, function.end_byte, LANGUAGES["python"].comment_types)
        for endpoint in ("", endpoint_identity(fake.openai_base)):
            keys.append(cache_key(digest, "python", "openai", "gpt-4o-mini", endpoint))
            keys.append(
                "summary:" + hashlib.sha256(f"{digest}\x1fpython\x1fmu-3\x1fopenai\x1fgpt-4o-mini".encode()).hexdigest()
            )
    for name in ("summaries", "summaries-v2", "complexity", "complexity-v2"):
        _plant_pickles(root / ".mu" / name, keys, marker)
    (root / ".murc.toml").write_text('[cache]\ndir = ".mu"\n')
    settings = {"llm": {"provider": "openai", "model": "gpt-4o-mini", "apiBase": fake.openai_base, "maxRetries": 0}}
    session = await start_session(
        "neovim@v0.7.0",
        fake,
        root,
        tmp_path / "unused",
        init_options=settings,
        env={"MU_CACHE_DIR": None},
        cwd=root,
    )
    try:
        session.open()
        await session.wait_for_lens(TANGLED, "fake summary of tangled")
        warnings = [m.message for m in session.client.messages]
    finally:
        await stop_session(session)
    assert any("[cache] dir" in w and "not trusted" in w for w in warnings)
    env = {k: v for k, v in os.environ.items() if k != "MU_CACHE_DIR"}
    result = await asyncio.to_thread(
        subprocess.run,
        [sys.executable, "-m", "mu_lsp", "complexity", "."],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0 and "[cache] dir" in result.stderr
    assert not marker.exists()
    assert sorted(p.name for p in (root / ".mu").iterdir()) == sorted(
        ["summaries", "summaries-v2", "complexity", "complexity-v2"]
    )  # untouched: neither read nor deleted


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_tcp_mode_serves_exactly_one_local_client(tmp_path: Path) -> None:
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "mu_lsp", "serve", "--tcp", "--port", str(port)],
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        first = _connect(port, server)
        body = json.dumps({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {"capabilities": {}}})
        first.sendall(f"Content-Length: {len(body)}\r\n\r\n{body}".encode())
        assert b'"capabilities"' in _read_reply(first)
        with pytest.raises(OSError), socket.create_connection(("127.0.0.1", port), timeout=30) as second:
            second.sendall(f"Content-Length: {len(body)}\r\n\r\n{body}".encode())
            if not second.recv(1):  # accepted in the same instant and then closed: also refused
                raise ConnectionResetError("closed")
        first.close()
        assert server.wait(timeout=60) == 0  # the one client left: the server ends
    finally:
        server.kill()
        server.wait()


def _connect(port: int, server: subprocess.Popen[str]) -> socket.socket:
    while True:
        assert server.poll() is None, server.stderr.read() if server.stderr else ""
        try:
            return socket.create_connection(("127.0.0.1", port), timeout=60)
        except ConnectionRefusedError:
            time.sleep(0.05)  # the server is still starting: poll until it listens


def _read_reply(sock: socket.socket) -> bytes:
    data = b""
    while b'"id":1' not in data.replace(b" ", b"") or not data.rstrip().endswith(b"}"):
        chunk = sock.recv(65536)
        if not chunk:
            break
        data += chunk
    return data


@pytest.mark.parametrize("host", ["0.0.0.0", "192.168.1.2", "::"])
def test_tcp_mode_refuses_non_loopback_addresses(host: str) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "mu_lsp", "serve", "--tcp", "--host", host], capture_output=True, text=True
    )
    assert result.returncode == 2 and "loopback" in result.stderr


async def test_excluded_links_and_foreign_schemes_are_never_sent(
    fake: FakeProvider, tmp_path: Path, isolated_cache: Path
) -> None:
    root = tmp_path / "ws"
    (root / "secrets").mkdir(parents=True)
    (root / "secrets" / "db.py").write_text(SAMPLE)
    (root / "src").mkdir()
    (root / "src" / "settings.py").symlink_to(root / "secrets" / "db.py")
    settings = {"llm": {"provider": "openai", "apiBase": fake.openai_base, "maxRetries": 0}}
    session = await start_session("visual_studio_code", fake, root, isolated_cache, init_options=settings)
    link = (root / "src" / "settings.py").as_uri()
    fugitive = f"fugitive://{root}/.git//0/src/app.py"
    try:
        session.open(uri=link)
        session.open(uri=fugitive)
        assert "not summarized: excluded by [privacy] exclude" in (
            await session.wait_for_lens(TANGLED, "not summarized", uri=link)
        )
        assert "not summarized: not a local file (fugitive:)" in (
            await session.wait_for_lens(TANGLED, "not summarized", uri=fugitive)
        )
        assert (await session.command("mu.summarizeFile", link))["ok"] is False
        assert (await session.command("mu.summarizeFunction", fugitive, TANGLED))["ok"] is False
    finally:
        await stop_session(session)
    assert fake.requests == []


async def test_secrets_never_reach_the_screen_the_log_or_stderr(
    tmp_path: Path, isolated_cache: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pasted = "sk-proj-" + "Qm4Xr8Lp2Vt6Nb0Kc3Jh7Gd1Fs5Aw9Ze"
    in_url = "S3cretQuery" + "Value42"
    closed = _free_port()
    settings = {
        "llm": {
            "provider": "openai",
            "apiBase": f"http://127.0.0.1:{closed}/v1?api-key={in_url}",
            "timeoutSeconds": pasted,  # pasted into the wrong setting
            "maxRetries": 0,
        }
    }
    with FakeProvider() as unused:
        session = await start_session("visual_studio_code", unused, tmp_path, isolated_cache, init_options=settings)
        try:
            session.open()
            await session.wait_for_lens(TANGLED, "error")
            hover = await session.hover(TANGLED) or ""
            lenses = await session.lenses()
            stats = await session.command("mu.showStats")
            shown = [m.message for m in session.client.messages] + [m.message for m in session.client.log_messages]
        finally:
            await stop_session(session)
    stderr = capsys.readouterr().err  # pytest-lsp forwards the server's stderr here
    assert "mu-lsp" in stderr
    assert any("timeout_seconds" in m for m in shown)  # the problem is still reported
    everything = "\n".join([hover, *lenses.values(), json.dumps(stats), *shown, stderr])
    assert pasted not in everything and pasted[8:20] not in everything
    assert in_url not in everything
    assert "could not connect" in hover
