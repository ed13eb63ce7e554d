"""Secret redaction: every function body passes through here before it leaves the machine.

Three detectors, from most to least specific:

1. Token formats whose shape alone gives them away (`ghp_…`, `AKIA…`, JWTs, PEM private key
   blocks, `scheme://user:password@host`, `Bearer …`; KINDS lists them all).
2. Values assigned to secret-looking names, whatever the value looks like: a name that ENDS
   in password/passwd/pwd/secret/token/auth/credential(s)/api_key/access_key/… followed by
   `=`, `:`, `:=`, `=>` (Python, JS/TS, Go, Rust, Java, YAML, JSON, TOML, PHP), a setter call
   (`setPassword("…")`), an XML element (`<password>…</password>`), or `=` in .env, shell,
   .properties, query-string and command-line-flag syntax.
3. Long quoted strings that look random: ≥ 24 base64/base62 characters mixing upper case,
   lower case and digits, not made of English bigrams, with a Shannon entropy near that of
   random text of the same length (`_ENTROPY_FLOOR`), and not base64 of printable text.

Only the secret is replaced, by `<redacted:KIND>`; quotes, names and operators stay, so the
model still understands the function. Overlapping findings are merged into one placeholder
named by the most specific detector, so no piece of a secret survives between two findings.

Deliberate choices, each pinned by a test:

* Not secrets: values shorter than 6 characters; templates (`"{password}"`, `"%s"`,
  `"${DB_PASS}"`, `"<token>"`, `"os.environ/KEY"`); masks (`"******"`, `"sk-..."`,
  `"xoxb-XXXXXXXX"`); obviously fake values (`"dummy-…"`, `"your-api-key"`, `"example"`);
  env-variable, field, header and enum names (`"GITHUB_TOKEN"`, `"access_token"`,
  `"X-Api-Key"`, `oauth2 = "oauth2"`); regexes; quoted type annotations
  (`credentials: "Credentials | None"`); messages (six words or more, or a sentence);
  paths and credential-free URLs; unquoted values that are code (`token = self.token`).
* Secrets although they may look harmless: literal default passwords (`"changeme"`,
  `"password123"`), short passphrases with spaces or hyphens (`"correct horse battery"`),
  and every URL password that is not a template, even `user:pass@`: a real credential is as
  likely as a placeholder, and the placeholder tells the model as much as the value did.
* Pure hex strings (hashes, digests, ids, colours, SHA-256 test fixtures) and UUIDs are not
  high-entropy findings: code is full of them and they are rarely credentials. Hex secrets
  are still caught by name (`secret_key = "9f86d0…"`, `HEROKU_API_KEY = "<uuid>"`) or by
  format (Twilio, DigitalOcean, Shopify).
* Random identifiers of APIs (`"toolu_01T1x…"`, `"call_wKay…"`) and embedded binary data
  are high-entropy findings: by shape they are indistinguishable from keys.
* Stripe publishable keys (`pk_live_…`) are public by design and are left alone.

Every pattern starts with a literal (so the regex engine can skip to it), uses bounded or
possessive repetitions and no nested quantifiers; PEM blocks are delimited with str.find.
Adversarial input (100 KB of `a`, `=`, BEGIN lines, …) takes milliseconds. If anything
unexpected happens anyway, the whole text is withheld (fail closed) rather than sent.
"""

from __future__ import annotations

import base64
import binascii
import itertools
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
_ENTROPY_FLOOR = (
    (16, 3.30),
    (20, 3.55),
    (24, 3.80),
    (32, 4.10),
    (40, 4.35),
    (48, 4.55),
    (64, 4.80),
)


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
_LOWER_RUN = re.compile(r"[a-z]{2,}")
# The bigrams that make up 97% of the lowercase runs in CPython's standard library: words in
# identifiers are made of them, random text only by chance (about a third of its bigrams).
_BIGRAM_TABLE = (
    "ab ac ad ag ai ak al am an ap ar as at au av ax ay ba be bi bj bl bo br bs bu by ca ce ch "
    "ci ck cl co cr ct cu da dd de di dl do dr ds dt du ea eb ec ed ee ef eg el em en eo ep eq "
    "er es et ev ew ex ey fa fe ff fi fl fo fr fs ft fu ge gh gi gl gn gr gs gu ha he hi ho hr "
    "ht ia ib ic id ie if ig il im in io ip ir is it iv ix iz je ke ki ks la ld le lf li ll lo "
    "lp ls lt lu ly ma mb me mi mm mo mp ms mu na nc nd ne nf ng ni nk nl nn no np ns nt nu nv "
    "ny oa ob oc od of og oi ok ol om on oo op or os ot ou ov ow pa pe pi pl po pp pr ps pt pu "
    "py qu ra rc rd re rg ri rk rm rn ro rr rs rt ru rv ry sa sc se sg sh si sl so sp ss st su "
    "sy ta tc td te th ti tl tm to tp tr ts tt tu tw ty ua ub uc ue uf ui ul um un up ur us ut "
    "va ve vi wa we wh wi wo wr xc xi xp xt yp ys yt ze"
)
_COMMON_BIGRAMS = frozenset(_BIGRAM_TABLE.split())
_PRINTABLE = frozenset(range(32, 127))


def _looks_random(value: str) -> bool:
    """Random keys mix cases and digits evenly; identifiers, words, hashes and encoded text do
    not. Tuned on random base62 strings: 2% of 24-char keys slip through (mostly for want of a
    digit), 0.5% of 40-char keys, none of 64-char ones (test_random_keys_are_detected)."""
    length = len(value)
    if not (any(c.isupper() for c in value) and any(c.islower() for c in value)):
        return False
    if length < 32 and not any(c.isdigit() for c in value):
        return False  # short and digit-less: a word; a random 24-char key has a digit 98.7% of the time
    if _HEX.fullmatch(value):
        return False
    if ("-" in value or "_" in value) and ("/" in value or "+" in value):
        return False  # two base64 alphabets at once: a path or a model name, not an encoding
    if _wordy(value):
        return False  # CamelCase words: "DefaultAsyncHttpx2Client", "CopySourceSSECustomerKeyMD5"
    if sum(1 for a, b in itertools.pairwise(value) if ord(b) - ord(a) == 1) > length // 4:
        return False  # alphabets and counting sequences: "ABCDEFabcdef012345"
    if shannon_entropy(value) < _entropy_threshold(length):
        return False
    return not _encoded_text(value)


def _wordy(value: str) -> bool:
    """Mostly words: a quarter of the characters start a common bigram, and three quarters of
    the lowercase bigrams are common. 0.5% of random 24-char keys pass, 0.07% of 40-char ones."""
    pairs = [run[i : i + 2] for run in _LOWER_RUN.findall(value) for i in range(len(run) - 1)]
    hits = sum(pair in _COMMON_BIGRAMS for pair in pairs)
    return hits >= 0.25 * len(value) and hits >= 0.75 * len(pairs)


def _encoded_text(value: str) -> bool:
    """Base64 of printable text ("SGVsbG8gd29ybGQ=") is data in a test or a docstring; a key
    decodes to random bytes. Text with a colon may be `user:password`, so it stays a secret."""
    if len(value) % 4 == 1:
        return False
    try:
        decoded = base64.b64decode(
            value + "=" * (-len(value) % 4), altchars=b"-_" if "-" in value or "_" in value else None, validate=True
        )
    except (binascii.Error, ValueError):
        return False
    return all(byte in _PRINTABLE for byte in decoded) and b":" not in decoded


def _credential_like(value: str) -> bool:
    """A token after `Bearer`/`key-`/`sk-` is a credential if it is neither a plain word nor a
    documentation mask (`sk-...`, `sk-xxxxxxxx`, `sk-your-key-here`)."""
    if _DOC_MASK.search(value) or _TEMPLATE.search(value) or _wordy(value):
        return False
    has_digit = any(c.isdigit() for c in value)
    mixed_case = any(c.isupper() for c in value) and any(c.islower() for c in value)
    return (
        (has_digit and any(c.isalpha() for c in value))
        or (mixed_case and "+" in value)
        or (mixed_case and shannon_entropy(value) >= _entropy_threshold(len(value)))
    )


_TEMPLATE = re.compile(
    r"[{}]"  # f-strings, str.format, ${VAR}, {{ jinja }}
    r"|%[-#0 +]?\d*(?:\.\d+)?[sdifrx]|%\(\w+\)"  # printf
    r"|^\$\w|\$\(|^@\w+@$|^os\.environ|^env:"  # $VAR, $(command), @VAR@, litellm's os.environ/VAR
    r"|<[A-Za-z][\w \-]*>"  # <token>, <your password>
)
_MASK = re.compile(r"\*{3,}|\.{3,}|…|[xX]{4,}|•{3,}|#{4,}")
# Masks in documentation ("sk-...", "xoxb-XXXXXXXXXXXX"). Stricter than _MASK because it also
# applies to token formats: four x's in a row occur in one random 40-char key in 30,000.
_DOC_MASK = re.compile(r"\*{3,}|\.{3}|…|[xX]{8,}")
_FAKE = re.compile(r"(?i)dummy|fake|mock|example|placeholder|redacted|your|sample|foobar|replace_?me")
_ENV_NAME = re.compile(r"[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+")
_PATH_OR_URL = re.compile(r"(?:/|~/|\./|\.\./|[A-Za-z]:[\\/]|[A-Za-z][\w+.-]*://)")
_BRACKETED = re.compile(r"\[[^\[\]]*\]|\([^()]*\)|<[^<>]*>|__\w+__")  # [MASK], <|eos|>, __sentinel__
_CALL = re.compile(r"[\w.]+\(.*\)")  # `get_token()` quoted in a comment
_HEADER_NAME = re.compile(r"x-[a-z0-9\-]+")  # "x-api-key"
_COLOR = re.compile(r"#(?:[0-9a-fA-F]{3,4}|[0-9a-fA-F]{6}|[0-9a-fA-F]{8})")
_DOTTED_NUMBER = re.compile(r"\d+(?:\.\d+){2,}")  # versions, OIDs, IP addresses
_FIELD_NAME = re.compile(r"_*[A-Za-z][A-Za-z0-9]*(?:[ _\-.:/]+[A-Za-z0-9]+)*_*")
_FIELD_WORDS = ("pass", "pwd", "secret", "token", "key", "auth", "cred", "bearer", "basic")
_FIELD_WORDS_EXACT = frozenset(
    [
        "password",
        "passwd",
        "passphrase",
        "secret",
        "token",
        "apikey",
        "api_key",
        "credential",
        "credentials",
        "authorization",
        "bearer",
        "basic",
    ]
)
_HEADER_CASE = re.compile(r"[A-Z][A-Za-z0-9]*(?:-[A-Z][A-Za-z0-9]*)+")
_PROMPT = re.compile(r"[A-Za-z][A-Za-z ']*:\s*")
_SNAKE = re.compile(r"[a-z]+(?:_[a-z]+)+")  # "byok_session_cookie": an identifier
_REGEX = re.compile(r"\\[wdsWDSbB]|\(\?[:!=<P]|\[\^")  # token = r"[^\W\d]\w*"
_TYPE = re.compile(r"[A-Za-z_][\w.]*(?:\[[\w.,| \[\]]*\])?(?:\s*\|\s*[A-Za-z_][\w.]*(?:\[[\w.,| \[\]]*\])?)*")


def _is_placeholder(value: str, word: str) -> bool:
    """Values that stand for a secret rather than being one (see the module docstring)."""
    stripped = value.strip()
    if len(stripped) < 6 or stripped.startswith(_PREFIX):
        return True
    if _TEMPLATE.search(stripped) or _MASK.search(stripped) or _FAKE.search(stripped):
        return True
    if _REGEX.search(stripped) or any(
        p.fullmatch(stripped)
        for p in (_ENV_NAME, _BRACKETED, _CALL, _COLOR, _DOTTED_NUMBER, _PROMPT, _HEADER_NAME, _SNAKE)
    ):
        return True  # "GITHUB_TOKEN", "[MASK]", "#ffcc00", "1.3.6.1.5", "Password: ", messages
    if " " in stripped and (len(stripped.split()) >= 6 or (stripped[-1] in ".!?" and stripped[-2].isalnum())):
        return True  # a message ("Use a User Access Token."); passphrases are shorter, unpunctuated
    if _PATH_OR_URL.match(stripped):
        return True  # paths are not secrets; credentials inside URLs have their own detector
    if _is_field_name(stripped):
        return True  # a key, header or mode name: "access_token", "X-Api-Key", "password"
    return word == "pwd" and stripped.startswith(("/", "~"))  # $PWD is a directory


def _is_field_name(value: str) -> bool:
    """Names of fields, headers and modes. Kebab-case and spaced values ("super-secret-pw",
    "a secret") are not among them: they are as likely to be passphrases."""
    lowered = value.lower()
    if lowered.replace("-", "_") in _FIELD_WORDS_EXACT:
        return True
    if not _FIELD_NAME.fullmatch(value) or not any(w in lowered for w in _FIELD_WORDS):
        return False
    return any(c in value for c in "_.:/") or _HEADER_CASE.fullmatch(value) is not None


def _looks_like_type(value: str) -> bool:
    """`credentials: "Credentials | None"`: a quoted forward reference, not a value."""
    if not _TYPE.fullmatch(value) or any(c.isdigit() for c in value):
        return False
    return any(c in value for c in "[|.") or sum(c.isupper() for c in value) >= 2


# ---------------------------------------------------------------------------------------------
# Detectors. Each yields (kind, start, end, priority); a lower priority number names a merge.
#
# Speed: CPython's regex engine jumps straight to a pattern's literal prefix, but tries every
# position of the text for a pattern that starts with a class, an alternation, a lookbehind or
# (?i). So every pattern here starts with a literal; boundaries are checked in Python after a
# match, and case-insensitive patterns run, lowercase, over the lowercased text (same offsets).

_Candidate = tuple[str, int, int, int]
_Scanner = Callable[[str, str], Iterator[_Candidate]]

_SPECIFIC, _CONTEXT, _ASSIGNMENT, _ENTROPY = 0, 1, 2, 3
_NOT_ALNUM_AFTER = r"(?![A-Za-z0-9])"


@dataclass(frozen=True, slots=True)
class _Rule:
    kind: str
    pattern: re.Pattern[str]
    anchors: tuple[str, ...]  # cheap pre-check: one must occur in the text searched
    group: int  # the group holding the secret (0: the whole match)
    folded: bool  # the pattern is lowercase and runs over the lowercased text
    boundary: bool  # the match must not continue an alphanumeric run
    check: Callable[[str], bool] | None
    priority: int

    def scan(self, text: str, lowered: str) -> Iterator[_Candidate]:
        haystack = lowered if self.folded else text
        if not any(anchor in haystack for anchor in self.anchors):
            return
        for match in self.pattern.finditer(haystack):
            if self.boundary and match.start() > 0 and text[match.start() - 1].isalnum():
                continue
            start, end = match.span(self.group)
            value = text[start:end]
            if _DOC_MASK.search(value) or (self.check is not None and not self.check(value)):
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
    priority: int = _SPECIFIC,
) -> _Rule:
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
    return _Rule(kind, re.compile(pattern), anchors, group, folded, boundary, check, priority)


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


def _decodes_to_user_password(value: str) -> bool:
    try:
        decoded = base64.b64decode(value + "=" * (-len(value) % 4), validate=True)
    except (binascii.Error, ValueError):
        return False
    return b":" in decoded and len(decoded) >= 3


_ASSIGNED = r"[\"'\]]{0,2}\s*(?:=|:=|:|=>|,)\s*[\"']?"  # `KEY = "`, `"key": "`, `key=`
_AWS_KEY_BODY = r"([A-Za-z0-9/+]{40})(?![A-Za-z0-9/+])"
_UUID = r"([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})(?![0-9a-f])"

_RULES: tuple[_Rule, ...] = (
    _rule(
        "aws_access_key_id",
        r"A(?:KIA|SIA|BIA|CCA|GPA|IDA|IPA|NPA|NVA|ROA|PKA)[A-Z2-7]{16}" + _NOT_ALNUM_AFTER,
        ("A",),
    ),
    _rule(
        "aws_secret_access_key",
        r"aws[\w.\-]{0,20}?secret[\w.\-]{0,20}" + _ASSIGNED + _AWS_KEY_BODY,
        ("aws",),
        group=1,
        folded=True,
        boundary=False,
        priority=_CONTEXT,
    ),
    _rule(
        "aws_secret_access_key",
        r"secret_?access_?key" + _ASSIGNED + _AWS_KEY_BODY,
        ("secret",),
        group=1,
        folded=True,
        boundary=False,
        priority=_CONTEXT,
    ),
    _rule("github_token", r"gh[pousr]_[A-Za-z0-9]{36,251}" + _NOT_ALNUM_AFTER, ("gh",)),
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
    _rule("stripe_key", r"[sr]k_(?:live|test)_[A-Za-z0-9]{10,247}" + _NOT_ALNUM_AFTER, ("k_live_", "k_test_")),
    _rule("anthropic_api_key", r"sk-ant-(?:api|admin|sid)\d{2}-[A-Za-z0-9_\-]{20,200}"),
    _rule(
        "openai_api_key",
        r"sk-(?!ant-)(?:proj-|svcacct-|admin-|None-)?[A-Za-z0-9_\-]{20,250}",
        check=_credential_like,
    ),
    _rule("google_api_key", r"AIza[A-Za-z0-9_\-]{35}" + _NOT_ALNUM_AFTER, boundary=False),
    _rule("google_oauth_client_secret", r"GOCSPX-[A-Za-z0-9_\-]{28}", boundary=False),
    _rule(
        "jwt",
        r"eyJ[A-Za-z0-9_\-]{10,2000}\.eyJ[A-Za-z0-9_\-]{10,8000}\.[A-Za-z0-9_\-]{0,2000}",
    ),
    _rule("twilio_key", r"SK[0-9a-f]{32}" + _NOT_ALNUM_AFTER),
    _rule("twilio_key", r"AC[0-9a-f]{32}" + _NOT_ALNUM_AFTER),
    _rule("sendgrid_api_key", r"SG\.[A-Za-z0-9_\-]{22}\.[A-Za-z0-9_\-]{43}" + _NOT_ALNUM_AFTER),
    _rule("npm_token", r"npm_[A-Za-z0-9]{36}" + _NOT_ALNUM_AFTER),
    _rule("pypi_token", r"pypi-AgE[A-Za-z0-9_\-]{50,1000}", boundary=False),
    _rule("huggingface_token", r"hf_[A-Za-z0-9]{30,40}" + _NOT_ALNUM_AFTER, check=_credential_like),
    _rule(
        "mailgun_api_key",
        r"key-[A-Za-z0-9]{32}" + _NOT_ALNUM_AFTER,
        check=_credential_like,
    ),
    _rule("shopify_token", r"shp(?:at|ca|pa|ss)_[a-fA-F0-9]{32}" + _NOT_ALNUM_AFTER, ("shp",)),
    _rule("digitalocean_token", r"do[opr]_v1_[a-f0-9]{64}" + _NOT_ALNUM_AFTER, ("_v1_",)),
    _rule("age_secret_key", r"AGE-SECRET-KEY-1[0-9A-Z]{58}", boundary=False),
    _rule(
        "azure_storage_key",
        r"accountkey\s*=\s*([a-z0-9+/]{20,200}={0,2})",
        group=1,
        folded=True,
        boundary=False,
        priority=_CONTEXT,
    ),
    _rule(
        "azure_storage_key",
        r"sharedaccesskey\s*=\s*([a-z0-9+/]{20,200}={0,2})",
        group=1,
        folded=True,
        boundary=False,
        priority=_CONTEXT,
    ),
    _rule(
        "azure_sas_signature",
        r"sig=([A-Za-z0-9%+/]{30,200}(?:%3D|=){0,2})",
        check=lambda v: "%" not in v or _credential_like(v.replace("%2B", "+").replace("%2F", "/")),
        group=1,
        priority=_CONTEXT,
    ),
    _rule(
        "bearer_token",
        r"bearer\s+([a-z0-9_\-.~+/]{16,4000}=*)",
        group=1,
        folded=True,
        check=_credential_like,
        priority=_CONTEXT,
    ),
    _rule(
        "basic_auth",
        r"basic\s+([a-z0-9+/]{8,1000}={0,2})(?![a-z0-9+/=])",
        group=1,
        folded=True,
        check=_decodes_to_user_password,
        priority=_CONTEXT,
    ),
    _rule(
        "authorization_header",
        r"authorization[\"']?\s*[:=,]\s*[\"']?(?:token|apikey|api-key)\s+"
        r"([a-z0-9_\-.~+/]{16,4000}=*)",
        group=1,
        folded=True,
        check=_credential_like,
        priority=_CONTEXT,
    ),
    _rule(
        "heroku_api_key",
        r"heroku[\w.\-]{0,30}" + _ASSIGNED + _UUID,
        group=1,
        folded=True,
        boundary=False,
        priority=_CONTEXT,
    ),
)


# Discord bot tokens and Telegram bot tokens start with a class, not a literal: find their
# literal middle part, then check what comes before it.
_DISCORD_TAIL = re.compile(r"\.([A-Za-z0-9_\-]{6})\.[A-Za-z0-9_\-]{27,40}" + _NOT_ALNUM_AFTER)
_DISCORD_HEAD = re.compile(r"[MNO][A-Za-z0-9_\-]{23,27}")
_TELEGRAM = re.compile(r":AA[A-Za-z0-9_\-]{33}" + _NOT_ALNUM_AFTER)
_BOT_ID = re.compile(r"\d{8,10}")


def _bot_tokens(text: str, lowered: str) -> Iterator[_Candidate]:
    del lowered
    for tail in _DISCORD_TAIL.finditer(text):
        dot = tail.start()
        for length in range(24, 29):  # "M" plus 23 to 27 characters
            start = dot - length
            if start >= 0 and _DISCORD_HEAD.fullmatch(text, start, dot):
                if (start == 0 or not text[start - 1].isalnum()) and _credential_like(text[start : tail.end()]):
                    yield "discord_bot_token", start, tail.end(), _SPECIFIC
                break
    if ":AA" not in text:
        return
    for match in _TELEGRAM.finditer(text):
        for length in (10, 9, 8):
            start = match.start() - length
            if start >= 0 and _BOT_ID.fullmatch(text, start, match.start()):
                if start == 0 or not text[start - 1].isalnum():
                    yield "telegram_bot_token", start, match.end(), _SPECIFIC
                break


# PEM blocks: BEGIN and END are found with str.find, not a lazy regex, so a text made of
# thousands of BEGIN lines stays linear. A block without its END line (a truncated key, a key
# built by string concatenation) is redacted up to its last base64-looking line.
_PEM_BEGIN = re.compile(r"-----BEGIN ([A-Z0-9 ]{0,40}?)PRIVATE KEY(?: BLOCK)?-----")
_PEM_END = re.compile(r"-----END [A-Z0-9 ]{0,40}?PRIVATE KEY(?: BLOCK)?-----")
_PEM_ESCAPED_BODY = re.compile(r"(?:\\[nr]|[A-Za-z0-9+/=]){16,}+")  # "…-----\\nMIIE…\\n…"
_PEM_LINE = re.compile(r"[\"'+,( \t]*+(?:[A-Za-z0-9+/=]{16,}+|(?:Proc-Type|DEK-Info|Comment|Version): [^\n]*)")


def _private_keys(text: str, lowered: str) -> Iterator[_Candidate]:
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
        yield "private_key", begin.start(), stop, _SPECIFIC
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


def _url_passwords(text: str, lowered: str) -> Iterator[_Candidate]:
    """Only the password of `scheme://user:password@host` goes, so the model still sees which
    database or service the code talks to."""
    del lowered
    if "@" not in text:
        return
    for match in _URL_CREDENTIALS.finditer(text):
        password = match.group(2)
        if _TEMPLATE.search(password) or _MASK.search(password) or password.startswith(_PREFIX):
            continue
        start = match.start()
        while start > 0 and (text[start - 1].isalnum() or text[start - 1] in "+.-:"):
            start -= 1
        scheme = text[start : match.start()].lower()
        if not _SCHEME.fullmatch(scheme):
            continue
        base = scheme.rsplit(":", 1)[-1].split("+", 1)[0]  # jdbc:postgresql, postgresql+psycopg
        kind = "database_password" if base in _DATABASE_SCHEMES else "url_password"
        yield kind, match.start(2), match.end(2), _CONTEXT


# Assignments to secret-looking names. The name must END with one of the words, so that
# `db_password`, `API_KEY` and `authToken` count and `token_type` or `password_prompt` do not.
# The roots are found with str.find on the lowercased text; the name around each is then
# checked, and the assignment after it matched in place.
_ROOTS = ("pass", "pwd", "secret", "token", "auth", "cred", "key")
_SECRET_NAME = re.compile(
    r"(?:password|passwd|passphrase|pwd|secret|token|auth|credentials?"
    r"|(?:api|access|private|secret|signing|encryption|master|session|client|app|license)"
    r"[_\-]?key)\d*$"  # ending the name: searched with `endpos` at the name's end
)
_NAME_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789_-")
_ASSIGNMENT_TAIL = re.compile(
    r"(?P<close>[\"'`\]]{0,3})"  # closing quote or bracket of a key: "password": / cfg["token"] =
    r"(?:\s*:\s*(?!=)[\w.\[\], |&']{1,40}?(?=\s*=)"  # annotation: `password: str = `
    r"|[ \t]+(?:string|\[\]byte)(?=\s*=))?"  # Go: `var token string = `
    r"[ \t]*(?P<sep>(?<![=!<>])=(?![=>~])|:=|:(?![:=])|=>|\((?=[ \t]*[rRbBuU]{0,2}[\"'`]))[ \t]*"
    r"(?:"
    r"(?:[rRbBuU]{1,2})?"
    r"(?:\"\"\"(?P<tdq>[^\"\\]{1,300})\"\"\"|'''(?P<tsq>[^'\\]{1,300})'''"  # Python's triple quotes
    r"|\"(?P<dq>(?:[^\"\\\n]|\\.){1,300})\"|'(?P<sq>(?:[^'\\\n]|\\.){1,300})'|`(?P<bt>[^`\\\n]{1,300})`)"
    # A bare value must end its line (YAML, .env, a query string), bar closing punctuation
    # and a comment; otherwise it is the start of an expression or of a sentence.
    r"|(?P<bare>[^\s\"'`,;(){}\[\]<>\\|&]{6,200}+)"
    r"(?=[ \t]*(?:[,;)}\]\"'`&][ \t]*)*(?:(?:#|//)[^\n]*)?(?:\r?\n|$)|&|[ \t]+--?[A-Za-z])"
    r")"
)
_PASSWORD_WORDS = ("password", "passwd", "passphrase", "pwd")
_CODE = re.compile(
    r"[A-Za-z_$][\w$]*(?:(?:\.|::|->)[A-Za-z_$][\w$]*)*[?!]?"  # names: self.token, Config::KEY
    r"|[-+]?(?:0[xXoObB][0-9a-fA-F_]+|(?:\d[\d_]*)?\.?\d[\d_]*(?:[eE][-+]?\d+)?)[jJlLuUfFnN]{0,3}"
)


def _assignments(text: str, lowered: str) -> Iterator[_Candidate]:
    seen: set[int] = set()
    size = len(text)
    for root in _ROOTS:
        index = lowered.find(root)
        while index != -1:
            end = index + len(root)
            while end < size and lowered[end] in _NAME_CHARS:
                end += 1
            index = lowered.find(root, end)
            if end in seen:
                continue
            seen.add(end)
            word = _SECRET_NAME.search(lowered, max(0, end - 24), end)
            if word is None:
                continue
            match = _ASSIGNMENT_TAIL.match(text, end)
            if match is not None:
                yield from _assigned_value(text, match, word.start(), word.group())


def _assigned_value(text: str, match: re.Match[str], word_start: int, word: str) -> Iterator[_Candidate]:
    kind = "password_assignment" if word.startswith(_PASSWORD_WORDS) else "secret_assignment"
    name = _name_before(text, word_start) + word
    if match.group("sep") == "(" and not name.startswith(("set", "with")):
        return  # setPassword("…") and withToken("…") set a secret; get_token("name") does not
    group = next((g for g in ("tdq", "tsq", "dq", "sq", "bt") if match.group(g) is not None), "bt")
    quoted = match.group(group)
    if quoted is not None:
        if _is_placeholder(quoted, word) or _names_itself(quoted, name):
            return
        if match.group("sep") == ":" and not match.group("close") and _looks_like_type(quoted):
            return  # `credentials: "Credentials | None"`, a quoted annotation
        yield kind, match.start(group), match.end(group), _ASSIGNMENT
        return
    bare = match.group("bare")
    if _is_placeholder(bare, word) or _names_itself(bare, name):
        return
    if not _value_context(text, match, word_start):
        if match.group("sep") == ":" and text[match.start("bare") - 1] not in " \t":
            return  # YAML wants a space after the colon; "urn:ietf:params:oauth:token-type"
        if "." in bare and _CODE.fullmatch(bare):
            return  # `auth = httpx.USE_CLIENT_DEFAULT`
        if not _looks_random(bare) and (_CODE.fullmatch(bare) or not any(c.islower() for c in bare)):
            return  # `password = read_password`, `AUTH=PLAIN`: a name or a keyword, not a value
    yield kind, match.start("bare"), match.end("bare"), _ASSIGNMENT


def _name_before(text: str, word_start: int) -> str:
    start = word_start
    while start > 0 and (text[start - 1].isalnum() or text[start - 1] in "_-"):
        start -= 1
    return text[start:word_start].lower()


def _names_itself(value: str, name: str) -> bool:
    """Enum members and constants named after their value: `oauth2 = "oauth2"`,
    `NO_AUTH = "no-auth"`, `USERNAME_PASSWORD = "profile-username-password"`."""
    value = value.lower().replace("-", "_")
    name = name.replace("-", "_").strip("_")
    return value == name or ("_" in name and value.endswith("_" + name))


def _value_context(text: str, match: re.Match[str], word_start: int) -> bool:
    """Where a bare word glued to `=` is a value, not a variable (code formatters put spaces
    around `=`, except in keyword arguments): a query string (`?access_key=Q9xL2m&…`), a
    command-line flag (`--password=hunter22`), a shell or .env line (`DB_PASSWORD=hunter22`),
    a .properties or .ini line (`spring.datasource.password=hunter22`, unindented, alone)."""
    equals = match.start("bare") - 1
    if text[equals] != "=" or text[equals - 1] in " \t":
        return False
    start = word_start
    while start > 0 and (text[start - 1].isalnum() or text[start - 1] in "_.-"):
        start -= 1
    name = text[start:equals]
    if name.startswith("-") or (start > 0 and text[start - 1] in "?&"):
        return True
    line_start = text.rfind("\n", 0, start) + 1
    indent = text[line_start:start]
    if indent.strip() not in ("", "export", "set", "#"):
        return False
    if name.isupper():
        return True
    line_end = text.find("\n", equals)
    rest = text[match.end("bare") : len(text) if line_end == -1 else line_end]
    return not indent and not rest.strip()


# <password>hunter22</password> in Maven settings, web.config, Spring XML; on the lowered text.
_XML_ELEMENT = re.compile(
    r"<((?:[a-z0-9]+[_\-.:])?(?:password|passwd|secret|token|apikey|api[_\-]key|access[_\-]?key"
    r"|client[_\-]?secret|secret[_\-]?key))>([^<\n]{6,300})</\1>"
)


def _xml_elements(text: str, lowered: str) -> Iterator[_Candidate]:
    if "</" not in text:
        return
    for match in _XML_ELEMENT.finditer(lowered):
        value = text[match.start(2) : match.end(2)]
        name = match.group(1)
        if not _is_placeholder(value, name):
            kind = "password_assignment" if "pass" in name else "secret_assignment"
            yield kind, match.start(2), match.end(2), _ASSIGNMENT


_STRING_LITERAL = re.compile(r"([\"'`])([A-Za-z0-9+/_\-]{24,4000}={0,2})\1")


def _random_literals(text: str, lowered: str) -> Iterator[_Candidate]:
    del lowered
    for match in _STRING_LITERAL.finditer(text):
        if _looks_random(match.group(2).rstrip("=")):
            yield "high_entropy_string", match.start(2), match.end(2), _ENTROPY


_SCANNERS: tuple[_Scanner, ...] = (
    _private_keys,
    *(rule.scan for rule in _RULES),
    _bot_tokens,
    _url_passwords,
    _assignments,
    _xml_elements,
    _random_literals,
)

KINDS: frozenset[str] = frozenset(
    {rule.kind for rule in _RULES}
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

# ---------------------------------------------------------------------------------------------


def _merge(candidates: list[_Candidate]) -> list[SecretFinding]:
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


def _redact(text: str) -> RedactionResult:
    lowered = text.lower()
    if len(lowered) != len(text):  # a few characters grow when lowered ("İ" -> "i̇")
        lowered = "".join(c.lower() if len(c.lower()) == 1 else c for c in text)
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
    except Exception:  # fail closed, whatever went wrong
        length = len(text) if isinstance(text, str) else 0
        return RedactionResult(f"{_PREFIX}unredactable>", (SecretFinding("unredactable", 0, length),))
