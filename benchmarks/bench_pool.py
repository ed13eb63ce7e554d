"""LLMPool throughput and overhead against the stand-in provider (a separate process).

    python benchmarks/bench_pool.py [--functions 300] [--copies 20] [--latency 0.2] [--concurrency 10]

The issue's target: N distinct functions plus exact copies at latency L and concurrency C are
all summarized with exactly N provider calls, never more than C in flight, a provider-side span
within 1.15x the ideal N*L/C, and a second run makes 0 calls. The pool's own CPU per call is
compared with plain `litellm.acompletion` calls made in the same run at the same concurrency.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ["LITELLM_LOCAL_MODEL_COST_MAP"] = "True"

from mu_lsp.config import LLMSettings  # noqa: E402
from mu_lsp.llm.factory import create_pool  # noqa: E402
from mu_lsp.llm.transport import load_litellm  # noqa: E402
from mu_lsp.llm.types import SummarizationRequest  # noqa: E402

KEY = "sk-bench-" + "x" * 24


def function_source(index: int) -> str:
    return (
        f"def handler_{index}(items, mode, limit):\n"
        f"    total = {index}\n"
        "    for item in items:\n"
        "        if item is None or item < 0:\n"
        "            continue\n"
        "        if mode == 'a' and item > limit:\n"
        "            total += item\n"
        "        elif mode == 'b' or item % 2:\n"
        "            total -= 1\n"
        "    return total\n"
    )


def start_provider(latency: float) -> tuple[subprocess.Popen[str], str]:
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.support.fake_provider", "--port", "0", "--latency", str(latency)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    line = process.stdout.readline().split()
    if len(line) != 2 or line[0] != "READY":
        raise SystemExit(f"stand-in provider did not start: {line}")
    return process, f"http://127.0.0.1:{line[1]}"


def provider_stats(url: str) -> dict[str, object]:
    with urllib.request.urlopen(f"{url}/_control/requests") as reply:
        data = json.loads(reply.read())
    requests = data["requests"]
    span = (max(r["answered"] for r in requests) - min(r["received"] for r in requests)) if requests else 0.0
    return {"calls": len(requests), "max_in_flight": data["max_in_flight"], "span": span}


def reset(url: str, latency: float) -> None:
    """Forget recorded requests, keeping the latency."""
    for path, body in (("reset", {}), ("behavior", {"kind": "ok", "latency": latency})):
        request = urllib.request.Request(f"{url}/_control/{path}", data=json.dumps(body).encode(), method="POST")
        urllib.request.urlopen(request).read()


async def run_pool(
    url: str, cache: Path, requests: list[SummarizationRequest], concurrency: int
) -> tuple[float, float, int]:
    pool = create_pool(
        LLMSettings(
            provider="openai",
            model="gpt-4o-mini",
            api_base=f"{url}/v1",
            concurrency=concurrency,
            max_session_cost_usd=100,
        ),
        cache_base_path=cache,
        environ={"OPENAI_API_KEY": KEY},
        probe_ollama=False,
    )
    cpu, wall = time.process_time(), time.perf_counter()
    results = await pool.summarize_batch(requests)
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    pool.close()
    assert all(r.ok for r in results), [r.error for r in results if not r.ok][:3]
    return cpu, wall, sum(1 for r in results if r.cached)


async def run_raw(url: str, count: int, concurrency: int) -> float:
    """Baseline: plain litellm.acompletion calls at the same concurrency; returns CPU seconds."""
    litellm = load_litellm()
    limiter = asyncio.Semaphore(concurrency)

    async def one(index: int) -> None:
        async with limiter:
            await litellm.acompletion(
                model="openai/gpt-4o-mini",
                messages=[{"role": "user", "content": f"Function: raw{index}\n{function_source(index)}"}],
                api_base=f"{url}/v1",
                api_key=KEY,
                num_retries=0,
                max_retries=0,
                timeout=30,
            )

    cpu = time.process_time()
    await asyncio.gather(*(one(i) for i in range(count)))
    return time.process_time() - cpu


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--functions", type=int, default=300)
    parser.add_argument("--copies", type=int, default=20)
    parser.add_argument("--latency", type=float, default=0.2)
    parser.add_argument("--concurrency", type=int, default=10)
    args = parser.parse_args()

    load_litellm()  # the ~5 s import is not part of any figure
    process, url = start_provider(args.latency)
    try:
        distinct = [SummarizationRequest(f"handler_{i}", function_source(i), "python") for i in range(args.functions)]
        requests = distinct + distinct[: args.copies]
        with tempfile.TemporaryDirectory() as cache:
            cpu, wall, _ = asyncio.run(run_pool(url, Path(cache), requests, args.concurrency))
            first = provider_stats(url)
            reset(url, args.latency)
            _, second_wall, cached = asyncio.run(run_pool(url, Path(cache), requests, args.concurrency))
            second = provider_stats(url)
        reset(url, args.latency)
        raw_cpu = asyncio.run(run_raw(url, args.functions, args.concurrency))
        raw = provider_stats(url)
    finally:
        process.terminate()
        process.wait()

    ideal = args.functions * args.latency / args.concurrency
    span = float(first["span"])  # type: ignore[arg-type]
    calls = int(first["calls"])  # type: ignore[call-overload]
    in_flight = int(first["max_in_flight"])  # type: ignore[call-overload]
    pool_ms = 1000 * cpu / args.functions
    raw_ms = 1000 * raw_cpu / args.functions
    checks = {
        "exactly N calls": calls == args.functions,
        "never more than C in flight": in_flight <= args.concurrency,
        "span within 1.15x ideal": span <= 1.15 * ideal,
        "second run: 0 calls, all cached": second["calls"] == 0 and cached == len(requests),
    }
    print(
        f"{args.functions} functions + {args.copies} copies, latency {args.latency} s, concurrency {args.concurrency}"
    )
    print(f"  provider calls        {calls}  (target {args.functions})")
    print(f"  max in flight         {in_flight}  (target <= {args.concurrency})")
    print(f"  provider-side span    {span:.2f} s; ideal {ideal:.2f} s; ratio {span / ideal:.3f}  (target <= 1.15)")
    print(f"  batch wall time       {wall:.2f} s")
    print(f"  second run            {second['calls']} calls, {cached}/{len(requests)} cached, {second_wall:.2f} s")
    raw_span = float(raw["span"])  # type: ignore[arg-type]
    print(f"  plain LiteLLM span    {raw_span:.2f} s at the same concurrency; ratio {raw_span / ideal:.3f} (the floor)")
    print(f"  pool span / LiteLLM   {span / raw_span:.3f}")
    print(f"  CPU per call          pool {pool_ms:.1f} ms vs plain LiteLLM {raw_ms:.1f} ms ({pool_ms / raw_ms:.2f}x)")
    for name, ok in checks.items():
        print(f"  {'PASS' if ok else 'FAIL'}  {name}")
    return 0 if all(checks.values()) else 1


if __name__ == "__main__":
    raise SystemExit(main())
