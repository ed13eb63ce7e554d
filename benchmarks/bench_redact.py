"""Redaction time on adversarial input versus ordinary code of the same size.

    python benchmarks/bench_redact.py [--repeat 9]

Each adversarial text of tests/support/redaction.py (100 KB of `a`, thousands of BEGIN lines,
a URL that never closes, …; built to make a careless pattern quadratic) is timed against real
standard-library code of the same length, interleaved in the same run so machine noise hits
both alike. Times are CPU time of this process (time.process_time), best of `--repeat` runs,
so other work on a busy machine does not count. Targets:
  * every adversarial text within 5x the ordinary code of its size
  * linear: each text costs about twice the same text at half the size (≤ 3x; quadratic: 4x)
  * a 10 KB function body (the start of `inspect`) in ≤ 2 ms
For a text over a target, the detector that spends the most on it is named.
Exits with status 1 when a target is missed.
"""

from __future__ import annotations

import argparse
import gc
import sys
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from mu_lsp.privacy.redact import redact_secrets  # noqa: E402
from mu_lsp.privacy.redact.scanners import SCANNERS  # noqa: E402
from tests.support.redaction import ADVERSARIAL, adversarial, ordinary_code, typical_body  # noqa: E402

RATIO_TARGET = 5.0
GROWTH_TARGET = 3.0  # linear: 2x; quadratic: 4x; the margin is for noise on a busy machine
BODY_TARGET = 0.002


def cpu_time(function: Callable[[], object]) -> float:
    start = time.process_time()
    function()
    return time.process_time() - start


def best_times(texts: list[str], repeat: int) -> list[float]:
    """Best-of-`repeat` CPU time of redacting each text, the texts interleaved in every round."""
    best = [float("inf")] * len(texts)
    for _ in range(repeat):
        for index, text in enumerate(texts):
            best[index] = min(best[index], cpu_time(partial(redact_secrets, text)))
    return best


def slowest_detector(text: str) -> str:
    lowered = text.lower()
    timings = [(cpu_time(partial(list, scanner(text, lowered))), scanner) for scanner in SCANNERS]
    seconds, scanner = max(timings, key=lambda pair: pair[0])
    name = getattr(scanner, "__name__", "")
    rule = getattr(scanner, "__self__", None)
    label = f"rule {rule.kind}" if rule is not None else name.lstrip("_")
    return f"{label} {seconds * 1000:.1f} ms"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=9, help="runs per text; the best counts (default 9)")
    args = parser.parse_args()
    gc.disable()  # as timeit does: a collection in one run is noise, not redaction
    print(f"{'input':<16}{'chars':>9}{'adversarial':>14}{'ordinary':>12}{'ratio':>8}{'growth':>8}")
    ratios: dict[str, float] = {}
    growths: dict[str, float] = {}
    halves = adversarial(0.5)
    for name, text in ADVERSARIAL.items():
        ordinary = ordinary_code(len(text))
        full, half, ordinary_full = best_times([text, halves[name], ordinary], args.repeat)
        ratios[name] = full / ordinary_full
        growths[name] = full / half
        missed = ratios[name] > RATIO_TARGET or growths[name] > GROWTH_TARGET
        print(
            f"{name:<16}{len(text):>9,}{full * 1000:>11.1f} ms{ordinary_full * 1000:>9.1f} ms"
            f"{ratios[name]:>7.1f}x{growths[name]:>7.1f}x"
            + (f"  over target: {slowest_detector(text)}" if missed else "")
        )
    body = typical_body()
    (body_time,) = best_times([body], max(30, args.repeat))
    gc.enable()
    worst_ratio = max(ratios, key=ratios.__getitem__)
    worst_growth = max(growths, key=growths.__getitem__)
    results = [
        (
            f"worst adversarial/ordinary: {ratios[worst_ratio]:.1f}x ({worst_ratio}), target ≤ {RATIO_TARGET:g}x",
            ratios[worst_ratio] <= RATIO_TARGET,
        ),
        (
            f"worst growth, full/half size: {growths[worst_growth]:.1f}x ({worst_growth}), "
            f"target ≤ {GROWTH_TARGET:g}x (linear: 2x)",
            growths[worst_growth] <= GROWTH_TARGET,
        ),
        (
            f"10 KB body ({len(body):,} chars of inspect.py): {body_time * 1000:.2f} ms, "
            f"target ≤ {BODY_TARGET * 1000:g} ms",
            body_time <= BODY_TARGET,
        ),
    ]
    print()
    for line, met in results:
        print(f"{line}: {'met' if met else 'NOT MET'}")
    return 0 if all(met for _, met in results) else 1


if __name__ == "__main__":
    sys.exit(main())
