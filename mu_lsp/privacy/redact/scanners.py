"""The detectors, in the order they run, and KINDS, every kind of secret they can name.

Besides the token-format table (`rules`) and the assignments (`assignments`), four detectors
need more than one regex: PEM private key blocks (delimited with str.find, so thousands of
BEGIN lines stay linear), Discord and Telegram bot tokens (found by their literal middle part,
because they start with a character class), passwords in URLs (only the password goes, so the
model still sees which database or service the code talks to), and long random-looking string
literals.

Each detector takes the text and its lowercased copy (same offsets) and yields candidates
`(kind, start, end, priority)`; `merge` turns them into the redacted text.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from mu_lsp.privacy.redact.assignments import assignments, xml_elements
from mu_lsp.privacy.redact.findings import CONTEXT, ENTROPY, PREFIX, SPECIFIC, Candidate, Scanner
from mu_lsp.privacy.redact.heuristics import MASK, TEMPLATE, credential_like, looks_random
from mu_lsp.privacy.redact.rules import NOT_ALNUM_AFTER, RULES

# PEM blocks: BEGIN and END are found with str.find, not a lazy regex, so a text made of
# thousands of BEGIN lines stays linear. A block without its END line (a truncated key, a key
# built by string concatenation) is redacted up to its last base64-looking line.
_PEM_BEGIN = re.compile(r"-----BEGIN ([A-Z0-9 ]{0,40}?)PRIVATE KEY(?: BLOCK)?-----")
_PEM_END = re.compile(r"-----END [A-Z0-9 ]{0,40}?PRIVATE KEY(?: BLOCK)?-----")
_PEM_ESCAPED_BODY = re.compile(r"(?:\\[nr]|[A-Za-z0-9+/=]){16,}+")  # "…-----\\nMIIE…\\n…"
_PEM_LINE = re.compile(r"[\"'+,( \t]*+(?:[A-Za-z0-9+/=]{16,}+|(?:Proc-Type|DEK-Info|Comment|Version): [^\n]*)")


def _private_keys(text: str, lowered: str) -> Iterator[Candidate]:
    del lowered
    position = covered = 0
    end_marker = -2  # the next "-----END " at or after the current block (-1: none left)
    while (found := text.find("PRIVATE KEY", position)) != -1:
        position = found + 11
        begin = _PEM_BEGIN.search(text, max(covered, found - 60), found + 30)
        if begin is None:
            continue
        end = None
        if end_marker == -2 or -1 < end_marker < begin.end():  # found once per block, not per BEGIN
            end_marker = text.find("-----END ", begin.end())
        while end_marker != -1:
            end = _PEM_END.match(text, end_marker)
            if end is not None:
                break
            end_marker = text.find("-----END ", end_marker + 9)
        if end is not None and text.find("-----BEGIN ", begin.end(), end.start()) == -1:
            stop = end.end()
        else:
            stop = _pem_body_end(text, begin.end())
        yield "private_key", begin.start(), stop, SPECIFIC
        position = covered = max(position, stop)


def _pem_body_end(text: str, start: int) -> int:
    escaped = _PEM_ESCAPED_BODY.match(text, start)
    if escaped is not None:
        return escaped.end()
    stop = start
    line_end = text.find("\n", start)
    while line_end != -1:
        line_start = line_end + 1
        line_end = text.find("\n", line_start)
        line = _PEM_LINE.match(text, line_start, len(text) if line_end == -1 else line_end)
        if line is not None:
            stop = line.end()
        elif text[line_start : len(text) if line_end == -1 else line_end].strip():
            break  # blank lines (after the headers of an encrypted key) do not end the body
    return stop


# Discord bot tokens and Telegram bot tokens start with a class, not a literal: find their
# literal middle part, then check what comes before it.
_DISCORD_TAIL = re.compile(r"\.([A-Za-z0-9_\-]{6})\.[A-Za-z0-9_\-]{27,40}" + NOT_ALNUM_AFTER)
_DISCORD_HEAD = re.compile(r"[MNO][A-Za-z0-9_\-]{23,27}")
_TELEGRAM = re.compile(r":AA[A-Za-z0-9_\-]{33}" + NOT_ALNUM_AFTER)
_BOT_ID = re.compile(r"\d{8,10}")


def _bot_tokens(text: str, lowered: str) -> Iterator[Candidate]:
    del lowered
    for tail in _DISCORD_TAIL.finditer(text):
        dot = tail.start()
        for length in range(24, 29):  # "M" plus 23 to 27 characters
            start = dot - length
            if start >= 0 and _DISCORD_HEAD.fullmatch(text, start, dot):
                if (start == 0 or not text[start - 1].isalnum()) and credential_like(text[start : tail.end()]):
                    yield "discord_bot_token", start, tail.end(), SPECIFIC
                break
    if ":AA" not in text:
        return
    for match in _TELEGRAM.finditer(text):
        for length in (10, 9, 8):
            start = match.start() - length
            if start >= 0 and _BOT_ID.fullmatch(text, start, match.start()):
                if start == 0 or not text[start - 1].isalnum():
                    yield "telegram_bot_token", start, match.end(), SPECIFIC
                break


_DATABASE_SCHEMES = frozenset(
    [
        "postgres",
        "postgresql",
        "pgsql",
        "mysql",
        "mariadb",
        "mongodb",
        "redis",
        "rediss",
        "valkey",
        "amqp",
        "amqps",
        "mssql",
        "sqlserver",
        "oracle",
        "cockroachdb",
        "clickhouse",
        "couchdb",
        "neo4j",
        "cassandra",
        "db2",
        "snowflake",
        "memcached",
    ]
)
_URL_CREDENTIALS = re.compile(r"://([^\s:/?#@\"'`<>\\\[\]]{0,128}):([^\s/?#@\"'`<>\\]{1,256})@")
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.\-:]{0,40}")


def _url_passwords(text: str, lowered: str) -> Iterator[Candidate]:
    """Only the password of `scheme://user:password@host` goes, so the model still sees which
    database or service the code talks to."""
    del lowered
    if "@" not in text:
        return
    for match in _URL_CREDENTIALS.finditer(text):
        password = match.group(2)
        if TEMPLATE.search(password) or MASK.search(password) or password.startswith(PREFIX):
            continue
        start = match.start()
        while start > 0 and (text[start - 1].isalnum() or text[start - 1] in "+.-:"):
            start -= 1
        scheme = text[start : match.start()].lower()
        if not _SCHEME.fullmatch(scheme):
            continue
        base = scheme.rsplit(":", 1)[-1].split("+", 1)[0]  # jdbc:postgresql, postgresql+psycopg
        kind = "database_password" if base in _DATABASE_SCHEMES else "url_password"
        yield kind, match.start(2), match.end(2), CONTEXT


_STRING_LITERAL = re.compile(r"([\"'`])([A-Za-z0-9+/_\-]{24,4000}={0,2})\1")


def _random_literals(text: str, lowered: str) -> Iterator[Candidate]:
    del lowered
    for match in _STRING_LITERAL.finditer(text):
        if looks_random(match.group(2).rstrip("=")):
            yield "high_entropy_string", match.start(2), match.end(2), ENTROPY


# The order decides only ties: of two candidates with the same span and priority, the first
# names the placeholder (the merge sorts stably).
SCANNERS: tuple[Scanner, ...] = (
    _private_keys,
    *(rule.scan for rule in RULES),
    _bot_tokens,
    _url_passwords,
    assignments,
    xml_elements,
    _random_literals,
)

KINDS: frozenset[str] = frozenset(
    {rule.kind for rule in RULES}
    | {
        "private_key",
        "discord_bot_token",
        "telegram_bot_token",
        "database_password",
        "url_password",
        "password_assignment",
        "secret_assignment",
        "high_entropy_string",
    }
)
