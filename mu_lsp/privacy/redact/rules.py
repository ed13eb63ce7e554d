"""The token-format table: one rule per secret whose shape (or a word right before it) gives it away.

`ghp_…`, `AKIA…`, `sk-…`, JWTs, `Bearer …`, `AccountKey=…` and the rest (KINDS in `scanners`
lists every kind). A rule is a regex plus what keeps it fast and precise: an anchor to look
for before running the regex, the group that holds the secret, a word boundary, and a value
check from `heuristics`. Adding a token format means adding a `_rule(...)` line here and a
case in tests/unit/test_redact.py.

Speed: CPython's regex engine jumps straight to a pattern's literal prefix, but tries every
position of the text for a pattern that starts with a class, an alternation, a lookbehind or
(?i). So every pattern here starts with a literal; boundaries are checked in Python after a
match (or as a lookbehind placed after the literal), and case-insensitive patterns run,
lowercase, over the lowercased text (same offsets). Repetitions are bounded; none is nested.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from mu_lsp.privacy.redact.findings import CONTEXT, SPECIFIC, Candidate
from mu_lsp.privacy.redact.heuristics import DOC_MASK, credential_like, decodes_to_user_password

NOT_ALNUM_AFTER = r"(?![A-Za-z0-9])"


@dataclass(frozen=True, slots=True)
class Rule:
    """One token format; built by `_rule`, which finds the anchor and places the boundary."""

    kind: str
    pattern: re.Pattern[str]
    anchors: tuple[str, ...]  # cheap pre-check: one must occur in the text searched
    group: int  # the group holding the secret (0: the whole match)
    folded: bool  # the pattern is lowercase and runs over the lowercased text
    boundary: bool  # the match must not continue an alphanumeric run
    check: Callable[[str], bool] | None
    priority: int

    def scan(self, text: str, lowered: str) -> Iterator[Candidate]:
        haystack = lowered if self.folded else text
        if not any(anchor in haystack for anchor in self.anchors):
            return
        for match in self.pattern.finditer(haystack):
            if self.boundary and match.start() > 0 and text[match.start() - 1].isalnum():
                continue
            start, end = match.span(self.group)
            value = text[start:end]
            if DOC_MASK.search(value) or (self.check is not None and not self.check(value)):
                continue
            if end > start:
                yield self.kind, start, end, self.priority


def _rule(
    kind: str,
    pattern: str,
    anchors: tuple[str, ...] = (),
    *,
    group: int = 0,
    folded: bool = False,
    boundary: bool = True,
    check: Callable[[str], bool] | None = None,
    priority: int = SPECIFIC,
) -> Rule:
    anchors = anchors or (_literal_prefix(pattern),)
    if not all(anchors):
        raise ValueError(f"{kind}: a pattern without a literal prefix needs explicit anchors")
    head = _LITERAL_HEAD.match(pattern)
    if boundary and head is not None and pattern[head.end() : head.end() + 1] not in ("?", "*", "{"):
        # The boundary as a lookbehind right after the literal keeps the literal-prefix search
        # and stops `eyJeyJeyJ…` from starting a 2,000-character scan at every `eyJ`.
        literal = head.group()
        pattern = f"{literal}(?<![A-Za-z0-9]{literal}){pattern[head.end() :]}"
        boundary = False
    return Rule(kind, re.compile(pattern), anchors, group, folded, boundary, check, priority)


_LITERAL_HEAD = re.compile(r"(?:[A-Za-z0-9_\-:=]|\\[.\-/])+")


def _literal_prefix(pattern: str) -> str:
    """The characters every match starts with: `bearer\\s+` gives "bearer", `secret_?key` gives
    "secret" (the `_` is optional)."""
    head = _LITERAL_HEAD.match(pattern)
    if head is None:
        return ""
    literal = head.group()
    if pattern[head.end() : head.end() + 1] in ("?", "*", "{"):
        literal = literal[:-1]
    return literal.replace("\\", "")


_ASSIGNED = r"[\"'\]]{0,2}\s*(?:=|:=|:|=>|,)\s*[\"']?"  # `KEY = "`, `"key": "`, `key=`
_AWS_KEY_BODY = r"([A-Za-z0-9/+]{40})(?![A-Za-z0-9/+])"
_UUID = r"([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})(?![0-9a-f])"

RULES: tuple[Rule, ...] = (
    _rule(
        "aws_access_key_id",
        r"A(?:KIA|SIA|BIA|CCA|GPA|IDA|IPA|NPA|NVA|ROA|PKA)[A-Z2-7]{16}" + NOT_ALNUM_AFTER,
        ("A",),
    ),
    _rule(
        "aws_secret_access_key",
        r"aws[\w.\-]{0,20}?secret[\w.\-]{0,20}" + _ASSIGNED + _AWS_KEY_BODY,
        ("aws",),
        group=1,
        folded=True,
        boundary=False,
        priority=CONTEXT,
    ),
    _rule(
        "aws_secret_access_key",
        r"secret_?access_?key" + _ASSIGNED + _AWS_KEY_BODY,
        ("secret",),
        group=1,
        folded=True,
        boundary=False,
        priority=CONTEXT,
    ),
    _rule("github_token", r"gh[pousr]_[A-Za-z0-9]{36,251}" + NOT_ALNUM_AFTER, ("gh",)),
    _rule("github_token", r"github_pat_[A-Za-z0-9_]{22,255}"),
    _rule("gitlab_token", r"gl(?:pat|dt|rt|ptt|cbt|soat)-[A-Za-z0-9_\-]{20,64}", ("gl",)),
    _rule(
        "slack_token",
        r"xox[abeoprs]-[A-Za-z0-9\-]{10,250}",
        ("xox",),
        check=lambda v: sum(c.isdigit() for c in v) >= 4,
    ),
    _rule("slack_token", r"xapp-\d-[A-Z0-9]{6,20}-\d{6,20}-[A-Za-z0-9]{20,80}"),
    _rule(
        "slack_webhook",
        r"hooks\.slack\.com/(?:services|workflows|triggers)/[A-Za-z0-9_/\-]{20,120}",
        ("hooks.slack.com",),
        boundary=False,
    ),
    _rule("stripe_key", r"[sr]k_(?:live|test)_[A-Za-z0-9]{10,247}" + NOT_ALNUM_AFTER, ("k_live_", "k_test_")),
    _rule("anthropic_api_key", r"sk-ant-(?:api|admin|sid)\d{2}-[A-Za-z0-9_\-]{20,200}"),
    _rule(
        "openai_api_key",
        r"sk-(?!ant-)(?:proj-|svcacct-|admin-|None-)?[A-Za-z0-9_\-]{20,250}",
        check=credential_like,
    ),
    _rule("google_api_key", r"AIza[A-Za-z0-9_\-]{35}" + NOT_ALNUM_AFTER, boundary=False),
    _rule("google_oauth_client_secret", r"GOCSPX-[A-Za-z0-9_\-]{28}", boundary=False),
    _rule(
        "jwt",
        r"eyJ[A-Za-z0-9_\-]{10,2000}\.eyJ[A-Za-z0-9_\-]{10,8000}\.[A-Za-z0-9_\-]{0,2000}",
    ),
    _rule("twilio_key", r"SK[0-9a-f]{32}" + NOT_ALNUM_AFTER),
    _rule("twilio_key", r"AC[0-9a-f]{32}" + NOT_ALNUM_AFTER),
    _rule("sendgrid_api_key", r"SG\.[A-Za-z0-9_\-]{22}\.[A-Za-z0-9_\-]{43}" + NOT_ALNUM_AFTER),
    _rule("npm_token", r"npm_[A-Za-z0-9]{36}" + NOT_ALNUM_AFTER),
    _rule("pypi_token", r"pypi-AgE[A-Za-z0-9_\-]{50,1000}", boundary=False),
    _rule("huggingface_token", r"hf_[A-Za-z0-9]{30,40}" + NOT_ALNUM_AFTER, check=credential_like),
    _rule(
        "mailgun_api_key",
        r"key-[A-Za-z0-9]{32}" + NOT_ALNUM_AFTER,
        check=credential_like,
    ),
    _rule("shopify_token", r"shp(?:at|ca|pa|ss)_[a-fA-F0-9]{32}" + NOT_ALNUM_AFTER, ("shp",)),
    _rule("digitalocean_token", r"do[opr]_v1_[a-f0-9]{64}" + NOT_ALNUM_AFTER, ("_v1_",)),
    _rule("age_secret_key", r"AGE-SECRET-KEY-1[0-9A-Z]{58}", boundary=False),
    _rule(
        "azure_storage_key",
        r"accountkey\s*=\s*([a-z0-9+/]{20,200}={0,2})",
        group=1,
        folded=True,
        boundary=False,
        priority=CONTEXT,
    ),
    _rule(
        "azure_storage_key",
        r"sharedaccesskey\s*=\s*([a-z0-9+/]{20,200}={0,2})",
        group=1,
        folded=True,
        boundary=False,
        priority=CONTEXT,
    ),
    _rule(
        "azure_sas_signature",
        r"sig=([A-Za-z0-9%+/]{30,200}(?:%3D|=){0,2})",
        check=lambda v: "%" not in v or credential_like(v.replace("%2B", "+").replace("%2F", "/")),
        group=1,
        priority=CONTEXT,
    ),
    _rule(
        "bearer_token",
        r"bearer\s+([a-z0-9_\-.~+/]{16,4000}=*)",
        group=1,
        folded=True,
        check=credential_like,
        priority=CONTEXT,
    ),
    _rule(
        "basic_auth",
        r"basic\s+([a-z0-9+/]{8,1000}={0,2})(?![a-z0-9+/=])",
        group=1,
        folded=True,
        check=decodes_to_user_password,
        priority=CONTEXT,
    ),
    _rule(
        "authorization_header",
        r"authorization[\"']?\s*[:=,]\s*[\"']?(?:token|apikey|api-key)\s+"
        r"([a-z0-9_\-.~+/]{16,4000}=*)",
        group=1,
        folded=True,
        check=credential_like,
        priority=CONTEXT,
    ),
    _rule(
        "heroku_api_key",
        r"heroku[\w.\-]{0,30}" + _ASSIGNED + _UUID,
        group=1,
        folded=True,
        boundary=False,
        priority=CONTEXT,
    ),
)
