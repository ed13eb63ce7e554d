"""What the detectors produce and what redaction returns, shared by every other module here.

A detector yields `Candidate`s: `(kind, start, end, priority)`, offsets in the original text.
The merge step turns overlapping candidates into `SecretFinding`s; the lowest priority number
among them (the most specific detector) names the merged placeholder.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

PREFIX = "<redacted:"  # every placeholder is `<redacted:KIND>`

# Priorities, most specific first: a token format, a format known by its context (a URL, a
# header, a connection string), a value assigned to a secret-looking name, a random literal.
SPECIFIC, CONTEXT, ASSIGNMENT, ENTROPY = 0, 1, 2, 3

Candidate = tuple[str, int, int, int]
# A detector: (text, lowered text with the same offsets) -> candidates.
Scanner = Callable[[str, str], Iterator[Candidate]]


@dataclass(frozen=True, slots=True)
class SecretFinding:
    kind: str
    start: int  # offsets in the original text
    end: int


@dataclass(frozen=True, slots=True)
class RedactionResult:
    text: str
    findings: tuple[SecretFinding, ...]

    @property
    def redacted(self) -> bool:
        return bool(self.findings)
