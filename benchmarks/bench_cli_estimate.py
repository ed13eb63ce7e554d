"""`mu-lsp summarize`'s estimate on a large tree: linear in the number of functions.

    python benchmarks/bench_cli_estimate.py [--functions 5000]

Builds a tree of N complex functions (one file of 1,000 per 1,000), then times, in this
process, what the command does before it prints the estimate: find the functions and build
their requests (`_collect`) and estimate their cost against an empty cache. Baselines measured
in the same run: parsing and analysing the same files, and the same work at N/5 functions
(the ratio shows the growth: linear is ~5x).
Target: 5,000 functions estimated in <= 2 s.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from mu_lsp.analysis import analyze_source  # noqa: E402
from mu_lsp.analysis.model import Thresholds  # noqa: E402
from mu_lsp.cli.summarize_cmd import _collect  # noqa: E402
from mu_lsp.config import Settings  # noqa: E402
from mu_lsp.llm.factory import create_pool  # noqa: E402
from tests.support.sources import complex_function  # noqa: E402

TARGET_SECONDS = 2.0
PER_FILE = 1000


def build(tree: Path, functions: int) -> None:
    tree.mkdir(parents=True)
    for start in range(0, functions, PER_FILE):
        count = min(PER_FILE, functions - start)
        text = "".join(complex_function(f"f{start + i}", start + i) for i in range(count))
        (tree / f"m{start // PER_FILE}.py").write_text(text)


def estimate(tree: Path) -> tuple[float, int]:
    started = time.perf_counter()
    jobs = _collect([tree], Thresholds(), sys.stderr)
    pool = create_pool(Settings(), use_disk_cache=False, probe_ollama=False, environ={"OPENAI_API_KEY": "x"})
    pool.estimate([job.request for job in jobs])
    pool.close()
    return time.perf_counter() - started, len(jobs)


def analyse(tree: Path) -> float:
    started = time.perf_counter()
    for path in sorted(tree.glob("*.py")):
        analyze_source(path.read_bytes(), "python")
    return time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--functions", type=int, default=5000)
    args = parser.parse_args()
    os.environ.setdefault("MU_CACHE_DIR", tempfile.mkdtemp())
    with tempfile.TemporaryDirectory() as scratch:
        small, large = Path(scratch) / "small", Path(scratch) / "large"
        build(small, args.functions // 5)
        build(large, args.functions)
        small_time, _ = estimate(small)
        large_time, found = estimate(large)
        parse_time = analyse(large)
    ok = large_time <= TARGET_SECONDS
    verdict = "MET" if ok else "NOT MET"
    print(f"{found} functions estimated in {large_time:.2f} s (target <= {TARGET_SECONDS:g} s) {verdict}")
    print(f"  = {large_time / parse_time:.1f}x parsing and analysing the same files ({parse_time:.2f} s)")
    growth = large_time / small_time
    print(f"  growth from {args.functions // 5} to {args.functions} functions: {growth:.1f}x (linear: ~5x)")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
