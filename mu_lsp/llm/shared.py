"""The team's shared summary store: a Redis or Valkey server, spoken to from the worker only.

Why it is built this way:
* The editor never waits on the network: every lookup runs in the worker, bounded by
  `[cache] shared_timeout_ms` (150 ms by default), and a store that is down, slow or answers
  garbage turns the store off for this process: one warning, a status flag, local-only lookups,
  and a background probe that turns it back on when the store answers again.
* Secrets stay in the environment: the password comes from `MU_REDIS_PASSWORD`, or from
  `MU_SHARED_CACHE_URL` but only for that URL's own host; no message names more than
  scheme://host:port/db.
* Keys are `mu:v1:<sha256>` (nothing personal), values compact JSON (`shared_entry`), written
  with a TTL that only bounds the store's size (a summary never goes stale by time: the key
  changes with the code). A hit pushes the TTL back, best effort.
* Developers opening the same function at the same moment make one provider call: the first
  sets an in-flight marker (`SET NX` with an expiry), the others wait for its answer.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import secrets
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar
from urllib.parse import urlsplit

from mu_lsp.config.settings import SHARED_URL_VARIABLE, without_password
from mu_lsp.llm.cache import CachedSummary
from mu_lsp.llm.shared_entry import Verdict, decode, encode, flight_key, store_key
from mu_lsp.privacy.scrub import scrub

log = logging.getLogger(__name__)
T = TypeVar("T")

PASSWORD_VARIABLE = "MU_REDIS_PASSWORD"  # noqa: S105 - the variable's name
SECRET_VARIABLE = "MU_SHARED_CACHE_SECRET"  # noqa: S105 - the variable's name
TTL_SECONDS = 30 * 24 * 3600  # bounds the store's size; pushed back on every hit
RETRY_DELAYS = (0.5, 1.0, 2.0, 5.0, 10.0, 30.0)  # between probes of a store that failed
PEER_POLL_SECONDS = 0.05
# A batch looks up hundreds of keys at once; they take turns on a few connections.
MAX_CONNECTIONS = 16
OFF, OK, UNAVAILABLE = "off", "ok", "unavailable"


@dataclass(frozen=True, slots=True)
class SharedConfig:
    url: str  # without a password: safe to show
    password: str | None = None
    username: str | None = None
    timeout_seconds: float = 0.15
    secret: bytes | None = None
    ttl_seconds: int = TTL_SECONDS
    in_flight_seconds: float = 30.0  # how long peers wait for the one asking the provider

    @property
    def shown(self) -> str:
        parts = urlsplit(self.url)
        return f"{parts.scheme}://{parts.netloc.rpartition('@')[2]}{parts.path}"


def _same_store(a: str, b: str) -> bool:
    one, two = urlsplit(a), urlsplit(b)
    if one.scheme != two.scheme:
        return False
    if one.scheme == "unix":
        return one.path == two.path
    return (one.hostname, one.port or 6379) == (two.hostname, two.port or 6379)


def shared_config(
    url: str, timeout_ms: int, environ: Mapping[str, str] | None = None, in_flight_seconds: float = 30.0
) -> SharedConfig:
    """The store at `url` (from settings), with its credentials from the environment only."""
    env = os.environ if environ is None else environ
    password = env.get(PASSWORD_VARIABLE) or None
    username = urlsplit(url).username
    from_env = env.get(SHARED_URL_VARIABLE, "").strip()
    if from_env:
        try:
            parts = urlsplit(from_env)
            if _same_store(from_env, url):  # that URL's password is for that host only
                password = password or parts.password
                username = username or parts.username
        except ValueError:
            pass  # reported by the settings' environment layer
    secret = env.get(SECRET_VARIABLE, "").encode() or None
    return SharedConfig(
        without_password(url),
        password,
        username,
        timeout_ms / 1000.0,
        secret,
        in_flight_seconds=max(1.0, min(in_flight_seconds, 120.0)),
    )


def _refuses_writes(error: BaseException) -> bool:
    """An ACL that lets this user read only, or a read-only replica: not a failing store."""
    name = error.__class__.__name__
    return name in ("NoPermissionError", "ReadOnlyError") or any(w in str(error) for w in ("NOPERM", "READONLY"))


class StoreUnavailable(Exception):
    """The store did not answer properly in time (the message names no credentials)."""


class SharedStore:
    """One process's connection to the team's store; every method is safe to call when it is down."""

    def __init__(self, config: SharedConfig) -> None:
        self.config = config
        self.state = OK
        self.reason = ""
        self.counts: dict[str, int] = dict.fromkeys(
            ("hits", "misses", "writes", "rejected", "invalid", "errors", "peerWaits"), 0
        )
        self._token = secrets.token_hex(8)
        self._client: Any = None
        self._slots = asyncio.Semaphore(MAX_CONNECTIONS)
        self._loop: asyncio.AbstractEventLoop | None = None
        self._retry: asyncio.Task[None] | None = None
        self._mine: dict[str, float] = {}  # keys this process is asking the provider for
        self._writable = True
        self._warned_rejected = False
        try:
            import redis.asyncio  # noqa: F401 - the optional `mu-lsp[team]` extra
        except ImportError:
            self.state, self.reason = UNAVAILABLE, "the Redis client is not installed (pip install 'mu-lsp[team]')"
            log.warning("[cache] shared ignored: %s; summaries stay local", self.reason)

    # -- connection ----------------------------------------------------------------------------

    def _redis(self) -> Any:
        """A client for the running loop (the CLI runs more than one loop in a process)."""
        loop = asyncio.get_running_loop()
        if self._client is None or self._loop is not loop:
            from redis.asyncio import Redis
            from redis.backoff import NoBackoff
            from redis.retry import Retry

            config = self.config
            timeout = config.timeout_seconds
            self._client = Redis.from_url(
                config.url,
                password=config.password,
                username=config.username,
                socket_timeout=timeout,
                socket_connect_timeout=timeout,
                retry=Retry(NoBackoff(), 0),  # retries are ours: in the background, not in a lookup
                max_connections=MAX_CONNECTIONS,
                health_check_interval=0,
            )
            self._loop = loop
            self._slots = asyncio.Semaphore(MAX_CONNECTIONS)
        return self._client

    async def _call(self, operation: Callable[[Any], Awaitable[T]]) -> T:
        """One bounded round trip; any failure becomes `StoreUnavailable` (and turns the store off).

        A first timeout is tried once more: a worker's event loop can stall for a couple of hundred
        ms (LiteLLM's import in a thread), and that is not the store's fault."""
        from redis import exceptions

        for attempt in (1, 2):
            try:
                client = self._redis()
                async with self._slots:
                    if self.state != OK:  # it failed while this call waited for a connection
                        raise StoreUnavailable(self.reason)
                    async with asyncio.timeout(self.config.timeout_seconds * 2):
                        return await operation(client)
            except (exceptions.TimeoutError, TimeoutError) as error:
                if attempt == 1:
                    continue
                self._fail(error)
            except exceptions.ResponseError as error:
                if _refuses_writes(error):
                    self._read_only(error)  # an ACL that lets this user read only: not a failure
                else:
                    self._fail(error)
            except (exceptions.RedisError, OSError, ValueError) as error:
                self._fail(error)
            break
        raise StoreUnavailable(self.reason)

    def _describe(self, error: BaseException) -> str:
        text = str(error) or error.__class__.__name__
        if self.config.password:
            text = text.replace(self.config.password, "<redacted>")
        if isinstance(error, TimeoutError) or "Timeout" in error.__class__.__name__:
            text = f"no answer within {self.config.timeout_seconds * 1000:.0f} ms"
        elif "Authentication" in error.__class__.__name__ or "NOAUTH" in text or "WRONGPASS" in text:
            text = f"authentication failed (set {PASSWORD_VARIABLE})"
        return scrub(f"{error.__class__.__name__}: {text}")[:300]

    def _read_only(self, error: BaseException) -> None:
        if self._writable:
            self._writable = False
            log.warning("the shared summary store refuses writes (%s); reading from it only", self._describe(error))

    def _fail(self, error: BaseException) -> None:
        self.counts["errors"] += 1
        self.reason = self._describe(error)
        if self.state != OK:
            return
        self.state = UNAVAILABLE
        log.warning(
            "shared summary store %s is unavailable (%s); using the local cache only, trying again in the background",
            self.config.shown,
            self.reason,
        )
        self._client = None  # its connections may be half-read: start afresh
        self._retry = asyncio.get_running_loop().create_task(self._probe())

    async def _probe(self) -> None:
        """Ask the store again, less and less often, until it answers."""
        attempt = 0
        while self.state == UNAVAILABLE:
            await asyncio.sleep(RETRY_DELAYS[min(attempt, len(RETRY_DELAYS) - 1)])
            attempt += 1
            try:
                async with asyncio.timeout(self.config.timeout_seconds * 2):
                    await self._redis().ping()
            except Exception as error:  # the store is still away: say nothing more
                self.reason = self._describe(error)
                self._client = None
                continue
            self.state, self.reason = OK, ""
            log.info("shared summary store %s is available again", self.config.shown)

    # -- entries -------------------------------------------------------------------------------

    def _accept(self, key: str, raw: Any) -> CachedSummary | None:
        decoded = decode(key, raw, self.config.secret)
        if decoded.verdict is Verdict.OK:
            self.counts["hits"] += 1
            return decoded.entry
        if decoded.verdict is Verdict.INVALID:
            self.counts["invalid"] += 1
        else:
            self.counts["rejected"] += 1
            if not self._warned_rejected:
                self._warned_rejected = True
                log.warning(
                    "ignoring shared summaries without a valid signature (%s): a client with another or no "
                    "MU_SHARED_CACHE_SECRET wrote them",
                    decoded.verdict.value,
                )
        return None

    async def get(self, cache_key: str) -> CachedSummary | None:
        """The team's summary for `cache_key`; None when absent, refused, or the store is away.
        After a plain miss the key is claimed, or a peer's answer awaited (`claim_or_wait`)."""
        if self.state != OK:
            return None
        key = store_key(cache_key)

        async def fetch(client: Any) -> list[Any]:
            async with client.pipeline(transaction=False) as pipe:
                pipe.get(key)
                pipe.expire(key, self.config.ttl_seconds)  # used entries stay; a read-only user may not
                result: list[Any] = await pipe.execute(raise_on_error=False)
                return result

        try:
            raw = (await self._call(fetch))[0]
        except StoreUnavailable:
            return None
        if isinstance(raw, Exception):
            if "WRONGTYPE" not in str(raw):
                self._fail(raw)
                return None
            raw = b"\x00"  # a key of another type in our namespace: an invalid entry
        if raw is None:
            self.counts["misses"] += 1
            return await self.claim_or_wait(cache_key)
        return self._accept(key, raw)

    async def claim_or_wait(self, cache_key: str) -> CachedSummary | None:
        """After a miss: mark the key as being asked for, or, when a peer already did, wait for its
        answer. None: ask the provider (the claim is ours, or the peer gave up, or the store is away)."""
        if self.state != OK or not self._writable or self.config.in_flight_seconds <= 0:
            return None
        now = time.monotonic()
        if self._mine.get(cache_key, 0.0) > now:
            return None  # this process is already asking; the pool merges the two
        in_flight_ms = int(self.config.in_flight_seconds * 1000)
        key, marker = store_key(cache_key), flight_key(cache_key)

        async def claim(client: Any) -> list[Any]:
            async with client.pipeline(transaction=False) as pipe:
                pipe.set(marker, self._token, nx=True, px=in_flight_ms)
                pipe.get(key)  # a peer may have answered between our lookup and the claim
                result: list[Any] = await pipe.execute(raise_on_error=False)
                return result

        try:
            claimed, raw = await self._call(claim)
        except StoreUnavailable:
            return None
        if claimed is True:
            if raw is not None and not isinstance(raw, Exception):
                self._mine[cache_key] = now + self.config.in_flight_seconds
                await self.abandon(cache_key)
                return self._accept(key, raw)
            self._mine = {k: t for k, t in self._mine.items() if t > now}
            self._mine[cache_key] = now + self.config.in_flight_seconds
            return None
        if isinstance(claimed, Exception):
            if _refuses_writes(claimed):
                self._read_only(claimed)
            return None
        if raw is not None and not isinstance(raw, Exception):
            return self._accept(key, raw)
        self.counts["peerWaits"] += 1
        deadline = now + self.config.in_flight_seconds
        while time.monotonic() < deadline and self.state == OK:
            await asyncio.sleep(PEER_POLL_SECONDS)
            try:
                raw, pending = await self._call(lambda c: c.mget(key, marker))
            except StoreUnavailable:
                return None
            if raw is not None:
                return self._accept(key, raw)
            if pending is None:
                return None  # the peer failed: ask ourselves
        return None

    async def put(self, cache_key: str, entry: CachedSummary) -> None:
        """Share a new summary (only successful, non-empty ones reach here) and drop our marker."""
        self._mine.pop(cache_key, None)
        if self.state != OK or not self._writable or not entry.summary:
            return
        key = store_key(cache_key)
        value = encode(key, entry, self.config.secret)

        async def write(client: Any) -> list[Any]:
            async with client.pipeline(transaction=False) as pipe:
                pipe.set(key, value, ex=self.config.ttl_seconds)
                pipe.delete(flight_key(cache_key))
                result: list[Any] = await pipe.execute(raise_on_error=False)
                return result

        try:
            outcome = (await self._call(write))[0]
        except StoreUnavailable:
            return
        if isinstance(outcome, Exception):
            if _refuses_writes(outcome):
                self._read_only(outcome)
            else:
                self._fail(outcome)
            return
        self.counts["writes"] += 1

    async def abandon(self, cache_key: str) -> None:
        """Our provider call failed: drop our in-flight marker so waiting peers ask for themselves."""
        if self._mine.pop(cache_key, None) is None or self.state != OK:
            return
        marker = flight_key(cache_key)
        with contextlib.suppress(StoreUnavailable):
            await self._call(lambda c: c.delete(marker))

    def stats(self) -> dict[str, Any]:
        return {"state": self.state, "store": self.config.shown, "reason": self.reason, **self.counts}

    async def aclose(self) -> None:
        if self._retry is not None:
            self._retry.cancel()
        client, self._client = self._client, None
        if client is not None and self._loop is asyncio.get_running_loop():
            try:
                await client.aclose()
            except Exception:  # closing is best effort
                log.debug("closing the shared store failed", exc_info=True)

    def close(self) -> None:
        """Synchronous close: stop probing; connections go with their loop."""
        if self._retry is not None:
            self._retry.cancel()
        self._client = None
