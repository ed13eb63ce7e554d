"""Secret redaction: every function body passes through here before it leaves the machine.

Three detectors, from most to least specific:

1. Token formats whose shape alone gives them away (`ghp_…`, `AKIA…`, JWTs, PEM private key
   blocks, credentials in URLs, …).
2. String values assigned to secret-looking names (`db_password = "…"`, `"apiKey": "…"`,
   `token := "…"`, `SECRET_KEY=…` in .env text), whatever the value looks like.
3. Long quoted strings that look random (base64/base62 alphabet, upper and lower case and
   digits, Shannon entropy near that of random text of the same length).

Only the secret is replaced, by `<redacted:KIND>`; quotes, names and operators stay, so the
model still understands the function. Overlapping findings are merged into one placeholder
(the most specific kind names it), so nothing of a secret survives between two findings.

Deliberate choices (each covered by a test):

* Not secrets: template values (`"{password}"`, `"%s"`, `"${DB_PASS}"`, `"<token>"`),
  repeated-character masks (`"******"`), env-variable names (`"GITHUB_TOKEN"`), field names
  (`"access_token"`), paths and credential-free URLs, values shorter than 6 characters, and
  unquoted values that are code (`password = get_password()`, `token = self.token`).
* Secrets although they look harmless: literal default passwords such as `"changeme"` or
  `"password123"`; they are real credentials as often as not, and the placeholder tells the
  model as much as the value did.
* Pure hex strings (hashes, digests, ids, colors) are not high-entropy findings: code is full
  of them and they are rarely credentials. Hex secrets are still caught by name
  (`secret_key = "9f86d0…"`) or format (Twilio, DigitalOcean, Shopify).
* Stripe publishable keys (`pk_live_…`) are public by design and are left alone.

Every pattern is linear: bounded repetitions after a literal prefix, no nested quantifiers,
so adversarial input cannot make redaction slow. If anything unexpected happens anyway, the
whole text is replaced (fail closed) rather than sent as it is.
"""

from __future__ import annotations

import base64
import binascii
import math
import re
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass

__all__ = ["KINDS", "RedactionResult", "SecretFinding", "redact_secrets", "shannon_entropy"]

_PREFIX = "<redacted:"


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


# ---------------------------------------------------------------------------------------------
# Value checks shared by the detectors.


def shannon_entropy(text: str) -> float:
    """Bits per character; random base62 text of length n scores close to log2(n)."""
    if not text:
        return 0.0
    total = len(text)
    return -sum(n / total * math.log2(n / total) for n in Counter(text).values())


# First percentile of the entropy of random base62 strings of each length, minus a margin
# (measured with random.Random; see test_entropy_threshold_accepts_random_strings).
_ENTROPY_FLOOR = ((16, 3.30), (20, 3.55), (24, 3.80), (32, 4.10), (40, 4.35), (48, 4.55), (64, 4.80))


def _entropy_threshold(length: int) -> float:
    previous_length, previous_floor = _ENTROPY_FLOOR[0]
    if length <= previous_length:
        return previous_floor
    for next_length, next_floor in _ENTROPY_FLOOR[1:]:
        if length <= next_length:
            share = (length - previous_length) / (next_length - previous_length)
            return previous_floor + share * (next_floor - previous_floor)
        previous_length, previous_floor = next_length, next_floor
    return previous_floor


_HEX = re.compile(r"[0-9a-fA-F]+")
_VOWELS = frozenset("aeiouAEIOU")


def _looks_random(value: str) -> bool:
    """Random keys mix cases and digits evenly; identifiers, words and hashes do not."""
    if not (
        any(c.isupper() for c in value)
        and any(c.islower() for c in value)
        and any(c.isdigit() for c in value)
    ):
        return False  # a random 24-char base62 string lacks one of these 1.7% of the time
    if _HEX.fullmatch(value):
        return False
    letters = [c for c in value if c.isalpha()]
    if sum(c in _VOWELS for c in letters) > 0.3 * len(letters):
        return False  # readable (vowel share in English ≈ 38%, in random base62 ≈ 19%)
    steps = sum(1 for a, b in zip(value, value[1:], strict=False) if ord(b) - ord(a) == 1)
    if steps > len(value) // 4:
        return False  # alphabets and counting sequences: "ABCDEFabcdef012345"
    return shannon_entropy(value) >= _entropy_threshold(len(value))


def _credential_like(value: str) -> bool:
    """A token after `Bearer`/`key-`/`sk-` is a credential if it is not a plain word."""
    has_digit = any(c.isdigit() for c in value)
    mixed_case = any(c.isupper() for c in value) and any(c.islower() for c in value)
    return (has_digit and any(c.isalpha() for c in value)) or (mixed_case and "+" in value) or (
        mixed_case and shannon_entropy(value) >= _entropy_threshold(len(value))
    )


_TEMPLATE = re.compile(r"[{}]|%[-#0 +]?\d*(?:\.\d+)?[sdifrx]|%\(\w+\)|^\$\w|^\$\(|^<[^<>]*>$|^@\w+@$")
_ENV_NAME = re.compile(r"[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+")
_MASK = re.compile(r"([*xX.#_\-•?])\1{3,}")
_PATH_OR_URL = re.compile(r"(?:/|~/|\./|\.\./|[A-Za-z]:[\\/]|[A-Za-z][\w+.-]*://)")
_FIELD_NAME = re.compile(r"[a-z][a-z0-9]*(?:[_\-.][a-z0-9]+)*")
_PROMPT = re.compile(r"[A-Za-z][A-Za-z ']*:\s*")


def _is_placeholder(value: str, word: str) -> bool:
    """Values that stand for a secret rather than being one (see the module docstring)."""
    stripped = value.strip()
    if len(stripped) < 6 or stripped.startswith(_PREFIX):
        return True
    if _TEMPLATE.search(stripped) or _MASK.fullmatch(stripped) or _ENV_NAME.fullmatch(stripped):
        return True
    if _PATH_OR_URL.match(stripped):
        return True  # paths are not secrets; credentials inside URLs have their own detector
    if _FIELD_NAME.fullmatch(stripped) and any(w in stripped for w in _FIELD_WORDS):
        return True  # a key or mode name: token_type = "access_token", auth = "password"
    if _PROMPT.fullmatch(stripped):
        return True  # a prompt: "Password: ", "Enter your token:"
    return word == "pwd" and stripped.startswith(("/", "~"))  # $PWD is a directory


_FIELD_WORDS = ("pass", "pwd", "secret", "token", "key", "auth", "cred", "bearer", "basic")


# ---------------------------------------------------------------------------------------------
# Detectors. Each yields (kind, start, end, priority); lower priority numbers win a merge.

_Candidate = tuple[str, int, int, int]
_Scanner = Callable[[str, str], Iterator[_Candidate]]

_SPECIFIC, _CONTEXT, _ASSIGNMENT, _ENTROPY = 0, 1, 2, 3
_NOT_ALNUM_BEFORE = r"(?<![A-Za-z0-9])"
_NOT_ALNUM_AFTER = r"(?![A-Za-z0-9])"


@dataclass(frozen=True, slots=True)
class _Rule:
    kind: str
    pattern: re.Pattern[str]
    anchors: tuple[str, ...]  # one must occur (in the lowercased text when `fold`)
    group: int = 0  # the group holding the secret
    fold: bool = False
    check: Callable[[str], bool] | None = None
    priority: int = _SPECIFIC

    def scan(self, text: str, lowered: str) -> Iterator[_Candidate]:
        haystack = lowered if self.fold else text
        if not any(anchor in haystack for anchor in self.anchors):
            return
        for match in self.pattern.finditer(text):
            start, end = match.span(self.group)
            if end > start and (self.check is None or self.check(match.group(self.group))):
                yield self.kind, start, end, self.priority


def _rule(
    kind: str,
    pattern: str,
    anchors: tuple[str, ...],
    *,
    group: int = 0,
    check: Callable[[str], bool] | None = None,
    priority: int = _SPECIFIC,
) -> _Rule:
    fold = pattern.startswith("(?i)")
    return _Rule(kind, re.compile(pattern), anchors, group, fold, check, priority)


def _decodes_to_user_password(value: str) -> bool:
    try:
        decoded = base64.b64decode(value + "=" * (-len(value) % 4), validate=True)
    except (binascii.Error, ValueError):
        return False
    return b":" in decoded and len(decoded) >= 3


_RULES: tuple[_Rule, ...] = (
    _rule(
        "aws_access_key_id",
        _NOT_ALNUM_BEFORE + r"(?:AKIA|ASIA|ABIA|ACCA|AGPA|AIDA|AIPA|ANPA|ANVA|AROA|APKA)"
        r"[A-Z2-7]{16}" + _NOT_ALNUM_AFTER,
        ("AKIA", "ASIA", "ABIA", "ACCA", "AGPA", "AIDA", "AIPA", "ANPA", "ANVA", "AROA", "APKA"),
    ),
    _rule(
        "aws_secret_access_key",
        r"(?i)(?:aws[\w.\-]{0,20}secret[\w.\-]{0,20}|secret_?access_?key)[\"'\]]{0,2}\s*"
        r"(?:=|:=|:|=>|,)\s*[\"']?([A-Za-z0-9/+]{40})(?![A-Za-z0-9/+])",
        ("secret",),
        group=1,
        priority=_CONTEXT,
    ),
    _rule(
        "github_token",
        _NOT_ALNUM_BEFORE + r"gh[pousr]_[A-Za-z0-9]{36,251}" + _NOT_ALNUM_AFTER,
        ("ghp_", "gho_", "ghu_", "ghs_", "ghr_"),
    ),
    _rule("github_token", r"github_pat_[A-Za-z0-9_]{22,255}", ("github_pat_",)),
    _rule(
        "gitlab_token",
        _NOT_ALNUM_BEFORE + r"gl(?:pat|dt|rt|ptt|cbt|soat)-[A-Za-z0-9_\-]{20,64}",
        ("gl",),
    ),
    _rule(
        "slack_token",
        _NOT_ALNUM_BEFORE + r"xox[abeoprs]-[A-Za-z0-9\-]{10,250}",
        ("xox",),
        check=lambda v: sum(c.isdigit() for c in v) >= 4,
    ),
    _rule("slack_token", r"xapp-\d-[A-Z0-9]{6,20}-\d{6,20}-[A-Za-z0-9]{20,80}", ("xapp-",)),
    _rule(
        "slack_webhook",
        r"hooks\.slack\.com/(?:services|workflows|triggers)/[A-Za-z0-9_/\-]{20,120}",
        ("hooks.slack.com",),
    ),
    _rule(
        "stripe_key",
        _NOT_ALNUM_BEFORE + r"(?:sk|rk)_(?:live|test)_[A-Za-z0-9]{10,247}" + _NOT_ALNUM_AFTER,
        ("_live_", "_test_"),
    ),
    _rule(
        "anthropic_api_key",
        _NOT_ALNUM_BEFORE + r"sk-ant-(?:api|admin|sid)\d{2}-[A-Za-z0-9_\-]{20,200}",
        ("sk-ant-",),
    ),
    _rule(
        "openai_api_key",
        _NOT_ALNUM_BEFORE + r"sk-(?!ant-)(?:proj-|svcacct-|admin-|None-)?[A-Za-z0-9_\-]{20,250}",
        ("sk-",),
        check=_credential_like,
    ),
    _rule("google_api_key", r"AIza[A-Za-z0-9_\-]{35}" + _NOT_ALNUM_AFTER, ("AIza",)),
    _rule("google_oauth_client_secret", r"GOCSPX-[A-Za-z0-9_\-]{28}", ("GOCSPX-",)),
    _rule(
        "jwt",
        _NOT_ALNUM_BEFORE + r"eyJ[A-Za-z0-9_\-]{10,2000}\.eyJ[A-Za-z0-9_\-]{10,8000}"
        r"\.[A-Za-z0-9_\-]{0,2000}",
        ("eyJ",),
    ),
    _rule(
        "twilio_key",
        _NOT_ALNUM_BEFORE + r"(?:SK|AC)[0-9a-f]{32}" + _NOT_ALNUM_AFTER,
        ("SK", "AC"),
    ),
    _rule(
        "sendgrid_api_key",
        _NOT_ALNUM_BEFORE + r"SG\.[A-Za-z0-9_\-]{22}\.[A-Za-z0-9_\-]{43}" + _NOT_ALNUM_AFTER,
        ("SG.",),
    ),
    _rule("npm_token", _NOT_ALNUM_BEFORE + r"npm_[A-Za-z0-9]{36}" + _NOT_ALNUM_AFTER, ("npm_",)),
    _rule("pypi_token", r"pypi-AgE[A-Za-z0-9_\-]{50,1000}", ("pypi-AgE",)),
    _rule(
        "huggingface_token",
        _NOT_ALNUM_BEFORE + r"hf_[A-Za-z0-9]{30,40}" + _NOT_ALNUM_AFTER,
        ("hf_",),
        check=_credential_like,
    ),
    _rule(
        "discord_bot_token",
        _NOT_ALNUM_BEFORE + r"[MNO][A-Za-z0-9_\-]{23,27}\.[A-Za-z0-9_\-]{6}\.[A-Za-z0-9_\-]{27,40}"
        + _NOT_ALNUM_AFTER,
        (".",),
        check=_credential_like,
    ),
    _rule(
        "mailgun_api_key",
        _NOT_ALNUM_BEFORE + r"key-[A-Za-z0-9]{32}" + _NOT_ALNUM_AFTER,
        ("key-",),
        check=_credential_like,
    ),
    _rule(
        "shopify_token",
        _NOT_ALNUM_BEFORE + r"shp(?:at|ca|pa|ss)_[a-fA-F0-9]{32}" + _NOT_ALNUM_AFTER,
        ("shp",),
    ),
    _rule(
        "digitalocean_token",
        _NOT_ALNUM_BEFORE + r"do[opr]_v1_[a-f0-9]{64}" + _NOT_ALNUM_AFTER,
        ("_v1_",),
    ),
    _rule(
        "telegram_bot_token",
        _NOT_ALNUM_BEFORE + r"\d{8,10}:AA[A-Za-z0-9_\-]{33}" + _NOT_ALNUM_AFTER,
        (":AA",),
    ),
    _rule("age_secret_key", r"AGE-SECRET-KEY-1[0-9A-Z]{58}", ("AGE-SECRET-KEY-",)),
    _rule(
        "azure_storage_key",
        r"(?i)(?:AccountKey|SharedAccessKey)\s*=\s*([A-Za-z0-9+/]{20,200}={0,2})",
        ("accountkey", "sharedaccesskey"),
        group=1,
        priority=_CONTEXT,
    ),
    _rule(
        "azure_sas_signature",
        r"[?&;]sig=([A-Za-z0-9%+/]{30,200}(?:%3D|=){0,2})",
        ("sig=",),
        group=1,
        priority=_CONTEXT,
    ),
    _rule(
        "bearer_token",
        r"(?i)(?<![\w-])bearer\s+([A-Za-z0-9_\-.~+/]{16,4000}=*)",
        ("bearer",),
        group=1,
        check=_credential_like,
        priority=_CONTEXT,
    ),
    _rule(
        "basic_auth",
        r"(?i)(?<![\w-])basic\s+([A-Za-z0-9+/]{8,1000}={0,2})(?![A-Za-z0-9+/=])",
        ("basic",),
        group=1,
        check=_decodes_to_user_password,
        priority=_CONTEXT,
    ),
    _rule(
        "authorization_header",
        r"(?i)authorization[\"']?\s*[:=,]\s*[\"']?(?:token|apikey|api-key)\s+"
        r"([A-Za-z0-9_\-.~+/]{16,4000}=*)",
        ("authorization",),
        group=1,
        check=_credential_like,
        priority=_CONTEXT,
    ),
    _rule(
        "heroku_api_key",
        r"(?i)heroku[\w.\-]{0,30}[\"'\]]{0,2}\s*(?:=|:=|:|=>)\s*[\"']?"
        r"([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})(?![0-9a-f])",
        ("heroku",),
        group=1,
        priority=_CONTEXT,
    ),
)


# PEM blocks: BEGIN and END are found with str.find, not a lazy regex, so a text made of
# thousands of BEGIN lines stays linear. A block without its END line (a truncated key, a key
# built by string concatenation) is redacted up to the end of its base64-looking body.
_PEM_BEGIN = re.compile(r"-----BEGIN ([A-Z0-9 ]{0,40}?)PRIVATE KEY(?: BLOCK)?-----")
_PEM_END = re.compile(r"-----END [A-Z0-9 ]{0,40}?PRIVATE KEY(?: BLOCK)?-----")
_PEM_BODY = re.compile(r"(?:[A-Za-z0-9+/=\s\"',:\-]|\\[nr])*")


def _private_keys(text: str, lowered: str) -> Iterator[_Candidate]:
    del lowered
    position = 0
    while (found := text.find("PRIVATE KEY", position)) != -1:
        begin = _PEM_BEGIN.search(text, max(0, found - 60), found + 30)
        if begin is None:
            position = found + 11
            continue
        end_marker = text.find("-----END ", begin.end())
        end = None
        while end_marker != -1:
            end = _PEM_END.match(text, end_marker)
            if end is not None:
                break
            end_marker = text.find("-----END ", end_marker + 9)
        if end is not None and "-----BEGIN " not in text[begin.end() : end.start()]:
            stop = end.end()
        else:
            body = _PEM_BODY.match(text, begin.end())
            stop = body.end() if body is not None else begin.end()
        yield "private_key", begin.start(), stop, _SPECIFIC
        position = stop


_DATABASE_SCHEMES = frozenset(
    "postgres postgresql mysql mariadb mongodb redis rediss valkey amqp amqps mssql sqlserver "
    "oracle cockroachdb clickhouse couchdb neo4j cassandra db2 snowflake memcached".split()
)
_URL_CREDENTIALS = re.compile(
    r"([A-Za-z][A-Za-z0-9+.\-]{0,30})://([^\s:/?#@\"'`<>\\]{0,128}):([^\s/?#@\"'`<>\\]{1,256})@"
)


def _url_passwords(text: str, lowered: str) -> Iterator[_Candidate]:
    """Only the password of `scheme://user:password@host` goes, so the model still sees which
    database or service the code talks to."""
    del lowered
    if "://" not in text or "@" not in text:
        return
    for match in _URL_CREDENTIALS.finditer(text):
        password = match.group(3)
        if _TEMPLATE.search(password) or _MASK.fullmatch(password) or password.startswith(_PREFIX):
            continue
        base_scheme = match.group(1).lower().rsplit(":", 1)[-1].split("+", 1)[0]
        kind = "database_password" if base_scheme in _DATABASE_SCHEMES else "url_password"
        yield kind, match.start(3), match.end(3), _CONTEXT


# Assignments to secret-looking names. The name must END with one of the words, so that
# `db_password`, `API_KEY` and `authToken` count and `token_type` or `password_prompt` do not.
_WORDS = (
    "password|passwd|passphrase|pwd|secret|token|auth|credentials?|api[_\\-]?key|access[_\\-]?key"
    "|private[_\\-]?key|secret[_\\-]?key|signing[_\\-]?key|encryption[_\\-]?key|master[_\\-]?key"
    "|session[_\\-]?key|client[_\\-]?key|app[_\\-]?key|license[_\\-]?key"
)
_ASSIGNMENT = re.compile(
    r"(?i)(?P<word>" + _WORDS + r")\d*(?![\w\-])"
    r"[\"'`\]]{0,3}"  # closing quote or bracket of a key: "password": / cfg["token"] =
    r"(?:\s*:\s*(?!=)[\w.\[\], |&']{1,40}?(?=\s*=)|[ \t]+[A-Za-z_][\w.\[\]]{0,30}(?=\s*=))?"
    r"[ \t]*(?:(?<![=!<>])=(?![=>~])|:=|:(?![:=])|=>)[ \t]*"
    r"(?:"
    r"(?:[rRbBuU]{1,2})?(?P<quote>[\"'`])(?P<quoted>[^\"'`\n\\]{1,300})(?P=quote)"
    r"|(?P<bare>[^\s\"'`,;(){}\[\]<>\\|&]{6,300})(?=[\s\"'`,;)}\]]|$)"
    r")"
)
_PASSWORD_WORDS = frozenset(("password", "passwd", "passphrase", "pwd"))
_CODE = re.compile(
    r"[A-Za-z_$][\w$]*(?:(?:\.|::|->)[A-Za-z_$][\w$]*)*[?!]?"
    r"|[-+]?(?:0[xXoObB])?[0-9a-fA-F_.]+[jJlLuUfF]{0,3}"
)


def _assignments(text: str, lowered: str) -> Iterator[_Candidate]:
    if not any(w in lowered for w in ("pass", "pwd", "secret", "token", "auth", "cred", "key")):
        return
    for match in _ASSIGNMENT.finditer(text):
        word = match.group("word").lower()
        kind = "password_assignment" if word in _PASSWORD_WORDS else "secret_assignment"
        quoted = match.group("quoted")
        if quoted is not None:
            if not _is_placeholder(quoted, word):
                yield kind, match.start("quoted"), match.end("quoted"), _ASSIGNMENT
            continue
        bare = match.group("bare")
        if _is_placeholder(bare, word):
            continue
        if _CODE.fullmatch(bare) and not _looks_random(bare) and not _env_line(text, match):
            continue  # `password = read_password`, `token: Token`: a name, not a value
        yield kind, match.start("bare"), match.end("bare"), _ASSIGNMENT


def _env_line(text: str, match: re.Match[str]) -> bool:
    """`DB_PASSWORD=hunter22`: an upper-case name glued to `=` is shell or .env syntax, where a
    bare word is a value; code formatters put spaces there and code names are rarely upper-case
    and glued to `=` with a bare identifier after it."""
    equals = match.start("bare") - 1
    if text[equals] != "=" or text[equals - 1] in " \t":
        return False
    start = match.start()
    while start > 0 and (text[start - 1].isalnum() or text[start - 1] == "_"):
        start -= 1
    name = text[start : match.end("word")]
    return name.isupper() and (start == 0 or text[start - 1] in "\n \t")


_STRING_LITERAL = re.compile(r"([\"'`])([A-Za-z0-9+/_\-]{24,4000}={0,2})\1")


def _random_literals(text: str, lowered: str) -> Iterator[_Candidate]:
    del lowered
    for match in _STRING_LITERAL.finditer(text):
        if _looks_random(match.group(2).rstrip("=")):
            yield "high_entropy_string", match.start(2), match.end(2), _ENTROPY


_SCANNERS: tuple[_Scanner, ...] = (
    _private_keys,
    *(rule.scan for rule in _RULES),
    _url_passwords,
    _assignments,
    _random_literals,
)

KINDS: frozenset[str] = frozenset(
    {rule.kind for rule in _RULES}
    | {
        "private_key",
        "database_password",
        "url_password",
        "password_assignment",
        "secret_assignment",
        "high_entropy_string",
    }
)


# ---------------------------------------------------------------------------------------------


def _merge(candidates: list[_Candidate]) -> list[SecretFinding]:
    """Union of overlapping spans: a secret is never half-redacted because two detectors
    disagreed on its extent. The most specific detector's kind names the union."""
    candidates.sort(key=lambda c: (c[1], -c[2]))
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


def _redact(text: str) -> RedactionResult:
    lowered = text.lower()
    if len(lowered) != len(text):  # a few characters change length when lowered ("İ")
        lowered = "".join(c if len(c.lower()) != 1 else c.lower() for c in text)
    candidates = [c for scanner in _SCANNERS for c in scanner(text, lowered)]
    if not candidates:
        return RedactionResult(text, ())
    findings = _merge(candidates)
    parts: list[str] = []
    cursor = 0
    for finding in findings:
        parts.append(text[cursor : finding.start])
        parts.append(f"{_PREFIX}{finding.kind}>")
        cursor = finding.end
    parts.append(text[cursor:])
    return RedactionResult("".join(parts), tuple(findings))


def redact_secrets(text: str) -> RedactionResult:
    """`text` with every secret replaced by `<redacted:KIND>`. Never raises: on an internal
    error the whole text is withheld, because sending it unredacted is the one bad outcome."""
    try:
        return _redact(text)
    except Exception:  # noqa: BLE001 - fail closed, whatever went wrong
        length = len(text) if isinstance(text, str) else 0
        return RedactionResult(f"{_PREFIX}unredactable>", (SecretFinding("unredactable", 0, length),))
