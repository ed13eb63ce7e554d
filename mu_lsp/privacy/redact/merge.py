"""The merge step: from the detectors' candidates to the text that is sent, failing closed.

Overlapping candidates become one placeholder, so no piece of a secret survives between two
findings, named by the most specific detector. Only the secret is replaced, by
`<redacted:KIND>`; quotes, names and operators stay, so the model still understands the
function. If anything unexpected happens, the whole text is withheld rather than sent.
"""

from __future__ import annotations

from collections.abc import Iterable

from mu_lsp.privacy.redact.findings import PREFIX, Candidate, RedactionResult, Scanner, SecretFinding


def merge_candidates(candidates: list[Candidate]) -> list[SecretFinding]:
    """Union of overlapping spans: a secret is never half-redacted because two detectors
    disagreed on its extent. The most specific detector's kind names the union."""
    candidates.sort(key=lambda c: (c[1], -c[2], c[3]))
    merged: list[SecretFinding] = []
    kind, start, end, priority = candidates[0]
    for next_kind, next_start, next_end, next_priority in candidates[1:]:
        if next_start < end:
            end = max(end, next_end)
            if next_priority < priority:
                kind, priority = next_kind, next_priority
            continue
        merged.append(SecretFinding(kind, start, end))
        kind, start, end, priority = next_kind, next_start, next_end, next_priority
    merged.append(SecretFinding(kind, start, end))
    return merged


def _redact(text: str, scanners: Iterable[Scanner]) -> RedactionResult:
    lowered = text.lower()
    if len(lowered) != len(text):  # a few characters grow when lowered ("İ" -> "i̇")
        lowered = "".join(c.lower() if len(c.lower()) == 1 else c for c in text)
    candidates = [c for scanner in scanners for c in scanner(text, lowered)]
    if not candidates:
        return RedactionResult(text, ())
    findings = merge_candidates(candidates)
    parts: list[str] = []
    cursor = 0
    for finding in findings:
        parts.append(text[cursor : finding.start])
        parts.append(f"{PREFIX}{finding.kind}>")
        cursor = finding.end
    parts.append(text[cursor:])
    return RedactionResult("".join(parts), tuple(findings))


def redact(text: str, scanners: Iterable[Scanner]) -> RedactionResult:
    """`text` with every secret the `scanners` find replaced by `<redacted:KIND>`. Never raises:
    on an internal error the whole text is withheld, because sending it unredacted is the one
    bad outcome."""
    try:
        return _redact(text, scanners)
    except Exception:  # fail closed, whatever went wrong
        length = len(text) if isinstance(text, str) else 0
        return RedactionResult(f"{PREFIX}unredactable>", (SecretFinding("unredactable", 0, length),))
