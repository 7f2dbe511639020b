"""Replay protection for webhooks: recently seen ``webhookId`` values, bounded and expiring."""

from __future__ import annotations

from collections import OrderedDict
from typing import Protocol

from .._clock import Clock, SystemClock

__all__ = ["MemoryReplayStore", "ReplayStore"]


class ReplayStore(Protocol):
    """Pluggable (e.g. Redis ``SET NX EX`` when several bot processes share the traffic)."""

    async def first_time(self, webhook_id: str) -> bool:
        """Record ``webhook_id``; True if it was not seen within the TTL (atomic)."""
        ...

    async def forget(self, webhook_id: str) -> None:
        """Drop it again (the event will be retried and must then be accepted)."""
        ...


class MemoryReplayStore:
    """In-process store: at most ``max_size`` ids, each remembered ``ttl`` seconds."""

    def __init__(
        self, *, ttl: float = 600.0, max_size: int = 100_000, clock: Clock | None = None
    ) -> None:
        if ttl <= 0 or max_size <= 0:
            raise ValueError("ttl and max_size must be positive")
        self.ttl = ttl
        self.max_size = max_size
        self._clock = clock or SystemClock()
        self._seen: OrderedDict[str, float] = OrderedDict()

    def __len__(self) -> int:
        return len(self._seen)

    def _expire(self, now: float) -> None:
        while self._seen:
            oldest, seen_at = next(iter(self._seen.items()))
            if now - seen_at < self.ttl and len(self._seen) <= self.max_size:
                break
            del self._seen[oldest]

    async def first_time(self, webhook_id: str) -> bool:
        """Record ``webhook_id``; True if it was not seen within ``ttl`` seconds."""
        now = self._clock.monotonic()
        self._expire(now)
        if webhook_id in self._seen:
            return False
        self._seen[webhook_id] = now
        self._expire(now)
        return True

    async def forget(self, webhook_id: str) -> None:
        """Drop ``webhook_id``: the delivery failed, and HighLevel's retry must be accepted."""
        self._seen.pop(webhook_id, None)
