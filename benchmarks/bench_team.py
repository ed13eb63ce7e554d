"""A team sharing summaries through a real redis-server, against the stand-in provider at 200 ms.

    python benchmarks/bench_team.py [--developers 4] [--functions 300] [--latency 0.2]

Each simulated developer is a separate process with its own disk cache, running the worker's pool
(`create_pool` with `[cache] shared`), summarizing the same complex functions. Figures (issue 17):
  * provider calls when the developers open them one after another (target: exactly N functions);
  * provider calls when they all open them at the same moment, with the in-flight marker and
    without it (the duplicates);
  * hover p99 of a real language server while the store is slow (paused with `DEBUG SLEEP` again
    and again), against the same server with no store configured, in the same run (target ≤ 15 ms);
  * the added latency of a shared hit against a local (disk) hit, measured in one process.
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ["LITELLM_LOCAL_MODEL_COST_MAP"] = "True"

from mu_lsp.config import CacheSettings, LLMSettings, PrivacySettings, Settings  # noqa: E402
from mu_lsp.llm.factory import create_pool  # noqa: E402
from mu_lsp.llm.pool import LLMPool  # noqa: E402
from mu_lsp.llm.transport import load_litellm  # noqa: E402
from mu_lsp.llm.types import SummarizationRequest  # noqa: E402
from tests.support.redis_server import RedisServer  # noqa: E402
from tests.support.sources import complex_function  # noqa: E402

KEY = "sk-bench-" + "t" * 24


def requests(count: int) -> list[SummarizationRequest]:
    return [
        SummarizationRequest(f"mod.handler_{i}", complex_function(f"handler_{i}", i), "python") for i in range(count)
    ]


def pool_for(provider: str, store: str | None, cache: Path, timeout_ms: int = 150) -> LLMPool:
    settings = Settings(
        llm=LLMSettings(
            provider="openai", model="gpt-4o-mini", api_base=provider + "/v1", max_retries=0, concurrency=10
        ),
        cache=CacheSettings(shared=store, shared_timeout_ms=timeout_ms),
        privacy=PrivacySettings(),
    )
    return create_pool(settings, cache_base_path=cache, environ={"OPENAI_API_KEY": KEY}, probe_ollama=False)


def developer(args: argparse.Namespace) -> int:
    """One developer's worker: warm LiteLLM, wait for the start signal, summarize everything."""
    load_litellm()
    pool = pool_for(args.provider, args.store, Path(args.cache), timeout_ms=1000)
    if args.no_marker and pool.cache.shared is not None:
        shared = pool.cache.shared
        shared.config = dataclasses.replace(shared.config, in_flight_seconds=0)
    while time.time() < args.start_at:
        time.sleep(0.005)
    began = time.perf_counter()
    results = asyncio.run(pool.summarize_batch(requests(args.functions)))
    elapsed = time.perf_counter() - began
    ok = sum(r.ok for r in results)
    print(json.dumps({"ok": ok, "calls": pool.stats.requests, "shared": pool.stats.shared_hits, "s": elapsed}))
    pool.close()
    return 0


def start_provider(latency: float) -> tuple[subprocess.Popen[str], str]:
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.support.fake_provider", "--port", "0", "--latency", str(latency)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    _, port = process.stdout.readline().split()
    return process, f"http://127.0.0.1:{port}"


def provider_calls(url: str) -> int:
    with urllib.request.urlopen(f"{url}/_control/requests") as answer:
        return len(json.loads(answer.read())["requests"])


def reset_provider(url: str, latency: float) -> None:
    for path, body in (("reset", {}), ("behavior", {"kind": "ok", "latency": latency})):
        request = urllib.request.Request(f"{url}/_control/{path}", data=json.dumps(body).encode(), method="POST")
        urllib.request.urlopen(request).read()


def run_developers(
    count: int, provider: str, store: str, functions: int, work: Path, together: bool, marker: bool = True
) -> list[dict[str, Any]]:
    def command(index: int, start_at: float) -> list[str]:
        extra = [] if marker else ["--no-marker"]
        cache = str(work / f"dev{index}-{time.monotonic_ns()}")
        return [sys.executable, __file__, "--developer", "--provider", provider, "--store", store, "--cache", cache,
                "--functions", str(functions), "--start-at", str(start_at), *extra]  # fmt: skip

    outputs = []
    if together:
        start_at = time.time() + 25  # every process has imported LiteLLM by then
        processes = [subprocess.Popen(command(i, start_at), stdout=subprocess.PIPE, text=True) for i in range(count)]
        outputs = [p.communicate()[0] for p in processes]
    else:
        for i in range(count):
            outputs.append(subprocess.run(command(i, 0), stdout=subprocess.PIPE, text=True, check=True).stdout)
    return [json.loads(out.strip().splitlines()[-1]) for out in outputs]


async def lookup_latencies(provider: str, store: str, functions: int, work: Path) -> tuple[list[float], list[float]]:
    """Per-summary latency of a disk hit and of a shared hit, the same requests, one process."""
    load_litellm()
    warm = work / "lookup-warm"
    pool = pool_for(provider, store, warm, timeout_ms=1000)
    await pool.summarize_batch(requests(functions))  # the store and this disk now hold them all
    pool.close()

    async def timed(cache: Path) -> list[float]:
        fresh = pool_for(provider, store, cache, timeout_ms=1000)
        times = []
        for request in requests(functions):
            began = time.perf_counter()
            result = await fresh.summarize(request)
            times.append((time.perf_counter() - began) * 1000)
            assert result.cached
        fresh.close()
        return times

    disk = await timed(warm)  # a new process's memory is empty: every hit is a disk hit
    shared = await timed(work / "lookup-empty")  # an empty disk: every hit comes from the store
    return disk, shared


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


async def hover_p99(provider: str, store: str | None, redis: RedisServer, work: Path, functions: int) -> float:
    """A real server: open a file of complex functions (they are summarized, missing the store
    while it sleeps) and hover again and again."""
    from benchmarks.bench_server import RawClient

    root = work / f"hover-{'store' if store else 'none'}-{time.monotonic_ns()}"
    root.mkdir()
    (root / "team.py").write_text("\n\n".join(complex_function(f"hover_{i}", i + 7) for i in range(functions)))
    shared = f'shared = "{store}"\n' if store else ""
    (root / ".murc.toml").write_text(
        f'[llm]\nprovider = "openai"\nmodel = "gpt-4o-mini"\nmax_retries = 0\n[cache]\n{shared}'
    )
    config = Path(os.environ["XDG_CONFIG_HOME"]) / "mu-lsp" / "config.toml"
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text(f'[llm]\napi_base = "{provider}/v1"\n[trust]\nfolders = ["{work}"]\n')
    env = {"MU_CACHE_DIR": str(work / f"cache-{root.name}"), "OPENAI_API_KEY": KEY}
    client = await RawClient.start([sys.executable, "-m", "mu_lsp"], env)
    stop = threading.Event()
    if store:

        def keep_pausing() -> None:  # a store that answers in 400 ms, over and over
            while not stop.is_set():
                redis.command("DEBUG", "SLEEP", "0.4")
                time.sleep(0.05)

        threading.Thread(target=keep_pausing, daemon=True).start()
    try:
        await client.initialize(root)
        uri = (root / "team.py").as_uri()
        text = (root / "team.py").read_text()
        client.notify(
            "textDocument/didOpen", {"textDocument": {"uri": uri, "languageId": "python", "version": 1, "text": text}}
        )
        rows = [i for i, line in enumerate(text.splitlines()) if line.startswith("def ")]
        hovers = []
        for index in range(400):
            began = time.perf_counter()
            position = {"line": rows[index % len(rows)], "character": 5}
            await client.request("textDocument/hover", {"textDocument": {"uri": uri}, "position": position})
            hovers.append((time.perf_counter() - began) * 1000)
            await asyncio.sleep(0.01)
        return percentile(hovers, 0.99)
    finally:
        stop.set()
        await client.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--developers", type=int, default=4)
    parser.add_argument("--functions", type=int, default=300)
    parser.add_argument("--latency", type=float, default=0.2)
    parser.add_argument("--hover-rounds", type=int, default=1, help="interleaved rounds: no store, slow store")
    parser.add_argument("--hover-only", action="store_true", help="measure only the hover figures")
    parser.add_argument("--developer", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--provider", help=argparse.SUPPRESS)
    parser.add_argument("--store", help=argparse.SUPPRESS)
    parser.add_argument("--cache", help=argparse.SUPPRESS)
    parser.add_argument("--start-at", type=float, default=0.0, help=argparse.SUPPRESS)
    parser.add_argument("--no-marker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.developer:
        return developer(args)

    process, provider = start_provider(args.latency)
    redis = RedisServer().start()
    work = Path(tempfile.mkdtemp(prefix="mu-bench-team-"))
    os.environ["XDG_CONFIG_HOME"] = str(work / "config")
    rows = _Rows()
    try:
        if not args.hover_only:
            measure_team(args, rows, provider, redis, work)
        for _ in range(args.hover_rounds):
            measure_hover(args, rows, provider, redis, work)
    finally:
        redis.stop()
        process.terminate()
    return 0


def measure_team(args: argparse.Namespace, rows: _Rows, provider: str, redis: RedisServer, work: Path) -> None:
    n, f = args.developers, args.functions
    sequential = run_developers(n, provider, redis.url, f, work, together=False)
    calls = provider_calls(provider)
    rows.append((f"provider calls, {n} developers one after another", f"{calls}", f"exactly {f}"))
    rows.append(("  shared hits of developers 2..N", " / ".join(str(d["shared"]) for d in sequential[1:]), f"{f} each"))
    for marker in (True, False):
        redis.command("FLUSHALL")
        reset_provider(provider, args.latency)
        together = run_developers(n, provider, redis.url, f, work, together=True, marker=marker)
        calls = provider_calls(provider)
        label = "with the in-flight marker" if marker else "without the marker"
        rows.append(
            (
                f"provider calls, {n} at the same moment, {label}",
                f"{calls} ({calls - f} duplicates)",
                "near " + str(f),
            )
        )
        assert all(d["ok"] == f for d in together), together
    redis.command("FLUSHALL")
    reset_provider(provider, args.latency)
    disk, shared = asyncio.run(lookup_latencies(provider, redis.url, f, work))
    rows.append(
        (
            "summary from the local disk, median / p99",
            f"{statistics.median(disk):.2f} / {percentile(disk, 0.99):.2f} ms",
            "-",
        )
    )
    rows.append(
        (
            "summary from the shared store, median / p99",
            f"{statistics.median(shared):.2f} / {percentile(shared, 0.99):.2f} ms",
            "-",
        )
    )
    added = statistics.median(shared) - statistics.median(disk)
    rows.append(
        (
            "added latency of a shared hit (median)",
            f"{added:+.2f} ms = {statistics.median(shared) / statistics.median(disk):.2f}x a disk hit",
            "small",
        )
    )


def measure_hover(args: argparse.Namespace, rows: _Rows, provider: str, redis: RedisServer, work: Path) -> None:
    reset_provider(provider, args.latency)
    baseline = asyncio.run(hover_p99(provider, None, redis, work, 60))
    slow = asyncio.run(hover_p99(provider, redis.url, redis, work, 60))
    rows.append(("hover p99 while summarizing, no store (baseline)", f"{baseline:.2f} ms", "-"))
    rows.append(
        (
            "hover p99 while summarizing, store paused 400 ms again and again",
            f"{slow:.2f} ms = {slow / baseline:.2f}x",
            "<= 15 ms",
        )
    )


class _Rows(list[tuple[str, str, str]]):
    """Each figure is printed as soon as it is measured (a long run that stops keeps what it had)."""

    def append(self, row: tuple[str, str, str]) -> None:
        super().append(row)
        print(f"{row[0]:<64}  {row[1]}  ({row[2]})", flush=True)


if __name__ == "__main__":
    sys.exit(main())
