"""Summary quality on the quality set, against any endpoint, through the project's own pool.

    # a llama.cpp server on loopback (OpenAI-compatible), one request at a time:
    python benchmarks/bench_quality.py --provider openai --api-base http://127.0.0.1:8088/v1 \\
        --model qwen2.5-coder-1.5b-instruct --timeout 300 --concurrency 1 \\
        [--record tests/fixtures/quality/answers/NAME.json --meta quant=Q4_K_M]
    # Ollama: --provider ollama --model qwen2.5-coder:1.5b; a paid provider: its key in the environment
    # no model at all: score answers recorded earlier
    python benchmarks/bench_quality.py --replay tests/fixtures/quality/answers/NAME.json

Prints facts covered, lines per answer, answers needing a retry, input/output tokens per
function, the prompt's fixed overhead (input tokens minus the body's tokens, counted by the
server's tokenizer when it offers one, else estimated), and seconds per function.
Targets (issue 14): >= 90 % of functions with all their facts on a 1.5B local model, 1-3
lines always, overhead <= 120 tokens, 0 discarded answers.

An unusable first answer is retried once with `stricter()` messages: by the pool once it does
so itself, else here, through the same transport.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime
import json
import os
import statistics
import sys
import tempfile
import time
import urllib.request
from collections.abc import Sequence
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")

from mu_lsp.config import LLMSettings  # noqa: E402
from mu_lsp.llm.completion import Completion  # noqa: E402
from mu_lsp.llm.cost import estimate_tokens  # noqa: E402
from mu_lsp.llm.factory import create_pool  # noqa: E402
from mu_lsp.llm.prompts import (  # noqa: E402
    PROMPT_VERSION,
    STRICT_INSTRUCTION,
    UnparseableAnswer,
    build_messages,
    parse_summary,
    stricter,
    truncate_body,
)
from mu_lsp.llm.providers import ModelConfig  # noqa: E402
from mu_lsp.llm.transport import complete  # noqa: E402
from mu_lsp.llm.types import SummarizationRequest  # noqa: E402
from mu_lsp.privacy.redact import redact_secrets  # noqa: E402
from tests.support.quality import (  # noqa: E402
    Attempt,
    QualityFunction,
    Recorded,
    Recording,
    dump_recording,
    load_recording,
    load_set,
    report,
)

OVERHEAD_TARGET = 120


class Recorder:
    """The pool's transport, wrapped: every answer is kept verbatim with its tokens and time."""

    def __init__(self) -> None:
        self.calls: dict[str, list[Attempt]] = {}

    async def __call__(
        self,
        model: ModelConfig,
        messages: list[dict[str, str]],
        api_base: str | None,
        api_key: str | None,
        timeout: float,
    ) -> Completion:
        started = time.perf_counter()
        completion = await complete(model, messages, api_base, api_key, timeout)
        user = messages[-1]["content"]
        strict = user.endswith(STRICT_INSTRUCTION)
        base = user.removesuffix("\n\n" + STRICT_INSTRUCTION) if strict else user
        self.calls.setdefault(base, []).append(
            Attempt(
                completion.text,
                strict,
                completion.input_tokens,
                completion.output_tokens,
                time.perf_counter() - started,
            )
        )
        return completion


def interleaved(functions: Sequence[QualityFunction]) -> list[QualityFunction]:
    """Round-robin over languages, in set order within each."""
    by_language: dict[str, list[QualityFunction]] = {}
    for function in functions:
        by_language.setdefault(function.language, []).append(function)
    queues = list(by_language.values())
    return [q[i] for i in range(max(map(len, queues), default=0)) for q in queues if i < len(q)]


def _recorded(function: QualityFunction, recorder: Recorder, body_tokens: int) -> Recorded:
    request = function.request()
    messages = build_messages(request, redact_secrets(request.body_source).text)
    return Recorded(function.id, tuple(recorder.calls.get(messages[-1]["content"], [])), body_tokens)


def sent_body(request: SummarizationRequest) -> str:
    """The body as it sits in the prompt (redacted, truncated)."""
    return truncate_body(redact_secrets(request.body_source).text)[0].rstrip("\n")


def server_token_count(api_base: str | None, text: str) -> int:
    """Tokens of `text` by the server's own tokenizer (llama.cpp's servers); 0 when unavailable."""
    if not api_base:
        return 0
    parsed = urlparse(api_base)
    root = f"{parsed.scheme}://{parsed.netloc}"
    for path, payload in (("/extras/tokenize", {"input": text}), ("/tokenize", {"content": text})):
        request = urllib.request.Request(
            root + path, data=json.dumps(payload).encode(), headers={"Content-Type": "application/json"}
        )
        try:
            with urllib.request.urlopen(request, timeout=30) as reply:
                tokens = json.loads(reply.read()).get("tokens")
        except (OSError, ValueError):
            continue
        if isinstance(tokens, list):
            return len(tokens)
    return 0


def estimated_overhead(request: SummarizationRequest) -> int:
    """The fixed part by the project's own estimator (~4 characters a token, 4 a message)."""
    body = sent_body(request)
    messages = build_messages(request, redact_secrets(request.body_source).text)
    return sum(estimate_tokens(m["content"].replace(body, "")) + 4 for m in messages)


async def run_live(args: argparse.Namespace, functions: Sequence[QualityFunction]) -> Recording:
    recorder = Recorder()
    meta: dict[str, object] = {
        "model": args.model,
        "provider": args.provider,
        "prompt_version": PROMPT_VERSION,
        "recorded": datetime.date.today().isoformat(),
        "settings": {"timeout_seconds": args.timeout, "concurrency": args.concurrency, "max_retries": args.max_retries},
        "command": " ".join(sys.argv),
        **dict(item.split("=", 1) for item in args.meta),
    }
    settings = LLMSettings(
        provider=args.provider,
        model=args.model,
        api_base=args.api_base,
        timeout_seconds=args.timeout,
        max_retries=args.max_retries,
        concurrency=args.concurrency,
        max_session_cost_usd=args.budget,
    )
    functions = interleaved(functions)  # a run cut short still covers every language
    requests = [f.request() for f in functions]
    # Counted before the run: the server answers one request at a time.
    body_tokens = {
        f.id: server_token_count(args.api_base, sent_body(r)) for f, r in zip(functions, requests, strict=True)
    }
    with tempfile.TemporaryDirectory() as cache:
        pool = create_pool(
            settings, cache_base_path=Path(cache), use_disk_cache=False, probe_ollama=False, complete_fn=recorder
        )
        started = time.perf_counter()
        done = 0

        def progress(finished: int, total: int) -> None:
            nonlocal done
            done = finished
            print(f"  {finished}/{total} after {time.perf_counter() - started:.0f} s", file=sys.stderr, flush=True)
            if args.record:  # written as answers arrive: a slow run cut short keeps what it has
                partial = [_recorded(f, recorder, body_tokens[f.id]) for f in functions]
                dump_recording(meta, [a for a in partial if a.attempts], args.record)

        results = await pool.summarize_batch(requests, progress_callback=progress, use_cache=False)
        answers = []
        for function, request, result in zip(functions, requests, results, strict=True):
            messages = build_messages(request, redact_secrets(request.body_source).text)
            attempts = recorder.calls.get(messages[-1]["content"], [])
            needs_retry = bool(attempts) and not _usable(attempts[0].text)
            if needs_retry and not any(a.strict for a in attempts):  # the pool does not retry yet
                await recorder(pool.config.model, stricter(messages), args.api_base, pool._api_key(), args.timeout)
                attempts = recorder.calls[messages[-1]["content"]]
            error = None if attempts else (result.error or "no answer")
            answers.append(Recorded(function.id, tuple(attempts), body_tokens[function.id], error))
        pool.close()
    return Recording(meta, {a.id: a for a in answers})


def _usable(text: str) -> bool:
    try:
        parse_summary(text)
    except UnparseableAnswer:
        return False
    return True


def print_report(recording: Recording, functions: Sequence[QualityFunction], *, verbose: bool) -> None:
    result, scores = report(functions, recording.answers)
    meta = recording.meta
    print(f"model: {meta.get('model')}  quant: {meta.get('quant', '?')}  prompt: {meta.get('prompt_version')}")
    if meta.get("prompt_version") != PROMPT_VERSION:
        print(f"  (recorded with prompt {meta.get('prompt_version')}; this checkout builds {PROMPT_VERSION})")
    inputs, outputs, overheads, seconds = [], [], [], []
    estimates = [estimated_overhead(f.request()) for f in functions]
    for item in scores:
        answer = recording.answers.get(item.function.id)
        attempts = answer.attempts if answer else ()
        first = attempts[0] if attempts else None
        if first is not None:
            inputs.append(first.input_tokens)
            outputs.append(first.output_tokens)
            seconds.append(sum(a.seconds for a in attempts))
            if answer is not None and answer.body_tokens and first.input_tokens:
                overheads.append(first.input_tokens - answer.body_tokens)
        if verbose:
            facts = f"{len(item.function.facts) - len(item.missed)}/{len(item.function.facts)}"
            lines = len(item.bullets) if item.bullets is not None else 0
            retry = " retry" if answer is not None and answer.needed_retry else ""
            cost = (
                f"{first.input_tokens}+{first.output_tokens} tok {sum(a.seconds for a in attempts):5.1f} s"
                if first
                else "-"
            )
            print(f"  {item.function.id:28} facts {facts} lines {lines}{retry:6} {cost}")
            for fact in item.missed:
                print(f"      missed {fact.kind}: {fact.text}")
    print(*result.lines(), sep="\n")
    if inputs:
        print(
            f"tokens per function: input mean {statistics.fmean(inputs):.0f} (max {max(inputs)}), "
            f"output mean {statistics.fmean(outputs):.0f} (max {max(outputs)})"
        )
    if overheads:
        print(
            f"fixed overhead (server tokenizer): min {min(overheads)}, mean {statistics.fmean(overheads):.0f}, "
            f"max {max(overheads)} tokens (target <= {OVERHEAD_TARGET})"
        )
    print(
        f"fixed overhead (estimate, 4 chars/token): min {min(estimates)}, mean {statistics.fmean(estimates):.0f}, "
        f"max {max(estimates)} tokens"
    )
    if seconds:
        print(
            f"seconds per function: mean {statistics.fmean(seconds):.1f}, median {statistics.median(seconds):.1f}, "
            f"max {max(seconds):.1f} (retries included)"
        )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--replay", type=Path, help="score a recording instead of calling a model")
    parser.add_argument("--provider", default="openai", help="openai (any OpenAI-compatible server), ollama, ...")
    parser.add_argument("--model", default="qwen2.5-coder-1.5b-instruct")
    parser.add_argument("--api-base", default="http://127.0.0.1:8088/v1")
    parser.add_argument("--timeout", type=float, default=300.0, help="per request; a 2-core CPU needs minutes")
    parser.add_argument("--concurrency", type=int, default=1)
    parser.add_argument("--max-retries", type=int, default=0, help="transport retries (timeouts, 5xx)")
    parser.add_argument("--budget", type=float, default=1.0, help="USD, for paid providers")
    parser.add_argument("--only", default="", help="comma-separated ids from the set")
    parser.add_argument("--record", type=Path, help="write the answers here (JSON)")
    parser.add_argument("--meta", action="append", default=[], help="key=value stored in the recording")
    parser.add_argument("-q", "--quiet", action="store_true", help="totals only")
    args = parser.parse_args(argv)
    functions = load_set()
    if args.only:
        wanted = set(args.only.split(","))
        functions = [f for f in functions if f.id in wanted]
    if args.replay:
        recording = load_recording(args.replay)
        recorded = [f for f in functions if f.id in recording.answers]
        if len(recorded) < len(functions):
            print(f"answers recorded for {len(recorded)} of the set's {len(functions)} functions; scoring those")
        functions = recorded
    else:
        recording = asyncio.run(run_live(args, functions))
        if args.record:
            dump_recording(recording.meta, recording.answers.values(), args.record)
            print(f"recorded {len(recording.answers)} answers in {args.record}", file=sys.stderr)
    print_report(recording, functions, verbose=not args.quiet)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
