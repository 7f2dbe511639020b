"""Client-side pacing that mirrors HighLevel's limits, so a busy client queues instead of failing.

HighLevel allows 100 requests per 10 s and 200,000 a day, per app and location, and reports the
state in ``X-RateLimit-*`` headers on every response. Each bucket (a location or token) keeps a
sliding log of when its recent requests started and lets a new one start only while the log holds
fewer than the limit; the headers keep the limit, the interval and the remaining budget in step with
the server's view (which also counts other processes using the same app).
"""

from __future__ import annotations

import collections
from collections.abc import Hashable, Mapping

import anyio
import attrs

from .._clock import Clock
from .._errors import RateLimitError

__all__ = ["RateLimitConfig", "RateLimiter"]

_MAX_WAIT_SLICE = 0.5


@attrs.frozen
class RateLimitConfig:
    """Starting limits (the headers refine them). ``wait_for_daily`` sleeps through a spent day."""

    max_requests: int = 100
    interval: float = 10.0
    daily: int | None = 200_000
    #: Safety margin: requests kept in reserve and seconds added to the window, so latency
    #: jitter between our clock and the server's never pushes a request over the edge.
    reserve: int = 1
    margin: float = 0.25
    wait_for_daily: bool = False
    enabled: bool = True


class _Bucket:
    __slots__ = (
        "daily_remaining",
        "interval",
        "lock",
        "max_requests",
        "paused_until",
        "starts",
    )

    def __init__(self, config: RateLimitConfig) -> None:
        self.max_requests = config.max_requests
        self.interval = config.interval
        self.daily_remaining: int | None = None
        self.starts: collections.deque[float] = collections.deque()
        self.lock = anyio.Lock(fast_acquire=True)  # no event-loop round trip when free
        self.paused_until = 0.0


class RateLimiter:
    """A sliding-window limiter per bucket: ``acquire`` waits, ``observe`` reads headers."""

    def __init__(self, config: RateLimitConfig, clock: Clock) -> None:
        self.config = config
        self._clock = clock
        self._buckets: dict[Hashable, _Bucket] = {}

    def _bucket(self, key: Hashable) -> _Bucket:
        bucket = self._buckets.get(key)
        if bucket is None:
            bucket = self._buckets[key] = _Bucket(self.config)
        return bucket

    def snapshot(self, key: Hashable) -> dict[str, float | int | None]:
        """The bucket's current view (for progress displays and tests)."""
        bucket = self._bucket(key)
        return {
            "max_requests": bucket.max_requests,
            "interval": bucket.interval,
            "in_window": len(bucket.starts),
            "daily_remaining": bucket.daily_remaining,
        }

    async def acquire(self, key: Hashable) -> float:
        """Wait until a request may start in this bucket; return the seconds waited."""
        if not self.config.enabled:
            return 0.0
        bucket = self._bucket(key)
        waited = 0.0
        async with bucket.lock:
            daily_spent = bucket.daily_remaining is not None and bucket.daily_remaining <= 0
            if daily_spent and not self.config.wait_for_daily:
                raise RateLimitError(
                    "the daily request budget for this location is spent",
                    status=429,
                    retry_after=_seconds_to_utc_midnight(self._clock.time()),
                )
            if daily_spent:  # the caller opted in to waiting for the new day
                await self._clock.sleep(_seconds_to_utc_midnight(self._clock.time()))
                bucket.daily_remaining = None
            while True:
                # Re-read each round: responses to earlier requests refine the bucket's limits.
                limit = max(1, bucket.max_requests - self.config.reserve)
                window = bucket.interval + self.config.margin
                now = self._clock.monotonic()
                while bucket.starts and bucket.starts[0] <= now - window:
                    bucket.starts.popleft()
                delay = bucket.paused_until - now
                if len(bucket.starts) >= limit:
                    delay = max(delay, bucket.starts[0] + window - now)
                if delay <= 0:
                    break
                # Wait in slices: a response may meanwhile teach us the real (shorter) window.
                step = min(delay, _MAX_WAIT_SLICE)
                waited += step
                await self._clock.sleep(step)
            bucket.starts.append(self._clock.monotonic())
            if bucket.daily_remaining is not None:
                bucket.daily_remaining -= 1
        return waited

    def observe(self, key: Hashable, headers: Mapping[str, str], status: int) -> None:
        """Update the bucket from a response's ``X-RateLimit-*`` headers (lower-cased keys)."""
        if not self.config.enabled:
            return
        bucket = self._bucket(key)
        limit = _int(headers.get("x-ratelimit-max"))
        interval_ms = _int(headers.get("x-ratelimit-interval-milliseconds"))
        remaining = _int(headers.get("x-ratelimit-remaining"))
        daily_remaining = _int(headers.get("x-ratelimit-daily-remaining"))
        if limit:
            bucket.max_requests = limit
        if interval_ms:
            bucket.interval = interval_ms / 1000.0
        if daily_remaining is not None:
            bucket.daily_remaining = daily_remaining
        if status == 429 or (remaining is not None and remaining <= 0):
            # The server's window is full (perhaps through other processes): stop until it drains.
            now = self._clock.monotonic()
            bucket.paused_until = max(bucket.paused_until, now + bucket.interval)

    def pause(self, key: Hashable, seconds: float) -> None:
        """Hold every request of the bucket for ``seconds`` (a 429's ``Retry-After``)."""
        bucket = self._bucket(key)
        bucket.paused_until = max(bucket.paused_until, self._clock.monotonic() + seconds)


def _int(value: str | None) -> int | None:
    if value is None:
        return None
    try:
        return int(float(value))
    except ValueError:
        return None


def _seconds_to_utc_midnight(now: float) -> float:
    return 86400.0 - (now % 86400.0)
