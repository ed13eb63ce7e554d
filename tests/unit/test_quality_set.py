"""The quality set, its scorer, and real recorded answers through the parser (no model needed)."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest

from benchmarks import bench_quality
from mu_lsp.llm.prompts import MAX_BULLET_CHARS, MAX_BULLETS, UnparseableAnswer, parse_summary
from tests.support.quality import (
    ANSWERS_DIR,
    FACT_KINDS,
    Attempt,
    Fact,
    QualityFunction,
    Recorded,
    load_recording,
    load_set,
    report,
    score,
)

FUNCTIONS = load_set()
RECORDINGS = sorted(ANSWERS_DIR.glob("*.json"))
LANGUAGES = {"python", "javascript", "typescript", "go", "rust", "java"}


def test_the_set_covers_six_languages_with_at_least_30_functions() -> None:
    assert len(FUNCTIONS) >= 30
    per_language = Counter(f.language for f in FUNCTIONS)
    assert set(per_language) == LANGUAGES and min(per_language.values()) >= 5
    assert len({f.id for f in FUNCTIONS}) == len(FUNCTIONS)


@pytest.mark.parametrize("function", FUNCTIONS, ids=lambda f: f.id)
def test_each_function_is_found_by_the_engine_and_attributed(function: QualityFunction) -> None:
    request = function.request()
    assert request.function_name == function.function and request.language == function.language
    assert function.display_path in request.context
    first_line = function.path.read_text(encoding="utf-8").splitlines()[0]
    if function.origin == "written for mu-lsp":
        assert "Written for mu-lsp" in first_line
    else:  # taken from a package: name, version and licence in the file and in set.json
        assert first_line.startswith(("# From ", "// From ")) and function.license in first_line
        assert function.origin.split(",")[0] in first_line
    assert first_line not in request.body_source  # the attribution is not sent to the model


@pytest.mark.parametrize("function", FUNCTIONS, ids=lambda f: f.id)
def test_facts_describe_themselves_and_no_empty_summary_carries_them(function: QualityFunction) -> None:
    assert len(function.facts) >= 2 and {f.kind for f in function.facts} <= set(FACT_KINDS)
    generic = "Does something useful.\nUses: helpers\nEffects: none"
    for fact in function.facts:
        for pattern in fact.patterns:
            re.compile(pattern)
        assert fact.covered_by(fact.text), f"{function.id}: its own description misses {fact.text!r}"
        assert not fact.covered_by(generic), f"{function.id}: {fact.text!r} is covered by a generic summary"


def test_score_counts_missed_facts_by_kind() -> None:
    function = next(f for f in FUNCTIONS if f.id == "py-urllib3-retry-increment")
    full = score(function, ["Returns a new Retry object.", "Effects: raises MaxRetryError when exhausted"])
    assert full.complete and not full.missed
    partial = score(function, ["Returns a new Retry object.", "Effects: none"])
    assert not partial.complete and [f.kind for f in partial.missed] == ["raises"]
    assert score(function, None).missed == function.facts


def test_report_counts_retries_discards_and_missing_answers() -> None:
    chosen = FUNCTIONS[:3]
    good = "Does: returns a new Retry object\nUses: self.new\nEffects: raises MaxRetryError"
    answers = {
        chosen[0].id: Recorded(chosen[0].id, (Attempt("```\ncode\n```"), Attempt(good, strict=True))),
        chosen[1].id: Recorded(chosen[1].id, (Attempt(""), Attempt("Sure!", strict=True))),
    }
    result, scores = report(chosen, answers)
    assert (result.retried, result.discarded, result.failed) == (2, 1, 1)
    assert result.bullets == (3,) and scores[0].bullets is not None
    assert result.facts == sum(len(f.facts) for f in chosen)


def test_a_fact_matches_case_insensitively() -> None:
    fact = Fact("raises", "raises TypeError", (r"TypeError",))
    assert fact.covered_by("raises typeerror on conflict") and not fact.covered_by("raises on conflict")


@pytest.mark.skipif(not RECORDINGS, reason="no recorded answers")
@pytest.mark.parametrize("path", RECORDINGS, ids=lambda p: p.stem)
def test_recorded_answers_parse_into_one_to_three_clean_lines(path: Path) -> None:
    recording = load_recording(path)
    assert set(recording.answers) <= {f.id for f in FUNCTIONS}, "re-record: functions left the set"
    assert recording.meta["model"] and recording.meta["quant"] and recording.meta["prompt_version"]
    for answer in recording.answers.values():
        for attempt in answer.attempts:
            try:
                lines = parse_summary(attempt.text)
            except UnparseableAnswer:
                continue
            assert 1 <= len(lines) <= MAX_BULLETS, (answer.id, attempt.text)
            for line in lines:
                assert 0 < len(line) <= MAX_BULLET_CHARS and "\n" not in line and "```" not in line
                assert not re.match(r"^([-*+•]|\d+[.)])\s", line), (answer.id, line)
                assert not line.lower().startswith(("does:", "**", "side effects:")), (answer.id, line)
            for dunder in re.findall(r"\b__\w+__\b", attempt.text):
                assert any(dunder in line for line in lines) or len(lines) == MAX_BULLETS, (answer.id, dunder)


@pytest.mark.skipif(not RECORDINGS, reason="no recorded answers")
@pytest.mark.parametrize("path", RECORDINGS, ids=lambda p: p.stem)
def test_a_labelled_effects_line_written_by_the_model_is_always_kept(path: Path) -> None:
    """The point of the redesign: the effects (raises, writes) reach the hover."""
    for answer in load_recording(path).answers.values():
        for attempt in answer.attempts:
            effects = re.search(r"^\W*(side[ -])?effects\W*:\W*(\w.*)$", attempt.text, re.IGNORECASE | re.MULTILINE)
            if effects is None:
                continue
            lines = parse_summary(attempt.text)
            assert any(line.startswith("Effects: ") for line in lines), (answer.id, attempt.text)


@pytest.mark.skipif(not RECORDINGS, reason="no recorded answers")
def test_the_benchmark_scores_a_recording_without_a_model(capsys: pytest.CaptureFixture[str]) -> None:
    assert bench_quality.main(["--replay", str(RECORDINGS[0]), "-q"]) == 0
    out = capsys.readouterr().out
    assert "functions with all their facts:" in out and "fixed overhead" in out and "lines per answer" in out
