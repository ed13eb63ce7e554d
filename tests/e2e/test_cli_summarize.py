"""`mu-lsp summarize` against the stand-in provider (real LiteLLM, real HTTP)."""

from __future__ import annotations

import json
import os
import select
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import FAKE_KEY
from tests.support.cli import run_in_process
from tests.support.fake_provider import FakeProvider
from tests.support.sources import complex_function

KEYS = ("path", "qualified_name", "line", "cyclomatic", "cognitive", "summary", "cached", "error", "model")


def run(
    args: list[str], cwd: Path, env: dict[str, str] | None = None, stdin: str | None = None
) -> subprocess.CompletedProcess[str]:
    """`mu-lsp summarize ARGS` in this process, with no API key but those in `env`."""
    return run_in_process(["summarize", *args], cwd, env, stdin, drop=("_API_KEY",))


def run_process(args: list[str], cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """The same as a real process: for what a fresh process reads (proxy variables)."""
    base = {k: v for k, v in os.environ.items() if not k.endswith("_API_KEY")}
    return subprocess.run(
        [sys.executable, "-P", "-m", "mu_lsp", "summarize", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env={**base, **env},
        timeout=300,
    )


def openai_args(fake: FakeProvider, *extra: str) -> list[str]:
    return ["--provider", "openai", "--model", "gpt-4o-mini", "--api-base", fake.openai_base, *extra]


@pytest.fixture
def code(tmp_path: Path) -> Path:
    root = tmp_path / "code"
    root.mkdir()
    (root / "a.py").write_text(
        complex_function("first") + complex_function("second", 1) + "def easy():\n    return 1\n"
    )
    return root


def test_offline_by_default_needs_no_key(code: Path) -> None:
    # no keys in the environment and no Ollama at the configured address: offline
    result = run(["--json", "."], code, env={"OLLAMA_HOST": "127.0.0.1:9"})
    assert result.returncode == 0, result.stderr
    rows = json.loads(result.stdout)
    assert [r["qualified_name"] for r in rows] and set(rows[0]) == set(KEYS)
    assert all(r["model"] == "structural" and r["summary"] and r["error"] is None for r in rows)
    assert "offline" in result.stderr


def test_ollama_host_finds_a_local_model_without_configuration(fake: FakeProvider, code: Path) -> None:
    # OLLAMA_HOST as Ollama's own CLI takes it (host:port, no scheme); no keys, no .murc.toml.
    result = run(["--json", "."], code, env={"OLLAMA_HOST": f"127.0.0.1:{fake.port}"})
    assert result.returncode == 0, result.stderr
    rows = json.loads(result.stdout)
    assert len(rows) == 2 and all(r["error"] is None and r["summary"] for r in rows)
    assert {r.wire for r in fake.requests} == {"ollama"}
    assert all(r.path.endswith("/api/chat") for r in fake.requests)


@pytest.mark.parametrize("wire", ["openai", "ollama"])
def test_a_local_model_is_reached_directly_even_with_a_proxy_configured(
    fake: FakeProvider, code: Path, wire: str
) -> None:
    # Corporate machines set HTTP_PROXY; a request to 127.0.0.1 must not go to the proxy (it would
    # carry the code off the machine, and fail). The "proxy" only notices connections.
    (code / ".murc.toml").write_text("[llm]\ntimeout_seconds = 5\nmax_retries = 0\n")
    args = openai_args(fake) if wire == "openai" else ["--provider", "ollama", "--api-base", fake.url]
    with socket.create_server(("127.0.0.1", 0)) as proxy:
        proxy_url = f"http://127.0.0.1:{proxy.getsockname()[1]}"
        env = {name: proxy_url for name in ("HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy")}
        env.update(NO_PROXY="", no_proxy="", OPENAI_API_KEY=FAKE_KEY)
        result = run_process([*args, "--json", "--yes", "."], code, env=env)
        contacted, _, _ = select.select([proxy], [], [], 0)
    assert contacted == [], "a request to 127.0.0.1 went through the proxy"
    assert result.returncode == 0, result.stdout + result.stderr
    assert {r.wire for r in fake.requests} == {wire}


def test_paid_calls_need_confirmation(fake: FakeProvider, code: Path) -> None:
    result = run([*openai_args(fake), "."], code, env={"OPENAI_API_KEY": FAKE_KEY})
    assert result.returncode == 2
    assert "pass --yes to confirm" in result.stderr and "$" in result.stderr
    assert fake.requests == []


def test_summaries_then_all_cached(fake: FakeProvider, code: Path) -> None:
    env = {"OPENAI_API_KEY": FAKE_KEY}
    first = run([*openai_args(fake, "--json", "--yes"), "."], code, env=env)
    assert first.returncode == 0, first.stderr
    rows = json.loads(first.stdout)
    assert {r["qualified_name"] for r in rows} == {"first", "second"}
    assert all(set(r) == set(KEYS) and r["summary"] and not r["cached"] and r["model"] == "gpt-4o-mini" for r in rows)
    assert len(fake.requests) == 2
    second = run([*openai_args(fake, "--json"), "."], code, env=env)  # free now: no --yes needed
    assert second.returncode == 0, second.stderr
    assert all(r["cached"] for r in json.loads(second.stdout))
    assert len(fake.requests) == 2
    assert FAKE_KEY not in first.stdout + first.stderr + second.stdout + second.stderr


def test_dry_run_calls_nothing_and_shows_what_would_be_sent(fake: FakeProvider, code: Path) -> None:
    secret = "sk-proj-" + "Zq8Wm2Lp5Xr9Tn3Vb7Hc1Jd4"
    (code / "b.py").write_text(complex_function("third").replace("total = 0", f'total = 0\n    key = "{secret}"'))
    result = run([*openai_args(fake, "--dry-run"), "."], code, env={"OPENAI_API_KEY": FAKE_KEY})
    assert result.returncode == 0, result.stderr
    assert fake.requests == []
    assert "`third` in b.py:" in result.stdout and "1 secret redacted" in result.stdout
    assert secret not in result.stdout and "<redacted:" in result.stdout


def test_authentication_failure(fake: FakeProvider, code: Path) -> None:
    fake.always("status_401")
    result = run([*openai_args(fake, "--json", "--yes"), "."], code, env={"OPENAI_API_KEY": FAKE_KEY})
    assert result.returncode == 1
    rows = json.loads(result.stdout)
    assert all(r["error"] == "authentication failed for openai: check OPENAI_API_KEY" for r in rows)
    assert len(fake.requests) == 2  # one per function, no retry
    assert FAKE_KEY not in result.stdout + result.stderr
    assert "Traceback" not in result.stderr


def test_garbage_then_healthy(fake: FakeProvider, code: Path) -> None:
    env = {"OPENAI_API_KEY": FAKE_KEY}
    fake.always("garbage")
    bad = run([*openai_args(fake, "--json", "--yes"), "."], code, env=env)
    assert bad.returncode == 1 and all(r["error"] for r in json.loads(bad.stdout))
    assert "Traceback" not in bad.stderr
    calls = len(fake.requests)
    fake.always("ok")
    good = run([*openai_args(fake, "--json", "--yes"), "."], code, env=env)
    assert good.returncode == 0
    assert all(not r["cached"] and r["summary"] for r in json.loads(good.stdout))
    assert len(fake.requests) == calls + 2


def test_rate_limited_first_attempts_all_succeed(fake: FakeProvider, code: Path) -> None:
    fake.on_first_attempt("status_429", retry_after="1")
    result = run([*openai_args(fake, "--json", "--yes"), "."], code, env={"OPENAI_API_KEY": FAKE_KEY})
    assert result.returncode == 0, result.stderr
    assert all(r["summary"] and r["error"] is None for r in json.loads(result.stdout))
    by_prompt: dict[str, list[float]] = {}
    for record in fake.requests:
        by_prompt.setdefault(record.prompt, []).append(record.received)
    assert all(len(t) == 2 and t[1] - t[0] >= 1.0 for t in by_prompt.values())


@pytest.mark.parametrize(
    ("args", "config", "message"),
    [
        (["--provider", "skynet", "."], None, "expected one of"),
        (["--concurrency", "0", "."], None, "expected a positive integer"),
        (["--api-base", "ftp://x", "."], None, "http:// or https://"),
        (["."], "[llm]\nconcurrency = 'many'\n", "llm.concurrency must be a positive integer"),
        (["missing-dir"], None, "no such file or directory"),
    ],
)
def test_usage_and_configuration_errors_exit_2(code: Path, args: list[str], config: str | None, message: str) -> None:
    if config:
        (code / ".murc.toml").write_text(config)
    result = run(args, code)
    assert result.returncode == 2
    assert message in result.stderr and "Traceback" not in result.stderr


def test_excluded_files_are_not_sent(fake: FakeProvider, code: Path) -> None:
    (code / "secrets").mkdir()
    (code / "secrets" / "vault.py").write_text(complex_function("vault"))
    result = run([*openai_args(fake, "--json", "--yes"), "."], code, env={"OPENAI_API_KEY": FAKE_KEY})
    rows = {r["qualified_name"]: r for r in json.loads(result.stdout)}
    assert "exclude" in (rows["vault"]["error"] or "")
    assert "vault" not in [r.function for r in fake.requests]


def test_done_when_300_functions_20_copies_concurrency_10(fake: FakeProvider, tmp_path: Path) -> None:
    root = tmp_path / "many"
    root.mkdir()
    bodies = [complex_function(f"f{i}", i) for i in range(300)]
    for chunk in range(10):
        (root / f"m{chunk}.py").write_text("".join(bodies[chunk * 30 : (chunk + 1) * 30]))
    (root / "copies.py").write_text("".join(bodies[:20]))
    fake.always(latency=0.2)
    env = {"OPENAI_API_KEY": FAKE_KEY}
    first = run([*openai_args(fake, "--json", "--yes", "--concurrency", "10"), "."], root, env=env)
    assert first.returncode == 0, first.stderr
    rows = json.loads(first.stdout)
    assert len(rows) == 320 and all(r["summary"] for r in rows)
    assert len(fake.requests) == 300
    assert fake.max_in_flight <= 10
    second = run([*openai_args(fake, "--json", "--concurrency", "10"), "."], root, env=env)
    assert second.returncode == 0
    assert all(r["cached"] for r in json.loads(second.stdout))
    assert len(fake.requests) == 300


def test_absolute_paths_are_named_relative_in_prompts_as_the_server_names_them(
    fake: FakeProvider, code: Path, tmp_path: Path
) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    args = [*openai_args(fake, "--json", "--yes"), str(code.resolve()), str((code / "a.py").resolve())]
    result = run(args, elsewhere, env={"OPENAI_API_KEY": FAKE_KEY})
    assert result.returncode == 0, result.stderr
    assert fake.requests and all(
        "`first` in a.py:" in r.prompt or "`second` in a.py:" in r.prompt for r in fake.requests
    )
    assert not any(str(tmp_path) in r.prompt for r in fake.requests)
