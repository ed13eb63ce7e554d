"""Cold and warm scan of the Python standard library versus radon, lizard and complexipy.

    python benchmarks/bench_complexity.py [--repeat 3] [--corpus DIR]

The corpus is a copy of the standard library's .py files without its `test`/`tests`
directories (~800 files, ~340k lines). Every tool runs as a command, as a user runs it,
interleaved round by round so machine noise hits all of them alike; figures are medians and
the targets are ratios measured in the same run:
  * mu-lsp cold scan at least 3x faster than `radon cc` and than lizard
  * mu-lsp warm re-scan (unchanged files: stat only, one cache file) no slower than
    complexipy's cold scan (a fresh complexipy cache every run)
The cold scan's ratio to complexipy is printed with tree-sitter's own floor for context.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import sysconfig
import tempfile
import time
from pathlib import Path

BIN = Path(sys.executable).parent


def build_corpus(target: Path) -> tuple[int, int]:
    root = Path(sysconfig.get_paths()["stdlib"])
    files = lines = 0
    for path in root.rglob("*.py"):
        parts = path.relative_to(root).parts
        if "site-packages" in parts or any(p in ("test", "tests") for p in parts):
            continue
        destination = target / path.relative_to(root)
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, destination)
        files += 1
        lines += destination.read_bytes().count(b"\n")
    return files, lines


def _tree_sitter_work(task: tuple[list[str], bool]) -> int:
    import tree_sitter as ts

    from mu_lsp.analysis import parse
    from mu_lsp.analysis.rules import rules_for

    paths, with_query = task
    query = rules_for("python").query
    for path in paths:
        tree = parse(Path(path).read_bytes(), "python")
        if with_query:
            ts.QueryCursor(query).captures(tree.root_node)
    return len(paths)


def tree_sitter_floor(corpus: Path, with_query: bool, jobs: int = 2) -> float:
    """Seconds for tree-sitter's own work on `jobs` processes: parsing, and optionally running the
    engine's query, with none of the engine's Python. No tree-sitter-based scan can beat this."""
    import multiprocessing

    files = sorted(str(p) for p in corpus.rglob("*.py"))
    chunks = [(files[i::jobs], with_query) for i in range(jobs)]
    start = time.perf_counter()
    with multiprocessing.get_context("fork").Pool(jobs) as pool:
        pool.map(_tree_sitter_work, chunks)
    return time.perf_counter() - start


def tool(name: str) -> str | None:
    candidate = BIN / name
    return str(candidate) if candidate.exists() else shutil.which(name)


def timed(command: list[str], env: dict[str, str] | None = None) -> float:
    start = time.perf_counter()
    completed = subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env, check=False)
    elapsed = time.perf_counter() - start
    if completed.returncode not in (0, 1):  # complexipy exits 1 when functions exceed its limit
        raise SystemExit(f"{command[0]} failed ({completed.returncode}): {completed.stderr.decode()[:300]}")
    return elapsed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--corpus", type=Path, help="scan this directory instead of the stdlib copy")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="mu-bench-"))
    try:
        corpus = args.corpus
        if corpus is None:
            corpus = work / "corpus"
            files, lines = build_corpus(corpus)
            print(f"corpus: {files} files, {lines:,} lines (stdlib without tests)")
        mu = [sys.executable, "-m", "mu_lsp", "complexity", "--json", "--all", str(corpus)]
        runs: dict[str, list[float]] = {"mu-lsp cold": [], "mu-lsp warm": []}
        others: dict[str, list[str]] = {}
        if radon := tool("radon"):
            others["radon cc"] = [radon, "cc", "-j", str(corpus)]
        if lizard := tool("lizard"):
            others["lizard"] = [lizard, str(corpus)]
        if cx := tool("complexipy"):
            others["complexipy"] = [cx, str(corpus), "-q"]
        for name in others:
            runs[name] = []
        for round_ in range(args.repeat):
            cache = work / f"cache-{round_}"
            env = {**os.environ, "MU_CACHE_DIR": str(cache)}
            runs["mu-lsp cold"].append(timed(mu, env))
            runs["mu-lsp warm"].append(timed(mu, env))
            for name, command in others.items():
                extra = ["--cache-dir", str(work / f"cx-{round_}")] if name == "complexipy" else []
                runs[name].append(timed([*command, *extra]))
        parse_floor = statistics.median(tree_sitter_floor(corpus, False) for _ in range(args.repeat))
        query_floor = statistics.median(tree_sitter_floor(corpus, True) for _ in range(args.repeat))
        startup = statistics.median(
            timed([sys.executable, "-c", "import mu_lsp.cli, mu_lsp.analysis.scan"]) for _ in range(args.repeat)
        )
        medians = {name: statistics.median(values) for name, values in runs.items()}
        cold = medians["mu-lsp cold"]
        print(f"\n{'tool':<14}{'median s':>10}{'vs mu-lsp cold':>16}")
        for name, value in medians.items():
            print(f"{name:<14}{value:>10.3f}{value / cold:>15.2f}x")
        print("\ntargets:")
        verdicts = []
        for other in ("radon cc", "lizard"):
            if other in medians:
                ratio = medians[other] / cold
                verdicts.append(ratio >= 3)
                print(f"  {other} / mu-lsp cold = {ratio:.2f}x   (target >= 3x)  {'PASS' if ratio >= 3 else 'FAIL'}")
        if "complexipy" in medians:
            ratio = medians["mu-lsp warm"] / medians["complexipy"]
            verdicts.append(ratio <= 1)
            verdict = "PASS" if ratio <= 1 else "FAIL"
            print(f"  mu-lsp warm / complexipy cold = {ratio:.2f}x   (target <= 1x)  {verdict}")
            print(f"  mu-lsp cold / complexipy cold = {cold / medians['complexipy']:.2f}x   (context)")
        if "complexipy" in medians:
            cx = medians["complexipy"]
            print("  what tree-sitter alone costs on 2 processes (no tree-sitter-based scan can beat it):")
            print(f"    parse only           {parse_floor:.3f} s = {parse_floor / cx:.2f}x complexipy")
            print(f"    parse + engine query {query_floor:.3f} s = {query_floor / cx:.2f}x complexipy")
            floor = query_floor + startup
            print(f"    + interpreter start  {floor:.3f} s = {floor / cx:.2f}x complexipy")
        warm_ratio = medians["mu-lsp warm"] / cold
        print(f"  mu-lsp warm / cold = {warm_ratio:.2f}   (a warm re-scan stats files and reads one cache file)")
        return 0 if all(verdicts) else 1
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    raise SystemExit(main())
