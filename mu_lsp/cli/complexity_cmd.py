"""`mu-lsp complexity PATH... [--json] [--all]`: complexity figures, no LLM involved."""

from __future__ import annotations

import argparse
import functools
import json
import os
import sys
from pathlib import Path
from typing import TextIO

from mu_lsp.analysis.model import Thresholds
from mu_lsp.analysis.scan import FunctionRow, scan_paths
from mu_lsp.analysis.walk import Skipped
from mu_lsp.cachedir import COMPLEXITY_STORE, LEGACY_STORES, drop_legacy_store, resolve_cache_dir
from mu_lsp.cli.parser import POSITIVE_INT, setting_type, settings_layer
from mu_lsp.config import ConfigProblem, declared, load_settings

# flag -> the setting it sets in the command-line layer (the flag's type is the setting's kind)
SETTING_FLAGS = {"cyclomatic": "complexity.cyclomatic", "cognitive": "complexity.cognitive"}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("paths", nargs="+", type=Path, metavar="PATH", help="files or directories")
    parser.add_argument("--json", action="store_true", help="print one JSON array")
    parser.add_argument("--all", action="store_true", help="list every function, not only complex ones")
    for flag, dotted in SETTING_FLAGS.items():
        default = declared(dotted).default
        parser.add_argument(
            f"--{flag}", type=setting_type(dotted), metavar="N", help=f"{flag} threshold (default {default})"
        )
    parser.add_argument("--jobs", "-j", type=POSITIVE_INT, metavar="N", help="worker processes (default: all cores)")
    parser.add_argument("--no-cache", action="store_true", help="neither read nor write the result cache")


@functools.cache
def display_path(path: str) -> str:
    """Relative to the current directory when inside it, else as is."""
    try:
        relative = os.path.relpath(path)
    except ValueError:
        return path
    return path if relative.startswith("..") else relative


def run(args: argparse.Namespace) -> int:
    settings, problems = load_settings(Path.cwd(), [("command line", settings_layer(args, SETTING_FLAGS))])
    _report_problems(problems)
    thresholds = Thresholds(cyclomatic=settings.complexity.cyclomatic, cognitive=settings.complexity.cognitive)
    missing = [p for p in args.paths if not p.exists()]
    if missing:
        print(f"mu-lsp complexity: no such file or directory: {missing[0]}", file=sys.stderr)
        return 2
    cache_dir = None
    if not args.no_cache:
        root = resolve_cache_dir(settings.cache.dir)
        drop_legacy_store(root / LEGACY_STORES[1])
        cache_dir = root / COMPLEXITY_STORE
    result = scan_paths(list(args.paths), cache_dir, jobs=args.jobs, on_skip=_report_skip)
    rows = [r for r in result.functions if args.all or thresholds.is_complex(r.cyclomatic, r.cognitive)]
    if args.json:
        rows.sort(key=lambda r: (r.path, r.line))
        write_json_lines(rows, thresholds, sys.stdout)
    else:
        _print_table(rows, thresholds, result.files_analyzed, len(result.functions), args.all)
    return 0


def write_json_array(items: list[dict[str, object]], out: TextIO) -> None:
    """One object per line: readable, and encoded by json's C encoder (indent= is pure Python)."""
    if not items:
        out.write("[]\n")
        return
    out.write("[\n  ")
    out.write(",\n  ".join(json.dumps(item, ensure_ascii=False) for item in items))
    out.write("\n]\n")


def write_json_lines(rows: list[FunctionRow], thresholds: Thresholds, out: TextIO) -> None:
    """The same text as `write_json_array` of `_as_json` rows, built from C-escaped strings: a
    warm re-scan of a large tree spends more on printing than on scanning otherwise."""
    if not rows:
        out.write("[]\n")
        return
    quote = json.encoder.encode_basestring  # json.dumps(..., ensure_ascii=False) of a str
    paths: dict[str, str] = {}
    lines = []
    for r in rows:
        head = paths.get(r.path)
        if head is None:
            head = paths[r.path] = f'{{"path": {quote(display_path(r.path))}, "language": {quote(r.language)}, '
        complex_ = "true" if thresholds.is_complex(r.cyclomatic, r.cognitive) else "false"
        lines.append(
            f'{head}"name": {quote(r.name)}, "qualified_name": {quote(r.qualified_name)}, "line": {r.line}, '
            f'"end_line": {r.end_line}, "cyclomatic": {r.cyclomatic}, "cognitive": {r.cognitive}, '
            f'"complex": {complex_}}}'
        )
    out.write("[\n  ")
    out.write(",\n  ".join(lines))
    out.write("\n]\n")


def _report_skip(item: Skipped) -> None:
    print(f"mu-lsp: skipped {display_path(str(item.path))}: {item.reason}", file=sys.stderr)


def _report_problems(problems: list[ConfigProblem]) -> None:
    for problem in problems:
        print(f"mu-lsp: {problem.severity}: {problem}", file=sys.stderr)


def _as_json(row: FunctionRow, thresholds: Thresholds) -> dict[str, object]:
    return {
        "path": display_path(row.path),
        "language": row.language,
        "name": row.name,
        "qualified_name": row.qualified_name,
        "line": row.line,
        "end_line": row.end_line,
        "cyclomatic": row.cyclomatic,
        "cognitive": row.cognitive,
        "complex": thresholds.is_complex(row.cyclomatic, row.cognitive),
    }


def _print_table(rows: list[FunctionRow], thresholds: Thresholds, files: int, functions: int, show_all: bool) -> None:
    rows.sort(key=lambda r: (-r.cognitive, -r.cyclomatic, r.path, r.line))
    out = sys.stdout
    if rows:
        width = min(max(len(r.qualified_name) for r in rows), 60)
        out.write(f"{'CC':>4} {'COG':>4}  {'FUNCTION':<{width}}  LOCATION\n")
        for r in rows:
            name = r.qualified_name if len(r.qualified_name) <= width else r.qualified_name[: width - 1] + "…"
            flag = "*" if show_all and thresholds.is_complex(r.cyclomatic, r.cognitive) else " "
            out.write(f"{r.cyclomatic:>4} {r.cognitive:>4}{flag} {name:<{width}}  {display_path(r.path)}:{r.line}\n")
    complex_count = sum(1 for r in rows if thresholds.is_complex(r.cyclomatic, r.cognitive))
    noun = "function" if functions == 1 else "functions"
    out.write(
        f"{complex_count} complex of {functions} {noun} in {files} "
        f"file{'s' if files != 1 else ''} (complex: cyclomatic >= {thresholds.cyclomatic} "
        f"or cognitive >= {thresholds.cognitive})\n"
    )
