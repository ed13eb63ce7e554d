"""One way to write money, everywhere it is shown (status bar, progress, stats, hover, CLI).

Four decimals, because one summary costs a fraction of a cent; a spend that includes calls to
models whose price is unknown says so instead of pretending they were free.
"""

from __future__ import annotations


def format_usd(amount: float) -> str:
    """`$0.0123`; a non-zero amount too small for four decimals is `<$0.0001`, not `$0.0000`."""
    if 0 < amount < 0.00005:
        return "<$0.0001"
    return f"${amount:.4f}"


def format_spend(known_usd: float, unknown_cost_calls: int = 0) -> str:
    """`$0.0123`, or `$0.0123 + 3 calls at unknown prices`."""
    text = format_usd(known_usd)
    if unknown_cost_calls:
        plural = "s" if unknown_cost_calls != 1 else ""
        text += f" + {unknown_cost_calls} call{plural} at unknown prices"
    return text
