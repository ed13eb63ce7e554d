"""What a shared-store entry looks like, and how a signed one is told from a forged one.

A value is one compact JSON object (never pickle): `{"i":…,"m":…,"o":…,"p":…,"s":[…],"sig":…}`.
With `MU_SHARED_CACHE_SECRET` set, `sig` is an HMAC-SHA256 over the store key and the entry's
canonical JSON, so an entry cannot be edited nor copied to another function's key; entries
without a valid signature are refused. Without a secret nothing can be checked: whoever can
write to the store can put words in everyone's hovers.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from mu_lsp.llm.cache import CachedSummary

NAMESPACE = "mu:v1:"
FLIGHT_NAMESPACE = "mu:v1:flight:"
# A summary is 1-3 short bullets; a value far larger than the pool would ever accept is garbage.
MAX_VALUE_BYTES = 32 * 1024
MAX_BULLETS = 12


class Verdict(StrEnum):
    OK = "ok"
    INVALID = "invalid"  # not an entry mu-lsp writes: not JSON, wrong shape, too large
    UNSIGNED = "unsigned"  # a secret is set and the entry carries no signature
    FORGED = "forged"  # a signature that does not match (wrong secret, edited or moved entry)


@dataclass(frozen=True, slots=True)
class Decoded:
    entry: CachedSummary | None
    verdict: Verdict


def store_key(cache_key: str) -> str:
    """`summary:<sha256>` (the local cache's key) → `mu:v1:<sha256>`: nothing personal in it."""
    return NAMESPACE + cache_key.rpartition(":")[2]


def flight_key(cache_key: str) -> str:
    return FLIGHT_NAMESPACE + cache_key.rpartition(":")[2]


def _canonical(body: dict[str, Any]) -> bytes:
    return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def _signature(secret: bytes, key: str, body: dict[str, Any]) -> str:
    return hmac.new(secret, key.encode() + b"\x1f" + _canonical(body), hashlib.sha256).hexdigest()


def encode(key: str, entry: CachedSummary, secret: bytes | None) -> bytes:
    body: dict[str, Any] = {
        "s": list(entry.summary),
        "m": entry.model,
        "p": entry.provider,
        "i": entry.input_tokens,
        "o": entry.output_tokens,
    }
    if secret:
        body["sig"] = _signature(secret, key, body)
    return _canonical(body)


def decode(key: str, raw: Any, secret: bytes | None) -> Decoded:
    """Never raises: anything but a well-formed (and, with a secret, well-signed) entry is refused."""
    if not isinstance(raw, bytes | str) or len(raw) > MAX_VALUE_BYTES:
        return Decoded(None, Verdict.INVALID)
    try:
        body = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        return Decoded(None, Verdict.INVALID)
    if not isinstance(body, dict):
        return Decoded(None, Verdict.INVALID)
    signature = body.pop("sig", None)
    if secret:
        if signature is None:
            return Decoded(None, Verdict.UNSIGNED)
        if not isinstance(signature, str) or not hmac.compare_digest(signature, _signature(secret, key, body)):
            return Decoded(None, Verdict.FORGED)
    summary, counts = body.get("s"), (body.get("i", 0), body.get("o", 0))
    if not isinstance(summary, list) or len(summary) > MAX_BULLETS:
        return Decoded(None, Verdict.INVALID)
    if not all(isinstance(n, int) and not isinstance(n, bool) and 0 <= n < 10**9 for n in counts):
        return Decoded(None, Verdict.INVALID)
    if not isinstance(body.get("m", ""), str) or not isinstance(body.get("p", ""), str):
        return Decoded(None, Verdict.INVALID)
    entry = CachedSummary.from_record(
        {"summary": summary, "model": body.get("m", ""), "provider": body.get("p", ""), "input_tokens": counts[0],
         "output_tokens": counts[1]}
    )  # fmt: skip
    return Decoded(entry, Verdict.OK if entry is not None else Verdict.INVALID)
