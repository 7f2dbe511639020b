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

__all__ = ["Bucket", "RateLimitConfig", "RateLimiter"]

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


class Bucket:
    """One budget (a location, or a token): the limits learnt so far and recent request starts.

    Obtained once per call from ``RateLimiter.bucket(key)``, so the key is computed once."""

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
        #: Taken only by callers that must wait; the uncontended path never touches it.
        self.lock = anyio.Lock(fast_acquire=True)
        self.paused_until = 0.0


class RateLimiter:
    """A sliding-window limiter per bucket: ``acquire`` waits, ``observe`` reads headers.

    The pipeline asks ``try_acquire`` first: when the bucket has room and nobody is queued it
    records the start and returns at once, with no lock and no await (the common case); only
    otherwise does it ``wait`` in the bucket's queue.
    """

    def __init__(self, config: RateLimitConfig, clock: Clock) -> None:
        self.config = config
        self._clock = clock
        self._buckets: dict[Hashable, Bucket] = {}

    def bucket(self, key: Hashable) -> Bucket:
        """The bucket for ``key`` (created on first use)."""
        bucket = self._buckets.get(key)
        if bucket is None:
            bucket = self._buckets[key] = Bucket(self.config)
        return bucket

    def snapshot(self, key: Hashable) -> dict[str, float | int | None]:
        """The bucket's current view (for progress displays and tests)."""
        bucket = self.bucket(key)
        return {
            "max_requests": bucket.max_requests,
            "interval": bucket.interval,
            "in_window": len(bucket.starts),
            "daily_remaining": bucket.daily_remaining,
            "paused_for": max(0.0, bucket.paused_until - self._clock.monotonic()),
        }

    async def acquire(self, key: Hashable) -> float:
        """Wait until a request may start in this bucket; return the seconds waited."""
        bucket = self.bucket(key)
        if self.try_acquire(bucket):
            return 0.0
        return await self.wait(bucket)

    def _room(self, bucket: Bucket, now: float) -> float:
        """Seconds until a request may start (<= 0: now), dropping starts that left the window."""
        limit = max(1, bucket.max_requests - self.config.reserve)
        window = bucket.interval + self.config.margin
        starts = bucket.starts
        horizon = now - window
        while starts and starts[0] <= horizon:
            starts.popleft()
        delay = bucket.paused_until - now
        if len(starts) >= limit:
            delay = max(delay, starts[0] + window - now)
        return delay

    def try_acquire(self, bucket: Bucket) -> bool:
        """Start a request now if the bucket has room and nobody waits; else False."""
        if not self.config.enabled:
            return True
        if bucket.lock.locked():
            return False
        remaining = bucket.daily_remaining
        if remaining is not None and remaining <= 0:
            return False
        now = self._clock.monotonic()
        if self._room(bucket, now) > 0:
            return False
        bucket.starts.append(now)
        if remaining is not None:
            bucket.daily_remaining = remaining - 1
        return True

    async def wait(self, bucket: Bucket) -> float:
        """Queue for the bucket until a request may start; return the seconds waited."""
        if not self.config.enabled:
            return 0.0
        waited = 0.0
        async with bucket.lock:
            daily_spent = bucket.daily_remaining is not None and bucket.daily_remaining <= 0
            if daily_spent and not self.config.wait_for_daily:
                now = self._clock.time()
                raise RateLimitError(
                    "the daily request budget for this location is spent",
                    status=429,
                    retry_after=_seconds_to_utc_midnight(now),
                    observed_at=now,
                )
            if daily_spent:  # the caller opted in to waiting for the new day
                seconds = _seconds_to_utc_midnight(self._clock.time())
                waited += seconds
                await self._clock.sleep(seconds)
                bucket.daily_remaining = None
            while True:
                # Re-read each round: responses to earlier requests refine the bucket's limits.
                delay = self._room(bucket, self._clock.monotonic())
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
        """Update the bucket from a response's ``X-RateLimit-*`` headers."""
        self.observe_bucket(self.bucket(key), headers, status)

    def observe_bucket(self, bucket: Bucket, headers: Mapping[str, str], status: int) -> None:
        """Like ``observe``, for a bucket already looked up.

        A 429 does not pause the bucket here: the retry decision sets that pause, equal to the
        delay the retry then sleeps (``Retry-After``, or the interval when none is given)."""
        if not self.config.enabled:
            return
        get = headers.get
        limit = _int(get("x-ratelimit-max"))
        if limit and limit != bucket.max_requests:
            bucket.max_requests = limit
        interval_ms = _int(get("x-ratelimit-interval-milliseconds"))
        if interval_ms:
            bucket.interval = interval_ms / 1000.0
        daily_remaining = _int(get("x-ratelimit-daily-remaining"))
        if daily_remaining is not None:
            bucket.daily_remaining = daily_remaining
        if status != 429:
            remaining = _int(get("x-ratelimit-remaining"))
            if remaining is not None and remaining <= 0:
                # The server's window is full (perhaps through other processes): let it drain.
                self.hold(bucket, bucket.interval)

    def hold(self, bucket: Bucket, seconds: float) -> None:
        """Let no request of ``bucket`` start for ``seconds`` from now."""
        until = self._clock.monotonic() + seconds
        if until > bucket.paused_until:
            bucket.paused_until = until

    def pause(self, key: Hashable, seconds: float) -> None:
        """Hold every request of the bucket for ``seconds`` (a 429's ``Retry-After``)."""
        self.hold(self.bucket(key), seconds)


def _int(value: str | None) -> int | None:
    if value is None:
        return None
    try:
        return int(value)
    except ValueError:
        pass
    try:
        return int(float(value))
    except (ValueError, OverflowError):
        return None


def _seconds_to_utc_midnight(now: float) -> float:
    return 86400.0 - (now % 86400.0)
