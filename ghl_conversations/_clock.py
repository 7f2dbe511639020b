"""Time as a dependency: the real clock, and a manual one so tests cover minutes in milliseconds.

Cursor expiry (2 minutes), rate windows (10 seconds) and backoff all read time through a ``Clock``;
the SDK never calls ``time`` or ``asyncio.sleep`` directly.
"""

from __future__ import annotations

import time
from typing import Protocol

import anyio
import anyio.lowlevel

__all__ = ["Clock", "ManualClock", "SystemClock"]


class Clock(Protocol):
    """Where the SDK reads time and sleeps: ``SystemClock``, or ``ManualClock`` in tests."""

    def monotonic(self) -> float:
        """Seconds on a clock that never goes back (for intervals)."""
        ...

    def time(self) -> float:
        """Seconds since the epoch (for dates and expiry timestamps)."""
        ...

    async def sleep(self, seconds: float) -> None:
        """Wait ``seconds`` on this clock."""
        ...


class SystemClock:
    """The real clock."""

    def monotonic(self) -> float:
        """Seconds on a clock that never goes back."""
        return time.monotonic()

    def time(self) -> float:
        """Seconds since the epoch."""
        return time.time()

    async def sleep(self, seconds: float) -> None:
        """Wait ``seconds`` (negative values wait nothing)."""
        await anyio.sleep(max(0.0, seconds))

    def __repr__(self) -> str:
        return "SystemClock()"


class ManualClock:
    """A clock that moves only when told to, or when something sleeps on it.

    ``sleep`` advances the clock to the sleeper's wake-up time at once (then yields to the event
    loop), so code that waits out a rate window or a backoff runs instantly while still observing
    the time it would have waited. ``advance`` moves time forward by hand, e.g. to expire a cursor.
    Share one instance between the fake server and the client to keep them in step.
    """

    def __init__(self, start: float = 1_700_000_000.0) -> None:
        self._now = float(start)
        self.slept: list[float] = []

    def monotonic(self) -> float:
        """Seconds on a clock that never goes back."""
        return self._now

    def time(self) -> float:
        """Seconds since the epoch."""
        return self._now

    def advance(self, seconds: float) -> None:
        """Move time forward by ``seconds`` without sleeping (e.g. to expire a cursor)."""
        if seconds < 0:
            raise ValueError("time does not go backwards")
        self._now += seconds

    async def sleep(self, seconds: float) -> None:
        """Advance the clock by ``seconds`` at once (recorded in ``slept``), then yield."""
        seconds = max(0.0, seconds)
        self.slept.append(seconds)
        self._now += seconds
        await anyio.lowlevel.checkpoint()

    def __repr__(self) -> str:
        return f"ManualClock(now={self._now:.3f})"
