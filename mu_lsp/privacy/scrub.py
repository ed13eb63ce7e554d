"""The one scrubber: every text that reaches the editor, a log or stderr passes through `scrub`.

It removes the API keys configured in the environment (wherever they appear), secrets in URLs
(`user:password@`, `?api-key=…` and other secret-named query parameters, whatever follows the
URL), `name=value` pairs whose name ends in a secret word, and everything `redact_secrets`
finds (known token formats, random-looking strings). Messages are short, so being eager costs
a few characters of a message, never a key.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping

from mu_lsp.privacy.redact import redact_secrets

KEY_VARIABLES = (
    "ANTHROPIC_API_KEY",
    "OPENAI_API_KEY",
    "OPENROUTER_API_KEY",
    "MU_REDIS_PASSWORD",
    "MU_SHARED_CACHE_SECRET",
)
PLACEHOLDER = "<redacted>"
_SECRET_WORD = "".join(  # names of secrets, not a secret
    (
        r"(?:(?:api|access|secret|private|client|app|license|master|session|signing)[_\-]?key|apikey",
        r"|token|secret|password|passwd|pwd|auth|authorization|credentials?|signature)",
    )
)
# `?api-key=…`, `&key=…`, `&token=…`: a query parameter whose name ends in a secret word.
_QUERY_SECRET = re.compile(r"([?&;](?:[\w.\-]{0,40}?" + _SECRET_WORD + r"|key|sig)=)([^&\s#\"'<>]+)", re.IGNORECASE)
# `api_key=…`, `password: …` in running text (the value is at least 6 characters).
_NAMED_SECRET = re.compile(
    r"((?<![\w\-])[\w.\-]{0,40}?" + _SECRET_WORD + r"[\"']?\s{0,3}[=:]\s{0,3}[\"']?)([^\s\"'&,;)]{6,})",
    re.IGNORECASE,
)


def scrub(text: str, environ: Mapping[str, str] | None = None) -> str:
    """`text` without configured keys and without secret-looking values."""
    env = os.environ if environ is None else environ
    for variable in KEY_VARIABLES:
        value = env.get(variable, "")
        if len(value) >= 8:
            text = text.replace(value, PLACEHOLDER)
    text = _QUERY_SECRET.sub(lambda m: m.group(1) + PLACEHOLDER, text)
    text = _NAMED_SECRET.sub(_named, text)
    return redact_secrets(text).text


def _named(match: re.Match[str]) -> str:
    value = match.group(2)
    if value.startswith(("<redacted", PLACEHOLDER)):
        return match.group(0)
    return match.group(1) + PLACEHOLDER
