"""Value checks: is this string random, a placeholder, a field name, a type? No detector here.

The detectors (`rules`, `scanners`, `assignments`) find where a secret may be; these checks
decide whether the value found is one. They hold the calibration (entropy floors, the bigram
table) and the project's deliberate choices about what is not a secret: short values,
templates, masks, obviously fake values, env-variable, field, header and enum names, regexes,
quoted type annotations, messages, paths and credential-free URLs (see the package docstring).
"""

from __future__ import annotations

import base64
import binascii
import itertools
import math
import re
from collections import Counter

from mu_lsp.privacy.redact.findings import PREFIX


def shannon_entropy(text: str) -> float:
    """Bits per character; random base62 text of length n scores close to log2(n)."""
    if not text:
        return 0.0
    total = len(text)
    return -sum(n / total * math.log2(n / total) for n in Counter(text).values())


# First percentile of the entropy of random base62 strings of each length, minus a margin
# (measured with random.Random; see test_random_keys_are_detected).
_ENTROPY_FLOOR = (
    (16, 3.30),
    (20, 3.55),
    (24, 3.80),
    (32, 4.10),
    (40, 4.35),
    (48, 4.55),
    (64, 4.80),
)


def entropy_threshold(length: int) -> float:
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


def looks_random(value: str) -> bool:
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
    if shannon_entropy(value) < entropy_threshold(length):
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


def credential_like(value: str) -> bool:
    """A token after `Bearer`/`key-`/`sk-` is a credential if it is neither a plain word nor a
    documentation mask (`sk-...`, `sk-xxxxxxxx`, `sk-your-key-here`)."""
    if DOC_MASK.search(value) or TEMPLATE.search(value) or _wordy(value):
        return False
    has_digit = any(c.isdigit() for c in value)
    mixed_case = any(c.isupper() for c in value) and any(c.islower() for c in value)
    return (
        (has_digit and any(c.isalpha() for c in value))
        or (mixed_case and "+" in value)
        or (mixed_case and shannon_entropy(value) >= entropy_threshold(len(value)))
    )


# Values that stand for a secret rather than being one.
TEMPLATE = re.compile(
    r"[{}]"  # f-strings, str.format, ${VAR}, {{ jinja }}
    r"|%[-#0 +]?\d*(?:\.\d+)?[sdifrx]|%\(\w+\)"  # printf
    r"|^\$\w|\$\(|^@\w+@$|^os\.environ|^env:"  # $VAR, $(command), @VAR@, litellm's os.environ/VAR
    r"|<[A-Za-z][\w \-]*>"  # <token>, <your password>
)
MASK = re.compile(r"\*{3,}|\.{3,}|…|[xX]{4,}|•{3,}|#{4,}")
# Masks in documentation ("sk-...", "xoxb-XXXXXXXXXXXX"). Stricter than MASK because it also
# applies to token formats: four x's in a row occur in one random 40-char key in 30,000.
DOC_MASK = re.compile(r"\*{3,}|\.{3}|…|[xX]{8,}")
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


def is_placeholder(value: str, word: str) -> bool:
    """Values that stand for a secret rather than being one (see the package docstring)."""
    stripped = value.strip()
    if len(stripped) < 6 or stripped.startswith(PREFIX):
        return True
    if TEMPLATE.search(stripped) or MASK.search(stripped) or _FAKE.search(stripped):
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


def looks_like_type(value: str) -> bool:
    """`credentials: "Credentials | None"`: a quoted forward reference, not a value."""
    if not _TYPE.fullmatch(value) or any(c.isdigit() for c in value):
        return False
    return any(c in value for c in "[|.") or sum(c.isupper() for c in value) >= 2


def decodes_to_user_password(value: str) -> bool:
    """`Basic …` credentials are base64 of `user:password`; a word after "Basic" is not."""
    try:
        decoded = base64.b64decode(value + "=" * (-len(value) % 4), validate=True)
    except (binascii.Error, ValueError):
        return False
    return b":" in decoded and len(decoded) >= 3
