"""Source text for tests and benchmarks: one complex Python function, reproducible by name."""

from __future__ import annotations


def complex_function(name: str, salt: int = 0) -> str:
    """A function above both default thresholds (CC 12, cognitive 18); `salt` changes its body."""
    return (
        f"def {name}(items, mode, limit):\n"
        f"    total = {salt}\n"
        "    for item in items:\n"
        "        if item is None or item < 0:\n"
        "            continue\n"
        "        if mode == 'a' and item > limit:\n"
        "            for part in range(item):\n"
        "                if part % 2 and part > limit:\n"
        "                    total -= part\n"
        "                elif part or mode:\n"
        "                    total += 1\n"
        "        elif mode == 'b':\n"
        "            total += 2\n"
        "    return total\n\n\n"
    )
