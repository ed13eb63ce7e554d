"""A real `redis-server` (Debian's package) on a free 127.0.0.1 port, for tests and benchmarks.

Never the default port, no persistence (no RDB, no AOF), every file under a temporary
directory; `DEBUG SLEEP` is enabled so a test can pause it. The server can be killed and
started again on the same port (the store "down mid-batch" and "back again").
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

REDIS_SERVER = shutil.which("redis-server")
START_PATIENCE = 60.0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class RedisServer:
    def __init__(self, directory: Path | None = None, password: str | None = None) -> None:
        if REDIS_SERVER is None:
            pytest.skip("redis-server is not installed (apt-get install redis-server)")
        self._own_dir = directory is None
        self.directory = Path(tempfile.mkdtemp(prefix="mu-redis-")) if directory is None else directory
        self.password = password
        self.port = free_port()
        while self.port == 6379:
            self.port = free_port()
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def _config(self) -> str:
        lines = [
            "bind 127.0.0.1",
            f"port {self.port}",
            f"dir {self.directory}",
            'save ""',
            "appendonly no",
            "daemonize no",
            "protected-mode yes",
            "enable-debug-command yes",
            "loglevel warning",
            f"logfile {self.directory / 'redis.log'}",
        ]
        if self.password:
            lines.append(f"requirepass {self.password}")
        return "\n".join(lines) + "\n"

    def start(self) -> RedisServer:
        config = self.directory / "redis.conf"
        config.write_text(self._config())
        self.process = subprocess.Popen([str(REDIS_SERVER), str(config)], stdin=subprocess.DEVNULL)
        deadline = time.monotonic() + START_PATIENCE
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"redis-server exited: {(self.directory / 'redis.log').read_text()}")
            try:
                if self.command("PING") in ("PONG", "NOAUTH Authentication required."):
                    return self
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    def kill(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        self.process = None

    def stop(self) -> None:
        self.kill()
        if self._own_dir:
            shutil.rmtree(self.directory, ignore_errors=True)

    def command(self, *args: str, timeout: float = 10.0) -> str:
        """One command over a plain socket (RESP), answered as text; no client library needed."""
        with socket.create_connection(("127.0.0.1", self.port), timeout=timeout) as sock:
            if self.password:
                sock.sendall(_resp("AUTH", self.password))
                _read_reply(sock)
            sock.sendall(_resp(*args))
            return _read_reply(sock)

    def send(self, *args: str) -> None:
        """Fire a command without waiting for its answer (`DEBUG SLEEP`)."""
        sock = socket.create_connection(("127.0.0.1", self.port), timeout=10.0)
        if self.password:
            sock.sendall(_resp("AUTH", self.password))
            _read_reply(sock)
        sock.sendall(_resp(*args))
        self._held = sock  # closed with the test process; the server answers when it wakes


def _resp(*args: str) -> bytes:
    out = [f"*{len(args)}\r\n".encode()]
    for arg in args:
        data = arg.encode()
        out.append(b"$%d\r\n%s\r\n" % (len(data), data))
    return b"".join(out)


def _read_reply(sock: socket.socket) -> str:
    data = b""
    while not data.endswith(b"\r\n"):
        chunk = sock.recv(65536)
        if not chunk:
            break
        data += chunk
    head = data.split(b"\r\n", 1)[0]
    if head.startswith(b"$"):
        length = int(head[1:])
        if length < 0:
            return ""
        body = data.split(b"\r\n", 1)[1]
        while len(body) < length + 2:
            body += sock.recv(65536)
        return body[:length].decode("utf-8", "replace")
    if head.startswith(b"*"):
        return data.decode("utf-8", "replace")
    return head[1:].decode("utf-8", "replace")


@pytest.fixture(scope="session")
def redis_session() -> Iterator[RedisServer]:
    """One redis-server for the whole test session (each test starts with it flushed)."""
    server = RedisServer().start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def redis_store(redis_session: RedisServer) -> RedisServer:
    if redis_session.process is None or redis_session.process.poll() is not None:
        redis_session.start()
    redis_session.command("FLUSHALL")
    return redis_session


@pytest.fixture
def own_redis() -> Iterator[RedisServer]:
    """A redis-server of this test's own, for tests that kill, pause or break it."""
    server = RedisServer().start()
    try:
        yield server
    finally:
        server.stop()
