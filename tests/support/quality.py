"""The quality set: functions, the facts their summaries must carry, recorded answers, scores.

A fact is covered when any of its patterns (case-insensitive regular expressions) matches
the summary lines joined together: a keyword check that is cheap and repeatable, not a judge
of style. Requests are built by the project's own engine (tree-sitter analysis and
`mu_lsp.summarizing.build_request`), exactly as the server builds them.

Used by `tests/unit/test_quality_set.py` (on recorded answers, in CI) and by
`benchmarks/bench_quality.py` (against a live endpoint).
"""

from __future__ import annotations

import json
import re
import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from mu_lsp.analysis import analyze_tree_functions, parse
from mu_lsp.llm.prompts import UnparseableAnswer, parse_summary
from mu_lsp.llm.types import SummarizationRequest
from mu_lsp.summarizing import build_request

QUALITY_DIR = Path(__file__).resolve().parents[1] / "fixtures" / "quality"
SET_PATH = QUALITY_DIR / "set.json"
ANSWERS_DIR = QUALITY_DIR / "answers"
FACT_KINDS = ("returns", "raises", "mutates")


@dataclass(frozen=True, slots=True)
class Fact:
    kind: str  # returns | raises | mutates
    text: str  # what a reader should learn, for reports
    patterns: tuple[str, ...]

    def covered_by(self, summary: str) -> bool:
        return any(re.search(pattern, summary, re.IGNORECASE) for pattern in self.patterns)


@dataclass(frozen=True, slots=True)
class QualityFunction:
    id: str
    language: str
    path: Path
    function: str  # qualified name, as the engine names it
    display_path: str  # what the server would send as the relative path
    origin: str
    license: str
    facts: tuple[Fact, ...]

    def request(self) -> SummarizationRequest:
        """The request the server would send for this function."""
        source = self.path.read_bytes()
        tree = parse(source, self.language)
        for function in analyze_tree_functions(tree, source, self.language):
            if function.qualified_name == self.function:
                return build_request(function, source, tree, self.display_path, self.display_path)
        raise LookupError(f"{self.path.name}: no function named {self.function}")


def load_set(path: Path = SET_PATH) -> list[QualityFunction]:
    data = json.loads(path.read_text(encoding="utf-8"))
    return [
        QualityFunction(
            id=entry["id"],
            language=entry["language"],
            path=path.parent / entry["file"],
            function=entry["function"],
            display_path=entry["display_path"],
            origin=entry["origin"],
            license=entry["license"],
            facts=tuple(Fact(f["kind"], f["text"], tuple(f["any"])) for f in entry["facts"]),
        )
        for entry in data["functions"]
    ]


@dataclass(frozen=True, slots=True)
class Attempt:
    """One answer as the model sent it (untrusted text), with what it cost."""

    text: str
    strict: bool = False
    input_tokens: int = 0
    output_tokens: int = 0
    seconds: float = 0.0


@dataclass(frozen=True, slots=True)
class Recorded:
    id: str
    attempts: tuple[Attempt, ...]
    body_tokens: int = 0  # the body alone, by the server's tokenizer (0: unknown)
    error: str | None = None  # no answer arrived (transport failure)

    @property
    def bullets(self) -> tuple[str, ...] | None:
        """The lines kept: from the first attempt that parses; None when none did."""
        for attempt in self.attempts:
            try:
                return tuple(parse_summary(attempt.text))
            except UnparseableAnswer:
                continue
        return None

    @property
    def needed_retry(self) -> bool:
        if not self.attempts:
            return False
        try:
            parse_summary(self.attempts[0].text)
        except UnparseableAnswer:
            return True
        return False


@dataclass(slots=True)
class Recording:
    meta: dict[str, object]
    answers: dict[str, Recorded] = field(default_factory=dict)


def load_recording(path: Path) -> Recording:
    data = json.loads(path.read_text(encoding="utf-8"))
    answers = {
        entry["id"]: Recorded(
            entry["id"],
            tuple(Attempt(**attempt) for attempt in entry["attempts"]),
            entry.get("body_tokens", 0),
            entry.get("error"),
        )
        for entry in data["answers"]
    }
    return Recording({k: v for k, v in data.items() if k != "answers"}, answers)


def dump_recording(meta: dict[str, object], answers: Iterable[Recorded], path: Path) -> None:
    entries = []
    for answer in answers:
        entry: dict[str, object] = {
            "id": answer.id,
            "attempts": [
                {
                    "text": a.text,
                    "strict": a.strict,
                    "input_tokens": a.input_tokens,
                    "output_tokens": a.output_tokens,
                    "seconds": round(a.seconds, 2),
                }
                for a in answer.attempts
            ],
            "body_tokens": answer.body_tokens,
        }
        if answer.error:
            entry["error"] = answer.error
        entries.append(entry)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({**meta, "answers": entries}, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


@dataclass(frozen=True, slots=True)
class Score:
    function: QualityFunction
    bullets: tuple[str, ...] | None
    missed: tuple[Fact, ...]

    @property
    def complete(self) -> bool:
        return self.bullets is not None and not self.missed


def score(function: QualityFunction, bullets: Sequence[str] | None) -> Score:
    if bullets is None:
        return Score(function, None, function.facts)
    summary = "\n".join(bullets)
    return Score(function, tuple(bullets), tuple(f for f in function.facts if not f.covered_by(summary)))


@dataclass(frozen=True, slots=True)
class Report:
    functions: int
    complete: int  # functions with every fact covered
    facts: int
    facts_covered: int
    bullets: tuple[int, ...]  # lines per usable answer
    retried: int
    discarded: int  # answers that arrived but gave no summary, even after the retry
    failed: int  # no answer arrived
    misses_by_kind: dict[str, int]

    @property
    def complete_share(self) -> float:
        return self.complete / self.functions if self.functions else 0.0

    def lines(self) -> list[str]:
        spread = f"{min(self.bullets)}-{max(self.bullets)}" if self.bullets else "-"
        mean = statistics.fmean(self.bullets) if self.bullets else 0.0
        return [
            f"functions with all their facts: {self.complete}/{self.functions} ({self.complete_share:.0%})",
            f"facts covered: {self.facts_covered}/{self.facts}"
            f"  (missed: {', '.join(f'{k} {v}' for k, v in self.misses_by_kind.items()) or 'none'})",
            f"lines per answer: {spread}, mean {mean:.2f}",
            f"answers needing a retry: {self.retried}; discarded: {self.discarded}; no answer: {self.failed}",
        ]


def report(functions: Sequence[QualityFunction], answers: dict[str, Recorded]) -> tuple[Report, list[Score]]:
    scores = []
    misses = dict.fromkeys(FACT_KINDS, 0)
    retried = discarded = failed = 0
    for function in functions:
        recorded = answers.get(function.id)
        if recorded is None or not recorded.attempts:
            failed += 1
            scores.append(score(function, None))
            continue
        retried += recorded.needed_retry
        discarded += recorded.bullets is None
        scores.append(score(function, recorded.bullets))
    for item in scores:
        for fact in item.missed:
            misses[fact.kind] = misses.get(fact.kind, 0) + 1
    total_facts = sum(len(f.facts) for f in functions)
    result = Report(
        functions=len(functions),
        complete=sum(s.complete for s in scores),
        facts=total_facts,
        facts_covered=total_facts - sum(len(s.missed) for s in scores),
        bullets=tuple(len(s.bullets) for s in scores if s.bullets is not None),
        retried=retried,
        discarded=discarded,
        failed=failed,
        misses_by_kind={k: v for k, v in misses.items() if v},
    )
    return result, scores
