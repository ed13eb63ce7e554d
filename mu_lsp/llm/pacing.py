"""How fast the pool sends: the delay between attempts, how long a Retry-After is honoured, and
how many requests one endpoint gets at once.

* `Backoff`: base * 2**n, capped, with jitter; a provider's Retry-After is honoured as asked
  (not capped by the backoff cap) up to `MAX_RETRY_AFTER_SECONDS`. Asked for longer, the pool
  fails that request at once ("rate-limited by ... until 14:05") rather than hold a summary
  for an hour; the user retries with a click.
* `AdaptiveLimiter`: the pool's one concurrency limit. An endpoint on this machine (a
  llama.cpp or Ollama server) usually answers one request at a time, and queued requests then
  only wait at the server, where no timeout can tell waiting from hanging. So a loopback
  endpoint without an explicit `[llm] concurrency` starts at 1 and adapts:
  - after `RAISE_AFTER` answers in a row whose time to first token stayed within
    `SLOWDOWN_FACTOR` x the fastest seen, the limit grows by one (up to the provider's
    default);
  - a first token slower than that, or a timeout, means the server is queueing: the limit
    drops by one (not below 1) and the count starts again.
"""

from __future__ import annotations

import asyncio
import contextlib
import random
import time
from collections import deque
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

MAX_RETRY_AFTER_SECONDS = 120.0
RAISE_AFTER = 3
SLOWDOWN_FACTOR = 2.0


@dataclass(frozen=True, slots=True)
class Backoff:
    """Delays between attempts: base * 2**n, capped, times a jitter in [1, 1 + jitter]."""

    base: float = 2.0
    cap: float = 60.0
    jitter: float = 0.25

    def delay(self, retry: int, retry_after: float | None) -> float:
        spread = 1.0 + random.random() * self.jitter
        if retry_after is not None:
            # The provider's own wait is the minimum; the jitter keeps waiters from returning at once.
            return float(retry_after * spread) if retry_after > 0 else 0.0
        return float(min(self.cap, self.base * (2.0**retry) * spread))


def clock_time(epoch: float) -> str:
    """`14:05`: when, in the user's local time (what a lens has room for)."""
    return time.strftime("%H:%M", time.localtime(epoch))


class AdaptiveLimiter:
    """A semaphore whose limit can move between 1 and `ceiling` while requests run."""

    def __init__(self, start: int, ceiling: int, adaptive: bool) -> None:
        self.limit = max(1, min(start, ceiling))
        self.ceiling = max(self.limit, ceiling)
        self.adaptive = adaptive
        self._running = 0
        self._fastest: float | None = None
        self._streak = 0
        self._waiters: deque[asyncio.Future[None]] = deque()

    @property
    def running(self) -> int:
        return self._running

    @asynccontextmanager
    async def slot(self) -> AsyncIterator[None]:
        while self._running >= self.limit:
            waiter = asyncio.get_running_loop().create_future()
            self._waiters.append(waiter)
            try:
                await waiter
            except asyncio.CancelledError:
                if waiter.done() and not waiter.cancelled():
                    self._wake()  # woken and cancelled at once: pass the turn on
                raise
            finally:
                with contextlib.suppress(ValueError):
                    self._waiters.remove(waiter)
        self._running += 1
        try:
            yield
        finally:
            self._running -= 1
            self._wake()

    def _wake(self) -> None:
        free = self.limit - self._running
        for waiter in list(self._waiters):
            if free <= 0:
                break
            if not waiter.done():
                waiter.set_result(None)
                free -= 1

    def answered(self, first_token_seconds: float | None) -> None:
        """An answer arrived; `first_token_seconds` says how long the server made it wait."""
        if not self.adaptive or first_token_seconds is None:
            return
        fastest = self._fastest = min(self._fastest or first_token_seconds, first_token_seconds)
        if first_token_seconds > max(fastest * SLOWDOWN_FACTOR, fastest + 1.0):
            self._lower()
            return
        self._streak += 1
        if self._streak >= RAISE_AFTER and self.limit < self.ceiling:
            self.limit += 1
            self._streak = 0
            self._wake()

    def timed_out(self) -> None:
        if self.adaptive:
            self._lower()

    def _lower(self) -> None:
        self.limit = max(1, self.limit - 1)
        self._streak = 0
