"""From an analysed function to a summarization request (shared by the CLI and the server)."""

from __future__ import annotations

import contextlib
from collections.abc import Sequence
from pathlib import Path

import tree_sitter as ts

from mu_lsp.analysis.hashing import function_hash
from mu_lsp.analysis.languages import LANGUAGES
from mu_lsp.analysis.model import FunctionInfo
from mu_lsp.llm.types import SummarizationRequest

MAX_SIGNATURE_CHARS = 300
MAX_HOT_SPOT_CHARS = 100


def line_starts_of(source: bytes) -> list[int]:
    """Byte offset of every line: computed once per file, so finding a line is O(1)."""
    starts = [0]
    find = source.find
    index = find(b"\n")
    while index != -1:
        starts.append(index + 1)
        index = find(b"\n", index + 1)
    return starts


def line_at(source: bytes, row: int, line_starts: list[int]) -> str:
    """The text of 0-based `row` (without its newline)."""
    if row >= len(line_starts):
        return ""
    start = line_starts[row]
    end = source.find(b"\n", start)
    return source[start : end if end != -1 else len(source)].decode("utf-8", "replace").rstrip("\r")


def signature_of(function: FunctionInfo, source: bytes) -> str:
    """From the line of the name to the start of the body, whitespace collapsed."""
    start = source.rfind(b"\n", 0, function.start_byte) + 1
    name_line_start = start
    row = function.start_row
    while row < function.name_row:
        found = source.find(b"\n", name_line_start)
        if found == -1:
            break
        name_line_start = found + 1
        row += 1
    text = source[name_line_start : function.body_start_byte].decode("utf-8", "replace")
    text = " ".join(text.split())
    return text if len(text) <= MAX_SIGNATURE_CHARS else text[: MAX_SIGNATURE_CHARS - 1] + "…"


def prompt_path(path: str | Path, roots: Sequence[str | Path]) -> str:
    """The path a prompt names: relative to the first root that holds it, else the file name
    alone. Never absolute: that would send the user's name and directory layout to the provider,
    and make the CLI's prompts (given absolute paths) differ from the server's."""
    resolved = Path(path)
    for root in roots:
        with contextlib.suppress(ValueError):
            return resolved.relative_to(root).as_posix() or resolved.name
    return resolved.name


def context_of(function: FunctionInfo, display_path: str) -> str:
    parent = function.qualified_name.rpartition(".")[0]
    return f"{display_path}, inside {parent}" if parent else display_path


def hot_spot_lines(function: FunctionInfo, source: bytes, line_starts: list[int]) -> tuple[str, ...]:
    spots = sorted(function.hot_spot_rows(), key=lambda spot: (-spot[1], spot[0]))
    lines = []
    for row, increment in spots:
        text = line_at(source, row, line_starts).strip()
        if len(text) > MAX_HOT_SPOT_CHARS:
            text = text[: MAX_HOT_SPOT_CHARS - 1] + "…"
        lines.append(f"line {row + 1} (+{increment}): {text}")
    return tuple(lines)


def build_request(
    function: FunctionInfo,
    source: bytes,
    tree: ts.Tree,
    path: Path | str | None,
    display_path: str,
    line_starts: list[int] | None = None,
    body_hash: str | None = None,
) -> SummarizationRequest:
    """The request for one function; `body_hash` may be passed when already known, and
    `line_starts` (from `line_starts_of`) should be, for many functions of one file."""
    if line_starts is None:
        line_starts = line_starts_of(source)
    if body_hash is None:
        body_hash = function_hash(
            tree,
            source,
            function.start_byte,
            function.end_byte,
            LANGUAGES[function.language].comment_types,
        )
    return SummarizationRequest(
        function_name=function.qualified_name,
        body_source=source[function.start_byte : function.end_byte].decode("utf-8", "replace"),
        language=function.language,
        context=context_of(function, display_path),
        signature=signature_of(function, source),
        hot_spots=hot_spot_lines(function, source, line_starts),
        body_hash=body_hash,
        path=str(path) if path is not None else None,
        cyclomatic=function.cyclomatic,
        cognitive=function.cognitive,
    )
