"""`bench_server.py`'s keystroke and hover/codeLens measures for PHP, Ruby, Kotlin and Swift.

For each language a ~20k-line file of complex functions (each above both default thresholds,
16 lines, as `tests/support/sources.complex_function` is for Python) is typed into as in the
Python keystroke measure, and opened in the server, summarized, then asked for hovers and
lenses (issue 18).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import Any

LANGUAGES = ("php", "ruby", "kotlin", "swift")
EXTENSIONS = {"php": "php", "ruby": "rb", "kotlin": "kt", "swift": "swift"}


def complex_function(language: str, index: int) -> str:
    """16 lines; cyclomatic 12, cognitive >= 15 in each language."""
    name = f"handler_{index}"
    if language == "php":
        return (
            f"function {name}($items, $mode, $limit) {{\n    $total = {index};\n"
            "    foreach ($items as $item) {\n        if ($item === null || $item < 0) {\n"
            "            continue;\n        }\n        if ($mode === 'a' && $item > $limit) {\n"
            "            for ($part = 0; $part < $item; $part++) {\n"
            "                if ($part % 2 && $part > $limit) { $total -= $part; }\n"
            "                elseif ($part || $mode) { $total += 1; }\n            }\n"
            "        } elseif ($mode === 'b') {\n            $total += 2;\n        }\n"
            "    }\n    return $total;\n}\n"
        )
    if language == "ruby":
        return (
            f"def {name}(items, mode, limit)\n  total = {index}\n  items.each do |item|\n"
            "    next if item.nil? || item < 0\n    if mode == 'a' && item > limit\n"
            "      (0...item).each do |part|\n        if part.odd? && part > limit\n"
            "          total -= part\n        elsif part.positive? || mode\n"
            "          total += 1\n        end\n      end\n    elsif mode == 'b'\n"
            "      total += 2\n    end\n  end\n  total\nend\n"
        )
    if language == "kotlin":
        return (
            f"fun {name}(items: List<Int?>, mode: String, limit: Int): Int {{\n    var total = {index}\n"
            "    for (item in items) {\n        if (item == null || item < 0) {\n            continue\n"
            '        }\n        if (mode == "a" && item > limit) {\n            for (part in 0 until item) {\n'
            "                if (part % 2 == 1 && part > limit) { total -= part }\n"
            '                else if (part > 0 || mode == "c") { total += 1 }\n            }\n'
            '        } else if (mode == "b") {\n            total += 2\n        }\n    }\n    return total\n}\n'
        )
    return (
        f"func {name}(items: [Int?], mode: String, limit: Int) -> Int {{\n    var total = {index}\n"
        "    for item in items {\n        guard let item = item, item >= 0 else {\n            continue\n"
        '        }\n        if mode == "a" && item > limit {\n            for part in 0..<item {\n'
        "                if part % 2 == 1 && part > limit { total -= part }\n"
        '                else if part > 0 || mode == "c" { total += 1 }\n            }\n'
        '        } else if mode == "b" {\n            total += 2\n        }\n    }\n    return total\n}\n'
    )


def source(language: str, lines_target: int = 20_000) -> str:
    head = "<?php\n" if language == "php" else ""
    return head + "".join(complex_function(language, i) for i in range(lines_target // 16 + 1))


Request = Callable[[str, Any], Awaitable[Any]]


async def summarized_latencies(
    request: Request,
    notify: Callable[[str, Any], None],
    latencies: Callable[[str, list[int]], Awaitable[tuple[list[float], list[float]]]],
    workspace_uri: str,
    language: str,
) -> tuple[list[float], list[float], int]:
    """Open the language's 20k-line file, wait until every lens is summarized, then measure
    hover and codeLens+resolve round trips (as the Python measure does). Returns the two
    latency lists and the number of functions."""
    text = source(language)
    uri = f"{workspace_uri}/big.{EXTENSIONS[language]}"
    notify("textDocument/didOpen", {"textDocument": {"uri": uri, "languageId": language, "version": 1, "text": text}})
    rows = [i for i, line in enumerate(text.splitlines()) if "handler_" in line]
    deadline = time.monotonic() + 600
    while time.monotonic() < deadline:
        found = await request("textDocument/codeLens", {"textDocument": {"uri": uri}}) or []
        if len(found) == len(rows):
            titles = [(await request("codeLens/resolve", lens))["command"]["title"] for lens in found[-5:]]
            stats = await request("workspace/executeCommand", {"command": "mu.showStats", "arguments": []})
            if all("fake summary" in t for t in titles) and stats["pending"] == 0:
                break
        await asyncio.sleep(0.5)
    else:
        raise SystemExit(f"{language}: summaries did not arrive")
    hover, lens = await latencies(uri, rows)
    return hover, lens, len(rows)
