"""`mu-lsp summarize PATH...`: estimate, confirm, summarize complex functions, print them.

Exit status: 0 when every function was summarized or came from the cache, 1 when some failed
(every row is still printed), 2 for usage or configuration errors.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

from mu_lsp.analysis import analyze_tree_functions, parse
from mu_lsp.analysis.model import FunctionInfo, Thresholds
from mu_lsp.analysis.walk import discover
from mu_lsp.cli.complexity_cmd import display_path
from mu_lsp.cli.parser import settings_layer
from mu_lsp.cli.summarize_args import SETTING_FLAGS
from mu_lsp.config import ConfigProblem, Settings, load_settings
from mu_lsp.llm.factory import create_pool
from mu_lsp.llm.outgoing import outgoing_request
from mu_lsp.llm.pool import LLMPool
from mu_lsp.llm.types import CostEstimate, SummarizationRequest, SummarizationResult
from mu_lsp.summarizing import build_request, line_starts_of, prompt_path
from mu_lsp.untrusted import visible_text


@dataclass(frozen=True, slots=True)
class Job:
    path: str
    function: FunctionInfo
    request: SummarizationRequest


def _collect(paths: list[Path], thresholds: Thresholds, err: TextIO) -> list[Job]:
    candidates, skipped, _ = discover(paths)
    roots = [path.resolve() if path.is_dir() else path.resolve().parent for path in paths]
    for item in skipped:
        print(f"mu-lsp: skipped {display_path(str(item.path))}: {item.reason}", file=err)
    jobs: list[Job] = []
    for candidate in candidates:
        try:
            source = candidate.path.read_bytes()
        except OSError as error:
            print(
                f"mu-lsp: skipped {display_path(str(candidate.path))}: unreadable ({error.strerror})",
                file=err,
            )
            continue
        tree = parse(source, candidate.language)
        shown = display_path(str(candidate.path))
        starts = line_starts_of(source)
        named = prompt_path(candidate.path.resolve(), roots)  # as the server names it: relative
        for function in analyze_tree_functions(tree, source, candidate.language):
            if function.is_complex(thresholds):
                request = build_request(function, source, tree, candidate.path, named, starts)
                jobs.append(Job(shown, function, request))
    jobs.sort(key=lambda j: (-j.function.cognitive, -j.function.cyclomatic, j.path, j.function.name_row))
    return jobs


def run(args: argparse.Namespace) -> int:
    out, err = sys.stdout, sys.stderr
    missing = [p for p in args.paths if not p.exists()]
    if missing:
        print(f"mu-lsp summarize: no such file or directory: {missing[0]}", file=err)
        return 2
    settings, problems = load_settings(Path.cwd(), [("command line", settings_layer(args, SETTING_FLAGS))])
    if _report(problems, err):
        return 2
    thresholds = Thresholds(settings.complexity.cyclomatic, settings.complexity.cognitive)
    jobs = _collect(list(args.paths), thresholds, err)
    pool = create_pool(settings, workspace_root=Path.cwd(), use_disk_cache=True)
    try:
        for warning in pool.warnings:
            print(f"mu-lsp: warning: {warning}", file=err)
        return _run_jobs(args, settings, pool, jobs, out, err)
    finally:
        pool.close()


def _report(problems: list[ConfigProblem], err: TextIO) -> bool:
    for problem in problems:
        print(f"mu-lsp: {problem.severity}: {problem}", file=err)
    return any(p.severity == "error" for p in problems)


def _run_jobs(
    args: argparse.Namespace,
    settings: Settings,
    pool: LLMPool,
    jobs: list[Job],
    out: TextIO,
    err: TextIO,
) -> int:
    requests = [job.request for job in jobs]
    estimate = pool.estimate(requests, use_cache=not args.no_cache)
    label = "offline structural summaries" if pool.provider.spec.offline else f"{pool.provider.value}/{pool.model_name}"
    print(
        f"mu-lsp: {len(jobs)} complex function{'s' if len(jobs) != 1 else ''}; {label}: {estimate.describe()}",
        file=err,
    )
    if args.dry_run:
        _print_dry_run(args, pool, jobs, out)
        return 0
    if not jobs:
        if args.json:
            out.write("[]\n")
        return 0
    if not _confirmed(args, estimate, err):
        return 2
    progress = _Progress(err, pool) if err.isatty() and not args.json else None
    results = asyncio.run(_summarize(pool, requests, progress, not args.no_cache))
    if progress is not None:
        progress.finish()
    if args.json:
        json.dump([_row(job, result) for job, result in zip(jobs, results, strict=True)], out, indent=2)
        out.write("\n")
    else:
        for job, result in zip(jobs, results, strict=True):
            _print_text(job, result, out)
    stats = pool.stats
    shared = pool.cache.shared_stats()
    from_shared = "" if shared["state"] == "off" else f" ({stats.shared_hits} from the shared store)"
    if shared["state"] == "unavailable":
        from_shared = f" (the shared store {shared['store']} was unavailable: {shared['reason']})"
    print(
        f"mu-lsp: {stats.completed} summarized, {stats.cache_hits} from cache{from_shared}, {stats.failures} failed; "
        f"{stats.requests} request{'s' if stats.requests != 1 else ''}, ${stats.cost_usd:.4f}",
        file=err,
    )
    return 1 if any(not r.ok for r in results) else 0


async def _summarize(
    pool: LLMPool, requests: list[SummarizationRequest], progress: _Progress | None, use_cache: bool
) -> list[SummarizationResult]:
    try:
        return await pool.summarize_batch(requests, progress.update if progress else None, use_cache=use_cache)
    finally:
        if pool.cache.shared is not None:  # its connections belong to this loop
            await pool.cache.shared.aclose()


def _confirmed(args: argparse.Namespace, estimate: CostEstimate, err: TextIO) -> bool:
    if args.yes or estimate.requests == 0 or estimate.is_free:
        return True
    cost = "an unknown amount" if estimate.cost_usd is None else f"about ${estimate.cost_usd:.4f}"
    if not sys.stdin.isatty():
        print(
            f"mu-lsp summarize: this would cost {cost}; pass --yes to confirm (no terminal to ask on)",
            file=err,
        )
        return False
    err.write(f"Proceed and spend {cost}? [y/N] ")
    err.flush()
    answer = sys.stdin.readline().strip().lower()
    if answer in ("y", "yes"):
        return True
    print("mu-lsp summarize: cancelled", file=err)
    return False


def _print_dry_run(args: argparse.Namespace, pool: LLMPool, jobs: list[Job], out: TextIO) -> None:
    rows = []
    for job in jobs:
        outgoing = outgoing_request(job.request)
        excluded = pool.is_excluded(job.request)
        rows.append(
            {
                "path": job.path,
                "qualified_name": job.function.qualified_name,
                "line": job.function.name_row + 1,
                "excluded": excluded,
                "redactions": outgoing.redactions,
                "messages": [] if excluded or pool.provider.spec.offline else outgoing.messages,
            }
        )
    if args.json:
        json.dump(rows, out, indent=2)
        out.write("\n")
        return
    for row in rows:
        out.write(f"{row['path']}:{row['line']} {row['qualified_name']}")
        if row["excluded"]:
            out.write("  (excluded: nothing would be sent)\n")
            continue
        out.write(f"  ({row['redactions']} secret{'s' if row['redactions'] != 1 else ''} redacted)\n")
        for message in messages_of(row):
            out.write(f"--- {message['role']} ---\n{message['content']}\n")
        out.write("\n")


def messages_of(row: dict[str, Any]) -> list[dict[str, str]]:
    messages = row.get("messages")
    return messages if isinstance(messages, list) else []


def _row(job: Job, result: SummarizationResult) -> dict[str, Any]:
    return {
        "path": job.path,
        "qualified_name": job.function.qualified_name,
        "line": job.function.name_row + 1,
        "cyclomatic": job.function.cyclomatic,
        "cognitive": job.function.cognitive,
        "summary": [visible_text(bullet) for bullet in result.summary],
        "cached": result.cached,
        "error": result.error,
        "model": result.model,
    }


def _print_text(job: Job, result: SummarizationResult, out: TextIO) -> None:
    fn = job.function
    origin = "cached" if result.cached else ("offline" if result.offline else visible_text(result.model))
    out.write(
        f"{job.path}:{fn.name_row + 1}  {fn.qualified_name}  (CC {fn.cyclomatic} · cog {fn.cognitive}) [{origin}]\n"
    )
    if result.error:
        out.write(f"  ! {visible_text(result.error)}\n")
    for bullet in result.summary:
        out.write(f"  - {visible_text(bullet)}\n")
    out.write("\n")


class _Progress:
    """A one-line progress bar on stderr, only when stderr is a terminal."""

    def __init__(self, err: TextIO, pool: LLMPool) -> None:
        self._err = err
        self._pool = pool

    def update(self, done: int, total: int) -> None:
        width = 24
        filled = width * done // max(total, 1)
        bar = "#" * filled + "." * (width - filled)
        self._err.write(f"\r[{bar}] {done}/{total} · ${self._pool.stats.cost_usd:.4f}")
        self._err.flush()

    def finish(self) -> None:
        self._err.write("\n")
        self._err.flush()
