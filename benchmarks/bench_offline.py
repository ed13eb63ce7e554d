"""The offline summarizer's cost per function, as a ratio to parsing the same source.

    python benchmarks/bench_offline.py [--repeat 5]

A summary must be cheap next to the parse the editor already paid for: the target is that
summarizing a 200-line and a 2,000-line function each costs at most 3x tree-sitter's parse of
the same text (both measured here, best of `--repeat` runs).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from mu_lsp.analysis import parse
from mu_lsp.analysis.offline.summary import summarize_offline

TARGET = 3.0
BLOCK = [
    "    if not name:",
    "        return None",
    "    for item in data.get('items', []):",
    "        value = self.convert(item, level)",
    "        if value:",
    "            self.store[item] = value",
    "    logger.debug('step %s', name)",
]


def long_python(lines: int) -> str:
    body = (BLOCK * (lines // len(BLOCK) + 1))[:lines]
    return "def big(self, name, data, level):\n" + "\n".join(body) + "\n    return self.store\n"


def best_of(repeat: int, work: object) -> float:
    timings = []
    for _ in range(repeat):
        start = time.perf_counter()
        work()  # type: ignore[operator]
        timings.append(time.perf_counter() - start)
    return min(timings)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    failed = False
    for lines in (200, 2000):
        source = long_python(lines)
        data = source.encode()
        parse_time = best_of(args.repeat, lambda data=data: parse(data, "python"))
        summary_time = best_of(args.repeat, lambda source=source: summarize_offline(source, "python", "big"))
        ratio = summary_time / parse_time
        ok = ratio <= TARGET
        failed |= not ok
        print(
            f"{lines:>5}-line function: parse {parse_time * 1e3:7.2f} ms, offline summary {summary_time * 1e3:7.2f} ms"
            f" = {ratio:5.2f}x parse (target <= {TARGET:g}x) {'MET' if ok else 'NOT MET'}"
        )
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
